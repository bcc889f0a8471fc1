"""Row-level IR → sqlglot: literals, operators, functions and aggregates, plus the small tree helpers
every part of the statement uses (quoted names, parentheses, dates and intervals)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from sqlglot import exp

from metricdsl import grains
from metricdsl.ir import model as m
from metricdsl.sql.capabilities import Capabilities
from metricdsl.sql.types import expression_type

DATE_PARTS = {"year": "YEAR", "quarter": "QUARTER", "month": "MONTH", "week": "WEEK", "day": "DAY"}
COMPARE = {"=": exp.EQ, "!=": exp.NEQ, "<": exp.LT, "<=": exp.LTE, ">": exp.GT, ">=": exp.GTE}
ARITH = {"+": exp.Add, "-": exp.Sub, "*": exp.Mul}
SIMPLE_FUNCS: dict[str, Callable[..., exp.Expr]] = {
    "abs": lambda a: exp.Abs(this=a[0]),
    "floor": lambda a: exp.Floor(this=a[0]),
    "ceil": lambda a: exp.Ceil(this=a[0]),
    "lower": lambda a: exp.Lower(this=a[0]),
    "upper": lambda a: exp.Upper(this=a[0]),
    "length": lambda a: exp.Length(this=a[0]),
    "coalesce": lambda a: exp.Coalesce(this=a[0], expressions=list(a[1:])),
    "round": lambda a: exp.Round(this=a[0], decimals=a[1] if len(a) > 1 else None),
}
ORDERING = (exp.LT, exp.LTE, exp.GT, exp.GTE)  # comparisons whose answer a collation changes
AGGREGATES = {"sum": exp.Sum, "avg": exp.Avg, "min": exp.Min, "max": exp.Max}


# ---- tree helpers ------------------------------------------------------------------------------
def data_type(text: str) -> exp.DataType:
    """`DATE`, `DECIMAL(38, 2)` as a type node, built without sqlglot's parser (`DataType.build`
    parses its string, and loading the parser costs a cold `metricdsl sql` 0.1 s)."""
    name, _, params = text.partition("(")
    values = [p.strip() for p in params.rstrip(")").split(",")] if params else []
    return exp.DataType(this=exp.DataType.Type[name.strip().upper()],
                        expressions=[exp.DataTypeParam(this=exp.Literal.number(v)) for v in values], nested=False)


def ident(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=ident(name), table=ident(table) if table else None)


def aliased(query: exp.Expr, alias: str) -> exp.Subquery:
    """`(query) AS alias`, a derived table."""
    return exp.Subquery(this=query, alias=exp.TableAlias(this=ident(alias)))


def paren(node: exp.Expr) -> exp.Expr:
    if isinstance(node, (exp.Binary, exp.Not, exp.Neg, exp.Between, exp.In, exp.Is)):
        return exp.Paren(this=node)
    return node


def any_of(parts: list[exp.Expr]) -> exp.Expr:
    """`(a) OR (b) OR …`, each operand parenthesised where it binds looser than OR might."""
    return exp.or_(*[paren(part) for part in parts], wrap=False, copy=False)


def detached_ctes(statement: exp.Select) -> list[tuple[str, exp.Expr]]:
    """Take the statement's WITH off it: its CTEs as (name, query), for another statement's WITH."""
    with_ = statement.args.get("with_") or statement.args.get("with")
    statement.set("with_", None)
    statement.set("with", None)
    return [(cte.alias, cte.this) for cte in with_.expressions] if with_ is not None else []


def stacked(selects: list[exp.Select]) -> exp.Query:
    """The selects combined with UNION ALL (one select stands alone)."""
    return exp.union(*selects, distinct=False, copy=False) if len(selects) > 1 else selects[0]


def date_literal(value: datetime.date) -> exp.Expr:
    return exp.Cast(this=exp.Literal.string(value.isoformat()), to=data_type("DATE"))


def safe_divide(numerator: exp.Expr, denominator: exp.Expr) -> exp.Expr:
    """Real division that is NULL where the denominator is 0 or NULL, on every engine."""
    left = exp.Cast(this=numerator, to=data_type("DOUBLE"))
    right = exp.Nullif(this=denominator, expression=exp.Literal.number(0))
    return exp.Div(this=left, expression=right)


def truncate(grain: str, value: exp.Expr) -> exp.Expr:
    trunc = exp.DateTrunc(this=value, unit=exp.Literal.string(grain.upper()))  # type: ignore[no-untyped-call]
    return exp.Cast(this=trunc, to=data_type("DATE"))


def interval_step(unit: str) -> tuple[int, str]:
    """One `unit` as a count of the SQL interval unit that measures it exactly: week → (7, DAY)."""
    if unit in grains.MONTHS_PER_UNIT:
        return grains.MONTHS_PER_UNIT[unit], "MONTH"
    return grains.DAYS_PER_UNIT[unit], "DAY"


def add_interval(value: exp.Expr, count: int | exp.Expr, unit: str) -> exp.Expr:
    """value + count units (unit: day week month quarter year), as a DATE."""
    step, base_unit = interval_step(unit)
    amount = exp.Literal.number(count * step) if isinstance(count, int) else (
        count if step == 1 else exp.Mul(this=paren(count), expression=exp.Literal.number(step)))
    added = exp.DateAdd(this=value, expression=amount, unit=exp.Var(this=base_unit))
    return exp.Cast(this=added, to=data_type("DATE"))


# ---- literals and aggregates -------------------------------------------------------------------
def literal(expr: m.Lit) -> exp.Expr:
    if expr.type == "number":
        return exp.Literal.number(expr.value)
    if expr.type == "string":
        return exp.Literal.string(expr.value or "")
    if expr.type == "date":
        return date_literal(datetime.date.fromisoformat(expr.value or ""))
    if expr.type == "bool":
        return exp.true() if expr.value == "true" else exp.false()
    return exp.Null()


def aggregate(func: str, arg: exp.Expr | None, fraction: str | None = None) -> exp.Expr:
    if func in ("median", "percentile"):
        return percentile_cont(arg, fraction or "0.5")
    if func == "count":
        return exp.Count(this=arg if arg is not None else exp.Star())
    if func == "count_distinct":
        return exp.Count(this=exp.Distinct(expressions=[arg]))
    return AGGREGATES[func](this=arg)


def percentile_cont(arg: exp.Expr | None, fraction: str) -> exp.Expr:
    """Continuous percentile (PostgreSQL's percentile_cont) over the argument as DOUBLE, so that every
    engine interpolates the same way (DuckDB keeps a DECIMAL's scale otherwise)."""
    value = exp.Cast(this=arg, to=exp.DataType.build("DOUBLE"))
    return exp.PercentileCont(this=value, expression=exp.Literal.number(fraction))


def code_points(value: exp.Expr) -> exp.Expr:
    """`value COLLATE "C"`: strings ordered by code point (LANGUAGE.md §3), whatever the database's collation."""
    return exp.Collate(this=paren(value), expression=exp.Column(this=ident("C")))


def rounded(args: list[exp.Expr], numeric: bool) -> exp.Expr:
    """`round(x [, n])`, halves away from zero: on an engine whose double rounding is half to even, of
    `CAST(x AS DECIMAL)` (exact for the double's shortest decimal form)."""
    value = exp.Cast(this=args[0], to=exp.DataType.build("DECIMAL")) if numeric else args[0]
    return exp.Round(this=value, decimals=args[1] if len(args) > 1 else None)


def with_filter(agg: exp.Expr, condition: exp.Expr | None) -> exp.Expr:
    return agg if condition is None else exp.Filter(this=agg, expression=exp.Where(this=condition))


# ---- row expressions ---------------------------------------------------------------------------
class RowCompiler:
    """Row-level IR → sqlglot, relative to one base source (dimensions and time follow its joins)."""

    def __init__(self, project: m.Project, base: str, time_value: exp.Expr | None = None,
                 capabilities: Capabilities | None = None) -> None:
        self.project = project
        self.base = base
        self.time_value = time_value  # the (possibly shifted) time column used by time.* dimensions
        self.needed: set[str] = set()
        self.capabilities = capabilities or Capabilities()

    def __call__(self, expr: m.RowExpr) -> exp.Expr:
        return self.compile(expr)

    def compile(self, expr: m.RowExpr) -> exp.Expr:
        if isinstance(expr, m.Lit):
            return literal(expr)
        if isinstance(expr, m.Col):
            if expr.source != self.base:
                self.needed.add(expr.source)
            return col(expr.column, expr.source)
        if isinstance(expr, m.DimRef):
            return self.compile(self.project.dimensions[expr.name].expr)
        if isinstance(expr, m.TimeRef):
            return truncate(expr.grain, self.time())
        if isinstance(expr, m.CaseExpr):
            return exp.Case(ifs=[exp.If(this=self.compile(c), true=self.compile(v)) for c, v in expr.whens],
                            default=self.compile(expr.otherwise) if expr.otherwise is not None else None)
        if isinstance(expr, m.Agg):
            return aggregate(expr.func, None if expr.arg is None else self.compile(expr.arg))
        return self.apply(expr)

    def time(self) -> exp.Expr:
        if self.time_value is not None:
            return self.time_value
        column = self.project.sources[self.base].time_column
        assert column is not None, f"source {self.base} has no time column"
        return col(column, self.base)

    def apply(self, expr: m.Apply) -> exp.Expr:
        op = expr.op
        args = [self.compile(a) for a in expr.args]
        if op in ARITH:
            return ARITH[op](this=paren(args[0]), expression=paren(args[1]))
        if op == "/":
            return safe_divide(paren(args[0]), paren(args[1]))
        if op in COMPARE or op in ("between", "not_between"):
            args = self.collated(expr.args, args) if COMPARE.get(op) in ORDERING or "between" in op else args
        if op in COMPARE:
            return COMPARE[op](this=paren(args[0]), expression=paren(args[1]))
        if op in ("and", "or"):
            return (exp.And if op == "and" else exp.Or)(this=paren(args[0]), expression=paren(args[1]))
        if op == "not":
            return exp.Not(this=paren(args[0]))
        if op == "neg":
            return exp.Neg(this=paren(args[0]))
        return self.predicate(op, args) or self.function(op, args)

    def collated(self, exprs: tuple[m.RowExpr, ...], args: list[exp.Expr]) -> list[exp.Expr]:
        """The operands of an ordering comparison, in code-point order where the engine needs telling."""
        if self.capabilities.code_point_strings or all(expression_type(e, self.project) != "string" for e in exprs):
            return args
        return [code_points(a) for a in args]

    def predicate(self, op: str, args: list[exp.Expr]) -> exp.Expr | None:
        negated = op.startswith("not_")
        base_op = op.removeprefix("not_")
        node: exp.Expr
        if base_op == "in":
            node = exp.In(this=paren(args[0]), expressions=args[1:])
        elif base_op == "between":
            node = exp.Between(this=paren(args[0]), low=paren(args[1]), high=paren(args[2]))
        elif base_op == "like":
            node = exp.Like(this=paren(args[0]), expression=args[1])
        elif op in ("is_null", "is_not_null"):
            node = exp.Is(this=paren(args[0]), expression=exp.Null())
            return exp.Not(this=node) if op == "is_not_null" else node
        else:
            return None
        return exp.Not(this=exp.Paren(this=node)) if negated else node

    def function(self, op: str, args: list[exp.Expr]) -> exp.Expr:
        if op in DATE_PARTS:
            return exp.Extract(this=exp.Var(this=DATE_PARTS[op]), expression=args[1 if len(args) > 1 else 0])
        if op == "date_trunc":
            grain = args[0].this if isinstance(args[0], exp.Literal) else "month"
            return truncate(str(grain), args[1])
        if op == "round":
            return rounded(args, numeric=not self.capabilities.round_doubles)
        return SIMPLE_FUNCS[op](args)
