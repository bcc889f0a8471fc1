"""Row expressions (LANGUAGE.md §3): resolving names to columns, dimensions and `time.<grain>`,
and typing every operator and function. A type is "unknown" for columns of sources without a
`columns` block, and after an error (so that one mistake is reported once)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

from metricdsl.diagnostics import did_you_mean
from metricdsl.grains import TIME_GRAINS, is_grain
from metricdsl.ir import model as m
from metricdsl.semantic.chains import chain_ops, chain_terms, regroup, strip_signs
from metricdsl.semantic.context import Scope
from metricdsl.semantic.hints import only_close, time_hint
from metricdsl.semantic.types import comparable, family, is_numeric, unify_numeric
from metricdsl.semantic.vocabulary import AGGREGATES, COMPARISONS, METRIC_FUNCTIONS, ROW_FUNCTIONS
from metricdsl.source import Span
from metricdsl.syntax import ast

Typed = tuple[m.RowExpr, str]
QUOTED_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
AggregateHook = Callable[[ast.Call], tuple[m.Agg | None, str]]  # aggregates in a row expression: `having` only


class RowResolver:
    """Resolves row expressions against a scope; each method returns the expression with its type."""

    def __init__(self, scope: Scope, aggregates: AggregateHook | None = None) -> None:
        self.scope = scope
        self.report = scope.report
        self.aggregates = aggregates

    def resolve(self, expr: ast.Expr) -> Typed:
        if isinstance(expr, ast.Name):
            return self.name(expr)
        if isinstance(expr, ast.Binary):
            return self.binary(expr)
        if isinstance(expr, ast.Unary):
            return self.unary(expr)
        if isinstance(expr, ast.Call):
            return self.call(expr)
        if isinstance(expr, ast.Case):
            return self.case(expr)
        if isinstance(expr, (ast.InList, ast.Between, ast.Like, ast.IsNull)):
            return self.predicate(expr)
        return self.literal(expr)

    def condition(self, expr: ast.Expr) -> m.RowExpr:
        """A row expression that must be true/false (a `where`)."""
        resolved, found = self.resolve(expr)
        self.expect_bool(expr, found)
        return resolved

    def expect_bool(self, expr: ast.Expr, found: str) -> None:
        if found not in ("bool", "unknown", "null"):
            self.report.error("E202", f"expected a condition (true/false), found {found}", expr.span)

    # ---- literals and names -------------------------------------------------------------------
    def literal(self, expr: ast.Expr) -> Typed:
        if isinstance(expr, ast.Number):
            return m.Lit(type="number", value=str(expr.value)), "number"
        if isinstance(expr, ast.SqlString):
            return m.Lit(type="string", value=expr.value), "string"
        if isinstance(expr, ast.DateLiteral):
            return m.Lit(type="date", value=expr.value.isoformat()), "date"
        if isinstance(expr, ast.Boolean):
            return m.Lit(type="bool", value="true" if expr.value else "false"), "bool"
        if isinstance(expr, ast.Null):
            return _null(), "null"
        if isinstance(expr, ast.Text):
            self.report.error("E109", "a \"label\" is not a value here", expr.span,
                              f"SQL strings use single quotes: '{expr.value}'")
        elif isinstance(expr, ast.RelativePeriod):
            self.report.error("E109", "a relative period is not a value here", expr.span,
                              "relative periods go in a query's `period:` (or --period)")
        else:
            self.report.error("E109", "this value cannot be used in a row expression", expr.span)
        return _null(), "null"

    def name(self, expr: ast.Name) -> Typed:
        parts = expr.parts
        if parts[0] == "time" and len(parts) == 2:
            return self.time_ref(expr)
        if len(parts) == 2:
            return self.column_ref(parts[0], parts[1], expr.span)
        if len(parts) == 1:
            return self.bare_name(expr)
        self.report.error("E111", f"`{expr.dotted}` is not a name: write `source.column`", expr.span)
        return _unknown()

    def time_ref(self, expr: ast.Name) -> Typed:
        grain = expr.parts[1]
        if not is_grain(grain):
            self.report.error("E104", f"unknown time dimension `{expr.dotted}`", expr.span, time_hint(grain))
            return _unknown()
        return m.TimeRef(grain=grain), "date"

    def column_ref(self, source_name: str, column: str, span: Span) -> Typed:
        symbols = self.scope.symbols
        source = self.scope.sources.get(source_name)
        if source is None:
            if symbols.known(source_name, "source"):
                return _unknown()
            source_span = Span(span.file, span.line, span.column, span.line, span.column + len(source_name))
            self.report.error("E101", f"unknown source `{source_name}`", source_span,
                              did_you_mean(source_name, symbols.named("source")))
            return _unknown()
        if source.columns is not None and column not in source.columns:
            self.report.error("E102", f"source `{source_name}` has no column `{column}`", span,
                              did_you_mean(column, source.columns))
            return _unknown()
        column_type = source.columns[column] if source.columns is not None else "unknown"
        return m.Col(source=source_name, column=column), column_type

    def bare_name(self, expr: ast.Name) -> Typed:
        """A bare name is a dimension (columns are always written `source.column`)."""
        name = expr.parts[0]
        symbols = self.scope.symbols
        if symbols.is_a(name, "dimension"):
            return m.DimRef(name=name), self.scope.dimension_types.get(name, "unknown")
        if name not in symbols.broken:
            hint = did_you_mean(name, symbols.named("dimension"))
            column = self.similar_column(name)
            if column is not None and only_close(hint) is None:
                hint = f"did you mean the column `{column}`? (a bare name in a condition is a dimension)"
            if symbols.is_a(name, "metric"):
                hint = f"`{name}` is a metric; conditions compare dimensions or columns"
            elif symbols.is_a(name, "source"):
                hint = f"`{name}` is a source; name one of its columns as `{name}.column`"
            self.report.error("E104", f"unknown dimension `{name}`", expr.span, hint)
        return _unknown()

    def similar_column(self, name: str) -> str | None:
        """`source.column` for the declared column spelled most like `name`, if one is close."""
        columns = {f"{s.name}.{c}": c for s in self.scope.sources.values() for c in (s.columns or {})}
        close = difflib.get_close_matches(name, sorted(set(columns.values())), n=1, cutoff=0.75)
        return next((q for q, c in sorted(columns.items()) if close and c == close[0]), None)

    # ---- operators ----------------------------------------------------------------------------
    def binary(self, expr: ast.Binary) -> Typed:
        if chain_ops(expr.op):
            return self.chain(expr)
        left, left_type = self.resolve(expr.left)
        right, right_type = self.resolve(expr.right)
        op = expr.op
        if op in ("and", "or"):
            for side, side_type in ((expr.left, left_type), (expr.right, right_type)):
                self.expect_bool(side, side_type)
            return m.Apply(op=op, args=(left, right)), "bool"
        if op in COMPARISONS:
            if not comparable(left_type, right_type):
                self.report.error("E203", f"cannot compare {left_type} with {right_type}", expr.span,
                                  _quoted_date_hint((expr.left, left_type), (expr.right, right_type)))
            return m.Apply(op=op, args=(left, right)), "bool"
        for side, side_type in ((expr.left, left_type), (expr.right, right_type)):
            if not is_numeric(side_type):
                self.report.error("E203", f"arithmetic `{op}` needs numbers, not {side_type}", side.span)
        return m.Apply(op=op, args=(left, right)), "double" if op == "/" else unify_numeric(left_type, right_type)

    def chain(self, expr: ast.Binary) -> Typed:
        """`a and b and …`, `a or b or …`, `a + b - c …`, `a * b * …`: a list of terms, without
        recursion along the chain, regrouped when long (metricdsl.semantic.chains)."""
        terms = chain_terms(expr)
        resolved = [(op, term, *self.resolve(term)) for op, term in terms]
        values = [(op, value) for op, _, value, _ in resolved]
        if expr.op in ("and", "or"):
            for _, term, _, term_type in resolved:
                self.expect_bool(term, term_type)
            return regroup(values, _apply), "bool"
        for index, (op, term, _, term_type) in enumerate(resolved):
            if not is_numeric(term_type):
                shown = resolved[1][0] if index == 0 else op
                self.report.error("E203", f"arithmetic `{shown}` needs numbers, not {term_type}", term.span)
        result_type = resolved[0][3]
        for _, _, _, term_type in resolved[1:]:
            result_type = unify_numeric(result_type, term_type)
        return regroup(values, _apply), result_type

    def unary(self, expr: ast.Unary) -> Typed:
        flips, inner = strip_signs(expr)
        operand, operand_type = self.resolve(inner)
        if expr.op == "not":
            self.expect_bool(inner, operand_type)
            return (m.Apply(op="not", args=(operand,)) if flips % 2 else operand), "bool"
        if not is_numeric(operand_type):
            self.report.error("E203", f"unary `{expr.op}` needs a number, not {operand_type}", expr.span)
        return (m.Apply(op="neg", args=(operand,)) if flips % 2 else operand), operand_type

    def predicate(self, expr: ast.InList | ast.Between | ast.Like | ast.IsNull) -> Typed:
        operand, operand_type = self.resolve(expr.operand)
        prefix = "not_" if expr.negated else ""
        if isinstance(expr, ast.IsNull):
            return m.Apply(op="is_not_null" if expr.negated else "is_null", args=(operand,)), "bool"
        others = list(expr.items) if isinstance(expr, ast.InList) else (
            [expr.low, expr.high] if isinstance(expr, ast.Between) else [expr.pattern])
        resolved = []
        for other in others:
            value, value_type = self.resolve(other)
            if not comparable(operand_type, value_type):
                self.report.error("E203", f"cannot compare {operand_type} with {value_type}", other.span,
                                  _quoted_date_hint((expr.operand, operand_type), (other, value_type)))
            resolved.append(value)
        if isinstance(expr, ast.Like) and operand_type not in ("string", "unknown"):
            self.report.error("E203", f"`like` needs a string, not {operand_type}", expr.operand.span)
        op = {ast.InList: "in", ast.Between: "between", ast.Like: "like"}[type(expr)]
        return m.Apply(op=prefix + op, args=(operand, *resolved)), "bool"

    def case(self, expr: ast.Case) -> Typed:
        whens = []
        types = []
        for condition, value in expr.whens:
            cond = self.condition(condition)
            resolved, value_type = self.resolve(value)
            whens.append((cond, resolved))
            types.append(value_type)
        otherwise = None
        if expr.otherwise is not None:
            otherwise, other_type = self.resolve(expr.otherwise)
            types.append(other_type)
        known = [t for t in types if t not in ("null", "unknown")]
        result = known[0] if known else "unknown"
        if known and all(is_numeric(t) for t in known):
            result = "double" if any(t == "double" for t in known) else known[0]
        elif any(not comparable(result, t) for t in known):
            self.report.error("E203", "the branches of `case` have different types: " + ", ".join(known), expr.span)
        return m.CaseExpr(whens=tuple(whens), otherwise=otherwise), result

    # ---- functions ----------------------------------------------------------------------------
    def call(self, expr: ast.Call) -> Typed:
        name = expr.name
        if expr.within or expr.direction is not None:  # total(…, within d) / rank(… asc) are metric functions
            what = "`within` is an option of the metric functions `total` and `rank`" if expr.within \
                else f"`{expr.direction}` is an option of the metric function `rank`"
            self.report.error("E110", f"{what}, not of `{name}` in a row expression", expr.span,
                              "conditions and dimensions work row by row; shares and ranks of a metric are "
                              "written in a metric: metric share = revenue / total(revenue, within team)")
            return _unknown()
        if name in AGGREGATES:
            if self.aggregates is not None:
                agg, agg_type = self.aggregates(expr)
                return (agg if agg is not None else _null()), agg_type
            self.report.error("E205", f"aggregate `{name}(…)` where a row value is expected", expr.span,
                              "aggregates belong in metrics; dimensions and conditions work row by row")
            return _unknown()
        if name not in ROW_FUNCTIONS:
            hint = did_you_mean(name, [*ROW_FUNCTIONS, *AGGREGATES])
            if name in METRIC_FUNCTIONS:
                where = "a `having` condition" if self.aggregates is not None else "a row expression"
                hint = f"`{name}` works on metrics, not in {where}: define a metric with it (metric m = {name}(…))"
            self.report.error("E110", f"unknown function `{name}`", expr.name_span, hint)
            return _unknown()
        low, high = ROW_FUNCTIONS[name]
        if not low <= len(expr.args) <= high:
            self.report.error("E110", f"`{name}` takes {_arity(low, high)}, not {len(expr.args)}", expr.span)
            return _unknown()
        return self.function(expr)

    def function(self, expr: ast.Call) -> Typed:
        name = expr.name
        if name == "date_trunc":
            return self.date_trunc(expr)
        resolved = [self.resolve(arg) for arg in expr.args]
        args = tuple(r for r, _ in resolved)
        first_type = resolved[0][1]
        if is_grain(name):  # year(…), quarter(…), month(…), week(…), day(…)
            if first_type not in ("date", "timestamp", "unknown"):
                self.report.error("E203", f"`{name}` needs a date, not {first_type}", expr.args[0].span)
            return m.Apply(op=name, args=args), "int"
        if name in ("lower", "upper"):
            return m.Apply(op=name, args=args), "string"
        if name == "length":
            return m.Apply(op=name, args=args), "int"
        if name == "coalesce":
            return m.Apply(op=name, args=args), next((t for _, t in resolved if t not in ("null", "unknown")), "unknown")
        if not is_numeric(first_type):
            self.report.error("E203", f"`{name}` needs a number, not {first_type}", expr.args[0].span)
        return m.Apply(op=name, args=args), first_type

    def date_trunc(self, expr: ast.Call) -> Typed:
        grain = expr.args[0]
        if not isinstance(grain, ast.SqlString) or not is_grain(grain.value):
            self.report.error("E110", "date_trunc's first argument is one of " + ", ".join(f"'{g}'" for g in TIME_GRAINS),
                              grain.span)
            return _null(), "date"
        value, _ = self.resolve(expr.args[1])
        return m.Apply(op="date_trunc", args=(m.Lit(type="string", value=grain.value), value)), "date"


def _quoted_date_hint(*sides: tuple[ast.Expr, str]) -> str | None:
    """`order_date >= '2026-01-01'`: the string is a date written in quotes."""
    dated = any(family(side_type) == "date" for _, side_type in sides)
    for expr, _ in sides:
        if dated and isinstance(expr, ast.SqlString) and QUOTED_DATE.fullmatch(expr.value):
            return f"drop the quotes: {expr.value} is a date literal"
    return None


def _apply(op: str, left: m.RowExpr, right: m.RowExpr) -> m.RowExpr:
    return m.Apply(op=op, args=(left, right))


def _null() -> m.Lit:
    return m.Lit(type="null", value=None)


def _unknown() -> Typed:
    return _null(), "unknown"


def _arity(low: int, high: int) -> str:
    if low == high:
        return f"{low} argument{'s' if low > 1 else ''}"
    return f"at least {low} argument" if high >= 99 else f"{low} to {high} arguments"
