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

Windows are unions of whole buckets (rolling windows are whole buckets, to-date windows start at a
unit boundary), so the result equals the row-level window. With a literal `period`, the source
rows are bounded on the raw time column (partition pruning) by the first window's start and the
last bucket's end. `count_distinct … having` keeps the row-level plan (statement.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlglot import exp

from metricdsl import grains
from metricdsl.ir import model as m
from metricdsl.plan.nodes import CALENDAR, COUNTS, FIRSTS, TRIPLES, Measure, QueryPlan, Scan, Shift, Window, fresh_name
from metricdsl.sql import calendar
from metricdsl.sql.rows import (
    RowCompiler,
    aggregate,
    col,
    date_literal,
    ident,
    safe_divide,
    stacked,
    truncate,
    with_filter,
)

BIGINT = "BIGINT"


class Host(Protocol):
    """What the statement builder lends to a windowed scan."""

    project: m.Project
    plan: QueryPlan

    def rows(self, scan: Scan) -> RowCompiler: ...

    def scan_where(self, scan: Scan, rows: RowCompiler, conditions: list[m.RowExpr | None]) -> exp.Expr | None: ...

    def from_with_joins(self, select: exp.Select, base: str, rows: RowCompiler,
                        scan: Scan | None = None) -> exp.Select: ...


@dataclass
class Partial:
    """One column of `<scan>_buckets` and how windows combine it."""

    column: str
    combine: str  # sum min max
    counts: bool = False  # a count: the window's SUM is cast back to BIGINT


@dataclass
class Layout:
    """The partial columns of a bucketed scan, and how each measure is made from them."""

    partials: list[Partial] = field(default_factory=list)
    measures: dict[str, Callable[[], exp.Expr]] = field(default_factory=dict)
    distinct: list[Measure] = field(default_factory=list)


class WindowedScan:
    """The CTEs of one bucketed cumulative scan; `ctes` in order, `relations` to stack (name, columns)."""

    def __init__(self, host: Host, scan: Scan, taken: set[str]) -> None:
        assert scan.window is not None and scan.bucketed
        time_dim = host.plan.time_dim
        assert time_dim is not None and time_dim.grain is not None
        self.host, self.scan, self.window, self.taken = host, scan, scan.window, taken
        self.grain, self.time = time_dim.grain, time_dim.column
        self.others = [d for d in host.plan.dims if d.grain is None]
        self.ctes: list[tuple[str, exp.Expr]] = []
        self.relations: list[tuple[str, list[str]]] = []

    # ---- names -------------------------------------------------------------------------------
    def fresh(self, base: str) -> str:
        return fresh_name(base, self.taken)

    def other_columns(self) -> list[str]:
        return [d.column for d in self.others]

    # ---- the whole scan ----------------------------------------------------------------------
    def build(self) -> None:
        layout = self.layout()
        keyed = layout.distinct[0] if layout.distinct else None
        buckets = self.fresh(f"{self.scan.name}_buckets")
        hits = self.fresh("hits") if keyed is not None else None
        key = self.fresh("distinct_key") if keyed is not None else None
        self.ctes.append((buckets, self.bucket_select(layout, keyed, key, hits)))
        key_sets = []
        if keyed is not None:
            assert key is not None and hits is not None
            key_sets.append((keyed, self.keys_of_buckets(buckets, key, hits), key))
        for measure in layout.distinct[1:]:
            name, column = self.fresh(f"{self.scan.name}_keys"), self.fresh("distinct_key")
            self.ctes.append((name, self.key_select(measure, column)))
            key_sets.append((measure, exp.select(*self.group_columns(), col(column)).from_(ident(name)), column))
        firsts, rolling = self.split_distinct(key_sets)
        parts = self.fresh(f"{self.scan.name}_parts")
        self.ctes.append((parts, self.parts_select(layout, buckets, keyed is not None, firsts)))
        measures = [exp.alias_(layout.measures[mz.column](), ident(mz.column)) for mz in self.scan.measures
                    if mz.column in layout.measures]
        if measures or not rolling:
            self.add_window(self.scan.name, parts, measures)
        for measure, keys, column in rolling:
            name = self.fresh(f"{self.scan.name}_{measure.column}")
            triples = self.fresh(f"{name}_keys")
            self.ctes.append((triples, self.moved(keys, column)))
            counted = aggregate("count_distinct", col(column, triples))
            self.add_window(name, triples, [exp.alias_(counted, ident(measure.column))])

    def add_window(self, name: str, relation: str, measures: list[exp.Expr]) -> None:
        """`name`: for each calendar bucket and group, `measures` over `relation`'s rows in its window."""
        select = exp.select(exp.alias_(col(self.time, CALENDAR), ident(self.time)),
                            *[exp.alias_(col(c, relation), ident(c)) for c in self.other_columns()], *measures)
        start, end = calendar.window_bounds(self.window, self.grain, col(self.time, CALENDAR))
        bucket = col(self.time, relation)
        on = exp.and_(exp.GTE(this=bucket, expression=start), exp.LT(this=bucket.copy(), expression=end),
                      wrap=False, copy=False)
        select = select.from_(exp.Table(this=ident(CALENDAR))).join(exp.Table(this=ident(relation)), on=on,
                                                                     join_type="INNER")
        select = select.group_by(col(self.time, CALENDAR), *[col(c, relation) for c in self.other_columns()])
        self.ctes.append((name, select))
        self.relations.append((name, [a.alias for a in measures]))

    # ---- partial aggregates ------------------------------------------------------------------
    def layout(self) -> Layout:
        layout = Layout()
        for measure in self.scan.measures:
            if measure.func == "count_distinct":
                layout.distinct.append(measure)
                continue
            if measure.func in ("sum", "count"):
                part = self.partial(layout, measure.column, "sum", counts=measure.func == "count")
                layout.measures[measure.column] = self.summed(part)
            elif measure.func in ("min", "max"):
                part = self.partial(layout, measure.column, measure.func)
                layout.measures[measure.column] = self.combined(part)
            else:  # avg: the sum of sums over the sum of counts
                total = self.partial(layout, f"{measure.column}_sum", "sum")
                count = self.partial(layout, f"{measure.column}_count", "sum", counts=True)
                layout.measures[measure.column] = self.averaged(total, count)
        return layout

    def partial(self, layout: Layout, base: str, combine: str, *, counts: bool = False) -> Partial:
        part = Partial(self.fresh(f"{base}_part"), combine, counts)
        layout.partials.append(part)
        return part

    @staticmethod
    def summed(part: Partial) -> Callable[[], exp.Expr]:
        def build() -> exp.Expr:
            total: exp.Expr = exp.Sum(this=col(part.column))
            return exp.Cast(this=total, to=exp.DataType.build(BIGINT)) if part.counts else total
        return build

    @staticmethod
    def combined(part: Partial) -> Callable[[], exp.Expr]:
        return lambda: (exp.Min if part.combine == "min" else exp.Max)(this=col(part.column))

    @staticmethod
    def averaged(total: Partial, count: Partial) -> Callable[[], exp.Expr]:
        return lambda: safe_divide(exp.Sum(this=col(total.column)), exp.Sum(this=col(count.column)))

    def partial_sql(self, rows: RowCompiler, layout: Layout) -> list[exp.Expr]:
        """The partial aggregates of the buckets CTE, in layout order."""
        by_column = {mz.column: mz for mz in self.scan.measures}
        out: list[exp.Expr] = []
        for measure in (by_column[c] for c in layout.measures):
            arg = None if measure.arg is None else rows(measure.arg)
            condition = None if measure.condition is None else rows(measure.condition)
            if measure.func == "avg":
                funcs = ["sum", "count"]
            else:
                funcs = ["count" if measure.func == "count" else measure.func]
            for func in funcs:
                out.append(with_filter(aggregate(func, arg.copy() if arg is not None else None),
                                       condition.copy() if condition is not None else None))
        return [exp.alias_(e, ident(p.column)) for e, p in zip(out, layout.partials, strict=True)]

    # ---- reading the source once -----------------------------------------------------------
    def group_columns(self) -> list[exp.Expr]:
        return [col(c) for c in [*self.other_columns(), self.time]]

    def source_select(self, extra: list[exp.Expr], conditions: list[m.RowExpr | None],
                      key: tuple[m.RowExpr, str] | None = None) -> tuple[exp.Select, list[exp.Expr]]:
        """SELECT groups, bucket, [key,] extra FROM the source …: the select and its group keys."""
        scan, rows = self.scan, self.host.rows(self.scan)
        keys = [rows(d.row_expr) for d in self.others]
        bucket = truncate(self.grain, RowCompiler(self.host.project, scan.source).time())
        columns = [exp.alias_(e, ident(d.column)) for e, d in zip(keys, self.others, strict=True)]
        columns.append(exp.alias_(bucket, ident(self.time)))
        groups = [*keys, bucket]
        if key is not None:
            key_sql = rows(key[0])
            columns.append(exp.alias_(key_sql, ident(key[1])))
            groups.append(key_sql)
        select = exp.select(*columns, *extra)
        where = self.host.scan_where(scan, rows, conditions)
        select = self.host.from_with_joins(select, scan.source, rows)
        parts = [*self.raw_bounds(rows), *([where] if where is not None else [])]
        if parts:
            select = select.where(exp.and_(*parts, wrap=False, copy=False))
        return select, [g.copy() for g in groups]

    def bucket_select(self, layout: Layout, keyed: Measure | None, key: str | None, hits: str | None) -> exp.Select:
        rows = self.host.rows(self.scan)
        extra = self.partial_sql(rows, layout)
        if keyed is not None:
            assert key is not None and hits is not None
            condition = None if keyed.condition is None else rows(keyed.condition)
            extra.append(exp.alias_(with_filter(aggregate("count", None), condition), ident(hits)))
        select, groups = self.source_select(extra, self.scan.conditions,
                                            None if keyed is None or keyed.arg is None else (keyed.arg, key or ""))
        return select.group_by(*groups)

    def key_select(self, measure: Measure, column: str) -> exp.Select:
        assert measure.arg is not None
        select, _ = self.source_select([], [measure.condition], (measure.arg, column))
        return select.distinct()

    def keys_of_buckets(self, buckets: str, key: str, hits: str) -> exp.Select:
        """The (group, bucket, key) triples of the keyed buckets CTE whose rows pass the condition."""
        return exp.select(*self.group_columns(), col(key)).from_(ident(buckets)).where(
            exp.GT(this=col(hits), expression=exp.Literal.number(0)))

    def raw_bounds(self, rows: RowCompiler) -> list[exp.Expr]:
        """With a literal period: rows from the first window's start to the last bucket's end."""
        period = self.host.plan.period
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

    # ---- moving and first appearances --------------------------------------------------------
    def moved_bucket(self) -> exp.Expr:
        bucket = col(self.time)
        return bucket if self.scan.shift is None else calendar.shifted(bucket, self.scan.shift)

    def moved(self, select: exp.Select, key: str) -> exp.Select:
        """The (group, bucket, key) triples of `select` with the bucket moved by the scan's offset.

        Moved days that meet (31 and 28 January, one month on) may repeat a key: the first
        appearance takes the earliest and COUNT(DISTINCT …) counts it once, so no DISTINCT here."""
        if self.scan.shift is None:
            return select
        inner = exp.Subquery(this=select, alias=exp.TableAlias(this=ident(TRIPLES)))
        columns = [col(c) for c in self.other_columns()]
        return exp.select(*columns, exp.alias_(self.moved_bucket(), ident(self.time)), col(key)).from_(inner)

    def split_distinct(self, key_sets: list[tuple[Measure, exp.Select, str]]) -> tuple[
            list[tuple[Measure, exp.Select, str]], list[tuple[Measure, exp.Select, str]]]:
        """To-date distinct counts become first-appearance counts; rolling ones stay key sets."""
        if self.window.count is None:
            return key_sets, []
        return [], key_sets

    def first_counts(self, keys: exp.Select, key: str, column: str) -> exp.Select:
        """Per group and bucket, the keys seen there first within their to-date period."""
        moved = self.moved(keys, key)
        anchor = window_anchor(self.window, self.grain, col(self.time))
        firsts = exp.select(*[col(c) for c in self.other_columns()],
                            exp.alias_(exp.Min(this=col(self.time)), ident(self.time)), col(key)).from_(
            exp.Subquery(this=moved, alias=exp.TableAlias(this=ident(TRIPLES)))).group_by(
            *[col(c) for c in self.other_columns()], anchor, col(key))
        counted = exp.alias_(aggregate("count", col(key)), ident(column))
        return exp.select(*self.group_columns(), counted).from_(
            exp.Subquery(this=firsts, alias=exp.TableAlias(this=ident(FIRSTS)))).group_by(*self.group_columns())

    def parts_select(self, layout: Layout, buckets: str, keyed: bool,
                     firsts: list[tuple[Measure, exp.Select, str]]) -> exp.Query:
        """The buckets moved by the offset and summed again, stacked with first-appearance counts."""
        first_columns = [self.fresh(f"{measure.column}_first") for measure, _, _ in firsts]
        for (measure, _, _), column in zip(firsts, first_columns, strict=True):
            layout.measures[measure.column] = self.summed(Partial(column, "sum", counts=True))
        partials = [p.column for p in layout.partials]
        combine = {"sum": exp.Sum, "min": exp.Min, "max": exp.Max}
        moved = exp.alias_(self.moved_bucket(), ident(self.time))
        base = exp.select(*[col(c) for c in self.other_columns()], moved,
                          *[exp.alias_(combine[p.combine](this=col(p.column)) if keyed or self.scan.shift else
                                       col(p.column), ident(p.column)) for p in layout.partials],
                          *[exp.alias_(null(BIGINT), ident(c)) for c in first_columns]).from_(ident(buckets))
        if keyed or self.scan.shift is not None:
            base = base.group_by(*[col(c) for c in self.other_columns()], self.moved_bucket())
        branches: list[exp.Select] = [base]
        for index, (_, keys, key) in enumerate(firsts):
            counts = self.first_counts(keys, key, first_columns[index])
            values = [col(c) if i == index else null(BIGINT) for i, c in enumerate(first_columns)]
            branches.append(exp.select(*self.group_columns(), *[exp.Null() for _ in partials],
                                       *[exp.alias_(v, ident(c)) for v, c in zip(values, first_columns, strict=True)]
                                       ).from_(exp.Subquery(this=counts, alias=exp.TableAlias(this=ident(COUNTS)))))
        return stacked(branches)


def null(type_name: str) -> exp.Expr:
    return exp.Cast(this=exp.Null(), to=exp.DataType.build(type_name))


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
