"""Decompositions (LANGUAGE.md §6): proving identities exact, and measuring the empirical ones on data.

**Exactness.** Each metric is expanded, through metric references, into a rational expression
of its aggregate leaves; two leaves are one symbol when they are the same aggregate under the
same filters (a `where` is split into its `and`-ed conditions, so the order and nesting of
filters do not matter). `lag`, `growth`, `cumulative`, `abs`, `round`, … stay opaque functions
of their expanded argument, and `count_distinct … having` stays an opaque leaf. The identity
`metric = formula(drivers)` is exact when `metric - formula` cancels to 0 with sympy. This is an
identity of rational functions, so it holds in every group where no denominator is 0 (where one
is, both sides are null or the aggregates are all 0). `decompose m by d` is exact because `m` is
checked additive and NULL is a group of its own. sympy is imported only when a project has a
formula decomposition, and nothing is cached between projects.

**Verification.** `measure` computes, for every decomposition that is not proven exact, the
metric and its drivers with the compiler (grouped by one dimension, or overall), evaluates the
formula in Python on each row and reports the worst relative residual |m − f| / |m|.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from metricdsl import model as m

if TYPE_CHECKING:
    import sympy  # type: ignore[import-untyped]

    from metricdsl.warehouse import QueryResult, Warehouse

DEFAULT_TOLERANCE = 1e-9


# ---- exactness ---------------------------------------------------------------------------------
def mark_exact(decompositions: Sequence[m.Decomposition], metrics: Mapping[str, m.Metric]) -> list[m.Decomposition]:
    """The decompositions with `exact` set: True (proven), False (empirical), None (a metric has errors)."""
    if not any(d.kind != "by" for d in decompositions):
        return [d.model_copy(update={"exact": True}) for d in decompositions]
    expander = Expander({name: metric.expr for name, metric in metrics.items()})
    return [d.model_copy(update={"exact": is_exact(d, expander)}) for d in decompositions]


def is_exact(decomposition: m.Decomposition, expander: Expander) -> bool | None:
    if decomposition.kind == "by":
        return True
    if decomposition.formula is None or decomposition.metric not in expander.exprs:
        return None
    if any(driver not in expander.exprs for driver in decomposition.drivers):
        return None
    return expander.identical(m.MetricRef(metric=decomposition.metric), decomposition.formula)


class Expander:
    """Metric expressions → sympy expressions over their aggregate leaves (one instance per project)."""

    def __init__(self, exprs: Mapping[str, m.MetricExpr]) -> None:
        import sympy

        self.sympy = sympy
        self.exprs = exprs
        self.symbols: dict[tuple[str, frozenset[str]], sympy.Symbol] = {}

    def identical(self, left: m.MetricExpr, right: m.MetricExpr) -> bool:
        difference = self.expand(left, frozenset()) - self.expand(right, frozenset())
        if self.sympy.cancel(self.sympy.together(difference)) == 0:
            return True
        return bool(self.sympy.simplify(difference) == 0)

    def expand(self, expr: m.MetricExpr, filters: frozenset[str]) -> sympy.Expr:
        sp = self.sympy
        if isinstance(expr, m.Const):
            return sp.Rational(expr.value)
        if isinstance(expr, m.MetricRef):
            return self.expand(self.exprs[expr.metric], filters)
        if isinstance(expr, m.Filtered):
            return self.expand(expr.expr, filters | conjuncts(expr.condition))
        if isinstance(expr, m.Arith):
            return self.arith(expr, filters)
        if isinstance(expr, m.Lag):
            name = f"{'growth' if expr.growth else 'lag'}_{expr.count}_{expr.unit}"
            return sp.Function(name)(self.expand(expr.expr, filters))
        if isinstance(expr, m.Cumulative):
            return sp.Function(f"cumulative_{expr.count or 'to'}_{expr.unit}")(self.expand(expr.expr, filters))
        return self.leaf(expr, filters)

    def arith(self, expr: m.Arith, filters: frozenset[str]) -> sympy.Expr:
        args = [self.expand(a, filters) for a in expr.args]
        if expr.op == "+":
            return args[0] + args[1]
        if expr.op == "-":
            return args[0] - args[1]
        if expr.op == "*":
            return args[0] * args[1]
        if expr.op == "/":
            return args[0] / args[1]
        if expr.op == "neg":
            return -args[0]
        return self.sympy.Function(f"{expr.op}_")(*args)

    def leaf(self, expr: m.AggLeaf | m.DistinctHaving, filters: frozenset[str]) -> sympy.Expr:
        key = (expr.model_dump_json(), filters)
        if key not in self.symbols:
            self.symbols[key] = self.sympy.Symbol(f"leaf{len(self.symbols)}")
        return self.symbols[key]


def conjuncts(condition: m.RowExpr) -> frozenset[str]:
    if isinstance(condition, m.Apply) and condition.op == "and":
        return frozenset().union(*(conjuncts(arg) for arg in condition.args))
    return frozenset({condition.model_dump_json()})


# ---- evaluation on data ------------------------------------------------------------------------
@dataclass(frozen=True)
class Residual:
    """The outcome of one decomposition: proven exact, or the worst residual on data."""

    decomposition: m.Decomposition
    exact: bool
    worst: float | None = None  # relative |m − f| / |m|; inf where m is 0 and f is not
    group: str | None = None  # the group of the worst residual
    groups: int = 0  # groups compared
    skipped: int = 0  # groups where the metric or the formula is null
    error: str | None = None  # the query could not be compiled or run

    def exceeds(self, tolerance: float) -> bool:
        return self.error is not None or (self.worst is not None and self.worst > tolerance)


def equation(decomposition: m.Decomposition) -> str:
    if decomposition.kind == "by":
        return f"{decomposition.metric} by {decomposition.by}"
    assert decomposition.formula is not None
    return f"{decomposition.metric} = {formula_text(decomposition.formula)}"


def formula_text(expr: m.MetricExpr) -> str:
    if isinstance(expr, m.MetricRef):
        return expr.metric
    if isinstance(expr, m.Const):
        return expr.value
    if isinstance(expr, m.Arith) and expr.op in ("+", "-", "*", "/"):
        return f" {expr.op} ".join(_operand(a, expr.op) for a in expr.args)
    if isinstance(expr, m.Arith) and expr.op == "neg":
        return "-" + _operand(expr.args[0], "neg")
    if isinstance(expr, m.Arith):
        return f"{expr.op}({', '.join(formula_text(a) for a in expr.args)})"
    return expr.kind


def _operand(expr: m.MetricExpr, parent: str) -> str:
    text = formula_text(expr)
    loose = isinstance(expr, m.Arith) and expr.op in ("+", "-") and parent in ("*", "/", "-", "neg")
    tight_right = isinstance(expr, m.Arith) and expr.op in ("*", "/") and parent == "/"
    return f"({text})" if loose or tight_right else text


def evaluate(expr: m.MetricExpr, values: Mapping[str, float | None]) -> float | None:
    """The formula on one row of metric values; null propagates and x / 0 is null (as in SQL)."""
    if isinstance(expr, m.Const):
        return float(expr.value)
    if isinstance(expr, m.MetricRef):
        return values.get(expr.metric)
    if not isinstance(expr, m.Arith):
        raise TypeError(f"cannot evaluate a {expr.kind} in a decomposition formula")
    args = [evaluate(a, values) for a in expr.args]
    if expr.op == "coalesce":
        return next((a for a in args if a is not None), None)
    if any(a is None for a in args):
        return None
    return _apply(expr.op, [a for a in args if a is not None])


def _apply(op: str, args: list[float]) -> float | None:
    if op == "/":
        return None if args[1] == 0 else args[0] / args[1]
    table: dict[str, Any] = {
        "+": lambda: args[0] + args[1], "-": lambda: args[0] - args[1], "*": lambda: args[0] * args[1],
        "neg": lambda: -args[0], "abs": lambda: abs(args[0]), "floor": lambda: float(math.floor(args[0])),
        "ceil": lambda: float(math.ceil(args[0])),
        "round": lambda: float(round(Decimal(repr(args[0])), int(args[1]) if len(args) > 1 else 0)),
    }
    return float(table[op]())


def relative_residual(actual: float, formula: float) -> float:
    if actual == formula:
        return 0.0
    return abs(actual - formula) / abs(actual) if actual != 0 else math.inf


def measure(project: m.Project, warehouse: Warehouse, by: str | None = None,
            period: str | None = None) -> list[Residual]:
    """Every decomposition: proven exact ones as they are, the others measured on `warehouse`."""
    results = []
    for decomposition in project.decompositions:
        if decomposition.exact:
            results.append(Residual(decomposition, exact=True))
        else:
            results.append(measure_one(project, warehouse, decomposition, by, period))
    return results


def measure_one(project: m.Project, warehouse: Warehouse, decomposition: m.Decomposition, by: str | None,
                period: str | None) -> Residual:
    from metricdsl.api import CheckFailed, compile_sql
    from metricdsl.warehouse import WarehouseError

    metrics = list(dict.fromkeys([decomposition.metric, *decomposition.drivers]))
    try:
        sql = compile_sql(project, metrics=metrics, by=[by] if by else None, period=period,
                          dialect=warehouse.dialect)
        result = warehouse.execute(sql)
    except (CheckFailed, WarehouseError) as error:
        return Residual(decomposition, exact=False, error=str(error))
    return residual_of(decomposition, result, by)


def residual_of(decomposition: m.Decomposition, result: QueryResult, by: str | None) -> Residual:
    assert decomposition.formula is not None
    group_column = by.replace(".", "_") if by else None
    worst: float | None = None
    worst_group: str | None = None
    compared = skipped = 0
    for row in result.rows:
        values = {name: _number(value) for name, value in zip(result.columns, row)}
        actual = values.get(decomposition.metric)
        formula = evaluate(decomposition.formula, values)
        if actual is None or formula is None:
            skipped += 1
            continue
        compared += 1
        error = relative_residual(actual, formula)
        if worst is None or error > worst:
            worst = error
            worst_group = _group_text(row[result.columns.index(group_column)]) if group_column else "(overall)"
    return Residual(decomposition, exact=False, worst=worst, group=worst_group, groups=compared, skipped=skipped)


def _number(value: object) -> float | None:
    if value is None or isinstance(value, (str, bool)):
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    return None


def _group_text(value: object) -> str:
    return "NULL" if value is None else str(value)


# ---- the `verify` table ------------------------------------------------------------------------
def residual_table(results: Sequence[Residual], tolerance: float, by: str | None) -> Any:
    """A rich table: one row per decomposition, exact or with its worst residual and a verdict."""
    from rich.table import Table

    table = Table(title=f"Decompositions ({'by ' + by if by else 'overall'}; tolerance {tolerance:g} relative)",
                  title_justify="left")
    for column in ("decomposition", "kind", "status", "worst residual", "where", "groups", "verdict"):
        table.add_column(column, justify="right" if column in ("worst residual", "groups") else "left")
    for result in results:
        table.add_row(equation(result.decomposition), result.decomposition.kind, *_cells(result, tolerance))
    return table


def _cells(result: Residual, tolerance: float) -> tuple[str, str, str, str, str]:
    if result.exact:
        return "exact (proven)", "–", "–", "–", "ok"
    if result.error is not None:
        return "empirical", "–", "–", "–", f"error: {result.error}"
    if result.worst is None:
        return "empirical", "–", "–", f"0 (+{result.skipped} null)", "no data"
    verdict = "FAIL" if result.worst > tolerance else "ok"
    groups = f"{result.groups}" + (f" (+{result.skipped} null)" if result.skipped else "")
    return "empirical", f"{result.worst:.3e}", result.group or "", groups, verdict
