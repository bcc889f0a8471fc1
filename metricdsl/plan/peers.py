"""Planning peers and totals (LANGUAGE.md §5): `total(m)` and `rank(m)`.

`total(m, within d…)` of an additive m (sums and counts, and linear combinations of them) is the
sum of m over the output rows of the same time bucket and `within` values: a window over the
grouped rows (`TotalPlan.summed`), as the best hand-written SQL does. A non-additive m is planned again,
with a planner of the same kind, for a query grouped by the time dimension and the `within`
dimensions only (same `where` and `period`), so it is recomputed over the coarser groups
(`total(buyers)` counts each customer once), never summed; the SQL stage builds that plan as a
statement of its own and joins it on the kept keys.
`rank(m)` is a window over the final output rows: a `RankOf` value partitioned by the time bucket
and the `within` dimensions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from metricdsl.ir import model as m
from metricdsl.ir.walk import additive
from metricdsl.plan.nodes import (
    Compute,
    MeasureRef,
    Number,
    OutputDim,
    OutputMetric,
    QueryPlan,
    RankOf,
    Scan,
    Shift,
    TotalPlan,
    Value,
    Window,
)


class PlannerLike(Protocol):
    """What these functions use of metricdsl.plan.planner.Planner."""

    project: m.Project
    query: m.Query
    files: set[str]
    peers: list[TotalPlan]

    def __init__(self, project: m.Project, query: m.Query) -> None: ...

    @property
    def scan_list(self) -> list[Scan]: ...

    def inline(self, expr: m.MetricExpr, filters: tuple[m.RowExpr, ...], shift: Shift | None,
               window: Window | None, owner: str) -> Value: ...

    def unique(self, base: str) -> str: ...

    def checkpoint(self) -> Any: ...

    def reads_more_than(self, point: Any) -> bool: ...

    def rollback(self, point: Any) -> None: ...


def kept(query: m.Query, within: tuple[str, ...]) -> tuple[m.GroupRef, ...]:
    """The `by` entries a total keeps: the time dimension and the `within` dimensions, in query order."""
    return tuple(ref for ref in query.by if isinstance(ref, m.TimeRef) or ref.name in within)


def plan_total(planner: PlannerLike, expr: m.Total, filters: tuple[m.RowExpr, ...], shift: Shift | None,
               window: Window | None, owner: str) -> Value:
    keep = kept(planner.query, expr.within)
    column = planner.unique(f"total_{owner}")
    summed = already_read(planner, expr, filters, shift, window, owner)
    if summed is not None:
        planner.peers.append(TotalPlan(column, [ref.column for ref in keep], None, summed=summed))
        return MeasureRef(column, zero_when_empty=over_no_rows(summed) == 0)
    query = planner.query.model_copy(update={"by": keep, "order": (), "limit": None, "name": column})
    sub = type(planner)(planner.project, query)
    value = sub.inline(expr.expr, filters, shift, window, owner)
    dims = [OutputDim(ref.name, ref.column, ref.grain) for ref in keep]
    plan = QueryPlan(name=column, dims=dims, scans=sub.scan_list, metrics=[OutputMetric(column, value)],
                     where=query.where, period=query.period, order=[], limit=None, files=[], peers=sub.peers)
    planner.files |= sub.files
    planner.peers.append(TotalPlan(column, [d.column for d in dims], plan))
    return MeasureRef(column, zero_when_empty=over_no_rows(value) == 0)


def already_read(planner: PlannerLike, expr: m.Total, filters: tuple[m.RowExpr, ...], shift: Shift | None,
                 window: Window | None, owner: str) -> Value | None:
    """An additive m whose measures the query reads anyway (`revenue / total(revenue)`): the sum of
    its values over the output rows is the total. Measures read only for the total would make groups
    appear that no metric of the query sees (§8), so then m is planned on its own instead."""
    exprs = {name: metric.expr for name, metric in planner.project.metrics.items()}
    if not additive(expr.expr, exprs, set()):
        return None
    point = planner.checkpoint()
    value = planner.inline(expr.expr, filters, shift, window, owner)
    if planner.reads_more_than(point):
        planner.rollback(point)
        return None
    return value


def over_no_rows(value: Value) -> Decimal | None:
    """The value of a metric over no rows (a bucket that only other sources have: §8, a sum is 0)."""
    if isinstance(value, MeasureRef):
        return Decimal(0) if value.zero_when_empty else None
    if isinstance(value, Number):
        return Decimal(value.value)
    if not isinstance(value, Compute):
        return None
    args = [over_no_rows(arg) for arg in value.args]
    if value.op == "coalesce":
        return next((a for a in args if a is not None), None)
    if any(a is None for a in args):
        return None
    known = [a for a in args if a is not None]
    return _computed(value.op, known)


def _computed(op: str, args: list[Decimal]) -> Decimal | None:
    if op in ("/", "growth"):
        if args[1] == 0:
            return None
        return args[0] / args[1] - (1 if op == "growth" else 0)
    simple = {"+": lambda: args[0] + args[1], "-": lambda: args[0] - args[1], "*": lambda: args[0] * args[1],
              "neg": lambda: -args[0], "abs": lambda: abs(args[0])}
    if op in simple:
        return simple[op]()
    return Decimal(0) if op in ("round", "floor", "ceil") and args[0] == 0 else None  # only 0 matters here


def plan_rank(planner: PlannerLike, expr: m.Rank, filters: tuple[m.RowExpr, ...], shift: Shift | None,
              window: Window | None, owner: str) -> Value:
    value = planner.inline(expr.expr, filters, shift, window, owner)
    partition = tuple(ref.column for ref in kept(planner.query, expr.within))
    return RankOf(value, partition, expr.ascending)
