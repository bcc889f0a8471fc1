"""Spark SQL on a real local Spark: every corpus and example query gives the same rows as on DuckDB,
and a Spark job overwrites exactly the partition of its as-of date.

One Spark session serves the whole test session (fixture ``spark``); each project's CSVs become
Spark tables with the declared column types (``support.spark``). Skipped with the reason when
Java or pyspark is missing, failed when ``CI=true``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from golden.cases import Case, executable_cases
from support.spark import load_into_spark, row_differences, spark_rows

CASES = executable_cases()
_DUCKDB: dict[Path, Any] = {}


def duckdb_rows(case: Case) -> list[tuple[Any, ...]]:
    from support.projects import load_project

    from metricdsl.api import compile_sql
    from metricdsl.runtime.warehouse import DuckDBWarehouse

    if case.path not in _DUCKDB:
        warehouse = DuckDBWarehouse()
        warehouse.load_data(load_project(case.path), case.path / "data")
        _DUCKDB[case.path] = warehouse
    return _DUCKDB[case.path].execute(compile_sql(load_project(case.path), query=case.query)).rows


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_spark_rows_equal_duckdb(spark: Any, case: Case) -> None:
    from metricdsl.api import compile_sql

    project = load_into_spark(spark, case.path)
    sql = compile_sql(project, query=case.query, dialect="spark")
    differences = row_differences(spark_rows(spark, sql), duckdb_rows(case))
    assert not differences, f"{case.id} on Spark:\n" + "\n".join(differences[:10]) + "\n" + sql


def test_spark_job_replaces_exactly_its_partition(spark: Any) -> None:
    """Run the job twice for one date and once for another: one copy per date, other dates untouched."""
    from support.paths import SPECS_DIR

    from metricdsl.pipeline.compile import compile_job
    from metricdsl.pipeline.request import QueryRequest
    from metricdsl.sql.render import sql_text

    project = load_into_spark(spark, SPECS_DIR)

    def run(as_of: str) -> None:
        job, target = compile_job(project, QueryRequest(query="monthly_kpi", as_of=as_of), "spark", "jobs_spark")
        for statement in job.statements:
            spark.sql(sql_text(statement, target))

    spark.sql("DROP TABLE IF EXISTS jobs_spark.monthly_kpi")
    run("2026-03-31")
    run("2026-03-31")
    run("2026-06-15")
    rows = spark_rows(spark, "SELECT as_of, time_month, revenue FROM jobs_spark.monthly_kpi ORDER BY as_of, time_month")
    by_date: dict[str, list[tuple[Any, ...]]] = {}
    for as_of, month, revenue in rows:
        by_date.setdefault(as_of, []).append((month, revenue))
    assert sorted(by_date) == ["2026-03-31", "2026-06-15"]
    assert [str(m) for m, _ in by_date["2026-03-31"]] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert [str(m) for m, _ in by_date["2026-06-15"]][-1] == "2026-06-01"
    march = {str(m): r for m, r in by_date["2026-03-31"]}
    june = {str(m): r for m, r in by_date["2026-06-15"]}
    assert march["2026-02-01"] == june["2026-02-01"]  # the same month, one copy in each partition
