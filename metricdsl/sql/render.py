"""A plan → SQL text for one target: the statement tree, printed by the target's dialect under a header."""

from __future__ import annotations

from sqlglot import exp

from metricdsl.ir import model as m
from metricdsl.plan.nodes import QueryPlan
from metricdsl.sql.statement import StatementBuilder
from metricdsl.sql.target import Target


def build_statement(project: m.Project, plan: QueryPlan, target: Target) -> exp.Select:
    return StatementBuilder(project, plan, target).build()


def render(project: m.Project, plan: QueryPlan, target: Target) -> str:
    """The SQL text of a plan for one target, with a header naming the query and its spec files."""
    statement = build_statement(project, plan, target)
    body = statement.sql(dialect=target.sqlglot, pretty=True, identify=True)
    return header(plan, target) + "\n" + body + ";\n"


def header(plan: QueryPlan, target: Target) -> str:
    """`-- metricdsl query: name (dialect version)` and one `-- from: file` line per spec file."""
    lines = [f"-- metricdsl query: {plan.name} ({target.name}{' ' + target.version if target.version else ''})"]
    lines += [f"-- from: {_one_line(f)}" for f in plan.files]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return text.replace("\n", " ").replace("\r", " ")
