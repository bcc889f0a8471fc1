"""Compiling a request: the query (named or ad-hoc) → its plan → a sqlglot tree or SQL text."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from metricdsl.diagnostics import Diagnostic, did_you_mean
from metricdsl.errors import CheckFailed
from metricdsl.ir import model as m
from metricdsl.pipeline.adhoc import adhoc_query
from metricdsl.pipeline.request import QueryRequest

if TYPE_CHECKING:
    from sqlglot import exp

    from metricdsl.plan.nodes import QueryPlan
    from metricdsl.sql.target import Target


_RESOLVING = threading.Lock()


def resolved_target(dialect: str, impala_version: str) -> Target:
    """The target, with its sqlglot dialect loaded under a lock: sqlglot loads dialect modules lazily, and
    two threads loading them at once could print PostgreSQL with another dialect's generator."""
    from sqlglot.dialects.dialect import Dialect

    from metricdsl.sql.target import target

    with _RESOLVING:
        chosen = target(dialect, impala_version)
        Dialect.get_or_raise(chosen.sqlglot)
    return chosen


def build_query(project: m.Project, request: QueryRequest) -> m.Query:
    """A named query, or an ad-hoc one written like a query block and checked the same way."""
    if request.query is not None:
        if request.query not in project.queries:
            unknown = Diagnostic("E501", f"unknown query `{request.query}`", None,
                                 did_you_mean(request.query, project.queries))
            raise CheckFailed([unknown])
        return project.queries[request.query]
    return adhoc_query(project, request)


def compile_statement(project: m.Project, request: QueryRequest, dialect: str = "duckdb",
                      impala_version: str = "3.4") -> exp.Select:
    """The query's statement as a sqlglot tree (print it with the target's sqlglot dialect)."""
    from metricdsl.sql.render import build_statement

    chosen = resolved_target(dialect, impala_version)
    return build_statement(project, plan_for(project, request, chosen), chosen)


def compile_sql(project: m.Project, request: QueryRequest, dialect: str = "duckdb",
                impala_version: str = "3.4") -> str:
    """The query's SQL text: a header naming the query and its files, then the statement."""
    from metricdsl.sql.render import render

    chosen = resolved_target(dialect, impala_version)
    return render(project, plan_for(project, request, chosen), chosen)


def plan_for(project: m.Project, request: QueryRequest, chosen: Target) -> QueryPlan:
    """The query's plan, with COUNT(DISTINCT …) split apart where the target allows only one per SELECT."""
    from metricdsl.plan.planner import plan_query

    plan = plan_query(project, build_query(project, request))
    if not chosen.capabilities.multiple_count_distinct:
        from metricdsl.plan.rewrite import split_count_distinct

        plan = split_count_distinct(plan)
    if not chosen.capabilities.percentile_cont:
        from metricdsl.plan.percentiles import split_percentiles

        plan = split_percentiles(plan)
    return plan
