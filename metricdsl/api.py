"""The stable Python API: load a project, build a query, compile it to SQL.

    from metricdsl.api import load_project, compile_sql
    project = load_project("specs")
    print(compile_sql(project, query="monthly_kpi", dialect="impala"))

A query is named (`query=`, whose `where=`, `period=`, `order=` and `limit=` override its own) or ad
hoc (`metrics=`, `by=`, `where=`, `period=`, `order=`, `limit=`); `as_of=` is the as-of date (a date
or a scheduler placeholder such as `{{ ds }}`);
these keyword functions wrap a `QueryRequest` for the pipeline. `run_query` also executes it, like
`metricdsl run`. The names here keep their meaning across releases.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from metricdsl.errors import CheckFailed, MetricDslError
from metricdsl.ir import model as m
from metricdsl.pipeline import compile as pipeline
from metricdsl.pipeline.load import LoadedProject, load, load_project
from metricdsl.pipeline.request import QueryRequest
from metricdsl.runtime.planned import prepare_plans
from metricdsl.runtime.warehouse import QueryResult, connect, is_embedded, load_for

__all__ = ["CheckFailed", "LoadedProject", "MetricDslError", "QueryRequest", "build_query", "compile_sql", "load",
           "load_project", "run_query"]


def build_query(project: m.Project, *, query: str | None = None, metrics: Sequence[str] | None = None,
                by: Sequence[str] | None = None, where: str | None = None, period: str | None = None,
                order: Sequence[str] | None = None, limit: int | None = None) -> m.Query:
    """A named query (with overrides), or an ad-hoc one written like a query block and checked the same way."""
    request = QueryRequest.of(query, metrics, by, where, period, order, limit)
    return pipeline.build_query(project, request)


def compile_sql(project: m.Project, *, query: str | None = None, metrics: Sequence[str] | None = None,
                by: Sequence[str] | None = None, where: str | None = None, period: str | None = None,
                order: Sequence[str] | None = None, limit: int | None = None, dialect: str = "duckdb",
                impala_version: str = "3.4", as_of: str | None = None) -> str:
    """The SQL text of a query for `dialect` (duckdb, postgres, impala or spark)."""
    request = QueryRequest.of(query, metrics, by, where, period, order, limit, as_of)
    return pipeline.compile_sql(project, request, dialect, impala_version)


def run_query(project_dir: str | Path, *, query: str | None = None, metrics: Sequence[str] | None = None,
              by: Sequence[str] | None = None, where: str | None = None, period: str | None = None,
              order: Sequence[str] | None = None, limit: int | None = None, as_of: str | None = None,
              db: str | None = None, data: str | Path | None = None) -> QueryResult:
    """Compile a query of the project in `project_dir` and execute it, as `metricdsl run` does: on the
    embedded in-memory DuckDB (`db` None) holding the project's CSVs (or `data`), where the plan of
    every target that planned(…) reads is computed and saved first; or on `db` (`duckdb:///file`,
    `postgresql://…`), where a missing saved plan raises PlanMissing (E703). Raises CheckFailed for
    a query or project with errors, WarehouseError when the database fails."""
    folder = Path(project_dir)
    model = load_project(folder)
    request = QueryRequest.of(query, metrics, by, where, period, order, limit, as_of)
    with connect(db) as warehouse:
        sql = pipeline.compile_sql(model, request, warehouse.dialect)
        load_for(warehouse, model, folder, db, None if data is None else Path(data))
        prepare_plans(warehouse, model, pipeline.build_query(model, request).metrics, is_embedded(db), db)
        return warehouse.execute(sql)
