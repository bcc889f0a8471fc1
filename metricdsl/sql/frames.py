"""Cumulative windows as window functions over a gap-free grid of buckets, instead of a range join.

A range join of the calendar's windows to the per-bucket partials makes one row per bucket and
group for every bucket its window covers: with thousands of groups and a 28-day window, 28 times
the aggregate. When the period is literal and every window is a fixed number of buckets (rolling
windows of whole buckets) or everything since a unit boundary (to-date windows), the same sums are
window functions over one row per bucket and group:

  `<scan>_grid`    the partials re-aggregated per (group, bucket), stacked with a NULL row for
                   every bucket from the first window's start to the last bucket and every group,
                   so the buckets of each group are gap-free (ROWS frames count buckets) — a
                   UNION and a GROUP BY, not a join, so NULL groups stay groups and no engine needs
                   a null-safe join;
  `<scan>`         `SUM/MIN/MAX(…) OVER (PARTITION BY group [, to-date period] ORDER BY bucket
                   ROWS …)`, keeping the period's buckets whose window holds a partial row (as
                   the range join's inner join does).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from metricdsl import grains
from metricdsl.plan.nodes import FRAMED, GRID_BUCKETS, GRID_GROUPS, Window
from metricdsl.sql import calendar
from metricdsl.sql.rows import aliased, col, data_type, date_literal, ident, stacked

ROWS_IN_WINDOW = "rows_in_window"


def frame_buckets(window: Window, grain: str) -> int | None:
    """How many buckets of `grain` a rolling window spans (None: not a whole, fixed number)."""
    assert window.count is not None
    for sizes in (grains.DAYS_PER_UNIT, grains.MONTHS_PER_UNIT):
        if window.unit in sizes and grain in sizes:
            span, size = window.count * sizes[window.unit], sizes[grain]
            return span // size if span % size == 0 else None
    return None


def can_frame(window: Window, grain: str) -> bool:
    """Is every window of this kind a frame of whole, consecutive buckets?"""
    if window.anchor is not None:
        return False
    return window.count is None or frame_buckets(window, grain) is not None


@dataclass
class FramedWindow:
    """The two CTEs of one framed window over `parts` (one row per group and bucket, or several)."""

    window: Window
    grain: str
    time: str
    others: list[str]
    first_window_start: datetime.date  # the first bucket's window starts here
    first: datetime.date  # the period's first and last buckets
    last: datetime.date
    generate_series: bool
    fresh: Callable[[str], str]

    def ctes(self, name: str, parts: str, partials: dict[str, tuple[type[exp.AggFunc], str]],
             measures: list[exp.Expr]) -> list[tuple[str, exp.Expr]]:
        """`partials`: column → (how buckets combine it, its SQL type); `measures` are aliased
        aggregates over the partial columns, as the range join would compute them."""
        grid = self.fresh(f"{name}_grid")
        return [(grid, self.grid_select(parts, partials)), (name, self.framed_select(grid, measures))]

    # ---- the gap-free grid -------------------------------------------------------------------
    def grid_select(self, parts: str, partials: dict[str, tuple[type[exp.AggFunc], str]]) -> exp.Select:
        keys = [*self.others, self.time]
        in_range = exp.and_(exp.GTE(this=col(self.time), expression=date_literal(self.first_window_start)),
                            exp.LTE(this=col(self.time), expression=date_literal(self.last)), wrap=False, copy=False)
        data = exp.select(*[col(c) for c in keys], *[col(c) for c in partials],
                          exp.alias_(exp.Literal.number(1), ident(ROWS_IN_WINDOW))).from_(ident(parts)).where(in_range)
        buckets = calendar.literal_calendar(self.grain, self.time, self.first_window_start, self.last,
                                            self.generate_series)
        empty = exp.select(*[col(c, GRID_GROUPS) for c in self.others], col(self.time, GRID_BUCKETS),
                           *[exp.alias_(exp.Cast(this=exp.Null(), to=data_type(t)), ident(c))
                             for c, (_, t) in partials.items()],
                           exp.alias_(exp.Literal.number(0), ident(ROWS_IN_WINDOW))
                           ).from_(aliased(buckets, GRID_BUCKETS))
        if self.others:
            groups = exp.select(*[col(c) for c in self.others]).distinct().from_(ident(parts)).where(in_range.copy())
            empty = empty.join(aliased(groups, GRID_GROUPS), join_type="CROSS")
        combined = [exp.alias_(combine(this=col(c)), ident(c)) for c, (combine, _) in partials.items()]
        return exp.select(*[col(c) for c in keys], *combined,
                          exp.alias_(exp.Sum(this=col(ROWS_IN_WINDOW)), ident(ROWS_IN_WINDOW))
                          ).from_(aliased(stacked([data, empty]), FRAMED)).group_by(*[col(c) for c in keys])

    # ---- the windows -------------------------------------------------------------------------
    def over(self, aggregate: exp.Expr) -> exp.Window:
        partition: list[exp.Expr] = [col(c) for c in self.others]
        if self.window.count is None:  # to date: the buckets since the last unit boundary
            start, _ = calendar.window_bounds(self.window, self.grain, col(self.time))
            partition.append(start)
            spec = exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING", end="CURRENT ROW")
        else:
            size = frame_buckets(self.window, self.grain)
            assert size is not None
            spec = exp.WindowSpec(kind="ROWS", start=exp.Literal.number(size - 1), start_side="PRECEDING",
                                  end="CURRENT ROW")
        order = exp.Order(expressions=[exp.Ordered(this=col(self.time), nulls_first=False)])
        return exp.Window(this=aggregate, partition_by=partition or None, order=order, spec=spec)

    def framed(self, measure: exp.Expr) -> exp.Expr:
        """`measure` with each aggregate over the frame instead of over a group."""
        def windowed(node: exp.Expr) -> exp.Expr:
            return self.over(node.copy()) if isinstance(node, exp.AggFunc) else node
        return measure.transform(windowed)

    def framed_select(self, grid: str, measures: list[exp.Expr]) -> exp.Select:
        names = [m.alias for m in measures]
        inner = exp.select(*[col(c) for c in [*self.others, self.time]], *[self.framed(m) for m in measures],
                           exp.alias_(self.over(exp.Sum(this=col(ROWS_IN_WINDOW))), ident(ROWS_IN_WINDOW))
                           ).from_(ident(grid))
        keep = exp.and_(exp.GT(this=col(ROWS_IN_WINDOW), expression=exp.Literal.number(0)),
                        exp.GTE(this=col(self.time), expression=date_literal(self.first)), wrap=False, copy=False)
        return exp.select(*[col(c) for c in [self.time, *self.others, *names]]
                          ).from_(aliased(inner, FRAMED)).where(keep)
