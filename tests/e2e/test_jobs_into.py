"""Warehouse jobs (LANGUAGE.md §10): `run --into SCHEMA` / `build --into SCHEMA`, idempotent per as-of date.

On DuckDB and PostgreSQL a job is run twice for one date and once for another, and the table is
checked row by row against the query's own result at each date (with `as_of` in front); a job
whose statement fails between the delete and the insert leaves the earlier rows in place. The
Impala and Spark job scripts parse back, and the Impala ones pass the Impala lint. `build`
writes `jobs.json` for a scheduler.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from click.testing import CliRunner
from sqlglot import exp
from support.impala_lint import lint_impala
from support.paths import SPECS_DIR

SCHEMA = "jobs_test"
QUERY = "monthly_kpi"


def compile_job(project: Any, dialect: str, as_of: str, query: str = QUERY) -> Any:
    from metricdsl.pipeline.compile import compile_job as compile_pipeline_job
    from metricdsl.pipeline.request import QueryRequest

    return compile_pipeline_job(project, QueryRequest(query=query, as_of=as_of), dialect, SCHEMA)


def expected_rows(engine: Any, project: Any, dialect: str, as_of: str) -> list[tuple[Any, ...]]:
    """The query's own rows at the as-of date, as `run` returns them, with the as-of date in front."""
    from metricdsl.pipeline.compile import compile_sql as compile_request
    from metricdsl.pipeline.request import QueryRequest

    rows = engine.execute(compile_request(project, QueryRequest(query=QUERY, as_of=as_of), dialect)).rows
    return [(dt.date.fromisoformat(as_of), *row) for row in rows]


def table_rows(engine: Any) -> list[tuple[Any, ...]]:
    return engine.execute(f'SELECT * FROM "{SCHEMA}"."{QUERY}" ORDER BY 1, 2').rows


def drop_schema(engine: Any) -> None:
    engine.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


def test_job_twice_and_for_two_dates(engine: Any, dialect: str, load: Callable[[Path], Any]) -> None:
    from metricdsl.runtime.jobs import run_job

    project = load(SPECS_DIR)
    drop_schema(engine)
    march, june = "2026-03-31", "2026-06-15"
    for _ in range(2):
        job, target = compile_job(project, dialect, march)
        assert run_job(engine, job, target) == 3
    assert table_rows(engine) == expected_rows(engine, project, dialect, march)
    job, target = compile_job(project, dialect, june)
    assert run_job(engine, job, target) == 6
    both = expected_rows(engine, project, dialect, march) + expected_rows(engine, project, dialect, june)
    assert table_rows(engine) == sorted(both, key=lambda r: (r[0], r[1]))
    columns = engine.execute(f'SELECT * FROM "{SCHEMA}"."{QUERY}" LIMIT 0').columns
    assert columns[:2] == ["as_of", "time_month"]
    drop_schema(engine)


def test_a_failing_job_leaves_the_earlier_rows(engine: Any, dialect: str, load: Callable[[Path], Any]) -> None:
    from metricdsl.errors import WarehouseError
    from metricdsl.runtime.jobs import run_job

    project = load(SPECS_DIR)
    drop_schema(engine)
    day = "2026-03-31"
    job, target = compile_job(project, dialect, day)
    run_job(engine, job, target)
    before = table_rows(engine)
    assert before == expected_rows(engine, project, dialect, day)
    failing = exp.select(exp.Cast(this=exp.Literal.string("not a number"), to=exp.DataType.build("INT")))
    statements = list(job.statements)
    delete = next(i for i, s in enumerate(statements) if isinstance(s, exp.Delete))
    statements.insert(delete + 1, failing)  # killed between the delete and the insert
    broken = type(job)(job.query, job.schema, job.table, tuple(statements), job.reads, job.written)
    with pytest.raises(WarehouseError):
        run_job(engine, broken, target)
    assert table_rows(engine) == before
    drop_schema(engine)


def test_run_into_on_a_duckdb_file(tmp_path: Path) -> None:
    from metricdsl.cli import main

    db = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    runner = CliRunner()
    for again in ([], ["--replace"]):  # the second load replaces the source tables' rows
        result = runner.invoke(main, ["run", str(SPECS_DIR), "--query", QUERY, "--as-of", "2026-03-31", "--into", "kpi",
                                      "--db", db, "--data", str(SPECS_DIR / "data"), *again])
        assert result.exit_code == 0, result.output
        assert "wrote 3 row(s) to kpi.monthly_kpi for as_of 2026-03-31" in result.output
    import duckdb

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as connection:
        rows = connection.execute("SELECT as_of, time_month FROM kpi.monthly_kpi ORDER BY 2").fetchall()
    assert rows == [(dt.date(2026, 3, 31), dt.date(2026, m, 1)) for m in (1, 2, 3)]


@pytest.mark.parametrize("dialect", ["impala", "spark"])
def test_partitioned_job_scripts_parse_back(dialect: str) -> None:
    from metricdsl.api import load_project
    from metricdsl.pipeline.compile import compile_output
    from metricdsl.pipeline.request import QueryRequest

    project = load_project(SPECS_DIR)
    for name in sorted(project.queries):
        for as_of in ("2026-12-01", "{{ ds }}", "${var:run_date}"):
            output = compile_output(project, QueryRequest(query=name, as_of=as_of), dialect, into="kpi")
            read = "spark" if dialect == "spark" else __import__(
                "metricdsl.sql.dialects.impala", fromlist=["impala_dialect"]).impala_dialect()
            statements = [s for s in sqlglot.parse(output.text, read=read) if s is not None]
            assert [type(s).__name__ for s in statements] == ["Create", "Create", "Insert"]
            insert = statements[-1]
            assert insert.args.get("overwrite")
            assert f"PARTITION(`as_of` = '{as_of}')" in output.text
            if dialect == "impala":
                assert lint_impala(output.text) == []
            assert output.table == f"kpi.{name}"


def test_partitioned_jobs_need_an_as_of_date() -> None:
    from metricdsl.cli import main

    result = CliRunner().invoke(main, ["build", str(SPECS_DIR), "--dialect", "duckdb,impala", "--into", "kpi",
                                       "--out", "unused"])
    assert result.exit_code == 2
    assert "on impala a job overwrites the partition of its as-of date" in result.output


def test_build_writes_jobs_and_a_manifest(tmp_path: Path) -> None:
    from metricdsl.cli import main

    result = CliRunner().invoke(main, ["build", str(SPECS_DIR), "--dialect", "duckdb,spark", "--into", "kpi",
                                       "--as-of", "{{ ds }}", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "duckdb" / "jobs.json").read_text(encoding="utf-8"))
    assert manifest["dialect"] == "duckdb" and manifest["into"] == "kpi" and manifest["as_of"] == "{{ ds }}"
    jobs = {job["query"]: job for job in manifest["jobs"]}
    assert jobs[QUERY] == {"query": QUERY, "file": f"{QUERY}.sql", "table": f"kpi.{QUERY}",
                           "reads": ["dw.fact_orders"], "after": []}
    assert jobs["calls_by_team"]["reads"] == ["dw.dim_agent", "dw.fact_calls", "dw.fact_orders"]
    text = (tmp_path / "duckdb" / f"{QUERY}.sql").read_text(encoding="utf-8")
    kinds = [type(s).__name__ for s in sqlglot.parse(text, read="duckdb") if s is not None]
    assert kinds == ["Transaction", "Create", "Create", "Delete", "Insert", "Commit"]
    assert "-- job: replaces the rows of the as-of date in kpi.monthly_kpi" in text
    plain = CliRunner().invoke(main, ["build", str(SPECS_DIR), "--dialect", "postgres", "--out", str(tmp_path / "p")])
    assert plain.exit_code == 0, plain.output
    listed = json.loads((tmp_path / "p" / "postgres" / "jobs.json").read_text(encoding="utf-8"))
    assert all(job["table"] is None for job in listed["jobs"]) and listed["into"] is None
