"""A plain-Python evaluation of a generated query (``fuzz_model``), following LANGUAGE.md to the letter.

Rows come from the corpus CSV files through ``reference.Dataset`` (LEFT many-to-one joins: a
row of a source carries the columns of every source reachable from it, NULL where nothing
matches).  On top of that this module gives the meaning of:

* §3 row expressions: three-valued conditions, ``/`` NULL on 0, ``round`` half away from zero,
  ISO ``week``, code-point string order;
* §5 aggregates (``sum``/``count``/``count_distinct`` 0 and ``avg``/``min``/``max`` NULL over no
  rows or only NULLs), ``count_distinct … having`` per key, ``where`` on metrics and on metric
  references, and the time functions: ``lag(m, n unit)`` is ``m`` at the bucket ``n units``
  earlier (rows move forward by the offset, clamped at month end, so a window inside a lag is
  anchored at the lagged bucket), ``growth`` is ``m / lag(m) - 1``, ``cumulative`` recomputes
  ``m`` over the window that ends with the bucket, whatever the period;
* §8 what a query returns: groups that some metric sees a row in, every bucket of the period
  (without a period, from the first to the last bucket of the rows the metrics see) for each
  combination of the other dimensions, one row without ``by``, ``order`` with NULLs last and
  ties broken by the remaining ``by`` columns, ``limit``.

Where the language leaves the answer to the engine's arithmetic (a rounding tie or a comparison
that only a division's last binary digit decides, a tie in ``order`` between values that went
through more than one inexact step), the evaluation raises ``AmbiguousCase`` and the fuzzer
discards the example.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from fuzz_base import (
    TIME,
    AmbiguousCase,
    add_units,
    and_,
    between,
    bucket_start,
    buckets,
    eq,
    ge,
    gt,
    in_,
    le,
    like,
    lt,
    ne,
    not_,
    or_,
    window_bounds,
)
from fuzz_model import (
    WORLDS,
    Agg,
    AggCall,
    Arith,
    Between,
    Case,
    Col,
    Compare,
    Cumulative,
    DimRef,
    Func,
    FuzzProject,
    InList,
    IsNull,
    Lag,
    Like,
    Lit,
    Logic,
    MArith,
    MConst,
    MetricExpr,
    MFunc,
    MRef,
    Neg,
    Not,
    RowExpr,
    metric_children,
    row_nodes,
)

Row = dict[str, Any]
RELATIVE = Decimal("1e-9")
ABSOLUTE = Decimal("1e-12")  # a difference of exact zero and a double's cancellation residue
COMPARE = {"=": eq, "!=": ne, "<": lt, "<=": le, ">": gt, ">=": ge}


def num(x: Any) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(x)


def is_number(x: Any) -> bool:
    return isinstance(x, int | float | Decimal) and not isinstance(x, bool)


def representable(x: Decimal) -> bool:
    """Whether a double holds ``x`` exactly (then every engine's double arithmetic agrees)."""
    return Decimal(float(x)) == x


def close(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) <= RELATIVE * max(abs(a), abs(b)) + ABSOLUTE


def divide(a: Any, b: Any) -> Decimal | None:
    """``a / b``: real division, NULL where ``b`` is 0 or NULL (LANGUAGE.md §3)."""
    if a is None or b is None or b == 0:
        return None
    return num(a) / num(b)


def round_half_away(x: Decimal, places: int, inexact: bool) -> Decimal:
    """``round(x, places)``: halves away from zero; ambiguous on a tie a double cannot hold."""
    scaled = x.scaleb(places)
    fraction = abs(scaled - scaled.to_integral_value(ROUND_FLOOR))
    near_tie = abs(fraction - Decimal("0.5")) <= RELATIVE * max(abs(scaled), Decimal(1))
    if inexact and near_tie and (fraction != Decimal("0.5") or not representable(x)):
        raise AmbiguousCase(f"round({x}, {places}) is a tie only exact arithmetic sees")
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_integral(x: Decimal, rounding: str, inexact: bool) -> Decimal:
    """floor or ceil; ambiguous when only the last digits of a division decide."""
    nearest = x.to_integral_value(ROUND_HALF_UP)
    if inexact and close(x, nearest) and (x != nearest or not representable(x)):
        raise AmbiguousCase(f"floor/ceil of {x}, within rounding error of an integer")
    return x.to_integral_value(rounding)


def inexact_row(node: RowExpr) -> bool:
    """Whether a double may stand for the value (a division or an average inside)."""
    return any(
        (isinstance(n, Arith) and n.op == "/") or (isinstance(n, AggCall) and n.func == "avg") for n in row_nodes(node)
    )


# --------------------------------------------------------------------------------------------
# Row-level evaluation


class RowEvaluator:
    """Values of row expressions on wide rows; ``group`` holds the key's rows inside `having`."""

    def __init__(self, dimensions: dict[str, RowExpr]) -> None:
        self.dimensions = dimensions

    def value(self, node: RowExpr, row: Row, group: Sequence[Row] = ()) -> Any:
        if isinstance(node, Col):
            return row[f"{node.source}.{node.column}"]
        if isinstance(node, DimRef):
            return self.value(self.dimensions[node.name], row, group)
        if isinstance(node, Lit):
            return node.value
        if isinstance(node, Arith):
            return self.arith(node, row, group)
        if isinstance(node, Neg):
            operand = self.value(node.operand, row, group)
            return None if operand is None else -operand
        if isinstance(node, Func):
            return self.function(node, row, group)
        if isinstance(node, Case):
            for condition, result in node.whens:
                if self.value(condition, row, group) is True:
                    return self.value(result, row, group)
            return None if node.otherwise is None else self.value(node.otherwise, row, group)
        if isinstance(node, AggCall):
            return self.aggregate_call(node, group)
        return self.condition(node, row, group)

    def arith(self, node: Arith, row: Row, group: Sequence[Row]) -> Any:
        left, right = self.value(node.left, row, group), self.value(node.right, row, group)
        if node.op == "/":
            return divide(left, right)
        if left is None or right is None:
            return None
        if node.op == "+":
            return left + right
        return left - right if node.op == "-" else left * right

    def function(self, node: Func, row: Row, group: Sequence[Row]) -> Any:
        args = [self.value(a, row, group) for a in node.args]
        if node.name == "coalesce":
            return next((a for a in args if a is not None), None)
        if args[0] is None:
            return None
        x = args[0]
        if node.name in ("lower", "upper", "length"):
            return x.lower() if node.name == "lower" else x.upper() if node.name == "upper" else len(x)
        if node.name in ("year", "quarter", "month", "week", "day"):
            return date_part(node.name, x)
        inexact = inexact_row(node.args[0])
        if node.name == "abs":
            return abs(x)
        if node.name == "round":
            return round_half_away(num(x), int(args[1]) if len(args) > 1 else 0, inexact)
        return to_integral(num(x), ROUND_FLOOR if node.name == "floor" else ROUND_CEILING, inexact)

    def condition(self, node: RowExpr, row: Row, group: Sequence[Row]) -> bool | None:
        if isinstance(node, Compare):
            left, right = self.value(node.left, row, group), self.value(node.right, row, group)
            if inexact_row(node.left) or inexact_row(node.right):
                check_comparison(left, right)
            return COMPARE[node.op](left, right)
        if isinstance(node, InList):
            values = [v.value for v in node.values]
            result = in_(self.value(node.operand, row, group), values)
            return not_(result) if node.negated else result
        if isinstance(node, Between):
            operand = self.value(node.operand, row, group)
            result = between(operand, self.value(node.low, row, group), self.value(node.high, row, group))
            return not_(result) if node.negated else result
        if isinstance(node, Like):
            result = like(self.value(node.operand, row, group), node.pattern)
            return not_(result) if node.negated else result
        if isinstance(node, IsNull):
            missing = self.value(node.operand, row, group) is None
            return not missing if node.negated else missing
        if isinstance(node, Not):
            return not_(self.value(node.operand, row, group))
        if isinstance(node, Logic):
            left, right = self.value(node.left, row, group), self.value(node.right, row, group)
            return and_(left, right) if node.op == "and" else or_(left, right)
        raise TypeError(node)

    def aggregate_call(self, node: AggCall, group: Sequence[Row]) -> Any:
        values = None if node.arg is None else [self.value(node.arg, r) for r in group]
        if node.func == "sum" and values and all(v is None for v in values):
            raise AmbiguousCase("a sum over only NULLs inside `having` (§8 fixes it for output groups only)")
        return aggregate(node.func, values, len(group))

    def passes(self, condition: RowExpr | None, row: Row) -> bool:
        return condition is None or self.value(condition, row) is True


def date_part(part: str, day: dt.date) -> int:
    if part == "week":
        return day.isocalendar()[1]
    if part == "quarter":
        return (day.month - 1) // 3 + 1
    return int(getattr(day, part))


def check_comparison(left: Any, right: Any) -> None:
    """A comparison that only a division's rounding decides has no portable answer."""
    if not (is_number(left) and is_number(right)):
        return
    a, b = num(left), num(right)
    if a == b and not (representable(a) and representable(b)):
        raise AmbiguousCase(f"{a} = {b} holds only in exact arithmetic")
    if a != b and close(a, b):
        raise AmbiguousCase(f"{a} and {b} differ by less than a double's precision")


def aggregate(func: str, values: list[Any] | None, row_count: int) -> Any:
    """One aggregate over the values of a group's rows (``None``: ``count(source)``)."""
    if values is None:
        return row_count
    present = [v for v in values if v is not None]
    if func == "count":
        return len(present)
    if func == "count_distinct":
        return len(set(present))
    if func == "sum":
        return sum(present[1:], present[0]) if present else 0
    if not present:
        return None
    if func == "avg":
        return sum((num(v) for v in present), Decimal(0)) / len(present)
    return min(present) if func == "min" else max(present)


# --------------------------------------------------------------------------------------------
# Metric-level evaluation


@dataclass(frozen=True)
class Frame:
    """Which rows an aggregate sees: the group, the timeline and the filters above it.

    ``test`` takes a row's day in this node's coordinates (a lag moves rows forward before the
    test); ``anchor`` is the output bucket in the same coordinates (a lag moves it back), where a
    window starts from.  Probing (``others`` None) reads every row, to find the calendar.
    """

    others: tuple[Any, ...] | None
    anchor: dt.date | None = None
    test: Callable[[dt.date], bool] | None = None
    filters: tuple[RowExpr, ...] = ()

    @property
    def probing(self) -> bool:
        return self.others is None


@dataclass
class Tracker:
    seen: bool = False
    touched: set[str] = field(default_factory=set)
    days: list[dt.date] = field(default_factory=list)


class Evaluation:
    """The reference answer to one generated project's query."""

    def __init__(self, project: FuzzProject) -> None:
        self.project = project
        self.world = WORLDS[project.world]
        self.dataset = self.world.dataset
        self.rows = RowEvaluator({d.name: d.expr for d in project.dimensions})
        self.metrics = {m.name: m for m in project.metrics}
        query = project.query
        self.grain = query.grain
        self.others = [b for b in query.by if not b.startswith("time.")]
        self.period = parse_period(query.period)
        self.filters = () if query.where is None else (query.where,)
        self._index: dict[str, dict[tuple[Any, ...], list[Row]]] = {}

    # ---- rows an aggregate sees

    def group_rows(self, source: str, frame: Frame, tracker: Tracker) -> list[Row]:
        tracker.touched.add(source)
        if frame.probing:
            candidates = self.dataset.wide_rows(source)
        else:
            assert frame.others is not None
            candidates = self.index(source).get(frame.others, [])
        out = []
        for row in candidates:
            if frame.test is not None:
                if row[TIME] is None:
                    raise AmbiguousCase(f"a row of {source} without a time value")
                if not frame.test(row[TIME]):
                    continue
            if all(self.rows.passes(f, row) for f in frame.filters):
                out.append(row)
                if frame.probing and row[TIME] is not None:
                    tracker.days.append(row[TIME])
        tracker.seen = tracker.seen or bool(out)
        return out

    def index(self, source: str) -> dict[tuple[Any, ...], list[Row]]:
        if source not in self._index:
            groups: dict[tuple[Any, ...], list[Row]] = {}
            for row in self.dataset.wide_rows(source):
                groups.setdefault(self.other_key(row), []).append(row)
            self._index[source] = groups
        return self._index[source]

    def other_key(self, row: Row) -> tuple[Any, ...]:
        return tuple(self.rows.value(DimRef(name, ""), row) for name in self.others)

    # ---- metrics

    def value(self, node: MetricExpr, frame: Frame, tracker: Tracker) -> Any:
        if isinstance(node, Agg):
            rows = self.group_rows(node.base, frame, tracker)
            values = None if node.arg is None else [self.rows.value(node.arg, r) for r in rows]
            return aggregate(node.func, values, len(rows))
        if isinstance(node, MRef):
            return self.reference(node.name, frame, tracker)
        if isinstance(node, MConst):
            return node.value
        if isinstance(node, MArith):
            left, right = self.value(node.left, frame, tracker), self.value(node.right, frame, tracker)
            return arith(node.op, left, right)
        if isinstance(node, MFunc):
            return self.function(node, frame, tracker)
        if isinstance(node, Lag):
            earlier = self.value(node.inner, self.shifted(frame, node.count, node.unit), tracker)
            if not node.growth:
                return earlier
            ratio = divide(self.value(node.inner, frame, tracker), earlier)
            return None if ratio is None else ratio - 1
        if isinstance(node, Cumulative):
            return self.value(node.inner, self.windowed(frame, node.unit, node.count), tracker)
        raise TypeError(node)

    def reference(self, name: str, frame: Frame, tracker: Tracker) -> Any:
        metric = self.metrics[name]
        if metric.where is not None:
            frame = replace(frame, filters=(*frame.filters, metric.where))
        if metric.having is None:
            return self.value(metric.expr, frame, tracker)
        leaf = metric.expr
        assert isinstance(leaf, Agg) and leaf.arg is not None
        keys: dict[Any, list[Row]] = {}
        for row in self.group_rows(leaf.base, frame, tracker):
            key = self.rows.value(leaf.arg, row)
            if key is not None:
                keys.setdefault(key, []).append(row)
        return sum(1 for rows in keys.values() if self.rows.value(metric.having, rows[0], rows) is True)

    def function(self, node: MFunc, frame: Frame, tracker: Tracker) -> Any:
        args = [self.value(a, frame, tracker) for a in node.args]
        if node.name == "coalesce":
            return next((a for a in args if a is not None), None)
        if args[0] is None:
            return None
        x = num(args[0])
        inexact = self.inexact_steps(node.args[0]) > 0
        if node.name == "abs":
            return abs(x)
        if node.name == "round":
            return round_half_away(x, int(args[1]) if len(args) > 1 else 0, inexact)
        return to_integral(x, ROUND_FLOOR if node.name == "floor" else ROUND_CEILING, inexact)

    def inexact_steps(self, node: MetricExpr) -> int:
        """How many divisions (``/``, ``avg``, ``growth``) a metric's value goes through."""
        own = 0
        if isinstance(node, MArith) and node.op == "/" or isinstance(node, Agg) and node.func == "avg" or isinstance(node, Lag) and node.growth:
            own = 1
        elif isinstance(node, MRef):
            metric = self.metrics[node.name]
            own = self.inexact_steps(metric.expr) if metric.having is None else 0
        return own + sum(self.inexact_steps(child) for child in metric_children(node))

    # ---- the timeline

    def shifted(self, frame: Frame, count: int, unit: str) -> Frame:
        if frame.probing:
            return frame
        assert self.grain is not None
        unit = self.grain if unit == "period" else unit
        test = frame.test
        assert test is not None

        def moved(day: dt.date) -> bool:
            return test(add_units(day, count, unit))

        return replace(frame, test=moved, anchor=self.shift_anchor(frame.anchor, count, unit))

    def shift_anchor(self, anchor: dt.date | None, count: int, unit: str) -> dt.date | None:
        """The bucket ``count units`` earlier; None where clamping makes it more than one day."""
        if anchor is None or (self.grain == "day" and unit in ("month", "quarter", "year") and anchor.day > 27):
            return None
        assert self.grain is not None
        return bucket_start(add_units(anchor, -count, unit), self.grain)

    def windowed(self, frame: Frame, unit: str, count: int | None) -> Frame:
        if frame.probing:
            return frame
        if frame.anchor is None:
            raise AmbiguousCase("a window inside a day-grain lag by months: which day it ends on is not defined")
        assert self.grain is not None
        low, high = window_bounds(frame.anchor, self.grain, unit, count)
        return replace(frame, test=lambda day: low <= day < high)

    def in_period(self, day: dt.date) -> bool:
        return self.period is None or self.period[0] <= day <= self.period[1]

    # ---- the query (§8)

    def result(self) -> Expected:
        query = self.project.query
        probe = Tracker()
        for name in query.metrics:
            self.value(MRef(name), Frame(None, filters=self.filters), probe)
        combos = {self.other_key(r) for s in sorted(probe.touched) for r in self.dataset.wide_rows(s)}
        if not self.others:
            combos = {()}
        rows = self.time_rows(combos, probe) if self.grain else self.plain_rows(combos)
        columns = [b.replace(".", "_") for b in query.by] + list(query.metrics)
        return self.finish(columns, rows)

    def metric_values(self, frame: Frame) -> tuple[bool, tuple[Any, ...]]:
        tracker = Tracker()
        values = tuple(self.value(MRef(name), frame, tracker) for name in self.project.query.metrics)
        return tracker.seen, values

    def plain_rows(self, combos: set[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        test = None if self.period is None else self.in_period
        out = []
        for combo in combos:
            seen, values = self.metric_values(Frame(combo, None, test, self.filters))
            if seen or not self.project.query.by:
                out.append(combo + values)
        return out

    def time_rows(self, combos: set[tuple[Any, ...]], probe: Tracker) -> list[tuple[Any, ...]]:
        grain = self.grain
        assert grain is not None
        if self.period is not None:
            calendar = buckets(self.period, grain)
        else:
            calendar = buckets((min(probe.days), max(probe.days)), grain) if probe.days else []
        position = self.project.query.by.index(f"time.{grain}")
        out = []
        for combo in combos:
            rows, any_seen = [], False
            for bucket in calendar:

                def test(day: dt.date, bucket: dt.date = bucket) -> bool:
                    return bucket_start(day, grain) == bucket and self.in_period(day)

                seen, values = self.metric_values(Frame(combo, bucket, test, self.filters))
                any_seen = any_seen or seen
                rows.append(combo[:position] + (bucket,) + combo[position:] + values)
            if any_seen or not self.others:
                out.extend(rows)
        return out

    def finish(self, columns: list[str], rows: list[tuple[Any, ...]]) -> Expected:
        query = self.project.query
        n_dims = len(query.by)
        names = {b: i for i, b in enumerate(query.by)} | {b.replace(".", "_"): i for i, b in enumerate(query.by)}
        names |= {m: n_dims + i for i, m in enumerate(query.metrics)}
        keys = [(names[o.name], o.descending) for o in query.order]
        if keys:
            used = {index for index, _ in keys}
            keys += [(i, False) for i in range(n_dims) if i not in used]
            self.check_ties(rows, keys, n_dims)
            rows = sorted(rows, key=functools.cmp_to_key(lambda a, b: compare_rows(a, b, keys)))
        if query.limit is not None and keys:
            rows = rows[: query.limit]
        return Expected(columns, rows, n_dims, ordered=bool(keys), limit=query.limit)

    def check_ties(self, rows: list[tuple[Any, ...]], keys: list[tuple[int, bool]], n_dims: int) -> None:
        """Order keys that only rounding tells apart make the engines' order arbitrary."""
        for index, _ in keys:
            if index < n_dims:
                continue
            metric = self.project.query.metrics[index - n_dims]
            values = sorted({num(r[index]) for r in rows if is_number(r[index])})
            for a, b in itertools.pairwise(values):
                if close(a, b):
                    raise AmbiguousCase(f"order by {metric}: {a} and {b} differ by rounding only")
            if self.inexact_steps(MRef(metric)) > 0:
                counts: dict[Decimal, int] = {}
                for r in rows:
                    if is_number(r[index]):
                        counts[num(r[index])] = counts.get(num(r[index]), 0) + 1
                if any(n > 1 and v not in (-1, 0, 1) for v, n in counts.items()):
                    raise AmbiguousCase(f"order by {metric}: a tie between values computed through a division")


def arith(op: str, left: Any, right: Any) -> Any:
    if op == "/":
        return divide(left, right)
    if left is None or right is None:
        return None
    if op == "+":
        return left + right
    return left - right if op == "-" else left * right


def compare_values(a: Any, b: Any) -> int:
    if a is None or b is None:
        return (a is None) - (b is None)  # NULLs last
    return (a > b) - (a < b)


def compare_rows(a: tuple[Any, ...], b: tuple[Any, ...], keys: list[tuple[int, bool]]) -> int:
    for index, descending in keys:
        x, y = a[index], b[index]
        order = compare_values(x, y)
        if order and x is not None and y is not None and descending:
            order = -order
        if order:
            return order
    return 0


def parse_period(text: str | None) -> tuple[dt.date, dt.date] | None:
    """``2026``, ``2025 .. 2026`` or ``2026-01-03 .. 2026-02-10`` (both ends inclusive)."""
    if text is None:
        return None
    first, _, last = (part.strip() for part in text.partition(".."))
    last = last or first
    start = dt.date(int(first), 1, 1) if len(first) == 4 else dt.date.fromisoformat(first)
    end = dt.date(int(last), 12, 31) if len(last) == 4 else dt.date.fromisoformat(last)
    return start, end


# --------------------------------------------------------------------------------------------
# Comparing an engine's answer with the reference


@dataclass(frozen=True)
class Expected:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    n_dims: int
    ordered: bool
    limit: int | None


def expected_result(project: FuzzProject) -> Expected:
    return Evaluation(project).result()


def same(actual: Any, expected: Any) -> bool:
    """One cell: NULL only equals NULL, dates are dates, numbers agree to 1e-9 relative."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, dt.date):
        return type(actual) is type(expected) and actual == expected
    if isinstance(expected, str):
        return isinstance(actual, str) and actual == expected
    if is_number(expected) and is_number(actual):
        return close(num(actual), num(expected))
    return False


def _sort_key(row: Sequence[Any], n: int) -> tuple[tuple[bool, int, Any], ...]:
    """Group keys in a total order that both sides agree on, whatever number type they hold."""

    def one(v: Any) -> tuple[bool, int, Any]:
        if v is None:
            return (True, 0, "")
        if isinstance(v, bool):
            return (False, 1, v)
        if is_number(v):
            return (False, 2, float(v))
        return (False, 3, str(v))

    return tuple(one(v) for v in row[:n])


def _show(row: Sequence[Any] | None) -> str:
    return "(no row)" if row is None else " | ".join("NULL" if v is None else repr(v) for v in row)


def differences(columns: Sequence[str], rows: Sequence[Sequence[Any]], expected: Expected) -> str:
    """Empty when the engine's answer is the reference's, else a readable account of the difference."""
    problems = []
    if list(columns) != expected.columns:
        problems.append(f"columns: expected {expected.columns}, got {list(columns)}")
    actual = [tuple(r) for r in rows]
    wanted = expected.rows
    n = expected.n_dims
    if expected.limit is not None and not expected.ordered and len(wanted) > expected.limit:
        # limit without order: any `limit` of the rows
        if len(actual) != expected.limit:
            problems.append(f"limit {expected.limit} without order: got {len(actual)} rows")
        pool = list(wanted)
        for row in actual:
            match = next((w for w in pool if len(w) == len(row) and all(map(same, row, w))), None)
            if match is None:
                problems.append(f"row not in the reference: {_show(row)}")
            else:
                pool.remove(match)
        return "\n".join(problems)
    if not expected.ordered:
        actual = sorted(actual, key=lambda r: _sort_key(r, n))
        wanted = sorted(wanted, key=lambda r: _sort_key(r, n))
    if len(actual) != len(wanted):
        problems.append(f"row count: expected {len(wanted)}, got {len(actual)}")
    for i in range(max(len(actual), len(wanted))):
        got = actual[i] if i < len(actual) else None
        want = wanted[i] if i < len(wanted) else None
        if got is None or want is None or len(got) != len(want) or not all(map(same, got, want)):
            problems.append(f"row {i}:\n  - {_show(want)}\n  + {_show(got)}")
    return "\n".join(problems[:12])
