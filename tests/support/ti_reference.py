"""An independent reference for time intelligence (LANGUAGE.md §5 "Time intelligence"), in plain Python.

It builds on ``reference.py`` (CSV rows, LEFT joins, three-valued logic, aggregates, time buckets)
and shares no code with metricdsl.  A metric is written as for the corpus: a function of a
group whose ``rows(source, where)`` returns what an aggregate sees.  Here the group is a
``TimeGroup`` that knows *where on the timeline* its rows come from, so that

* ``lag(m, n, unit)`` evaluates ``m`` on the timeline moved forward: a row at day ``t`` counts
  at day ``t + n units`` (month, quarter and year offsets clamp to the month's last day, so
  31 Jan + 1 month = 28 Feb and 29 Feb 2024 + 1 year = 28 Feb 2025; each source day lands on
  exactly one later day).  ``period`` offsets are one bucket of the query's grain.  The query's
  ``period`` is applied to the moved day, the output bucket is the bucket of the moved day;
* ``growth(m, n, unit)`` is ``m / lag(m, n, unit) - 1``, NULL where the lagged value is 0 or NULL;
* ``cumulative(m, unit)`` (to date) evaluates ``m`` once over all rows from the truncation of the
  output bucket to ``unit`` up to the bucket's end (at week grain the year is the ISO year, whose
  weeks 1 … 52/53 start on the Monday of week 1; a month or quarter to date has no meaning
  there); ``cumulative(m, unit, n)`` (rolling) over the
  rows from ``n units`` before the bucket's end up to it.  Windows ignore the query's period:
  it limits the output buckets only.  So ``count_distinct`` counts a key once per window, and a
  ratio is the ratio of the window's aggregates;
* offsets and windows nest: the innermost offset moves a row first.  An offset *around* a
  to-date window moves the window with it: ``lag(cumulative(m, year), 1 period)`` in January is
  December's year to date (the whole previous year), not December alone.

Output rows (§8): the buckets of the period (without a period: from the first to the last
bucket of the rows, unshifted, that the query's metrics see), for each combination of the other
``by`` dimensions for which some metric sees a row in some output bucket.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from support.reference import (
    TIME,
    AmbiguousCase,
    Dataset,
    Dim,
    Group,
    Metric,
    Predicate,
    Result,
    Row,
    bucket_start,
    buckets,
    column_name,
    div,
    num,
    passes,
    sort_rows,
)

GRAINS = ("day", "week", "month", "quarter", "year")
UNIT_DAYS = {"day": 1, "week": 7}
UNIT_MONTHS = {"month": 1, "quarter": 3, "year": 12}


# --------------------------------------------------------------------------------------------
# Calendar arithmetic


def add_units(day: dt.date, count: int, unit: str) -> dt.date:
    """``day + count units``; month-based units clamp to the last day of the month."""
    if unit in UNIT_DAYS:
        return day + dt.timedelta(days=count * UNIT_DAYS[unit])
    index = day.year * 12 + day.month - 1 + count * UNIT_MONTHS[unit]
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def bucket_end(start: dt.date, grain: str) -> dt.date:
    """The first day after the bucket that starts on ``start``."""
    return add_units(start, 1, grain)


def window_bounds(bucket: dt.date, grain: str, unit: str, count: int | None) -> tuple[dt.date, dt.date]:
    """``[start, end)`` of a to-date (``count`` None) or rolling window ending with ``bucket``."""
    end = bucket_end(bucket, grain)
    if count is None and grain == "week" and unit != "week":
        if unit != "year":
            raise AmbiguousCase(f"a week straddles the {unit}: it has no {unit} to date")
        return dt.date.fromisocalendar(bucket.isocalendar()[0], 1, 1), end  # the ISO year's weeks
    if count is None:
        return bucket_start(bucket, unit), end
    return add_units(end, -count, unit), end


# --------------------------------------------------------------------------------------------
# Where a group's rows come from


@dataclass(frozen=True)
class Frame:
    bucket: dt.date | None  # the output bucket; None while probing for the calendar
    others: tuple[Any, ...]  # values of the other `by` dimensions
    shifts: tuple[tuple[int, str], ...] = ()  # outermost first
    window: tuple[dt.date, dt.date] | None = None  # [start, end) of the moved day


@dataclass(frozen=True)
class _Query:
    dataset: Dataset
    grain: str
    others: tuple[Dim, ...]
    where: Predicate | None
    period: tuple[dt.date, dt.date] | None


class TimeGroup(Group):
    """The rows one aggregate sees in one output group, on a possibly moved timeline.

    A ``reference.Group`` (``rows(source, where)``, ``where(pred)``, ``seen``, ``touched``) plus
    ``shifted`` (lag) and ``windowed`` (cumulative), used by the combinators below.
    """

    def __init__(
        self,
        query: _Query,
        frame: Frame,
        filters: tuple[Predicate, ...] = (),
        seen: list[bool] | None = None,
        probe: list[dt.date] | None = None,
    ) -> None:
        self._query = query
        self.frame = frame
        self._filters = filters
        self._seen = seen if seen is not None else [False]
        self._probe = probe  # probing: collects the (unshifted) days of every row seen
        self.touched: set[str] = set()

    @property
    def seen(self) -> bool:
        return self._seen[0]

    @property
    def grain(self) -> str:
        return self._query.grain

    def _copy(self, frame: Frame | None = None, filters: tuple[Predicate, ...] | None = None) -> TimeGroup:
        group = TimeGroup(
            self._query,
            frame or self.frame,
            self._filters if filters is None else filters,
            self._seen,
            self._probe,
        )
        group.touched = self.touched
        return group

    def where(self, pred: Predicate) -> TimeGroup:
        return self._copy(filters=(*self._filters, pred))

    def shifted(self, count: int, unit: str) -> TimeGroup:
        if unit == "period":
            unit = self.grain
        return self._copy(replace(self.frame, shifts=(*self.frame.shifts, (count, unit))))

    def windowed(self, unit: str, count: int | None) -> TimeGroup:
        if self.frame.window is not None:
            raise AmbiguousCase("cumulative inside cumulative")
        if self.frame.bucket is None:  # probing: every row counts
            return self._copy()
        bounds = window_bounds(self.frame.bucket, self.grain, unit, count)
        if count is None and self.frame.shifts:
            bounds = (self._anchored_start(unit), bounds[1])
        return self._copy(replace(self.frame, window=bounds))

    def _anchored_start(self, unit: str) -> dt.date:
        """The start of a to-date window under offsets (``lag(cumulative(m, year), 1 period)``).

        The window belongs to the *lagged* bucket: its start is the ``unit`` boundary before the
        output bucket moved back by the offsets around the window, moved forward again onto the
        timeline on which rows are compared.  (January's lagged year-to-date is December's:
        the whole previous year.)"""
        assert self.frame.bucket is not None
        lagged = self.frame.bucket
        for count, shift_unit in self.frame.shifts:  # undo the outermost offset first
            lagged = add_units(lagged, -count, shift_unit)
        start = window_bounds(bucket_start(lagged, self.grain), self.grain, unit, None)[0]
        for count, shift_unit in reversed(self.frame.shifts):
            start = add_units(start, count, shift_unit)
        return start

    def moved(self, day: dt.date) -> dt.date:
        for count, unit in reversed(self.frame.shifts):  # the innermost offset first
            day = add_units(day, count, unit)
        return day

    def _on_timeline(self, day: dt.date) -> bool:
        frame, query = self.frame, self._query
        moved = self.moved(day)
        if frame.window is not None:
            return frame.window[0] <= moved < frame.window[1]
        if bucket_start(moved, query.grain) != frame.bucket:
            return False
        return query.period is None or query.period[0] <= moved <= query.period[1]

    def rows(self, source: str, where: Predicate | None = None) -> list[Row]:
        self.touched.add(source)
        query = self._query
        out = []
        for row in query.dataset.wide_rows(source):
            day = row[TIME]
            if day is None:
                raise AmbiguousCase(f"a row of {source} without a time value")
            if isinstance(day, dt.datetime):
                day = day.date()
            if self._probe is None:
                if not self._on_timeline(day):
                    continue
                if tuple(d.value(row) for d in query.others) != self.frame.others:
                    continue
            if not passes(query.where, row) or not all(passes(f, row) for f in self._filters):
                continue
            if not passes(where, row):
                continue
            out.append(row)
            if self._probe is not None:
                self._probe.append(day)
        if out:
            self._seen[0] = True
        return out


# --------------------------------------------------------------------------------------------
# The time functions, as metric combinators


def lag(m: Metric, count: int, unit: str, name: str) -> Metric:
    """``lag(m, count unit)``; unit is day week month quarter year or period."""

    def compute(g: Any) -> Any:
        return m(g.shifted(count, unit))

    return Metric(name, compute)


def growth(m: Metric, count: int, unit: str, name: str) -> Metric:
    """``growth(m, count unit)`` = m / lag(m) - 1, NULL when the lagged value is 0 or NULL."""

    def compute(g: Any) -> Any:
        current, earlier = m(g), m(g.shifted(count, unit))
        ratio = div(current, earlier)
        return None if ratio is None else ratio - 1

    return Metric(name, compute)


def cumulative(m: Metric, unit: str, name: str, count: int | None = None) -> Metric:
    """``cumulative(m, unit)`` to date, or ``cumulative(m, count units)`` rolling."""

    def compute(g: Any) -> Any:
        return m(g.windowed(unit, count))

    return Metric(name, compute)


# --------------------------------------------------------------------------------------------
# Queries


def ti_query(
    dataset: Dataset,
    *,
    metrics: Sequence[Metric],
    by: Sequence[Dim],
    where: Predicate | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    order: Sequence[str] = (),
) -> Result:
    """A query with exactly one time dimension in ``by`` (time intelligence needs one)."""
    time_positions = [i for i, d in enumerate(by) if d.grain]
    assert len(time_positions) == 1, "time intelligence needs exactly one time dimension"
    t = time_positions[0]
    grain = by[t].grain or ""
    others = tuple(d for i, d in enumerate(by) if i != t)
    query = _Query(dataset, grain, others, where, period)

    # Which sources do the metrics read, and which (unshifted) days do they see at all?
    days: list[dt.date] = []
    probe = TimeGroup(query, Frame(None, ()), probe=days)
    for m in metrics:
        m(probe)
    if period is not None:
        calendar_ = buckets(period, grain)
    elif days:
        calendar_ = buckets((min(days), max(days)), grain)
    else:
        calendar_ = []

    candidates = {tuple(d.value(r) for d in others) for s in sorted(probe.touched) for r in dataset.wide_rows(s)}
    results: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for combo in sorted(candidates, key=_none_last):
        rows: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        seen = False
        for bucket in calendar_:
            group = TimeGroup(query, Frame(bucket, combo))
            values = tuple(m(group) for m in metrics)
            seen = seen or group.seen
            rows[combo[:t] + (bucket,) + combo[t:]] = values
        if seen or not others:
            results.update(rows)

    columns = [column_name(d.name) for d in by] + [column_name(m.name) for m in metrics]
    out = [key + values for key, values in results.items()]
    order_keys = []
    for item in order:
        name, _, direction = item.partition(" ")
        order_keys.append((columns.index(column_name(name)), direction.strip() == "desc"))
    out = sort_rows(out, order_keys) if order_keys else out
    return Result(columns, out, n_dims=len(by), order=order_keys)


def _none_last(values: tuple[Any, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((v is None, str(v)) for v in values)


# --------------------------------------------------------------------------------------------
# Comparing with an engine's answer: dates exactly, numbers to 1e-9 relative, NULL only to NULL

RELATIVE = Decimal("1e-9")


def same(actual: Any, expected: Any) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, dt.date):
        return type(actual) is type(expected) and bool(actual == expected)
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    if isinstance(actual, bool) or not isinstance(actual, int | float | Decimal):
        return False
    a, e = num(actual), num(expected)
    return abs(a - e) <= RELATIVE * max(abs(a), abs(e))


def mismatches(columns: Sequence[str], rows: Sequence[Sequence[Any]], expected: Result) -> str:
    """An empty string when the rows equal the reference (in any order), else what differs."""
    problems = []
    if list(columns) != expected.columns:
        problems.append(f"columns: expected {expected.columns}, got {list(columns)}")
    n = expected.n_dims

    def key(row: Sequence[Any]) -> tuple[tuple[bool, str], ...]:
        return _none_last(tuple(row[:n]))

    actual = sorted((tuple(r) for r in rows), key=key)
    wanted = sorted(expected.rows, key=key)
    if len(actual) != len(wanted):
        problems.append(f"row count: expected {len(wanted)}, got {len(actual)}")
    by_key = {tuple(map(str, r[:n])): r for r in actual}
    for row in wanted:
        got = by_key.pop(tuple(map(str, row[:n])), None)
        if got is None:
            problems.append(f"missing row {_show(row)}")
        elif len(got) != len(row) or not all(same(a, e) for a, e in zip(got, row, strict=False)):
            bad = [c for c, a, e in zip(expected.columns, got, row, strict=False) if not same(a, e)]
            problems.append(f"row {_show(row[:n])}: {', '.join(bad)} differ\n  - {_show(row)}\n  + {_show(got)}")
    for row in by_key.values():
        problems.append(f"unexpected row {_show(row)}")
    return "\n".join(problems)


def _show(row: Sequence[Any]) -> str:
    return " | ".join("NULL" if v is None else repr(v) for v in row)


def value_at(result: Result, column: str, *key: Any) -> Any:
    """One cell of a reference result, by its group keys (for rows worked out by hand)."""
    index = result.columns.index(column)
    matches = [r for r in result.rows if tuple(r[: result.n_dims]) == key]
    assert len(matches) == 1, f"{key}: {len(matches)} rows"
    return matches[0][index]
