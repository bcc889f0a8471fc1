"""Golden SQL: every query of every project in every dialect, compared with the stored file.

Regenerate after an intended change, then review the diff with ``git diff tests/golden``::

    METRICDSL_UPDATE_GOLDENS=1 python -m pytest tests/sql/test_golden.py

Each golden must also parse back with sqlglot in its own dialect (the project's Impala dialect
for Impala), and every Impala golden must pass ``lint_impala`` for its version.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlglot
from golden.cases import GOLDEN_DIR, REPO_ROOT, UPDATE_ENV, VARIANTS, Case, Variant, all_cases, cases_for
from support.impala_lint import lint_impala

UPDATING = os.environ.get(UPDATE_ENV) == "1"
PAIRS = [(variant, case) for variant in VARIANTS for case in cases_for(variant)]
IDS = [f"{variant.name}/{case.id}" for variant, case in PAIRS]


def unified_diff(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                 fromfile=f"golden/{name}", tofile="generated")
    return "".join(lines)


@pytest.mark.parametrize(("variant", "case"), PAIRS, ids=IDS)
def test_sql_matches_golden(variant: Variant, case: Case) -> None:
    actual = case.sql(variant)
    path = case.golden(variant)
    if UPDATING:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no golden {path.relative_to(GOLDEN_DIR)}; run with {UPDATE_ENV}=1"
    expected = path.read_text(encoding="utf-8")
    diff = unified_diff(expected, actual, f"{variant.name}/{path.name}")
    assert not diff, f"generated SQL differs from the golden ({UPDATE_ENV}=1 to accept):\n{diff}"


@pytest.mark.parametrize(("variant", "case"), PAIRS, ids=IDS)
def test_golden_parses_back(variant: Variant, case: Case) -> None:
    text = case.golden(variant).read_text(encoding="utf-8")
    statements = [s for s in sqlglot.parse(text, read=variant.sqlglot_dialect()) if s is not None]
    assert len(statements) == 1
    assert isinstance(statements[0], sqlglot.exp.Select)


@pytest.mark.parametrize(("variant", "case"), [p for p in PAIRS if p[0].dialect == "impala"],
                         ids=[i for i, p in zip(IDS, PAIRS) if p[0].dialect == "impala"])
def test_impala_golden_passes_lint(variant: Variant, case: Case) -> None:
    text = case.golden(variant).read_text(encoding="utf-8")
    assert lint_impala(text, variant.impala_version) == []


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_no_stale_goldens(variant: Variant) -> None:
    """A golden whose query is gone (or no longer split) is deleted on update, an error otherwise."""
    wanted = {case.golden(variant).name for case in cases_for(variant)}
    folder = GOLDEN_DIR / variant.name
    stale = sorted(p.name for p in folder.glob("*.sql") if p.name not in wanted) if folder.exists() else []
    if UPDATING:
        for name in stale:
            (folder / name).unlink()
        return
    assert stale == []


def test_every_project_has_goldens() -> None:
    projects = {case.project for case in all_cases()}
    assert {"specs", "tpch", "distinct_counts"} <= projects
    for variant in VARIANTS[:3]:
        names = {p.name.split("__")[0] for p in (GOLDEN_DIR / variant.name).glob("*.sql")}
        assert names == projects


def test_split_goldens_have_one_distinct_class_per_select() -> None:
    """The 3.0 goldens are the split ones: each SELECT block holds at most one distinct class."""
    from metricdsl.sql.dialects.impala import impala_dialect
    from metricdsl.sql.generators.impala import distinct_aggregate_classes

    split = [v for v in VARIANTS if v.split_only]
    assert split and cases_for(split[0])
    for case in cases_for(split[0]):
        tree = sqlglot.parse_one(case.golden(split[0]).read_text(encoding="utf-8"), read=impala_dialect("3.0"))
        assert all(len(distinct_aggregate_classes(s)) <= 1 for s in tree.find_all(sqlglot.exp.Select))
        joined = sqlglot.parse_one(case.golden(VARIANTS[2]).read_text(encoding="utf-8"), read=impala_dialect("3.4"))
        assert any(len(distinct_aggregate_classes(s)) > 1 for s in joined.find_all(sqlglot.exp.Select))


def test_cli_build_writes_one_parsable_file_per_query_and_dialect(tmp_path: Path) -> None:
    """``metricdsl build`` writes OUT/<dialect>/<query>.sql, the same text as the goldens."""
    out = tmp_path / "sql"
    command = [sys.executable, "-m", "metricdsl", "build", "specs", "--dialect", "duckdb,postgres,impala",
               "--out", str(out)]
    done = subprocess.run(command, check=False, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    specs = [case for case in all_cases() if case.project == "specs"]
    for variant in VARIANTS[:3]:
        written = sorted(p.name for p in (out / variant.dialect).glob("*.sql"))
        assert written == sorted(f"{case.query}.sql" for case in specs)
        for case in specs:
            text = (out / variant.dialect / f"{case.query}.sql").read_text(encoding="utf-8")
            assert text == case.golden(variant).read_text(encoding="utf-8")
            assert isinstance(sqlglot.parse_one(text, read=variant.sqlglot_dialect()), sqlglot.exp.Select)
