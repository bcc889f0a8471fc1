"""A plan → SQL text for one target: the statement tree, printed by the target's dialect under a header."""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp

from metricdsl.ir import model as m
from metricdsl.plan.nodes import QueryPlan
from metricdsl.sql.statement import StatementBuilder
from metricdsl.sql.target import Target


def build_statement(project: m.Project, plan: QueryPlan, target: Target, as_of: m.AsOf | None = None) -> exp.Select:
    return StatementBuilder(project, plan, target, as_of).build()


def render(project: m.Project, plan: QueryPlan, target: Target, as_of: m.AsOf | None = None,
           notes: Sequence[str] = ()) -> str:
    """The SQL text of a plan for one target, with a header naming the query, its spec files and
    `notes` (overrides, the as-of date)."""
    statement = build_statement(project, plan, target, as_of)
    return header(plan, target, notes) + "\n" + sql_text(statement, target) + ";\n"


def sql_text(statement: exp.Expr, target: Target) -> str:
    return statement.sql(dialect=target.sqlglot, pretty=True, identify=True)


def header(plan: QueryPlan, target: Target, notes: Sequence[str] = ()) -> str:
    """`-- metricdsl query: name (dialect version)`, one `-- from: file` line per spec file, one per note."""
    lines = [f"-- metricdsl query: {plan.name} ({target.name}{' ' + target.version if target.version else ''})"]
    lines += [f"-- from: {_one_line(f)}" for f in plan.files]
    lines += [f"-- {_one_line(note)}" for note in notes]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return text.replace("\n", " ").replace("\r", " ")
