"""What the differential fuzzer generates: a project over a corpus schema, as a small syntax tree.

Every node renders itself as `.metric` text (``text()``); ``fuzz_reference`` evaluates the same
tree in plain Python.  A generated project is the corpus's sources (restated from their
``SOURCES`` in ``expected.py``), some dimensions, some metrics and one query.

Row-level nodes (``Col``, ``Lit``, ``Arith``, ``Case``, ``Compare`` …) are the expressions of
LANGUAGE.md §3; metric-level nodes (``Agg``, ``MRef``, ``Lag``, ``Cumulative`` …) those of §5.
Each row node carries a precedence level so that the text has only the parentheses it needs.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from fuzz_base import Dataset, Source

TESTS_DIR = Path(__file__).resolve().parent.parent

# Precedence levels, loosest first (LANGUAGE.md §3).
OR, AND, NOT, PREDICATE, SUM, PRODUCT, UNARY, ATOM = range(1, 9)
NUMERIC_TYPES = ("int", "bigint", "double", "decimal")


def kind_of(column_type: str) -> str:
    """num, str, date or bool: what the generator may do with a column."""
    base = column_type.split("(")[0]
    if base in NUMERIC_TYPES:
        return "num"
    return {"string": "str", "date": "date", "timestamp": "date", "bool": "bool"}[base]


# --------------------------------------------------------------------------------------------
# Row-level expressions and conditions


@dataclass(frozen=True)
class Col:
    source: str
    column: str
    kind: str
    level = ATOM

    def text(self) -> str:
        return f"{self.source}.{self.column}"


@dataclass(frozen=True)
class DimRef:
    name: str
    kind: str
    level = ATOM

    def text(self) -> str:
        return self.name


@dataclass(frozen=True)
class Lit:
    value: Any

    @property
    def level(self) -> int:
        negative = isinstance(self.value, int | Decimal) and not isinstance(self.value, bool) and self.value < 0
        return UNARY if negative else ATOM

    def text(self) -> str:
        return literal_text(self.value)


def literal_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text if "." not in text or not text.endswith(".") else text + "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(value)


@dataclass(frozen=True)
class Arith:
    op: str  # + - * /
    left: RowExpr
    right: RowExpr

    @property
    def level(self) -> int:
        return SUM if self.op in "+-" else PRODUCT

    def text(self) -> str:
        return f"{wrap(self.left, self.level)} {self.op} {wrap(self.right, self.level + 1)}"


@dataclass(frozen=True)
class Neg:
    operand: RowExpr
    level = UNARY

    def text(self) -> str:
        return f"-{wrap(self.operand, UNARY)}"


@dataclass(frozen=True)
class Func:
    name: str  # lower upper length year quarter month week day abs round floor ceil coalesce
    args: tuple[RowExpr, ...]
    level = ATOM

    def text(self) -> str:
        return f"{self.name}({', '.join(a.text() for a in self.args)})"


@dataclass(frozen=True)
class Case:
    whens: tuple[tuple[RowExpr, RowExpr], ...]
    otherwise: RowExpr | None = None
    level = ATOM

    def text(self) -> str:
        parts = [f"when {c.text()} then {v.text()}" for c, v in self.whens]
        tail = f" else {self.otherwise.text()}" if self.otherwise is not None else ""
        return f"case {' '.join(parts)}{tail} end"


@dataclass(frozen=True)
class Compare:
    op: str  # = != < <= > >=
    left: RowExpr
    right: RowExpr
    level = PREDICATE

    def text(self) -> str:
        return f"{wrap(self.left, SUM)} {self.op} {wrap(self.right, SUM)}"


@dataclass(frozen=True)
class InList:
    operand: RowExpr
    values: tuple[Lit, ...]
    negated: bool = False
    level = PREDICATE

    def text(self) -> str:
        word = "not in" if self.negated else "in"
        return f"{wrap(self.operand, SUM)} {word} ({', '.join(v.text() for v in self.values)})"


@dataclass(frozen=True)
class Between:
    operand: RowExpr
    low: RowExpr
    high: RowExpr
    negated: bool = False
    level = PREDICATE

    def text(self) -> str:
        word = "not between" if self.negated else "between"
        return f"{wrap(self.operand, SUM)} {word} {wrap(self.low, SUM)} and {wrap(self.high, SUM)}"


@dataclass(frozen=True)
class Like:
    operand: RowExpr
    pattern: str
    negated: bool = False
    level = PREDICATE

    def text(self) -> str:
        word = "not like" if self.negated else "like"
        return f"{wrap(self.operand, SUM)} {word} {literal_text(self.pattern)}"


@dataclass(frozen=True)
class IsNull:
    operand: RowExpr
    negated: bool = False
    level = PREDICATE

    def text(self) -> str:
        return f"{wrap(self.operand, SUM)} is {'not ' if self.negated else ''}null"


@dataclass(frozen=True)
class Not:
    operand: RowExpr
    level = NOT

    def text(self) -> str:
        return f"not {wrap(self.operand, NOT)}"


@dataclass(frozen=True)
class Logic:
    op: str  # and, or
    left: RowExpr
    right: RowExpr

    @property
    def level(self) -> int:
        return AND if self.op == "and" else OR

    def text(self) -> str:
        return f"{wrap(self.left, self.level)} {self.op} {wrap(self.right, self.level + 1)}"


@dataclass(frozen=True)
class AggCall:
    """An aggregate inside a `having` condition: ``count(source)`` when ``arg`` is None."""

    func: str
    arg: RowExpr | None
    source: str
    level = ATOM

    def text(self) -> str:
        return f"{self.func}({self.source if self.arg is None else self.arg.text()})"


RowExpr = Col | DimRef | Lit | Arith | Neg | Func | Case | Compare | InList | Between | Like | IsNull | Not | Logic | AggCall


def wrap(node: Any, level: int) -> str:
    """The node's text, in parentheses when it binds more loosely than ``level`` needs."""
    return f"({node.text()})" if node.level < level else node.text()


def row_children(node: RowExpr) -> Iterator[RowExpr]:
    if isinstance(node, Arith | Compare | Logic):
        yield from (node.left, node.right)
    elif isinstance(node, Neg | Not | IsNull | Like):
        yield node.operand
    elif isinstance(node, Func):
        yield from node.args
    elif isinstance(node, Case):
        for condition, value in node.whens:
            yield from (condition, value)
        if node.otherwise is not None:
            yield node.otherwise
    elif isinstance(node, InList):
        yield node.operand
        yield from node.values
    elif isinstance(node, Between):
        yield from (node.operand, node.low, node.high)
    elif isinstance(node, AggCall) and node.arg is not None:
        yield node.arg


def row_nodes(node: RowExpr) -> Iterator[RowExpr]:
    yield node
    for child in row_children(node):
        yield from row_nodes(child)


# --------------------------------------------------------------------------------------------
# Metric expressions


@dataclass(frozen=True)
class Agg:
    """An aggregate leaf; ``base`` is the source whose rows it aggregates (LANGUAGE.md §5)."""

    func: str  # sum avg min max count count_distinct
    arg: RowExpr | None  # None: count(base)
    base: str

    def text(self) -> str:
        return f"{self.func}({self.base if self.arg is None else self.arg.text()})"


@dataclass(frozen=True)
class MRef:
    name: str

    def text(self) -> str:
        return self.name


@dataclass(frozen=True)
class MConst:
    value: int | Decimal

    def text(self) -> str:
        return literal_text(self.value)


@dataclass(frozen=True)
class MArith:
    op: str
    left: MetricExpr
    right: MetricExpr

    def text(self) -> str:
        level = SUM if self.op in "+-" else PRODUCT
        return f"{metric_wrap(self.left, level)} {self.op} {metric_wrap(self.right, level + 1)}"


@dataclass(frozen=True)
class MFunc:
    name: str  # abs round floor ceil coalesce
    args: tuple[MetricExpr, ...]

    def text(self) -> str:
        return f"{self.name}({', '.join(a.text() for a in self.args)})"


@dataclass(frozen=True)
class Lag:
    inner: MetricExpr
    count: int
    unit: str  # day week month quarter year period
    growth: bool = False

    def text(self) -> str:
        unit = self.unit if self.count == 1 else self.unit + "s"
        return f"{'growth' if self.growth else 'lag'}({self.inner.text()}, {self.count} {unit})"


@dataclass(frozen=True)
class Cumulative:
    inner: MetricExpr
    unit: str
    count: int | None = None  # None: to date

    def text(self) -> str:
        if self.count is None:
            return f"cumulative({self.inner.text()}, {self.unit})"
        unit = self.unit if self.count == 1 else self.unit + "s"
        return f"cumulative({self.inner.text()}, {self.count} {unit})"


MetricExpr = Agg | MRef | MConst | MArith | MFunc | Lag | Cumulative


def metric_wrap(node: MetricExpr, level: int) -> str:
    own = (SUM if node.op in "+-" else PRODUCT) if isinstance(node, MArith) else ATOM
    return f"({node.text()})" if own < level else node.text()


def metric_children(node: MetricExpr) -> Iterator[MetricExpr]:
    if isinstance(node, MArith):
        yield from (node.left, node.right)
    elif isinstance(node, MFunc):
        yield from node.args
    elif isinstance(node, Lag | Cumulative):
        yield node.inner


# --------------------------------------------------------------------------------------------
# Declarations and the project


def label_text(label: str | None) -> str:
    """`` "label"`` with ``\\`` and ``\"`` escaped, or nothing."""
    if label is None:
        return ""
    return ' "' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class DimensionDef:
    name: str
    expr: RowExpr
    home: str  # the source whose rows the dimension is computed on
    kind: str
    label: str | None = None

    def text(self) -> str:
        return f"dimension {self.name}{label_text(self.label)} = {self.expr.text()}"


@dataclass(frozen=True)
class MetricDef:
    name: str
    expr: MetricExpr
    kind: str  # num, str, date
    having: RowExpr | None = None
    where: RowExpr | None = None
    label: str | None = None

    def text(self) -> str:
        having = f" having {self.having.text()}" if self.having is not None else ""
        where = f" where {self.where.text()}" if self.where is not None else ""
        return f"metric {self.name}{label_text(self.label)} = {self.expr.text()}{having}{where}"


@dataclass(frozen=True)
class OrderItem:
    name: str  # as written: a dimension, `time.month`, its column name `time_month`, or a metric
    descending: bool = False
    explicit: bool = False  # write `asc`

    def text(self) -> str:
        return self.name + (" desc" if self.descending else " asc" if self.explicit else "")


@dataclass(frozen=True)
class Query:
    metrics: tuple[str, ...]
    by: tuple[str, ...] = ()
    where: RowExpr | None = None
    period: str | None = None
    order: tuple[OrderItem, ...] = ()
    limit: int | None = None
    named: bool = False  # a `query q { … }` block, else an ad-hoc query (--metrics …)
    label: str | None = None

    @property
    def grain(self) -> str | None:
        grains = [b.split(".")[1] for b in self.by if b.startswith("time.")]
        return grains[0] if grains else None

    def text(self) -> str:
        lines = [f"  metrics: {', '.join(self.metrics)}"]
        if self.by:
            lines.append(f"  by: {', '.join(self.by)}")
        if self.where is not None:
            lines.append(f"  where: {self.where.text()}")
        if self.period is not None:
            lines.append(f"  period: {self.period}")
        if self.order:
            lines.append(f"  order: {', '.join(o.text() for o in self.order)}")
        if self.limit is not None:
            lines.append(f"  limit: {self.limit}")
        return f"query q{label_text(self.label)} {{\n" + "\n".join(lines) + "\n}"

    def compile_args(self) -> dict[str, Any]:
        """Keyword arguments of ``metricdsl.api.compile_sql`` for this query."""
        if self.named:
            return {"query": "q"}
        return {
            "metrics": list(self.metrics),
            "by": list(self.by),
            "where": self.where.text() if self.where is not None else None,
            "period": self.period,
            "order": [o.text() for o in self.order],
            "limit": self.limit,
        }


@dataclass(frozen=True)
class World:
    """A corpus schema with its data: the sources a generated project is written over."""

    name: str
    folder: Path
    sources: tuple[Source, ...]

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    def source(self, name: str) -> Source:
        return next(s for s in self.sources if s.name == name)

    def reachable(self, name: str) -> frozenset[str]:
        """The source itself and every source its joins lead to."""
        out = {name}
        for join in self.source(name).join_list:
            out |= self.reachable(join.source)
        return frozenset(out)

    def timed(self, name: str) -> bool:
        return self.source(name).time is not None

    def columns(self, sources: frozenset[str] | set[str], kind: str | None = None) -> list[Col]:
        out = []
        for source in sorted(sources):
            for column, column_type in self.source(source).columns.items():
                if kind is None or kind_of(column_type) == kind:
                    out.append(Col(source, column, kind_of(column_type)))
        return out

    def spec_text(self) -> str:
        return "\n\n".join(source_text(s) for s in self.sources)

    @property
    def dataset(self) -> Dataset:
        return _dataset(self.name)


def source_text(source: Source) -> str:
    columns = ", ".join(f"{name}: {kind}" for name, kind in source.columns.items())
    lines = [f"source {source.name} {{", f"  table: {source.table}"]
    if source.time:
        lines.append(f"  time: {source.time}")
    lines.append(f"  columns {{ {columns} }}")
    lines += [f"  join {j.source} on {j.column} = {j.source}.{j.target}" for j in source.join_list]
    return "\n".join(lines) + "\n}"


@dataclass(frozen=True)
class FuzzProject:
    world: str
    dimensions: tuple[DimensionDef, ...]
    metrics: tuple[MetricDef, ...]
    query: Query

    def text(self) -> str:
        parts = [WORLDS[self.world].spec_text()]
        parts += [d.text() for d in self.dimensions]
        parts += [m.text() for m in self.metrics]
        if self.query.named:
            parts.append(self.query.text())
        return "\n\n".join(parts) + "\n"

    def describe(self) -> str:
        """The project and the query, as a reader would want to see them in a failure."""
        query = "" if self.query.named else f"\nad-hoc query: {self.query.compile_args()}\n"
        return f"world {self.world}\n\n{self.text()}{query}"

    def metric(self, name: str) -> MetricDef:
        return next(m for m in self.metrics if m.name == name)

    def dimension(self, name: str) -> DimensionDef:
        return next(d for d in self.dimensions if d.name == name)


# --------------------------------------------------------------------------------------------
# The corpus schemas


def _expected_sources(folder: Path) -> tuple[Source, ...]:
    spec = importlib.util.spec_from_file_location(f"fuzz_world_{folder.name}", folder / "expected.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.SOURCES)


def _world(name: str, folder: str) -> World:
    path = TESTS_DIR / folder
    return World(name, path, _expected_sources(path))


# joins: NULL join keys and orphans (sales -> customers, stores), January-February 2026.
# having: one source with repeat buyers and NULL keys, January-February 2026.
# shop: orders -> products and visits over 2024-01 … 2027-01 (time intelligence).
# cross: two fact sources sharing a dimension table, March-April 2026.
# events: ISO weeks across year ends, 2024-12-30 … 2027-01-02.
WORLDS: dict[str, World] = {
    w.name: w
    for w in (
        _world("joins", "corpus/joins_nulls_orphans"),
        _world("having", "corpus/having"),
        _world("shop", "ti/shop"),
        _world("cross", "corpus/cross_source"),
        _world("events", "corpus/time_buckets"),
    )
}


@cache
def _dataset(name: str) -> Dataset:
    world = WORLDS[name]
    return Dataset(list(world.sources), world.data_dir)
