"""SQL of peers and totals (LANGUAGE.md §5; planned in metricdsl.plan.peers).

A `total(m)` of an additive m is `SUM(m) OVER (PARTITION BY bucket, within…)` over the grouped
rows. Each other `total(m)` plan is built as a statement of its own by a builder of the same kind; its CTEs are
hoisted into the main statement under prefixed names, its final select becomes one more CTE, and
the grouped output rows are LEFT JOINed to it on the kept keys with NULL-safe equality (NULL is a
group like any other). The total relation has one row per time bucket (and `within` values), so
the join is small. `rank(m)` is `RANK() OVER (PARTITION BY bucket, within… ORDER BY m DESC NULLS
LAST)` over the final rows.
"""

from __future__ import annotations

from typing import Protocol

from sqlglot import exp

from metricdsl.ir import model as m
from metricdsl.plan.nodes import WITH_TOTALS, QueryPlan, RankOf, TotalPlan, Value
from metricdsl.sql.rows import col, detached_ctes, ident
from metricdsl.sql.target import Target


class BuilderLike(Protocol):
    """What this module uses of metricdsl.sql.statement.StatementBuilder."""

    project: m.Project
    plan: QueryPlan
    target: Target
    ctes: list[tuple[str, exp.Expr]]

    def __init__(self, project: m.Project, plan: QueryPlan, target: Target) -> None: ...

    def build(self) -> exp.Select: ...

    def value(self, value: Value) -> exp.Expr: ...


def attach_totals(builder: BuilderLike, source: str) -> str:
    """The relation the final select reads: `source`, or `source` joined to each total."""
    if not builder.plan.peers:
        return source
    taken = {name for name, _ in builder.ctes}
    select = exp.select(exp.Column(this=exp.Star(), table=ident(source))).from_(ident(source))
    for total in builder.plan.peers:
        if total.summed is not None:
            summed = exp.Window(this=exp.Sum(this=builder.value(total.summed)),
                                partition_by=[col(k, source) for k in total.keep] or None)
            select = select.select(exp.alias_(summed, ident(total.column)))
            continue
        relation = _hoist(builder, total, taken)
        select = select.select(exp.alias_(col(total.column, relation), ident(total.column)))
        if total.keep:
            on = exp.and_(*[exp.NullSafeEQ(this=col(k, source), expression=col(k, relation)) for k in total.keep],
                          wrap=False, copy=False)
            select = select.join(ident(relation), on=on, join_type="LEFT")
        else:
            select = select.join(ident(relation), join_type="CROSS")
    name = _fresh(WITH_TOTALS, taken)
    builder.ctes.append((name, select))
    return name


def _hoist(builder: BuilderLike, total: TotalPlan, taken: set[str]) -> str:
    """Add the total's statement to the main one: its CTEs renamed, then its final select."""
    assert total.plan is not None
    statement = type(builder)(builder.project, total.plan, builder.target).build()
    ctes = detached_ctes(statement)
    renames = {name: _fresh(f"{total.column}_{name}", taken) for name, _ in ctes}
    for name, query in ctes:
        builder.ctes.append((renames[name], _renamed(query, renames)))
    statement.set("order", None)
    relation = _fresh(total.column, taken)
    builder.ctes.append((relation, _renamed(statement, renames)))
    return relation


def _renamed(tree: exp.Expr, renames: dict[str, str]) -> exp.Expr:
    """References to the hoisted CTEs (tables and column qualifiers) under their new names."""
    def rename(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Table) and not node.args.get("db") and node.name in renames:
            alias = node.args.get("alias")
            return exp.Table(this=ident(renames[node.name]), alias=alias.copy() if alias else None)
        if isinstance(node, exp.Identifier) and isinstance(node.parent, (exp.From, exp.Join)) \
                and node.name in renames:
            return ident(renames[node.name])
        if isinstance(node, exp.Column) and node.table in renames:
            return exp.Column(this=node.this.copy(), table=ident(renames[node.table]))
        return node

    return tree.transform(rename)


def _fresh(base: str, taken: set[str]) -> str:
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}_{number}"
    taken.add(name)
    return name


def rank_sql(value: exp.Expr, rank: RankOf) -> exp.Expr:
    order = exp.Order(expressions=[exp.Ordered(this=value, desc=not rank.ascending, nulls_first=False)])
    return exp.Window(this=exp.Anonymous(this="RANK"), partition_by=[col(c) for c in rank.partition], order=order)
