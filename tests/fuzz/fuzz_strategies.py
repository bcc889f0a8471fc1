"""Hypothesis strategies: random projects and queries over the corpus schemas (``fuzz_model.WORLDS``).

``projects()`` draws a world, the query's time grain and period first (they decide which metrics
are valid), then dimensions (columns, CASE keys with mixed-case labels, date parts, string
functions), metrics of every kind (aggregates with and without `where`, `count_distinct …
having`, filtered references, arithmetic, round/floor/ceil/abs/coalesce, lag/growth/cumulative
and their nestings) and a query over some of them (dimensions reachable from every metric,
`where`, `order` by either spelling of a column, `limit`; named or ad hoc).

Only valid projects are drawn: the language's rules (reachability, time functions need a time
dimension, offsets whole buckets, no window inside a window) are followed here, so a project
that `check` rejects is a finding.  The order of every choice puts the simplest first, so that
hypothesis shrinks towards small examples.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

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
    DimensionDef,
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
    MetricDef,
    MetricExpr,
    MFunc,
    MRef,
    Not,
    OrderItem,
    Query,
    RowExpr,
    World,
    metric_children,
    row_nodes,
)
from fuzz_reference import RowEvaluator
from hypothesis import strategies as st

GRAINS = (None, "month", "day", None, "week", "quarter", "year")  # None twice: more sources meet without time
# Strings whose code-point order differs from a natural-language collation's.
LABELS = ("app", "O'Brien desk", "Zed", "alpha", "Beta", "b", "_x", "a b", "东")
EXTRA_STRINGS = ("", "O'Brien desk", "app", "Zed")

# Periods that fit each world's data, by length; day grain gets only the short ones.
PERIODS: dict[str, dict[str, tuple[str, ...]]] = {
    "joins": {"short": ("2026-01-07 .. 2026-01-20", "2026-01-25 .. 2026-02-05"),
              "long": ("2026", "2026-01-01 .. 2026-01-31", "2025 .. 2026")},
    "having": {"short": ("2026-01-01 .. 2026-01-10", "2026-01-28 .. 2026-02-09"),
               "long": ("2026", "2026-01-03 .. 2026-02-08")},
    "shop": {"short": ("2026-02-20 .. 2026-03-10", "2025-12-26 .. 2026-01-06", "2024-02-25 .. 2024-03-05"),
             "long": ("2026", "2025", "2025-04-01 .. 2025-09-30", "2025 .. 2026", "2024-12-15 .. 2026-01-20")},
    "cross": {"short": ("2026-03-01 .. 2026-03-31", "2026-03-02 .. 2026-04-01"),
              "long": ("2026", "2026-02-10 .. 2026-04-30")},
    "events": {"short": ("2025-12-28 .. 2026-01-06", "2026-12-21 .. 2027-01-03"),
               "long": ("2025", "2026", "2025-12-30 .. 2026-03-14", "2024 .. 2027")},
}
SMALL_WORLDS = ("joins", "having", "cross")  # a day-grain query without a period stays small

# Offsets and windows each grain accepts (LANGUAGE.md §5): whole buckets, windows no shorter.
LAG_UNITS = {
    "day": ((1, "period"), (1, "day"), (3, "day"), (1, "week"), (1, "month"), (1, "year")),
    "week": ((1, "period"), (1, "week"), (2, "week"), (7, "day")),
    "month": ((1, "period"), (1, "year"), (1, "month"), (3, "month"), (1, "quarter")),
    "quarter": ((1, "period"), (1, "year"), (1, "quarter"), (3, "month")),
    "year": ((1, "period"), (1, "year")),
}
TO_DATE_UNITS = {"day": ("year", "month", "week", "quarter"), "week": ("year", "week"),
                 "month": ("year", "quarter", "month"), "quarter": ("year", "quarter"), "year": ("year",)}
ROLLING = {
    "day": ((7, "day"), (1, "day"), (2, "week"), (1, "month")),
    "week": ((2, "week"), (1, "week"), (14, "day")),
    "month": ((3, "month"), (1, "month"), (2, "quarter"), (1, "year")),
    "quarter": ((2, "quarter"), (1, "quarter"), (1, "year")),
    "year": ((2, "year"), (1, "year")),
}
MONTH_UNITS = ("month", "quarter", "year")


@dataclass
class MetricInfo:
    definition: MetricDef
    bases: frozenset[str]
    windowed: bool  # a cumulative somewhere underneath


@dataclass
class Draft:
    """What has been drawn so far for one project."""

    world: World
    grain: str | None
    period: str | None
    dimensions: list[DimensionDef] = field(default_factory=list)
    metrics: list[MetricInfo] = field(default_factory=list)
    used: list[str] = field(default_factory=list)  # the base of every aggregate drawn so far

    @property
    def timed_only(self) -> bool:
        return self.grain is not None or self.period is not None

    def bases(self) -> list[str]:
        """Sources an aggregate may read, the least used so far first (queries then mix sources)."""
        names = [s.name for s in self.world.sources if self.world.timed(s.name) or not self.timed_only]
        return sorted(names, key=lambda name: self.used.count(name))

    def shared(self, bases: frozenset[str]) -> frozenset[str]:
        """Sources reachable from every one of ``bases``."""
        out = None
        for base in bases:
            out = self.world.reachable(base) if out is None else out & self.world.reachable(base)
        return out or frozenset()

    def dims_within(self, sources: frozenset[str]) -> list[DimensionDef]:
        return [d for d in self.dimensions if d.home in sources]

    def info(self, name: str) -> MetricInfo:
        return next(m for m in self.metrics if m.definition.name == name)


# --------------------------------------------------------------------------------------------
# Values in the data, for literals that select something


@cache
def column_values(world: str, source: str, column: str) -> tuple[Any, ...]:
    values = {row[column] for row in WORLDS[world].dataset.tables[source] if row[column] is not None}
    return tuple(sorted(values))


@cache
def dimension_values(world: str, dimension: DimensionDef) -> tuple[Any, ...]:
    evaluator = RowEvaluator({dimension.name: dimension.expr})
    rows = WORLDS[world].dataset.wide_rows(dimension.home)
    values = {evaluator.value(dimension.expr, row) for row in rows}
    return tuple(sorted(v for v in values if v is not None))


def literal_pool(draft: Draft, operand: RowExpr, kind: str) -> list[Any]:
    if isinstance(operand, Col):
        found = list(column_values(draft.world.name, operand.source, operand.column))
    elif isinstance(operand, DimRef):
        found = list(dimension_values(draft.world.name, next(d for d in draft.dimensions if d.name == operand.name)))
    else:
        found = []
    extra: dict[str, tuple[Any, ...]] = {"num": (0, 1, 100), "str": EXTRA_STRINGS,
                                         "date": (dt.date(2026, 1, 1), dt.date(2025, 6, 30)), "bool": (True, False)}
    return found[:12] + [v for v in extra[kind] if v not in found]


# --------------------------------------------------------------------------------------------
# Row-level expressions and conditions


def operands(draft: Draft, sources: frozenset[str], kinds: tuple[str, ...], with_dims: bool) -> list[RowExpr]:
    out: list[RowExpr] = [c for c in draft.world.columns(sources) if c.kind in kinds]
    if with_dims:
        out += [DimRef(d.name, d.kind) for d in draft.dims_within(sources) if d.kind in kinds]
    return out


@st.composite
def conditions(draw: st.DrawFn, draft: Draft, sources: frozenset[str], with_dims: bool = True,
               columns: bool = True, depth: int = 0) -> RowExpr:
    """A condition over the columns of ``sources`` and the dimensions computed on them."""
    pool = operands(draft, sources, ("num", "str", "date", "bool"), with_dims)
    if not columns:
        pool = [p for p in pool if isinstance(p, DimRef)]
    form = draw(st.sampled_from(["compare", "null", "in", "between", "like", "not", "and", "or", "columns",
                                 "arithmetic"] if depth < 2 else ["compare", "null", "in"]))
    operand = draw(st.sampled_from(pool))
    values = literal_pool(draft, operand, operand.kind)
    if form in ("not", "and", "or"):
        first = draw(conditions(draft, sources, with_dims, columns, depth + 1))
        if form == "not":
            return Not(first)
        return Logic(form, first, draw(conditions(draft, sources, with_dims, columns, depth + 1)))
    if form == "null":
        return IsNull(operand, draw(st.booleans()))
    if form == "in" and operand.kind in ("num", "str"):
        chosen = draw(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True))
        return InList(operand, tuple(Lit(v) for v in chosen), draw(st.booleans()))
    if form == "between" and operand.kind in ("num", "str", "date"):
        low, high = sorted(draw(st.lists(st.sampled_from(values), min_size=2, max_size=2)))
        return Between(operand, Lit(low), Lit(high), draw(st.booleans()))
    if form == "like" and operand.kind == "str" and values:
        value = draw(st.sampled_from(values))
        pattern = draw(st.sampled_from([value[:1] + "%", "%" + value[-1:], "_" + value[1:], "%"]))
        return Like(operand, pattern, draw(st.booleans()))
    if form == "columns" and operand.kind in ("num", "str", "date"):
        same_kind = [p for p in pool if p.kind == operand.kind]
        return Compare(draw(st.sampled_from(["<", "=", ">=", "!="])), operand, draw(st.sampled_from(same_kind)))
    if form == "arithmetic" and operand.kind == "num":
        scaled = Arith(draw(st.sampled_from(["*", "/", "+"])), operand, Lit(draw(st.sampled_from([2, 4, 3]))))
        return Compare(draw(st.sampled_from([">", "<=", "="])), scaled, Lit(draw(st.sampled_from(values))))
    op = draw(st.sampled_from(["=", "!=", "<", ">=", ">", "<="] if operand.kind != "bool" else ["=", "!="]))
    return Compare(op, operand, Lit(draw(st.sampled_from(values))))


@st.composite
def row_values(draw: st.DrawFn, draft: Draft, sources: frozenset[str], kind: str, must: str | None = None) -> RowExpr:
    """A row-level value of ``kind`` over ``sources``; mentions a column of ``must`` if given."""
    own = [c for c in draft.world.columns(frozenset({must} if must else sources)) if c.kind == kind]
    anywhere = [c for c in draft.world.columns(sources) if c.kind == kind]
    column = draw(st.sampled_from(own or anywhere))
    if kind == "num":
        form = draw(st.sampled_from(["column", "scaled", "sum", "case", "indicator", "coalesce", "round", "round1",
                                     "floor", "ceil", "abs", "length", "date_part", "indicator"]))
        if form == "indicator":  # sum(case when … then 1 else 0 end): a count of the rows that match
            return Case(((draw(conditions(draft, sources, with_dims=False, depth=1)), Lit(1)),), Lit(0))
        if form == "scaled":
            return Arith("*", column, Lit(draw(st.sampled_from([2, 3, -1]))))
        if form == "sum" and anywhere:
            return Arith(draw(st.sampled_from(["+", "-"])), column, draw(st.sampled_from(anywhere)))
        if form == "case":
            then = draw(st.sampled_from([column, Lit(1)]))
            otherwise = Lit(draw(st.sampled_from([0, 1, None])))
            return Case(((draw(conditions(draft, sources, with_dims=False, depth=1)), then),), otherwise)
        if form == "coalesce":
            return Func("coalesce", (column, Lit(0)))
        if form in ("round", "round1"):
            places = (Lit(1),) if form == "round1" else ()
            return Func("round", (Arith("/", column, Lit(2 if form == "round" else 4)), *places))
        if form in ("floor", "ceil"):
            return Func(form, (Arith("/", column, Lit(draw(st.sampled_from([2, 3])))),))
        if form == "abs":
            return Func("abs", (Arith("-", column, Lit(draw(st.sampled_from(literal_pool(draft, column, "num"))))),))
        strings = [c for c in draft.world.columns(sources) if c.kind == "str"]
        dates = [c for c in draft.world.columns(sources) if c.kind == "date"]
        if form == "length" and strings and must is None:
            return Func("length", (draw(st.sampled_from(strings)),))
        if form == "date_part" and dates and must is None:
            part = draw(st.sampled_from(["month", "year", "week", "quarter", "day"]))
            return Func(part, (draw(st.sampled_from(dates)),))
        return column
    if kind == "str":
        form = draw(st.sampled_from(["column", "case", "lower", "upper", "coalesce"]))
        if form in ("lower", "upper"):
            return Func(form, (column,))
        if form == "coalesce":
            return Func("coalesce", (column, Lit(draw(st.sampled_from(LABELS)))))
        if form == "case":
            labels = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=3, unique=True))
            whens = tuple((draw(conditions(draft, sources, with_dims=False, depth=1)), Lit(label)) for label in labels)
            otherwise = draw(st.sampled_from([None, column, Lit(LABELS[-1])]))
            return Case(whens, otherwise)
        return column
    return column


def mentioned(expr: RowExpr) -> set[str]:
    return {n.source for n in row_nodes(expr) if isinstance(n, Col)}


def home_of(world: World, sources: set[str]) -> str | None:
    """The source from which every other mentioned source is reachable (LANGUAGE.md §4, §5)."""
    homes = [s for s in sorted(sources) if sources <= world.reachable(s)]
    return homes[0] if homes else None


# --------------------------------------------------------------------------------------------
# Dimensions


@st.composite
def dimensions(draw: st.DrawFn, draft: Draft, name: str) -> DimensionDef:
    home = draw(st.sampled_from([s.name for s in draft.world.sources]))
    sources = draft.world.reachable(home)
    available = {c.kind for c in draft.world.columns(sources)}
    kind = draw(st.sampled_from([k for k in ("str", "num", "date", "bool") if k in available or k == "bool"]))
    if kind == "bool":
        condition = draw(conditions(draft, sources, with_dims=False, depth=1))
        expr: RowExpr = Case(((condition, Lit(True)),), Lit(False))
    else:
        expr = draw(row_values(draft, sources, kind))
    actual = home_of(draft.world, mentioned(expr))
    if actual is None:
        column = draft.world.columns(frozenset({home}))[0]
        expr, actual, kind = column, home, column.kind
    return DimensionDef(name, expr, actual, kind)


# --------------------------------------------------------------------------------------------
# Metrics


def metric_bases(draft: Draft, expr: MetricExpr) -> frozenset[str]:
    if isinstance(expr, Agg):
        return frozenset({expr.base})
    if isinstance(expr, MRef):
        return draft.info(expr.name).bases
    out: frozenset[str] = frozenset()
    for child in metric_children(expr):
        out |= metric_bases(draft, child)
    return out


def windowed(draft: Draft, expr: MetricExpr) -> bool:
    if isinstance(expr, Cumulative):
        return True
    if isinstance(expr, MRef):
        return draft.info(expr.name).windowed
    return any(windowed(draft, child) for child in metric_children(expr))


@st.composite
def aggregates(draw: st.DrawFn, draft: Draft, numeric: bool = False) -> tuple[Agg, str]:
    """An aggregate leaf and the kind of its value."""
    base = draw(st.sampled_from(draft.bases()))
    sources = draft.world.reachable(base)
    func = draw(st.sampled_from(["sum", "count", "count_distinct", "avg", "min", "max", "count_rows"]))
    draft.used.append(base)
    if func == "count_rows":
        return Agg("count", None, base), "num"
    kinds = ["num"] if func in ("sum", "avg") or (numeric and func in ("min", "max")) else ["num", "str", "date"]
    kind = draw(st.sampled_from([k for k in kinds if any(c.kind == k for c in draft.world.columns(frozenset({base})))]))
    arg = draw(row_values(draft, sources, kind, must=draw(st.sampled_from([base, None]))))
    actual = home_of(draft.world, mentioned(arg))
    if actual is None or (draft.timed_only and not draft.world.timed(actual)):
        arg = next(c for c in draft.world.columns(frozenset({base})) if c.kind == kind)
        actual = base
    return Agg(func, arg, actual), ("num" if func in ("count", "count_distinct", "sum", "avg") else kind)


@st.composite
def having_conditions(draw: st.DrawFn, draft: Draft, base: str, depth: int = 0) -> RowExpr:
    sources = frozenset({base})  # an aggregate of a joined column would have that source as its base
    form = draw(st.sampled_from(["count", "sum", "minmax", "avg", "distinct", "and", "or"] if depth == 0
                                else ["count", "sum", "minmax", "avg", "distinct"]))
    if form in ("and", "or"):
        return Logic(form, draw(having_conditions(draft, base, 1)), draw(having_conditions(draft, base, 1)))
    if form == "count":
        return Compare(draw(st.sampled_from([">=", ">", "="])), AggCall("count", None, base),
                       Lit(draw(st.sampled_from([2, 1, 3]))))
    if form == "distinct":
        column = draw(st.sampled_from(draft.world.columns(sources)))
        return Compare(">=", AggCall("count_distinct", column, base), Lit(draw(st.sampled_from([2, 1]))))
    kinds = ("num",) if form in ("sum", "avg") else ("num", "str", "date")
    column = draw(st.sampled_from([c for c in draft.world.columns(sources) if c.kind in kinds]))
    func = form if form in ("sum", "avg") else draw(st.sampled_from(["min", "max"]))
    value = draw(st.sampled_from(literal_pool(draft, column, column.kind)))
    return Compare(draw(st.sampled_from([">", ">=", "<", "="])), AggCall(func, column, base), Lit(value))


@st.composite
def metric_where(draw: st.DrawFn, draft: Draft, bases: frozenset[str]) -> RowExpr | None:
    shared = draft.shared(bases)
    if not shared or not draw(st.booleans()):
        return None
    return draw(conditions(draft, shared))


@st.composite
def metrics(draw: st.DrawFn, draft: Draft, name: str) -> MetricInfo:
    earlier = [m for m in draft.metrics]
    numeric = [m for m in earlier if m.definition.kind == "num"]
    kinds = ["aggregate", "having"]
    if earlier:
        kinds += ["reference"]
    if numeric:
        kinds += ["arithmetic", "function"]
    if earlier and draft.grain is not None:
        kinds += ["time", "time", "time"]
    form = draw(st.sampled_from(kinds))
    having = None
    if form == "aggregate":
        expr, kind = draw(aggregates(draft))
    elif form == "having":
        base = draw(st.sampled_from(draft.bases()))
        key = draw(st.sampled_from(draft.world.columns(frozenset({base}))))
        expr, kind = Agg("count_distinct", key, base), "num"
        having = draw(having_conditions(draft, base))
    elif form == "reference":
        inner = draw(st.sampled_from(earlier))
        expr, kind = MRef(inner.definition.name), inner.definition.kind
    elif form == "arithmetic":
        expr, kind = draw(arithmetic(draft, numeric)), "num"
    elif form == "function":
        expr, kind = draw(functions(draft, numeric)), "num"
    else:
        expr, kind = draw(time_functions(draft, earlier))
    bases = metric_bases(draft, expr)
    where = draw(metric_where(draft, bases))
    if form == "reference" and where is None and draft.shared(bases):
        where = draw(conditions(draft, draft.shared(bases)))  # a filtered reference
    definition = MetricDef(name, expr, kind, having, where)
    return MetricInfo(definition, bases, windowed(draft, expr))


@st.composite
def numeric_operands(draw: st.DrawFn, draft: Draft, numeric: list[MetricInfo]) -> MetricExpr:
    form = draw(st.sampled_from(["reference", "aggregate", "constant"]))
    if form == "aggregate":
        return draw(aggregates(draft, numeric=True))[0]
    if form == "constant":
        return MConst(draw(st.sampled_from([2, 100, Decimal("0.5")])))
    return MRef(draw(st.sampled_from(numeric)).definition.name)


@st.composite
def arithmetic(draw: st.DrawFn, draft: Draft, numeric: list[MetricInfo]) -> MetricExpr:
    left = MRef(draw(st.sampled_from(numeric)).definition.name)
    right = draw(numeric_operands(draft, numeric))
    expr: MetricExpr = MArith(draw(st.sampled_from(["/", "+", "-", "*"])), left, right)
    if draw(st.booleans()):
        expr = MArith(draw(st.sampled_from(["-", "/"])), expr, draw(numeric_operands(draft, numeric)))
    return expr


@st.composite
def functions(draw: st.DrawFn, draft: Draft, numeric: list[MetricInfo]) -> MetricExpr:
    inner = MRef(draw(st.sampled_from(numeric)).definition.name)
    name = draw(st.sampled_from(["round", "coalesce", "abs", "floor", "ceil"]))
    if name == "coalesce":
        return MFunc("coalesce", (inner, MConst(0)))
    if name == "abs":
        return MFunc("abs", (MArith("-", inner, draw(numeric_operands(draft, numeric))),))
    divided = MArith("/", inner, draw(st.sampled_from([MConst(2), MConst(4), *[MRef(m.definition.name) for m in numeric]])))
    if name == "round" and draw(st.booleans()):
        return MFunc("round", (divided, MConst(draw(st.sampled_from([1, 2])))))
    return MFunc(name, (divided,))


@st.composite
def time_functions(draw: st.DrawFn, draft: Draft, earlier: list[MetricInfo]) -> tuple[MetricExpr, str]:
    grain = draft.grain
    assert grain is not None
    chosen = draw(st.sampled_from(earlier))
    inner: MetricExpr = MRef(chosen.definition.name)
    kind = chosen.definition.kind
    form = draw(st.sampled_from(["lag", "cumulative", "growth", "lag_of_cumulative", "rolling", "lag_of_cumulative"]))
    if form == "lag_of_cumulative" and not chosen.windowed:
        inner, form = draw(windows(grain, inner)), draw(st.sampled_from(["lag", "growth"]))
    if form in ("cumulative", "rolling") and not windowed(draft, inner):
        return draw(windows(grain, inner, rolling=form == "rolling")), kind
    if form == "growth" and kind != "num":
        form = "lag"
    units = LAG_UNITS[grain]
    if grain == "day" and windowed(draft, inner):
        units = tuple(u for u in units if u[1] not in MONTH_UNITS)
    count, unit = draw(st.sampled_from(units))
    return Lag(inner, count, unit, growth=form == "growth"), ("num" if form == "growth" else kind)


@st.composite
def windows(draw: st.DrawFn, grain: str, inner: MetricExpr, rolling: bool | None = None) -> Cumulative:
    if rolling is None:
        rolling = draw(st.booleans())
    if rolling:
        count, unit = draw(st.sampled_from(ROLLING[grain]))
        return Cumulative(inner, unit, count)
    return Cumulative(inner, draw(st.sampled_from(TO_DATE_UNITS[grain])))


# --------------------------------------------------------------------------------------------
# The query and the project


@st.composite
def queries(draw: st.DrawFn, draft: Draft) -> Query:
    names = [m.definition.name for m in draft.metrics]
    chosen = draw(st.lists(st.sampled_from(names[::-1]), min_size=1, max_size=4, unique=True))
    if names[-1] not in chosen and draw(st.booleans()):  # the last metric is the most composed one
        chosen.insert(draw(st.integers(0, len(chosen))), names[-1])
    bases: frozenset[str] = frozenset()
    for name in chosen:
        bases |= draft.info(name).bases
    shared = draft.shared(bases)
    allowed = [d.name for d in draft.dims_within(shared)]
    by = draw(st.lists(st.sampled_from(allowed), max_size=2, unique=True)) if allowed else []
    if draft.grain is not None:
        by.insert(draw(st.integers(0, len(by))), f"time.{draft.grain}")
    where = None
    if allowed and draw(st.booleans()):
        where = draw(conditions(draft, shared, columns=False))
    order: list[OrderItem] = []
    if draw(st.booleans()):
        items = draw(st.lists(st.sampled_from([*by, *chosen]), min_size=1, max_size=3, unique=True))
        for item in items:
            spelled = item.replace(".", "_") if item.startswith("time.") and draw(st.booleans()) else item
            order.append(OrderItem(spelled, draw(st.booleans()), draw(st.booleans())))
    limit = draw(st.sampled_from([None, None, 1, 3, 5]))
    return Query(tuple(chosen), tuple(by), where, draft.period, tuple(order), limit, named=draw(st.booleans()))


def period_choices(world: str, grain: str | None) -> list[str | None]:
    periods = PERIODS[world]
    if grain == "day":
        return [*periods["short"], *([None] if world in SMALL_WORLDS else [])]
    return [None, *periods["long"], *periods["short"]]


@st.composite
def projects(draw: st.DrawFn, worlds: tuple[str, ...] = tuple(WORLDS)) -> FuzzProject:
    world = WORLDS[draw(st.sampled_from(worlds))]
    grain = draw(st.sampled_from(GRAINS))
    draft = Draft(world, grain, draw(st.sampled_from(period_choices(world.name, grain))))
    for i in range(draw(st.integers(0, 3))):
        draft.dimensions.append(draw(dimensions(draft, f"d{i + 1}")))
    for i in range(draw(st.integers(1, 6))):
        draft.metrics.append(draw(metrics(draft, f"m{i + 1}")))
    query = draw(queries(draft))
    return FuzzProject(world.name, tuple(draft.dimensions), tuple(m.definition for m in draft.metrics), query)
