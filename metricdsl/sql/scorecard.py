"""A scorecard's statement (LANGUAGE.md §9 "Scorecards"): the score computed in SQL, in every dialect.

It wraps the statement of the KPIs' query (one row per member, one column per KPI metric) and,
for target KPIs, the statements of their plans (`planned(T)` per member, or one row for an
unsplit plan). Shape:

  <the query's CTEs>, `kpi_values` (the query), `kpi_plan_<n>` (each plan),
  `kpi_points`  per KPI: its value (a target KPI's achievement = actual / planned) and its points,
                clamp(linear, 0, cap), 0 where the value is null;
  final SELECT  member, then per KPI value, points and points × weight, then `score` (their sum),
                ordered by score descending, ties by member ascending (nulls last).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlglot import exp

from metricdsl.ir.scorecards import SCORE_COLUMN, Scorecard, ScorecardKpi
from metricdsl.plan.nodes import fresh_name
from metricdsl.sql.rows import code_points, col, detached_ctes, ident, paren, safe_divide
from metricdsl.sql.target import Target

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class PlanValues:
    """The statement of one target KPI's plan: `planned(T)` in column `column`, per member (`by_member`)
    or one row for the whole target."""

    metric: str  # the KPI
    statement: exp.Select
    column: str
    by_member: bool


def scorecard_statement(card: Scorecard, actuals: exp.Select, plans: Sequence[PlanValues], target: Target,
                        member_is_string: bool) -> exp.Select:
    """The scorecard's SELECT: `actuals` is the KPI query (columns: the member, then one per metric)."""
    actuals.set("order", None)  # the KPI query's own order: the score orders the rows
    ctes = detached_ctes(actuals)
    taken = {name for name, _ in ctes}
    values = fresh_name("kpi_values", taken)
    ctes.append((values, actuals))
    relation = exp.select().from_(exp.Table(this=ident(values), alias=exp.TableAlias(this=ident(values))))
    plan_columns: dict[str, exp.Expr] = {}
    for plan in plans:
        name = fresh_name("kpi_plan", taken, bare=False)
        ctes.extend(detached_ctes(plan.statement))
        ctes.append((name, plan.statement))
        relation = _join_plan(relation, plan, name, values, card.by)
        plan_columns[plan.metric] = col(plan.column, name)
    points_name = fresh_name("kpi_points", taken)
    points = relation.select(col(card.by, values).as_(ident(card.by)), copy=False)
    for kpi in card.kpis:
        value = _value(kpi, col(kpi.metric, values), plan_columns.get(kpi.metric))
        value_column, points_column, _ = kpi.columns
        points = points.select(value.as_(ident(value_column)),
                               _points(kpi, value.copy(), card.cap).as_(ident(points_column)), copy=False)
    ctes.append((points_name, points))
    final = exp.select(col(card.by), copy=False).from_(ident(points_name))
    for kpi in card.kpis:
        value_column, points_column, weighted_column = kpi.columns
        final = final.select(col(value_column), col(points_column), _weighted(kpi).as_(ident(weighted_column)),
                             copy=False)
    total: exp.Expr = _weighted(card.kpis[0])
    for kpi in card.kpis[1:]:
        total = exp.Add(this=total, expression=_weighted(kpi))
    member = col(card.by) if target.capabilities.code_point_strings or not member_is_string else code_points(col(card.by))
    final = final.select(total.as_(ident(SCORE_COLUMN)), copy=False).order_by(
        exp.Ordered(this=col(SCORE_COLUMN), desc=True, nulls_first=False),
        exp.Ordered(this=member, desc=False, nulls_first=False), copy=False)
    for name, query in ctes:
        final = final.with_(ident(name), as_=query, copy=False)
    return final


def _join_plan(relation: exp.Select, plan: PlanValues, name: str, values: str, by: str) -> exp.Select:
    table = exp.Table(this=ident(name), alias=exp.TableAlias(this=ident(name)))
    if not plan.by_member:
        return relation.join(table, join_type="CROSS", copy=False)
    # plain equality (a hash join on every engine): a plan's null member is its whole, never a member's plan
    same = exp.EQ(this=col(by, values), expression=col(by, name))
    return relation.join(table, on=same, join_type="LEFT", copy=False)


def _value(kpi: ScorecardKpi, actual: exp.Expr, planned: exp.Expr | None) -> exp.Expr:
    """The KPI's value: the metric, or for a target KPI the achievement (actual / planned)."""
    if kpi.target is None:
        return actual
    assert planned is not None
    return safe_divide(actual, planned)


def _points(kpi: ScorecardKpi, value: exp.Expr, cap: str) -> exp.Expr:
    """clamp(linear, 0, cap); 0 where the value is null."""
    if kpi.target is not None:
        linear: exp.Expr = exp.Mul(this=paren(value), expression=exp.Literal.number(100))
    else:
        assert kpi.low is not None and kpi.high is not None
        low, span = Decimal(kpi.low), Decimal(kpi.high) - Decimal(kpi.low)
        moved = exp.Mul(this=exp.Paren(this=exp.Sub(this=paren(value), expression=_number(low))),
                        expression=exp.Literal.number(100))
        linear = exp.Div(this=exp.Cast(this=moved, to=exp.DataType.build("DOUBLE")), expression=_number(span))
    floor = exp.Greatest(this=linear, expressions=[exp.Literal.number(0)])
    capped = exp.Least(this=floor, expressions=[_number(Decimal(cap))])
    return exp.Coalesce(this=capped, expressions=[exp.Literal.number(0)])


def _weighted(kpi: ScorecardKpi) -> exp.Expr:
    return exp.Mul(this=col(kpi.columns[1]), expression=_number(Decimal(kpi.weight)))


def _number(value: Decimal) -> exp.Expr:
    text = f"{value.normalize():f}"
    literal = exp.Literal.number(text.removeprefix("-"))
    return exp.Paren(this=exp.Neg(this=literal)) if text.startswith("-") else literal
