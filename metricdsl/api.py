"""The Python API: load a project, compile queries to SQL. The CLI is a thin layer over this."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from metricdsl import model as m
from metricdsl.diagnostics import Diagnostic
from metricdsl.project import LoadedProject, load
from metricdsl.source import SourceFile


class CheckFailed(Exception):
    """The project (or an ad-hoc query) has errors; `.diagnostics` lists them all."""

    def __init__(self, diagnostics: list[Diagnostic], loaded: LoadedProject | None = None,
                 sources: dict[str, SourceFile] | None = None) -> None:
        super().__init__("; ".join(d.message for d in diagnostics if d.severity == "error"))
        self.diagnostics = diagnostics
        self.loaded = loaded
        self.sources = sources or (loaded.files if loaded else {})


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
    from metricdsl.adhoc import adhoc_query

    return adhoc_query(project, metrics or [], by or [], where, period, order or [], limit)


def compile_sql(project: m.Project, *, query: str | None = None, metrics: Sequence[str] | None = None,
                by: Sequence[str] | None = None, where: str | None = None, period: str | None = None,
                order: Sequence[str] | None = None, limit: int | None = None, dialect: str = "duckdb",
                impala_version: str = "3.4") -> str:
    from metricdsl.plan import plan_query
    from metricdsl.sql.dialect import target
    from metricdsl.sql.generate import render

    request = build_query(project, query=query, metrics=metrics, by=by, where=where, period=period,
                          order=order, limit=limit)
    chosen = target(dialect, impala_version)
    plan = plan_query(project, request)
    if not chosen.multiple_count_distinct:
        from metricdsl.sql.rewrite import split_count_distinct

        plan = split_count_distinct(plan)
    return render(project, plan, chosen)
