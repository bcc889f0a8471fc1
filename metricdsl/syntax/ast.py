"""The syntax tree of `.metric` files, exactly as written, with a source span on every node."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from metricdsl.source import Span


# ---- expressions ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Number:
    value: Decimal
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class SqlString:
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Text:
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class DateLiteral:
    value: datetime.date
    span: Span


@dataclass(frozen=True, slots=True)
class Multiplier:
    value: Decimal
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Percent:
    value: Decimal  # 20% is 0.2
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class Duration:
    count: int
    unit: str  # singular: day week month quarter year period
    span: Span


@dataclass(frozen=True, slots=True)
class RelativePeriod:
    """`this month` (count None) or `last 7 days`: a period counted from the as-of date (LANGUAGE.md §7)."""

    which: str  # this | last
    count: int | None
    unit: str  # singular: day week month quarter year
    span: Span


@dataclass(frozen=True, slots=True)
class Boolean:
    value: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Null:
    span: Span


@dataclass(frozen=True, slots=True)
class Name:
    parts: tuple[str, ...]
    span: Span

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Expr, ...]
    span: Span
    name_span: Span
    within: tuple[Name, ...] = ()  # total(m, within team), rank(m, within team)
    direction: str | None = None  # rank(m asc)


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-", "+", "not"
    operand: Expr
    span: Span

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Copied (copy.deepcopy) as a flat list: `- - - … x` may nest a thousand deep, and copying
        recurses once per level."""
        ops: list[tuple[str, Span]] = []
        node: Expr = self
        while isinstance(node, Unary):
            ops.append((node.op, node.span))
            node = node.operand
        return _unary_run, (ops, node)


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # + - * / = != < <= > >= and or
    left: Expr
    right: Expr
    span: Span

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Copied (copy.deepcopy) as a flat list along the left operands: `a + b + …` of a thousand
        terms is a thousand deep, and copying recurses once per level."""
        steps: list[tuple[str, Expr, Span]] = []
        node: Expr = self
        while isinstance(node, Binary):
            steps.append((node.op, node.right, node.span))
            node = node.left
        return _left_chain, (node, steps)


@dataclass(frozen=True, slots=True)
class InList:
    operand: Expr
    items: tuple[Expr, ...]
    negated: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Between:
    operand: Expr
    low: Expr
    high: Expr
    negated: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Like:
    operand: Expr
    pattern: Expr
    negated: bool
    span: Span


@dataclass(frozen=True, slots=True)
class IsNull:
    operand: Expr
    negated: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Case:
    whens: tuple[tuple[Expr, Expr], ...]
    otherwise: Expr | None
    span: Span


Expr = (
    Number | SqlString | Text | DateLiteral | Multiplier | Percent | Duration | RelativePeriod | Boolean | Null
    | Name | Call | Unary | Binary | InList | Between | Like | IsNull | Case
)


# ---- property blocks -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Item:
    """One value of a property list: `x`, `x desc`, `reach 2`, `a .. b`, `product by baseline {…}`, or a
    scorecard KPI's `weight 40%`, `target t`, `range lo .. hi` (kind `word`: `word` names it)."""

    kind: str  # plain | direction | weighted | range | by | word
    expr: Expr
    span: Span
    direction: str | None = None
    weight: Number | None = None
    upper: Expr | None = None
    by: Expr | None = None
    block: Block | None = None
    word: str | None = None


@dataclass(frozen=True, slots=True)
class Property:
    key: str
    items: tuple[Item, ...]
    span: Span
    key_span: Span


@dataclass(frozen=True, slots=True)
class NestedBlock:
    name: str
    block: Block
    span: Span
    name_span: Span


@dataclass(frozen=True, slots=True)
class JoinEntry:
    target: str
    condition: Expr
    span: Span
    target_span: Span


@dataclass(frozen=True, slots=True)
class KeyedEntry:
    key: str
    items: tuple[Item, ...]
    span: Span
    key_span: Span


Entry = Property | NestedBlock | JoinEntry | KeyedEntry


@dataclass(frozen=True, slots=True)
class Block:
    entries: tuple[Entry, ...]
    span: Span

    def properties(self) -> list[Property]:
        return [e for e in self.entries if isinstance(e, Property)]


# ---- declarations --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SourceDecl:
    name: str
    label: str | None
    block: Block
    span: Span
    name_span: Span


@dataclass(frozen=True, slots=True)
class DimensionDecl:
    name: str
    label: str | None
    expr: Expr
    block: Block | None
    span: Span
    name_span: Span


@dataclass(frozen=True, slots=True)
class MetricDecl:
    name: str
    label: str | None
    expr: Expr
    having: Expr | None
    where: Expr | None
    block: Block | None
    span: Span
    name_span: Span


@dataclass(frozen=True, slots=True)
class DecomposeDecl:
    metric: str
    expr: Expr | None  # `decompose m = a * b`
    by: Name | None  # `decompose m by d`
    span: Span
    name_span: Span

    @property
    def name(self) -> str:
        return self.metric


@dataclass(frozen=True, slots=True)
class BlockDecl:
    """`query`, `calendar`, `target` and `scorecard`: a name and a block of properties."""

    kind: str
    name: str
    label: str | None
    block: Block
    span: Span
    name_span: Span


Declaration = SourceDecl | DimensionDecl | MetricDecl | DecomposeDecl | BlockDecl


@dataclass(frozen=True, slots=True)
class FileAST:
    path: str
    declarations: tuple[Declaration, ...]
    broken_names: tuple[str, ...] = ()  # declared in a declaration that did not parse


def walk(expr: Expr | None) -> Iterator[Expr]:
    """Every node of an expression, parents first (iterative: chains may be thousands deep)."""
    pending = [] if expr is None else [expr]
    while pending:
        node = pending.pop()
        yield node
        pending.extend(reversed(children(node)))


def _left_chain(first: Expr, steps: list[tuple[str, Expr, Span]]) -> Expr:
    node = first
    for op, right, span in reversed(steps):
        node = Binary(op, node, right, span)
    return node


def _unary_run(ops: list[tuple[str, Span]], operand: Expr) -> Expr:
    node = operand
    for op, span in reversed(ops):
        node = Unary(op, node, span)
    return node


def children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, Call):
        return expr.args
    if isinstance(expr, Unary):
        return (expr.operand,)
    if isinstance(expr, Binary):
        return (expr.left, expr.right)
    if isinstance(expr, InList):
        return (expr.operand, *expr.items)
    if isinstance(expr, Between):
        return (expr.operand, expr.low, expr.high)
    if isinstance(expr, Like):
        return (expr.operand, expr.pattern)
    if isinstance(expr, IsNull):
        return (expr.operand,)
    if isinstance(expr, Case):
        flat = [part for pair in expr.whens for part in pair]
        return (*flat, expr.otherwise) if expr.otherwise is not None else tuple(flat)
    return ()


def calls(expr: Expr) -> Iterator[Call]:
    """The calls of an expression, depth first in source order (as `walk_metric` visits the IR;
    iterative: a chain may be a thousand terms deep)."""
    return (node for node in walk(expr) if isinstance(node, Call))
