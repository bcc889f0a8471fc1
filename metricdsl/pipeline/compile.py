"""The Python API: load a project, compile queries to SQL. The CLI is a thin layer over this."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from metricdsl.diagnostics import Diagnostic
from metricdsl.errors import CheckFailed
from metricdsl.ir import model as m
from metricdsl.pipeline.load import load


def load_project(path: Path | str) -> m.Project:
    loaded = load(path)
    if loaded.model is None:
        raise CheckFailed(loaded.diagnostics, loaded)
    return loaded.model


def build_query(project: m.Project, *, query: str | None = None, metrics: Sequence[str] | None = None,
                by: Sequence[str] | None = None, where: str | None = None, period: str | None = None,
                order: Sequence[str] | None = None, limit: int | None = None) -> m.Query:
    """A named query, or an ad-hoc one written like a query block and checked the same way."""
    if query is not None:
        if query not in project.queries:
            from metricdsl.diagnostics import did_you_mean

            raise CheckFailed([Diagnostic("E501", f"unknown query `{query}`", None, did_you_mean(query, project.queries))])
        return project.queries[query]
    from metricdsl.pipeline.adhoc import adhoc_query

    return adhoc_query(project, metrics or [], by or [], where, period, order or [], limit)


def compile_sql(project: m.Project, *, query: str | None = None, metrics: Sequence[str] | None = None,
                by: Sequence[str] | None = None, where: str | None = None, period: str | None = None,
                order: Sequence[str] | None = None, limit: int | None = None, dialect: str = "duckdb",
                impala_version: str = "3.4") -> str:
    from metricdsl.plan.planner import plan_query
    from metricdsl.sql.render import render
    from metricdsl.sql.target import target

    request = build_query(project, query=query, metrics=metrics, by=by, where=where, period=period,
                          order=order, limit=limit)
    chosen = target(dialect, impala_version)
    plan = plan_query(project, request)
    if not chosen.capabilities.multiple_count_distinct:
        from metricdsl.plan.rewrite import split_count_distinct

        plan = split_count_distinct(plan)
    return render(project, plan, chosen)
