"""A scorecard's SQL in every dialect (LANGUAGE.md §9: the score is computed in SQL): goldens of the
example's agents_2026 that parse back with sqlglot in their own dialect (and pass the Impala lint),
and on a real local Spark the same rows as DuckDB for a scorecard of range KPIs.

Regenerate the goldens after an intended change, then review ``git diff tests/golden/scorecards``::

    METRICDSL_UPDATE_GOLDENS=1 python -m pytest tests/sql/test_scorecard_sql.py
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from golden.cases import GOLDEN_DIR, UPDATE_ENV, VARIANTS, Variant
from support.impala_lint import lint_impala
from support.paths import SPECS_DIR
from support.projects import load_project
from support.spark import load_into_spark, row_differences, spark_rows

from metricdsl.pipeline.scorecard import compile_scorecard
from metricdsl.runtime.warehouse import DuckDBWarehouse

FOLDER = GOLDEN_DIR / "scorecards"
SCORECARD = "agents_2026"
RANGES = """
scorecard agent_ranges {
  by: agent
  period: 2026-02-01 .. 2026-10-31
  kpis {
    connect_rate: weight 50%, range 0.40 .. 0.55
    refund_rate: weight 30%, range 12% .. 6%
    all_orders: weight 20%, range 10 .. 30
  }
  cap: 110
}
"""
SHOWN = [variant for variant in VARIANTS if not variant.split_only]


def golden(variant: Variant) -> Path:
    return FOLDER / variant.name / f"{SCORECARD}.sql"


@pytest.mark.parametrize("variant", SHOWN, ids=[v.name for v in SHOWN])
def test_scorecard_sql_matches_golden(variant: Variant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SPECS_DIR.parent)  # the header names the spec files relative to the repository
    text = compile_scorecard(load_project(Path("specs")), SCORECARD, variant.dialect, variant.impala_version).text()
    if os.environ.get(UPDATE_ENV) == "1":
        golden(variant).parent.mkdir(parents=True, exist_ok=True)
        golden(variant).write_text(text, encoding="utf-8")
    assert golden(variant).read_text(encoding="utf-8") == text


@pytest.mark.parametrize("variant", SHOWN, ids=[v.name for v in SHOWN])
def test_scorecard_golden_parses_back(variant: Variant) -> None:
    text = golden(variant).read_text(encoding="utf-8")
    statements = [s for s in sqlglot.parse(text, read=variant.sqlglot_dialect()) if s is not None]
    assert len(statements) == 1 and isinstance(statements[0], sqlglot.exp.Select)
    assert statements[0].find(sqlglot.exp.Greatest) is not None and statements[0].find(sqlglot.exp.Least) is not None
    if variant.dialect == "impala":
        assert lint_impala(text, variant.impala_version) == []


@pytest.fixture(scope="module")
def ranges_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scorecard_spark") / "specs"
    shutil.copytree(SPECS_DIR, folder)
    (folder / "zz_ranges.metric").write_text(RANGES, encoding="utf-8")
    return folder


def test_spark_scores_equal_duckdb(spark: Any, ranges_project: Path) -> None:
    project = load_into_spark(spark, ranges_project)
    sql = compile_scorecard(project, "agent_ranges", "spark").text()
    with DuckDBWarehouse() as duckdb:
        duckdb.load_data(project, ranges_project / "data")
        expected = duckdb.execute(compile_scorecard(project, "agent_ranges", "duckdb").text()).rows
    differences = row_differences(spark_rows(spark, sql), expected)
    assert not differences, "\n".join(differences[:10]) + "\n" + sql
    assert len(expected) == 21
