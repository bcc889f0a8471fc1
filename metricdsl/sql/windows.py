"""Cumulative scans over pre-aggregated buckets: each row of the source is read once, whatever the window.

A bucketed cumulative scan (`Scan.bucketed`) becomes these CTEs:

  `<scan>_buckets`  the source's rows aggregated once per group and bucket of the query's grain
                    (unshifted), as partial aggregates: SUM and COUNT for `sum`, `count` and
                    `avg`, MIN and MAX for `min` and `max`. With a `count_distinct`, the first one
                    is grouped by its key too (a `… hits` count says whether the key's rows pass
                    its condition), so the rows are still read once.
  `<scan>_keys…`    one per further `count_distinct`: its distinct (group, bucket, key) triples.
  `<scan>_parts`    the buckets moved by the scan's offset (exact: offsets are whole buckets, and
                    at day grain moved days that meet are summed again), re-aggregated; for a
                    to-date `count_distinct`, each key counted once, at its first bucket in the
                    window's period (first appearance), as a count that sums like the others.
  `<scan>`          for each calendar bucket, the parts inside its window, summed (MIN / MAX for
                    minima and maxima; AVG as the sum of sums over the sum of counts); a rolling
                    `count_distinct` counts the distinct keys of its triples inside the window.

With a literal period and windows of a fixed number of buckets (rolling) or since a unit boundary
(to date, not lagged), `<scan>` is window functions over a gap-free grid of the parts instead of a
join of the calendar's windows to them (frames.py): one row per bucket and group, not one per
bucket its window covers.

Windows are unions of whole buckets (rolling windows are whole buckets, to-date windows start at a
unit boundary), so the result equals the row-level window. With a literal `period`, the source
rows are bounded on the raw time column (partition pruning) by the first window's start and the
last bucket's end. `count_distinct … having` keeps the row-level plan (statement.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlglot import exp

from metricdsl import grains
from metricdsl.ir import model as m
from metricdsl.plan.nodes import CALENDAR, COUNTS, FIRSTS, Measure, QueryPlan, Scan, Shift, Window, fresh_name
from metricdsl.sql import calendar
from metricdsl.sql.frames import FramedWindow, can_frame
from metricdsl.sql.rows import (
    RowCompiler,
    aggregate,
    col,
    data_type,
    date_literal,
    ident,
    safe_divide,
    stacked,
    truncate,
    with_filter,
)
from metricdsl.sql.types import aggregate_type, sql_type

BIGINT = "BIGINT"
WINDOW_START, WINDOW_END = "window_start", "window_end"  # each calendar bucket's window: [start, end)


class Host(Protocol):
    """What the statement builder lends to a windowed scan."""

    project: m.Project
    plan: QueryPlan
    @property
    def generate_series(self) -> bool: ...

    @property
    def period_known(self) -> bool: ...

    def rows(self, scan: Scan) -> RowCompiler: ...

    def scan_where(self, scan: Scan, rows: RowCompiler, conditions: list[m.RowExpr | None]) -> exp.Expr | None: ...

    def from_with_joins(self, select: exp.Select, base: str, rows: RowCompiler,
                        scan: Scan | None = None) -> exp.Select: ...


PARTIAL_FUNCS = frozenset({"sum", "count", "avg", "min", "max"})


@dataclass
class Partial:
    """One column of `<scan>_buckets`: an aggregate of the source's rows, and how windows combine it."""

    column: str
    func: str  # sum count min max
    measure: Measure  # whose argument and condition it aggregates

    @property
    def combine(self) -> type[exp.AggFunc]:
        return {"min": exp.Min, "max": exp.Max}.get(self.func, exp.Sum)


@dataclass
class Layout:
    """The partial columns of a bucketed scan, and how each measure is made from them.

    `windowed`: the scan's measures, as aggregates over the partials of a window's buckets;
    `plain`: measures of unshifted scans riding on the buckets, as expressions of one bucket's partials.
    """

    partials: dict[tuple[str, m.RowExpr | None, m.RowExpr | None], Partial] = field(default_factory=dict)
    windowed: dict[str, Callable[[], exp.Expr]] = field(default_factory=dict)
    plain: dict[str, Callable[[], exp.Expr]] = field(default_factory=dict)
    window_partials: list[str] = field(default_factory=list)
    distinct: list[Measure] = field(default_factory=list)


def literal_period(plan: QueryPlan) -> m.Period | None:
    """The query's period when its dates are known now (a relative period is counted in SQL)."""
    return plan.period if isinstance(plan.period, m.Period) else None


def bucket_aligned(period: m.Period | m.RelativePeriod | None, grain: str) -> bool:
    """Does the period start and end on bucket boundaries (so whole buckets hold exactly its rows)?

    A relative period's dates are not known when compiling: its scans read their own rows."""
    if not isinstance(period, m.Period):
        return False
    last = grains.bucket_start(period.end, grain)
    return (grains.bucket_start(period.start, grain) == period.start
            and next_bucket(last, grain) == period.end + datetime.timedelta(days=1))


DistinctIdentity = tuple[m.RowExpr | None, m.RowExpr | None]  # key, condition


def distinct_identity(measure: Measure) -> DistinctIdentity:
    """What a distinct count counts: its key and condition."""
    return measure.arg, measure.condition


def can_ride(scan: Scan, window: Scan) -> bool:
    """May the unshifted, unwindowed `scan` be computed from `window`'s buckets (and, for a distinct
    count, from the (bucket, key) pairs of a rolling distinct count of the same key and condition)?"""
    pairs = {distinct_identity(mz) for mz in window.measures if mz.func == "count_distinct"} if (
        window.window is not None and window.window.count is not None) else set()
    return (scan.source == window.source and scan.window is None and scan.shift is None and scan.having is None
            and scan.balance is None and scan.cohort is None  # balances and cohorts read their own rows
            and window.shift is None and all(mz.func in PARTIAL_FUNCS or (
                mz.func == "count_distinct" and distinct_identity(mz) in pairs) for mz in scan.measures))


class WindowedScan:
    """The CTEs of one bucketed cumulative scan; `ctes` in order, `relations` to stack (name, columns).

    `riders` are unshifted scans of the same source over a bucket-aligned period: their measures
    are read from the same buckets, so the source's rows are read once for both.
    """

    def __init__(self, host: Host, scan: Scan, taken: set[str], riders: Sequence[Scan] = ()) -> None:
        assert scan.window is not None and scan.bucketed
        time_dim = host.plan.time_dim
        assert time_dim is not None and time_dim.grain is not None
        self.host, self.scan, self.window, self.taken = host, scan, scan.window, taken
        self.riders = list(riders)
        self.grain, self.time = time_dim.grain, time_dim.column
        self.others = [d for d in host.plan.dims if d.grain is None]
        self.ctes: list[tuple[str, exp.Expr]] = []
        self.relations: list[tuple[str, list[str]]] = []
        self.joined: set[str] = set()  # relations joined to the calendar: computed once, not per bucket
        self.windows_cte: str | None = None

    # ---- names -------------------------------------------------------------------------------
    def fresh(self, base: str) -> str:
        return fresh_name(base, self.taken)

    def other_columns(self) -> list[str]:
        return [d.column for d in self.others]

    def group_columns(self) -> list[exp.Expr]:
        return [col(c) for c in [*self.other_columns(), self.time]]

    # ---- the whole scan ----------------------------------------------------------------------
    def build(self) -> None:
        layout = self.layout()
        buckets = self.fresh(f"{self.scan.name}_buckets")
        if layout.partials:  # distinct counts alone need no buckets: their keys say where rows are
            self.ctes.append((buckets, self.bucket_select(layout)))
        to_date = self.window.count is None
        pairs: dict[DistinctIdentity, tuple[str, str]] = {}  # a rolling distinct count's (bucket, key) pairs: CTE, key
        for measure in [] if to_date else layout.distinct:
            keys, key = self.fresh(f"{self.scan.name}_{measure.column}_keys"), self.fresh("distinct_key")
            self.ctes.append((keys, self.triples_select(measure, key)))
            pairs.setdefault(distinct_identity(measure), (keys, key))
        for rider in self.riders:
            self.add_rider(rider, layout, buckets, pairs)
        firsts = [(mz, self.fresh(f"{mz.column}_first")) for mz in layout.distinct] if to_date else []
        parts = self.fresh(f"{self.scan.name}_parts")
        if layout.partials or firsts:
            self.ctes.append((parts, self.parts_select(layout, buckets, firsts)))
        measures = [exp.alias_(layout.windowed[mz.column](), ident(mz.column)) for mz in self.scan.measures
                    if mz.column in layout.windowed]
        rolling = [] if to_date else layout.distinct
        framing = self.framing()
        if framing is not None and (layout.partials or firsts):
            self.add_framed(framing, parts, layout, firsts, measures)
        elif measures or not rolling:
            self.add_window(self.scan.name, parts, measures)
        for measure in rolling:
            name = self.fresh(f"{self.scan.name}_{measure.column}")
            keys, key = pairs[distinct_identity(measure)]
            counted = aggregate("count_distinct", col(key, keys))
            self.add_window(name, keys, [exp.alias_(counted, ident(measure.column))])

    def windows(self) -> str:
        """The CTE of each calendar bucket with its window's start and end, computed once per bucket
        (and materialized, so that no engine recomputes them for every pair the join compares)."""
        if self.windows_cte is None:
            self.windows_cte = self.fresh(f"{self.scan.name}_windows")
            start, end = calendar.window_bounds(self.window, self.grain, col(self.time, CALENDAR))
            bounds = exp.select(col(self.time, CALENDAR), exp.alias_(start, ident(WINDOW_START)),
                                exp.alias_(end, ident(WINDOW_END))).from_(exp.Table(this=ident(CALENDAR)))
            self.ctes.append((self.windows_cte, bounds))
            self.joined.add(self.windows_cte)
        return self.windows_cte

    def add_window(self, name: str, relation: str, measures: list[exp.Expr]) -> None:
        """`name`: for each calendar bucket and group, `measures` over `relation`'s rows in its window."""
        windows = self.windows()
        select = exp.select(exp.alias_(col(self.time, windows), ident(self.time)),
                            *[exp.alias_(col(c, relation), ident(c)) for c in self.other_columns()], *measures)
        bucket = col(self.time, relation)
        on = exp.and_(exp.GTE(this=bucket, expression=col(WINDOW_START, windows)),
                      exp.LT(this=bucket.copy(), expression=col(WINDOW_END, windows)), wrap=False, copy=False)
        select = select.from_(exp.Table(this=ident(windows))).join(exp.Table(this=ident(relation)), on=on,
                                                                    join_type="INNER")
        select = select.group_by(col(self.time, windows), *[col(c, relation) for c in self.other_columns()])
        self.ctes.append((name, select))
        self.relations.append((name, [a.alias for a in measures]))
        self.joined.add(relation)

    def framing(self) -> FramedWindow | None:
        """Window functions over a gap-free grid, when the period is literal and each window a frame."""
        period = literal_period(self.host.plan)
        if period is None or not self.host.period_known or not can_frame(self.window, self.grain):
            return None
        first, last = grains.bucket_start(period.start, self.grain), grains.bucket_start(period.end, self.grain)
        return FramedWindow(self.window, self.grain, self.time, self.other_columns(),
                            window_start(self.window, self.grain, first), first, last,
                            self.host.generate_series, self.fresh)

    def add_framed(self, framing: FramedWindow, parts: str, layout: Layout, firsts: list[tuple[Measure, str]],
                   measures: list[exp.Expr]) -> None:
        partials = {p.column: (p.combine, self.partial_type(p)) for p in layout.partials.values()
                    if p.column in layout.window_partials}
        partials.update({column: (exp.Sum, BIGINT) for _, column in firsts})
        self.ctes.extend(framing.ctes(self.scan.name, parts, partials, measures))
        if framing.others:  # the grid reads the groups from the parts too
            self.joined.add(parts)
        self.relations.append((self.scan.name, [a.alias for a in measures]))

    def partial_type(self, partial: Partial) -> str:
        measure = partial.measure  # an avg's sum partial has the argument's type, not the avg's
        declared = measure.type if measure.func == partial.func else "unknown"
        return sql_type(aggregate_type(partial.func, measure.arg, declared, self.host.project))

    # ---- partial aggregates ------------------------------------------------------------------
    def layout(self) -> Layout:
        layout = Layout()
        for measure in self.scan.measures:
            if measure.func == "count_distinct":
                layout.distinct.append(measure)
                continue
            parts = self.partials_of(layout, measure)
            layout.window_partials.extend(p.column for p in parts if p.column not in layout.window_partials)
            layout.windowed[measure.column] = self.window_value(measure.func, parts)
        for rider in self.riders:
            for measure in (mz for mz in rider.measures if mz.func != "count_distinct"):
                layout.plain[measure.column] = self.plain_value(measure.func, self.partials_of(layout, measure))
        return layout

    def partials_of(self, layout: Layout, measure: Measure) -> list[Partial]:
        """The partials a measure needs (avg: a sum and a count), shared between equal measures."""
        funcs = ["sum", "count"] if measure.func == "avg" else [measure.func]
        found = []
        for func in funcs:
            identity = (func, measure.arg, measure.condition)
            if identity not in layout.partials:
                layout.partials[identity] = Partial(self.fresh(f"{measure.column}_{func}"), func, measure)
            found.append(layout.partials[identity])
        return found

    @staticmethod
    def window_value(func: str, parts: list[Partial]) -> Callable[[], exp.Expr]:
        def build() -> exp.Expr:
            if func == "avg":
                return safe_divide(exp.Sum(this=col(parts[0].column)), exp.Sum(this=col(parts[1].column)))
            value: exp.Expr = parts[0].combine(this=col(parts[0].column))
            return exp.Cast(this=value, to=data_type(BIGINT)) if func == "count" else value
        return build

    @staticmethod
    def plain_value(func: str, parts: list[Partial]) -> Callable[[], exp.Expr]:
        if func == "avg":
            return lambda: safe_divide(col(parts[0].column), col(parts[1].column))
        return lambda: col(parts[0].column)

    # ---- reading the source once -----------------------------------------------------------
    def raw_select(self, columns: list[tuple[exp.Expr, str]], conditions: list[m.RowExpr | None],
                   rows: RowCompiler) -> exp.Select:
        """SELECT columns FROM the source and its joins WHERE bounds, the query's `where`, `conditions`.

        `rows` must have compiled every column already: it knows which joins they need."""
        select = exp.select(*[exp.alias_(e, ident(alias)) for e, alias in columns])
        where = self.host.scan_where(self.scan, rows, conditions)
        parts = [*self.raw_bounds(rows), *([where] if where is not None else [])]
        select = self.host.from_with_joins(select, self.scan.source, rows)
        return select.where(exp.and_(*parts, wrap=False, copy=False)) if parts else select

    def bucket(self, moved: bool) -> exp.Expr:
        """The row's bucket of the query's grain (unshifted), or moved by the scan's offset.

        A declared `date` time column is its own day bucket (no per-row truncation)."""
        time = RowCompiler(self.host.project, self.scan.source).time()
        day = self.grain == "day" and self.host.project.sources[self.scan.source].time_is_date
        bucket = time if day else truncate(self.grain, time)
        return calendar.shifted(bucket, self.scan.shift) if moved and self.scan.shift is not None else bucket

    def group_keys(self, rows: RowCompiler, bucket: exp.Expr) -> list[tuple[exp.Expr, str]]:
        return [*[(rows(d.row_expr), d.column) for d in self.others], (bucket, self.time)]

    def bucket_select(self, layout: Layout) -> exp.Select:
        rows = self.host.rows(self.scan)
        keys = self.group_keys(rows, self.bucket(moved=False))
        partials = []
        for part in layout.partials.values():
            arg = None if part.measure.arg is None else rows(part.measure.arg)
            condition = None if part.measure.condition is None else rows(part.measure.condition)
            partials.append((with_filter(aggregate(part.func, arg), condition), part.column))
        conditions = [*self.scan.conditions, *[c for rider in self.riders for c in rider.conditions]]
        select = self.raw_select([*keys, *partials], conditions, rows)
        return select.group_by(*[e.copy() for e, _ in keys])

    def add_rider(self, rider: Scan, layout: Layout, buckets: str, pairs: dict[DistinctIdentity, tuple[str, str]]) -> None:
        """An unshifted scan's measures over its period's buckets, read from the window's buckets
        (distinct counts: from the window's (bucket, key) pairs, one relation each)."""
        period = literal_period(self.host.plan)
        assert period is not None
        in_period = exp.GTE(this=col(self.time), expression=date_literal(period.start))
        plain = [mz for mz in rider.measures if mz.column in layout.plain]
        if plain or len(plain) == len(rider.measures):
            values = [exp.alias_(layout.plain[mz.column](), ident(mz.column)) for mz in plain]
            select = exp.select(*self.group_columns(), *values).from_(ident(buckets))
            self.ctes.append((rider.name, select.where(in_period)))
            self.relations.append((rider.name, [mz.column for mz in plain]))
        for measure in (mz for mz in rider.measures if mz.column not in layout.plain):
            keys, key = pairs[distinct_identity(measure)]
            name = rider.name if not plain and measure is rider.measures[0] else self.fresh(
                f"{rider.name}_{measure.column}")
            counted = exp.alias_(aggregate("count", col(key)), ident(measure.column))
            select = exp.select(*self.group_columns(), counted).from_(ident(keys)).where(in_period.copy())
            self.ctes.append((name, select.group_by(*self.group_columns())))
            self.relations.append((name, [measure.column]))

    def keyed_select(self, measure: Measure, key: str, first: bool) -> exp.Select:
        """Distinct (group, moved bucket, key) triples; with `first`, each key at its first bucket
        of the to-date period that holds it (first appearance)."""
        assert measure.arg is not None
        rows = self.host.rows(self.scan)
        bucket = self.bucket(moved=True)
        key_sql = rows(measure.arg)
        others = [(rows(d.row_expr), d.column) for d in self.others]
        if not first:
            return self.raw_select([*others, (bucket, self.time), (key_sql, key)], [measure.condition],
                                   rows).distinct()
        select = self.raw_select([*others, (exp.Min(this=bucket), self.time), (key_sql, key)],
                                 [measure.condition], rows)
        groups = [*[e.copy() for e, _ in others], key_sql.copy()]
        if not self.one_period():  # rows of several to-date periods: a key appears first once in each
            groups.insert(len(others), window_anchor(self.window, self.grain, bucket.copy()))
        return select.group_by(*groups)

    def one_period(self) -> bool:
        """Are the rows read (a literal period) all in one to-date period (2026's months, one year)?"""
        period = literal_period(self.host.plan)
        if period is None or self.window.count is not None:
            return False
        first, last = grains.bucket_start(period.start, self.grain), grains.bucket_start(period.end, self.grain)
        return window_start(self.window, self.grain, first) == window_start(self.window, self.grain, last)

    def triples_select(self, measure: Measure, key: str) -> exp.Select:
        return self.keyed_select(measure, key, first=False)

    def first_counts(self, measure: Measure, column: str) -> exp.Select:
        """Per group and bucket, the keys seen there first within their to-date period."""
        key = self.fresh("distinct_key")
        firsts = exp.Subquery(this=self.keyed_select(measure, key, first=True),
                              alias=exp.TableAlias(this=ident(FIRSTS)))
        counted = exp.alias_(aggregate("count", col(key)), ident(column))
        return exp.select(*self.group_columns(), counted).from_(firsts).group_by(*self.group_columns())

    def raw_bounds(self, rows: RowCompiler) -> list[exp.Expr]:
        """With a literal period: rows from the first window's start to the last bucket's end."""
        period = literal_period(self.host.plan)
        if period is None:
            return []
        first, last = grains.bucket_start(period.start, self.grain), grains.bucket_start(period.end, self.grain)
        start, stop = window_start(self.window, self.grain, first), next_bucket(last, self.grain)
        time = rows.time()
        if self.scan.shift is not None:
            raw = calendar.raw_bounds(self.scan.shift, start, stop)
            if raw is not None:
                time, (start, stop) = RowCompiler(self.host.project, self.scan.source).time(), raw
        return [exp.GTE(this=time, expression=date_literal(start)),
                exp.LT(this=time.copy(), expression=date_literal(stop))]

    # ---- moved buckets and first appearances -------------------------------------------------
    def parts_select(self, layout: Layout, buckets: str, firsts: list[tuple[Measure, str]]) -> exp.Query:
        """The buckets moved by the offset (summed again where moved days meet), stacked with the
        first-appearance counts of to-date distinct counts."""
        first_columns = [column for _, column in firsts]
        for measure, column in firsts:
            layout.windowed[measure.column] = self.window_value("count", [Partial(column, "count", measure)])
        partials = [p for p in layout.partials.values() if p.column in layout.window_partials]
        moved = exp.alias_(calendar.shifted(col(self.time), self.scan.shift) if self.scan.shift else col(self.time),
                           ident(self.time))
        values = [exp.alias_(p.combine(this=col(p.column)) if self.scan.shift else col(p.column), ident(p.column))
                  for p in partials]
        base = exp.select(*[col(c) for c in self.other_columns()], moved, *values,
                          *[exp.alias_(null(BIGINT), ident(c)) for c in first_columns]).from_(ident(buckets))
        if self.scan.shift is not None:
            base = base.group_by(*[col(c) for c in self.other_columns()], moved.this.copy())
        branches: list[exp.Select] = [base] if layout.partials else []
        for index, (measure, column) in enumerate(firsts):
            counts = exp.Subquery(this=self.first_counts(measure, column), alias=exp.TableAlias(this=ident(COUNTS)))
            padding = [col(c) if i == index else null(BIGINT) for i, c in enumerate(first_columns)]
            branches.append(exp.select(*self.group_columns(), *[exp.Null() for _ in partials],
                                       *[exp.alias_(v, ident(c)) for v, c in zip(padding, first_columns, strict=True)]
                                       ).from_(counts))
        return stacked(branches)


def null(type_name: str) -> exp.Expr:
    return exp.Cast(this=exp.Null(), to=data_type(type_name))


# ---- the window's bounds, in SQL and on literal dates ----------------------------------------------
def window_anchor(window: Window, grain: str, bucket: exp.Expr) -> exp.Expr:
    """The first bucket of the to-date period that holds `bucket` (rows on the moved timeline)."""
    start, _ = calendar.window_bounds(window, grain, bucket)
    return start


def plus_months(day: datetime.date, months: int) -> datetime.date:
    """`day` + `months`, clamped at month end (as SQL's `+ INTERVAL n MONTH`)."""
    first = grains.shift_months(day, months)
    return first.replace(day=min(day.day, grains.month_end(first).day))


def shifted_date(day: datetime.date, shift: Shift, sign: int = 1) -> datetime.date:
    """`day` moved by `shift` (months first, then days); back with `sign` -1 (days first)."""
    if sign > 0:
        return plus_months(day, shift.months) + datetime.timedelta(days=shift.days)
    return plus_months(day - datetime.timedelta(days=shift.days), -shift.months)


def next_bucket(bucket: datetime.date, grain: str) -> datetime.date:
    step, unit = (grains.MONTHS_PER_UNIT.get(grain), "month") if grain in grains.MONTHS_PER_UNIT else (
        grains.DAYS_PER_UNIT[grain], "day")
    assert step is not None
    return plus_months(bucket, step) if unit == "month" else bucket + datetime.timedelta(days=step)


def window_start(window: Window, grain: str, bucket: datetime.date) -> datetime.date:
    """The first day of `bucket`'s window (as `calendar.window_bounds` computes it in SQL)."""
    if window.count is not None:
        end = next_bucket(bucket, grain)
        if window.unit in grains.MONTHS_PER_UNIT:
            return plus_months(end, -window.count * grains.MONTHS_PER_UNIT[window.unit])
        return end - datetime.timedelta(days=window.count * grains.DAYS_PER_UNIT[window.unit])
    lagged = bucket if window.anchor is None else shifted_date(bucket, window.anchor, -1)
    if window.unit == "year" and grain == "week":
        start = datetime.date.fromisocalendar((lagged + datetime.timedelta(days=3)).year, 1, 1)
    else:
        start = grains.bucket_start(lagged, window.unit)
    return start if window.anchor is None else shifted_date(start, window.anchor)
