"""An independent, deliberately naive evaluator of metric queries, in plain Python.

The acceptance tests compare what the compiled SQL returns with what this module computes
from the same CSV rows.  It shares no code with metricdsl: each test case restates its sources,
dimensions and metrics in Python (see ``tests/corpus/*/expected.py``) and this module supplies
the semantics of LANGUAGE.md §2, §4, §5 and §8:

* LEFT many-to-one joins, followed to any depth (``Dataset.wide_rows``);
* SQL three-valued logic for conditions (``eq``, ``ne``, ``in_`` … return None for unknown);
* each source is filtered by ``period`` on its own time column and by the query's ``where``,
  grouped on its own, and the groups of all sources are unioned (``Dataset.query``);
* a group appears when some metric sees a row in it; time buckets of the period are filled in;
* empty aggregates: ``sum``/``count``/``count_distinct`` give 0, ``avg``/``min``/``max`` None;
* division by 0 or NULL gives None; ``/`` is real division.

Rows are dicts keyed ``"source.column"``; a row of a source also carries the columns of every
source reachable through its joins and ``"__time__"``, the value of its own time column.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

Row = dict[str, Any]
Key = tuple[Any, ...]  # group keys, and rows of results
Predicate = Callable[[Row], Any]
TIME = "__time__"


class AmbiguousCase(AssertionError):
    """The test data hits a point where LANGUAGE.md does not fix the answer; change the data."""


# --------------------------------------------------------------------------------------------
# Values and CSV files


def parse_value(text: str, type_: str) -> Any:
    """One CSV field as a Python value; an empty field is NULL."""
    if text == "":
        return None
    base = type_.split("(")[0].strip()
    if base in ("int", "bigint"):
        return int(text)
    if base == "double":
        return float(text)
    if base == "decimal":
        return Decimal(text)
    if base == "bool":
        if text.lower() not in ("true", "false"):
            raise ValueError(f"not a bool: {text!r}")
        return text.lower() == "true"
    if base == "date":
        return dt.date.fromisoformat(text)
    if base == "timestamp":
        return dt.datetime.fromisoformat(text)
    if base == "string":
        return text
    raise ValueError(f"unknown column type {type_!r}")


def read_table(path: Path, columns: Mapping[str, str]) -> list[dict[str, Any]]:
    """Rows of a CSV file whose header must list exactly the declared columns."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if list(reader.fieldnames or []) != list(columns):
            raise ValueError(f"{path}: header {reader.fieldnames} != columns {list(columns)}")
        return [{name: parse_value(raw[name], columns[name]) for name in columns} for raw in reader]


# --------------------------------------------------------------------------------------------
# Sources and their LEFT joins


@dataclass(frozen=True)
class Join:
    column: str  # a column of the declaring source
    source: str  # the joined source
    target: str  # its key column


@dataclass(frozen=True)
class Source:
    """A source as declared in the spec: ``columns`` is ``"name:type name:type …"``."""

    name: str
    table: str
    columns_spec: str
    time: str | None = None
    joins: tuple[str, ...] = ()  # each "column -> source.column"

    @property
    def columns(self) -> dict[str, str]:
        pairs = (item.split(":", 1) for item in self.columns_spec.split())
        return {name: type_ for name, type_ in pairs}

    @property
    def join_list(self) -> list[Join]:
        out = []
        for text in self.joins:
            match = re.fullmatch(r"\s*(\w+)\s*->\s*(\w+)\.(\w+)\s*", text)
            if not match:
                raise ValueError(f"bad join {text!r}")
            out.append(Join(*match.groups()))
        return out


# --------------------------------------------------------------------------------------------
# SQL conditions with three-valued logic: None means "unknown", and only True passes a filter.


def eq(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else a == b


def ne(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else a != b


def lt(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else a < b


def le(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else a <= b


def gt(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else a > b


def ge(a: Any, b: Any) -> bool | None:
    return None if a is None or b is None else a >= b


def in_(a: Any, values: Iterable[Any]) -> bool | None:
    return None if a is None else a in list(values)


def not_in(a: Any, values: Iterable[Any]) -> bool | None:
    return not_(in_(a, values))


def between(a: Any, low: Any, high: Any) -> bool | None:
    return and_(ge(a, low), le(a, high))


def like(a: Any, pattern: str) -> bool | None:
    """SQL LIKE: ``%`` any run, ``_`` one character, case-sensitive."""
    if a is None:
        return None
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, a, flags=re.DOTALL) is not None


def is_null(a: Any) -> bool:
    return a is None


def not_(a: bool | None) -> bool | None:
    return None if a is None else not a


def and_(*xs: bool | None) -> bool | None:
    if any(x is False for x in xs):
        return False
    return None if any(x is None for x in xs) else True


def or_(*xs: bool | None) -> bool | None:
    if any(x is True for x in xs):
        return True
    return None if any(x is None for x in xs) else False


def passes(pred: Predicate | None, row: Row) -> bool:
    return pred is None or pred(row) is True


# --------------------------------------------------------------------------------------------
# Row-level arithmetic and aggregates


def num(x: Any) -> Decimal:
    """Exact Decimal of an int, float or Decimal (floats are converted exactly)."""
    return x if isinstance(x, Decimal) else Decimal(x)


def div(a: Any, b: Any) -> Decimal | None:
    """``a / b`` as the language defines it: real division, NULL when b is 0 or NULL."""
    if a is None or b is None or b == 0:
        return None
    return (num(a) / num(b)).normalize()  # a ratio is not money: no 2-place exponent


def _values(rows: Sequence[Row], value: Callable[[Row], Any]) -> list[Any]:
    return [v for v in (value(r) for r in rows) if v is not None]


def sum_(rows: Sequence[Row], value: Callable[[Row], Any]) -> Any:
    if not rows:
        return 0
    values = _values(rows, value)
    if not values:
        # LANGUAGE.md says 0 for "no rows" but does not say what a sum of only NULLs is.
        raise AmbiguousCase("sum over rows whose values are all NULL")
    return sum(values[1:], values[0])


def avg(rows: Sequence[Row], value: Callable[[Row], Any]) -> Decimal | None:
    values = _values(rows, value)
    return (sum((num(v) for v in values), Decimal(0)) / len(values)).normalize() if values else None


def min_(rows: Sequence[Row], value: Callable[[Row], Any]) -> Any:
    values = _values(rows, value)
    return min(values) if values else None


def max_(rows: Sequence[Row], value: Callable[[Row], Any]) -> Any:
    values = _values(rows, value)
    return max(values) if values else None


def percentile(rows: Sequence[Row], value: Callable[[Row], Any], p: Decimal | str) -> Decimal | None:
    """Continuous percentile, as PostgreSQL's percentile_cont: the value at position p × (n − 1) of the
    sorted non-NULL values, interpolated linearly between its floor and its ceiling; None without values."""
    values = sorted(num(v) for v in _values(rows, value))
    if not values:
        return None
    position = Decimal(p) * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (position - low) * (values[high] - values[low])


def median(rows: Sequence[Row], value: Callable[[Row], Any]) -> Decimal | None:
    return percentile(rows, value, "0.5")


def count(rows: Sequence[Row], value: Callable[[Row], Any] | None = None) -> int:
    """``count(source)`` without ``value``; ``count(expr)`` counts non-NULL values."""
    return len(rows) if value is None else len(_values(rows, value))


def count_distinct(rows: Sequence[Row], value: Callable[[Row], Any]) -> int:
    return len(set(_values(rows, value)))


def count_distinct_having(rows: Sequence[Row], key: Callable[[Row], Any], having: Callable[[list[Row]], Any]) -> int:
    """Keys (not NULL) whose own rows in this group pass ``having`` (LANGUAGE.md §5)."""
    by_key: dict[Any, list[Row]] = {}
    for row in rows:
        k = key(row)
        if k is not None:
            by_key.setdefault(k, []).append(row)
    return sum(1 for key_rows in by_key.values() if having(key_rows) is True)


# --------------------------------------------------------------------------------------------
# Time buckets (LANGUAGE.md §4: ISO weeks start on Monday; a bucket is named by its first day)


def bucket_start(day: dt.date, grain: str) -> dt.date:
    if isinstance(day, dt.datetime):
        day = day.date()
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "year":
        return dt.date(day.year, 1, 1)
    raise ValueError(grain)


def next_bucket(start: dt.date, grain: str) -> dt.date:
    if grain == "day":
        return start + dt.timedelta(days=1)
    if grain == "week":
        return start + dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    index = start.year * 12 + start.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def buckets(period: tuple[dt.date, dt.date], grain: str) -> list[dt.date]:
    """Every bucket that overlaps the period, in order."""
    out, current = [], bucket_start(period[0], grain)
    while current <= period[1]:
        out.append(current)
        current = next_bucket(current, grain)
    return out


def year(y: int) -> tuple[dt.date, dt.date]:
    """``period: 2026``."""
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def period(start: str, end: str) -> tuple[dt.date, dt.date]:
    """``period: 2026-01-01 .. 2026-06-30`` (both ends inclusive)."""
    return dt.date.fromisoformat(start), dt.date.fromisoformat(end)


# --------------------------------------------------------------------------------------------
# Dimensions, metrics and groups


@dataclass(frozen=True)
class Dim:
    name: str
    value: Callable[[Row], Any]
    grain: str | None = None  # set for the built-in time dimensions


def dim(name: str, column: str) -> Dim:
    """A dimension that is just a column: ``dim("city", "customers.city")``."""
    return Dim(name, lambda r: r[column])


TIME_DAY = Dim("time.day", lambda r: bucket_start(r[TIME], "day"), "day")
TIME_WEEK = Dim("time.week", lambda r: bucket_start(r[TIME], "week"), "week")
TIME_MONTH = Dim("time.month", lambda r: bucket_start(r[TIME], "month"), "month")
TIME_QUARTER = Dim("time.quarter", lambda r: bucket_start(r[TIME], "quarter"), "quarter")
TIME_YEAR = Dim("time.year", lambda r: bucket_start(r[TIME], "year"), "year")


class Group:
    """The rows of each source that fall into one output group.

    ``rows(source, where)`` is what an aggregate sees; it records whether any aggregate saw a
    row (LANGUAGE.md §8: a group appears when at least one metric sees at least one row) and
    which sources were read.  ``where(pred)`` is a metric reference with a ``where``.
    """

    def __init__(
        self,
        rows_by_source: Mapping[str, list[Row]],
        *,
        filters: tuple[Predicate, ...] = (),
        seen: list[bool] | None = None,
        touched: set[str] | None = None,
        coarser: Callable[[tuple[str, ...]], Group] | None = None,
    ) -> None:
        self._rows = rows_by_source
        self._filters = filters
        self._seen = seen if seen is not None else [False]
        self.touched = touched if touched is not None else set()
        self._coarser = coarser

    @property
    def seen(self) -> bool:
        return self._seen[0]

    def rows(self, source: str, where: Predicate | None = None) -> list[Row]:
        self.touched.add(source)
        out = [r for r in self._rows.get(source, []) if all(passes(f, r) for f in self._filters) and passes(where, r)]
        if out:
            self._seen[0] = True
        return out

    def where(self, pred: Predicate) -> Group:
        return Group(self._rows, filters=(*self._filters, pred), seen=self._seen, touched=self.touched,
                     coarser=self._coarser)

    def coarser(self, within: tuple[str, ...]) -> Group:
        """The rows of the output row's time bucket (and `within` dimension values), every other `by`
        dimension dropped: what `total(m, within …)` computes m over (LANGUAGE.md §5)."""
        if self._coarser is None:  # the probe: every row
            return self
        group = self._coarser(within)
        return Group(group._rows, filters=self._filters, seen=[False], touched=self.touched)


def total(g: Group, m: Metric, within: tuple[str, ...] = ()) -> Any:
    """``total(m, within d…)``: m recomputed over the coarser group, never summed."""
    return m(g.coarser(within))


def balance(g: Group, m: Metric, source: str, where: Predicate | None = None, closing: bool = True) -> Any:
    """``closing(m)`` / ``opening(m)`` (LANGUAGE.md §5): m over the rows of the latest / earliest day of
    the output row's time bucket (the whole query without one) on which ``source`` has rows after m's
    ``where`` (restated as ``where``) and the query's — one day for every group of the bucket."""
    days = {bucket_start(r[TIME], "day") for r in g.coarser(()).rows(source, where)}
    g.rows(source, where)  # the group's own rows in the bucket make it appear, with 0 if none is on that day
    edge = (max if closing else min)(days) if days else None
    return m(g.where(lambda r: bucket_start(r[TIME], "day") == edge))


@dataclass(frozen=True)
class Metric:
    name: str
    compute: Callable[[Group], Any]

    def __call__(self, group: Group) -> Any:
        return self.compute(group)


def metric(fn: Callable[[Group], Any]) -> Metric:
    """Decorator: the function's name is the metric's name."""
    return Metric(fn.__name__, fn)


@dataclass(frozen=True)
class Rank(Metric):
    """``rank(m, within d…)``: SQL RANK of m among the output rows of the same time bucket (and
    ``within`` values), highest first unless ``ascending``; ties share a rank; NULL ranks last.
    Computed by ``Dataset.query`` after every output row is known."""

    within: tuple[str, ...] = ()
    ascending: bool = False


def rank(name: str, m: Metric, within: tuple[str, ...] = (), ascending: bool = False) -> Rank:
    return Rank(name, m.compute, within, ascending)


def _ranks(values: list[Any], ascending: bool) -> list[int]:
    """SQL RANK: 1 + the number of rows strictly before, with NULLs after every value."""
    def before(a: Any, b: Any) -> bool:  # does b come strictly before a?
        if b is None:
            return False
        if a is None:
            return True
        return b < a if ascending else b > a

    return [1 + sum(1 for b in values if before(a, b)) for a in values]


# --------------------------------------------------------------------------------------------
# Query results


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    n_dims: int  # the first n_dims columns are the group keys
    order: list[tuple[int, bool]] = field(default_factory=list)  # (column index, descending)


def column_name(name: str) -> str:
    return name.replace(".", "_")


def sort_rows(rows: list[tuple[Any, ...]], order: Sequence[tuple[int, bool]]) -> list[tuple[Any, ...]]:
    """Sort by each key, ascending unless descending; NULLs last either way (stable)."""
    out = list(rows)
    for index, descending in reversed(order):
        present = [r for r in out if r[index] is not None]
        missing = [r for r in out if r[index] is None]
        out = sorted(present, key=lambda r: r[index], reverse=descending) + missing
    return out


# --------------------------------------------------------------------------------------------
# The dataset: tables, wide rows and the query algorithm


class Dataset:
    def __init__(self, sources: Sequence[Source], data_dir: Path) -> None:
        self.sources = {s.name: s for s in sources}
        self.tables = {s.name: read_table(data_dir / f"{s.table}.csv", s.columns) for s in sources}
        self._wide: dict[str, list[Row]] = {}
        self._index: dict[tuple[str, str], dict[Any, dict[str, Any]]] = {}

    # ---- joins

    def _lookup(self, source: str, column: str, value: Any) -> dict[str, Any] | None:
        key = (source, column)
        if key not in self._index:
            index: dict[Any, dict[str, Any]] = {}
            for row in self.tables[source]:
                k = row[column]
                if k in index:
                    raise AssertionError(f"{source}.{column} is not unique: {k!r}")
                if k is not None:
                    index[k] = row
            self._index[key] = index
        return None if value is None else self._index[key].get(value)

    def _widen(self, source: str, row: dict[str, Any] | None) -> Row:
        """A row with the columns of every source reachable from it; all NULL if no row."""
        spec = self.sources[source]
        out: Row = {f"{source}.{c}": (row[c] if row else None) for c in spec.columns}
        for join in spec.join_list:
            target = self._lookup(join.source, join.target, row[join.column]) if row else None
            out.update(self._widen(join.source, target))
        return out

    def wide_rows(self, source: str) -> list[Row]:
        if source not in self._wide:
            time_column = self.sources[source].time
            rows = []
            for row in self.tables[source]:
                wide = self._widen(source, row)
                wide[TIME] = row[time_column] if time_column else None
                rows.append(wide)
            self._wide[source] = rows
        return self._wide[source]

    # ---- queries

    def _filtered(self, source: str, where: Predicate | None, period_: tuple[dt.date, dt.date] | None) -> list[Row]:
        rows = self.wide_rows(source)
        if period_ is not None:
            if self.sources[source].time is None:
                raise AssertionError(f"period on source {source} without time:")
            rows = [r for r in rows if r[TIME] is not None and period_[0] <= r[TIME] <= period_[1]]
        return [r for r in rows if passes(where, r)]

    def query(
        self,
        *,
        metrics: Sequence[Metric],
        by: Sequence[Dim] = (),
        where: Predicate | None = None,
        period: tuple[dt.date, dt.date] | None = None,
        order: Sequence[str] = (),
        limit: int | None = None,
    ) -> Result:
        """Evaluate a query as LANGUAGE.md §8 describes.

        ``order`` items are written as in the spec: ``"time.month"``, ``"revenue desc"``.
        """
        # Which sources do the metrics read?  Evaluate them once on everything and watch.
        probe = Group({name: self.wide_rows(name) for name in self.sources})
        for m in metrics:
            m(probe)

        # Each source filtered on its own and grouped on its own.
        grouped: dict[str, dict[Key, list[Row]]] = {}
        for source in sorted(probe.touched):
            groups: dict[Key, list[Row]] = {}
            for row in self._filtered(source, where, period):
                groups.setdefault(tuple(d.value(row) for d in by), []).append(row)
            grouped[source] = groups

        def coarser_for(key: Key) -> Callable[[tuple[str, ...]], Group]:
            def coarser(within: tuple[str, ...]) -> Group:
                keep = [i for i, d in enumerate(by) if d.grain or d.name in within]
                return Group({s: [r for k, rows in g.items() if all(k[i] == key[i] for i in keep) for r in rows]
                              for s, g in grouped.items()})
            return coarser

        def evaluate(key: Key) -> tuple[bool, Key]:
            group = Group({s: g.get(key, []) for s, g in grouped.items()}, coarser=coarser_for(key))
            values = tuple(m(group) for m in metrics)
            return group.seen, values

        results: dict[Key, Key] = {}
        keys = {k for g in grouped.values() for k in g} if by else {()}
        for key in keys:
            seen, values = evaluate(key)
            if seen or not by:  # a query without `by` returns exactly one row
                results[key] = values

        # Every bucket of the period for each combination of the other dimensions present.
        time_positions = [i for i, d in enumerate(by) if d.grain]
        if time_positions and period is not None:
            assert len(time_positions) == 1, "one time dimension per query in this corpus"
            t = time_positions[0]
            others = {k[:t] + k[t + 1 :] for k in results} if len(by) > 1 else {()}
            for other in others:
                for bucket in buckets(period, by[t].grain or ""):
                    key = other[:t] + (bucket,) + other[t:]
                    if key not in results:
                        results[key] = evaluate(key)[1]

        columns = [column_name(d.name) for d in by] + [column_name(m.name) for m in metrics]
        rows = [key + values for key, values in results.items()]
        for index, m in enumerate(metrics):
            if isinstance(m, Rank):
                rows = _ranked(rows, len(by) + index, [i for i, d in enumerate(by) if d.grain or d.name in m.within],
                               m.ascending)
        order_keys = []
        for item in order:
            name, _, direction = item.partition(" ")
            order_keys.append((columns.index(column_name(name)), direction.strip() == "desc"))
        rows = sort_rows(rows, order_keys) if order_keys else rows
        if limit is not None:
            if len(rows) > limit and not order_keys:
                raise AmbiguousCase("limit without order: which rows appear is not defined")
            if len(rows) > limit and order_keys:
                before, after = rows[limit - 1], rows[limit]
                if all(before[i] == after[i] for i, _ in order_keys):
                    raise AmbiguousCase(f"a tie at the limit decides which rows appear: {after}")
            rows = rows[:limit]
        return Result(columns, rows, n_dims=len(by), order=order_keys)


def _ranked(rows: list[Key], column: int, partition: list[int], ascending: bool) -> list[Key]:
    """The rows with `column` (holding the ranked value) replaced by its rank within its partition."""
    parts: dict[Key, list[int]] = {}
    for i, row in enumerate(rows):
        parts.setdefault(tuple(row[p] for p in partition), []).append(i)
    out = list(rows)
    for members in parts.values():
        for i, r in zip(members, _ranks([rows[i][column] for i in members], ascending)):
            out[i] = rows[i][:column] + (r,) + rows[i][column + 1 :]
    return out


# --------------------------------------------------------------------------------------------
# Comparing what an engine returned with the reference

MONEY_TOLERANCE = Decimal("0.005")  # money (2 decimal places) must agree to the cent
RELATIVE_TOLERANCE = Decimal("1e-9")


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float | Decimal) and not isinstance(x, bool)


def _is_money(x: Any) -> bool:
    """Sums, minima and maxima of decimal(…, 2) columns (ratios and averages are normalized)."""
    return isinstance(x, Decimal) and x.as_tuple().exponent == -2 and abs(x) >= 1


def same_value(actual: Any, expected: Any) -> bool:
    """One cell: NULL only equals NULL, dates must be ``datetime.date``, numbers are close."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool):
        return isinstance(actual, bool) and actual == expected
    if isinstance(expected, dt.datetime):
        return isinstance(actual, dt.datetime) and actual == expected
    if isinstance(expected, dt.date):
        return type(actual) is dt.date and actual == expected
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    if _is_number(expected):
        if not _is_number(actual):
            return False
        a, e = num(actual), num(expected)
        tolerance = RELATIVE_TOLERANCE * max(abs(a), abs(e))
        if _is_money(expected):
            tolerance = max(tolerance, MONEY_TOLERANCE)
        return abs(a - e) <= tolerance
    return bool(actual == expected)


def coerce_text(text: Any, expected: Any) -> Any:
    """A value read from CSV or JSON output, converted to the kind the reference holds."""
    if text is None or text == "":
        return None
    if not isinstance(text, str):
        return text
    if isinstance(expected, bool):
        return {"true": True, "false": False}.get(text.lower(), text)
    if isinstance(expected, dt.date) and not isinstance(expected, dt.datetime):
        try:
            return dt.date.fromisoformat(text[:10]) if len(text) in (10, 19) else text
        except ValueError:
            return text
    if _is_number(expected):
        try:
            return Decimal(text)
        except ArithmeticError:
            return text
    return text


def _sort_key(values: Sequence[Any]) -> tuple[tuple[int, int, Any], ...]:
    def one(v: Any) -> tuple[int, int, Any]:
        if v is None:
            return (1, 0, "")
        if isinstance(v, bool):
            return (0, 3, str(v))
        if _is_number(v):
            return (0, 0, num(v))
        if isinstance(v, dt.date):
            return (0, 2, v.isoformat())
        return (0, 1, str(v))

    return tuple(one(v) for v in values)


def _align(
    rows: list[tuple[Any, ...]], expected: Result
) -> list[tuple[tuple[Any, ...] | None, tuple[Any, ...] | None]]:
    """Pairs (actual, expected) in the order they must match.

    Without ``order`` both sides are sorted on the group keys.  With ``order`` the rows must
    come in the expected order, except that rows whose order keys tie may come in any order.
    """
    n = expected.n_dims

    def by_keys(rs: Sequence[Key]) -> list[Key]:
        return sorted(rs, key=lambda r: _sort_key(r[:n]))

    if not expected.order:
        pairs_a, pairs_e = by_keys(rows), by_keys(expected.rows)
    else:
        pairs_a, pairs_e = [], []
        start = 0
        while start < len(expected.rows):
            end = start + 1
            order_key = [expected.rows[start][i] for i, _ in expected.order]
            while end < len(expected.rows) and [expected.rows[end][i] for i, _ in expected.order] == order_key:
                end += 1
            pairs_e += by_keys(expected.rows[start:end])
            pairs_a += by_keys(rows[start:end])
            start = end
        pairs_a += rows[len(expected.rows) :]
    length = max(len(pairs_a), len(pairs_e))
    return [
        (
            pairs_a[i] if i < len(pairs_a) else None,
            pairs_e[i] if i < len(pairs_e) else None,
        )
        for i in range(length)
    ]


def _show(row: tuple[Any, ...] | None) -> str:
    if row is None:
        return "(no row)"
    return " | ".join("NULL" if v is None else repr(v) for v in row)


def differences(columns: Sequence[str], rows: Sequence[Sequence[Any]], expected: Result) -> str:
    """An empty string when the engine's answer equals the reference, else a readable diff."""
    lines = []
    if list(columns) != expected.columns:
        lines.append(f"columns differ:\n  expected {expected.columns}\n  actual   {list(columns)}")
    actual_rows = [tuple(r) for r in rows]
    if len(actual_rows) != len(expected.rows):
        lines.append(f"row count differs: expected {len(expected.rows)}, got {len(actual_rows)}")
    pairs = _align(actual_rows, expected)
    bad = [
        (a, e)
        for a, e in pairs
        if a is None or e is None or len(a) != len(e) or not all(same_value(x, y) for x, y in zip(a, e, strict=True))
    ]
    if bad or lines:
        lines.append("rows (- expected, + actual; '  ' = equal):")
        lines.append("    " + " | ".join(expected.columns))
        for a, e in pairs:
            if (a, e) in bad:
                lines.append("  - " + _show(e))
                lines.append("  + " + _show(a))
            else:
                lines.append("    " + _show(a))
    return "\n".join(lines)
