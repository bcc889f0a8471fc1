"""Aggregates (`sum(orders.amount)`, `count(orders)`, …): the argument's type, and the one base
source whose rows are aggregated (every other source it reads must be reachable from it)."""

from __future__ import annotations

from metricdsl.ir import model as m
from metricdsl.semantic.context import Scope
from metricdsl.semantic.names import unknown_source
from metricdsl.semantic.reach import column_sources
from metricdsl.semantic.rows import RowResolver
from metricdsl.semantic.types import is_numeric, is_orderable
from metricdsl.source import Span
from metricdsl.syntax import ast

RESULT_TYPES = {"count": "bigint", "count_distinct": "bigint", "avg": "double", "median": "double",
                "percentile": "double"}  # sum, min, max: the argument's
PERCENTILES = ("median", "percentile")


def aggregate(scope: Scope, expr: ast.Call, required_source: str | None = None) -> tuple[m.Agg | None, str]:
    """The aggregate and its type; `required_source` is the base that a `having` key reads."""
    func = expr.name
    fraction = None
    if func in PERCENTILES:
        if required_source is not None:
            scope.report.error("E110", f"`{func}` cannot be used in `having`", expr.span,
                               "a `having` condition uses sum, count, count_distinct, avg, min or max")
            return None, "unknown"
        fraction = percentile_fraction(scope, expr)
        if fraction is None:
            return None, "unknown"
    elif len(expr.args) != 1:
        scope.report.error("E110", f"`{func}` takes one argument, not {len(expr.args)}", expr.span)
        return None, "unknown"
    arg = expr.args[0]
    symbols = scope.symbols
    if func == "count" and isinstance(arg, ast.Name) and len(arg.parts) == 1 and (
            symbols.is_a(arg.parts[0], "source") or not symbols.is_a(arg.parts[0], "dimension")):
        return _count_rows(scope, arg)
    mark = scope.report.mark()
    resolved, arg_type = RowResolver(scope).resolve(arg)
    if scope.report.failed_since(mark) or _reads_broken_source(scope, arg):
        return None, "unknown"  # already reported (unknown or unparsable source or column): no follow-up error
    base = base_source(scope, resolved, arg.span)
    if base is None:
        return None, "unknown"
    if required_source is not None and base != required_source:
        scope.report.error("E304", f"this aggregate reads `{base}`, but the key it qualifies reads "
                           f"`{required_source}`", expr.span)
    _check_argument_type(scope, func, arg_type, arg.span)
    result_type = RESULT_TYPES.get(func, arg_type)
    agg = m.Agg(func=func, arg=resolved, source=base, type=result_type, fraction=fraction)  # type: ignore[arg-type]
    return agg, result_type


def percentile_fraction(scope: Scope, expr: ast.Call) -> str | None:
    """p of `percentile(x, p)` (a literal in [0, 1]) as exact text; "0.5" for `median(x)`; None after an error."""
    wanted = 1 if expr.name == "median" else 2
    if len(expr.args) != wanted:
        usage = "median(orders.amount)" if wanted == 1 else "percentile(orders.amount, 0.9)"
        scope.report.error("E110", f"`{expr.name}` takes {wanted} argument{'s' if wanted > 1 else ''}, "
                           f"not {len(expr.args)}", expr.span, f"write {usage}")
        return None
    if wanted == 1:
        return "0.5"
    p = expr.args[1]
    if isinstance(p, (ast.Number, ast.Percent)) and 0 <= p.value <= 1:
        return format(p.value.normalize(), "f")
    shown = f", not {p.text}" if isinstance(p, (ast.Number, ast.Percent)) else ""
    scope.report.error("E414", f"the fraction of `percentile` must be a number literal from 0 to 1{shown}", p.span,
                       "write e.g. percentile(orders.amount, 0.9) for the 90th percentile")
    return None


def _reads_broken_source(scope: Scope, expr: ast.Expr) -> bool:
    """A column of a source whose declaration did not parse (its syntax error is the real one)."""
    broken = scope.symbols.broken
    return bool(broken) and any(isinstance(node, ast.Name) and len(node.parts) == 2 and node.parts[0] in broken
                                for node in ast.walk(expr))


def base_source(scope: Scope, expr: m.RowExpr, span: Span) -> str | None:
    """The one source of the expression's columns from which all the others are reachable."""
    mentioned = sorted(column_sources(scope, expr))
    if not mentioned:
        scope.report.error("E304", "an aggregate needs a column (`sum(orders.amount)`) or a source "
                           "(`count(orders)`)", span)
        return None
    for candidate in mentioned:
        if all(scope.joins.path(candidate, other) is not None for other in mentioned if other != candidate):
            return candidate
    scope.report.error("E304", "this aggregate mixes sources that no join connects: " + ", ".join(mentioned), span,
                       "declare a `join` from the fact source to the others")
    return None


def _count_rows(scope: Scope, arg: ast.Name) -> tuple[m.Agg | None, str]:
    name = arg.parts[0]
    if name not in scope.sources:
        if not scope.symbols.is_a(name, "source"):
            unknown_source(scope, name, arg.span)
        return None, "bigint"
    return m.Agg(func="count", arg=None, source=name, type="bigint"), "bigint"


def _check_argument_type(scope: Scope, func: str, arg_type: str, span: Span) -> None:
    if func in ("sum", "avg", *PERCENTILES) and not is_numeric(arg_type):
        scope.report.error("E201", f"`{func}` needs a numeric argument, not {arg_type}", span,
                           "count(…) or count_distinct(…) count values of any type")
    elif func in ("min", "max") and not is_orderable(arg_type):
        scope.report.error("E201", f"`{func}` needs an orderable argument, not {arg_type}", span)
