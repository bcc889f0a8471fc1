"""The compile cache (`metricdsl sql`) and the per-file parse cache: hits are identical, edits miss."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import REPO_ROOT


def sql(project: Path, cache: Path, *extra: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "METRICDSL_CACHE_DIR": str(cache)}
    env.pop("METRICDSL_NO_CACHE", None)
    result = subprocess.run([sys.executable, "-m", "metricdsl", "sql", str(project), "--query", "monthly_kpi", *extra],
                            env=env, capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "specs"
    shutil.copytree(REPO_ROOT / "specs", folder, ignore=shutil.ignore_patterns("data"))
    return folder


def test_a_cache_hit_prints_the_same_sql(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = sql(project, cache)
    assert any(cache.iterdir()), "the first run stores its SQL"
    assert sql(project, cache) == first == sql(project, cache, "--no-cache")


def test_an_edited_spec_misses_the_cache(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = sql(project, cache)
    metrics = project / "metrics.metric"
    metrics.write_text(metrics.read_text(encoding="utf-8").replace("'paid'", "'refunded'", 1), encoding="utf-8")
    after = sql(project, cache)
    assert after != before and "'refunded'" in after


def test_a_damaged_cache_entry_is_ignored(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from metricdsl.pipeline.load import load

    cache = tmp_path / "cache"
    monkeypatch.setenv("METRICDSL_CACHE_DIR", str(cache))
    monkeypatch.delenv("METRICDSL_NO_CACHE", raising=False)
    fresh = load(project)
    entries = [p for p in cache.iterdir() if p.name.startswith("ast-")]
    assert len(entries) == len(list(project.glob("*.metric")))
    remembered = load(project)
    assert remembered.model == fresh.model and remembered.diagnostics == fresh.diagnostics
    for entry in entries:
        entry.write_bytes(b"not a pickle")
    assert load(project).model == fresh.model


def test_parse_errors_are_remembered_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from metricdsl.pipeline.load import load

    monkeypatch.setenv("METRICDSL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("METRICDSL_NO_CACHE", raising=False)
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.metric").write_text("metrc x = 1\nmetric y = (1 +\n", encoding="utf-8")
    first, second = load(tmp_path / "p"), load(tmp_path / "p")
    assert [d.code for d in first.diagnostics] == ["E002", "E002"]
    assert second.diagnostics == first.diagnostics
