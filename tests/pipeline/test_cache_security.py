"""The caches trust nothing they read back: planted entries are ignored, and the one pickle read
back (the checked project) is read by an unpickler that builds IR nodes and nothing else.

The threat: a cache folder that someone else can write (a CI cache shared between branches). Entry
names are computable hashes, so an attacker can plant an entry under the exact name the next
compile will read. Every entry carries an HMAC under a per-user secret key (a 0600 file outside
the cache folder); an entry whose MAC does not verify is a miss.
"""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import REPO_ROOT

from metricdsl.pipeline import store
from metricdsl.pipeline.cache import cached_sql, sql_key
from metricdsl.pipeline.request import QueryRequest

MONTHLY = QueryRequest(query="monthly_kpi")
PLANTED_SQL = "SELECT 'owned_by_attacker' AS x; DROP TABLE dw.fact_orders;\n"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("METRICDSL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("METRICDSL_CACHE_KEY_FILE", str(tmp_path / "config" / "cache.key"))
    monkeypatch.delenv("METRICDSL_NO_CACHE", raising=False)
    folder = tmp_path / "specs"
    shutil.copytree(REPO_ROOT / "specs", folder, ignore=shutil.ignore_patterns("data"))
    return folder


class Boom:
    """Unpickling this runs code: it creates the file named in `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_planted_sql_entry_is_never_printed(project: Path, tmp_path: Path) -> None:
    entry = sql_key(project, MONTHLY, "duckdb", "3.4")
    assert entry is not None
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / entry).write_bytes(PLANTED_SQL.encode())
    text = cached_sql(project, MONTHLY, "duckdb", "3.4")
    assert "owned_by_attacker" not in text and text.startswith("-- metricdsl query: monthly_kpi")
    assert store.get(entry) == text  # the real SQL replaced the planted entry


def test_an_entry_copied_under_another_name_is_ignored(project: Path) -> None:
    duck = cached_sql(project, MONTHLY, "duckdb", "3.4")
    impala_entry = sql_key(project, MONTHLY, "impala", "3.4")
    duck_entry = sql_key(project, MONTHLY, "duckdb", "3.4")
    assert impala_entry and duck_entry
    folder = store.cache_dir()
    shutil.copy(folder / duck_entry, folder / impala_entry)  # a valid MAC, but for another key
    impala = cached_sql(project, MONTHLY, "impala", "3.4")
    assert impala != duck and "(impala 3.4)" in impala


def test_an_entry_signed_with_another_key_is_ignored(project: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    entry = sql_key(project, MONTHLY, "duckdb", "3.4")
    assert entry is not None
    monkeypatch.setenv("METRICDSL_CACHE_KEY_FILE", str(tmp_path / "attacker.key"))
    store.put(entry, PLANTED_SQL)  # the attacker's own key signs it
    monkeypatch.setenv("METRICDSL_CACHE_KEY_FILE", str(tmp_path / "config" / "cache.key"))
    assert "owned_by_attacker" not in cached_sql(project, MONTHLY, "duckdb", "3.4")


def test_a_planted_pickle_in_the_parse_cache_runs_nothing(project: Path, tmp_path: Path) -> None:
    from metricdsl.pipeline.load import load
    from metricdsl.source import read_source

    marker = tmp_path / "pwned"
    fresh = load(project)
    for path in sorted(project.glob("*.metric")):
        source = read_source(path)
        entry = store.file_key("ast", source.path, source.text.encode("utf-8"))
        (store.cache_dir() / entry).write_bytes(pickle.dumps(Boom(marker)))
    again = load(project)
    assert not marker.exists(), "a planted pickle ran code"
    assert again.model == fresh.model


def test_a_planted_checked_project_runs_nothing(project: Path, tmp_path: Path) -> None:
    """Unsigned, the entry is a miss; signed with the user's own key (the worst case), the unpickler
    still refuses what is not an IR node."""
    from metricdsl.pipeline.cache import checked_project

    marker = tmp_path / "pwned"
    fresh = checked_project(project)
    (entry,) = [p.name for p in store.cache_dir().glob("project-*")]
    (store.cache_dir() / entry).write_bytes(pickle.dumps(Boom(marker)))
    assert checked_project(project) == fresh
    store.put_bytes(entry, pickle.dumps(Boom(marker)))
    assert checked_project(project) == fresh
    assert not marker.exists(), "a planted pickle ran code"
    store.put_bytes(entry, pickle.dumps({"not": "a project"}))
    assert checked_project(project) == fresh


def test_only_the_checked_project_is_unpickled_and_only_by_the_ir_unpickler() -> None:
    users = sorted(str(p.relative_to(REPO_ROOT)) for p in (REPO_ROOT / "metricdsl").rglob("*.py")
                   if "pickle" in p.read_text(encoding="utf-8"))
    assert users == ["metricdsl/pipeline/cache.py"]
    text = (REPO_ROOT / "metricdsl" / "pipeline" / "cache.py").read_text(encoding="utf-8")
    assert "pickle.load" not in text and "pickle.Unpickler.load" not in text


def test_the_key_file_is_private_and_reused(project: Path, tmp_path: Path) -> None:
    first = cached_sql(project, MONTHLY, "duckdb", "3.4")
    key_file = tmp_path / "config" / "cache.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not any(p.name.endswith(".key") for p in store.cache_dir().iterdir()), "the key must not sit in the cache"
    data = key_file.read_bytes()
    assert cached_sql(project, MONTHLY, "duckdb", "3.4") == first
    assert key_file.read_bytes() == data


def test_a_key_file_others_can_read_disables_the_cache(project: Path, tmp_path: Path) -> None:
    cached_sql(project, MONTHLY, "duckdb", "3.4")
    key_file = tmp_path / "config" / "cache.key"
    key_file.chmod(0o644)
    entry = sql_key(project, MONTHLY, "duckdb", "3.4")
    assert entry is not None
    assert store.get(entry) is None  # nothing is trusted under a key that others may have read
    key_file.chmod(0o600)
    assert store.get(entry) is not None


def test_108_concurrent_compiles_agree(project: Path, tmp_path: Path) -> None:
    """Nine processes × twelve threads compile the same queries at once: every text equals the reference."""
    requests = [("monthly_kpi", d) for d in ("duckdb", "postgres", "impala")]
    reference = {(q, d): cached_sql(project, QueryRequest(query=q), d, "3.4", use_cache=False) for q, d in requests}
    shutil.rmtree(tmp_path / "cache")
    script = (
        "import sys, threading\n"
        "from pathlib import Path\n"
        "from metricdsl.pipeline.cache import cached_sql\n"
        "from metricdsl.pipeline.request import QueryRequest\n"
        "out = {}\n"
        "def work(i):\n"
        "    d = ('duckdb', 'postgres', 'impala')[i % 3]\n"
        "    out[i] = (d, cached_sql(Path(sys.argv[1]), QueryRequest(query='monthly_kpi'), d, '3.4'))\n"
        "threads = [threading.Thread(target=work, args=(i,)) for i in range(12)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "import json; print(json.dumps(out))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    processes = [subprocess.Popen([sys.executable, "-c", script, str(project)], env=env, stdout=subprocess.PIPE,
                                  text=True) for _ in range(9)]
    import json

    mismatches = compiles = 0
    for process in processes:
        stdout, _ = process.communicate(timeout=300)
        assert process.returncode == 0
        for dialect, text in json.loads(stdout).values():
            compiles += 1
            mismatches += text != reference[("monthly_kpi", dialect)]
    assert (compiles, mismatches) == (108, 0)
    for (query, dialect), text in reference.items():  # and the cache holds exactly the reference texts afterwards
        assert cached_sql(project, QueryRequest(query=query), dialect, "3.4") == text
