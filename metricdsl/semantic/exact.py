"""Decompositions (LANGUAGE.md §6): proving identities exact at compile time.

Measuring the empirical ones on data is `metricdsl.runtime.verify`.

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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from metricdsl.ir import model as m

if TYPE_CHECKING:
    import sympy  # type: ignore[import-untyped]

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

    def leaf(self, expr: m.MetricExpr, filters: frozenset[str]) -> sympy.Expr:
        key = (expr.model_dump_json(), filters)
        if key not in self.symbols:
            self.symbols[key] = self.sympy.Symbol(f"leaf{len(self.symbols)}")
        return self.symbols[key]


def conjuncts(condition: m.RowExpr) -> frozenset[str]:
    if isinstance(condition, m.Apply) and condition.op == "and":
        return frozenset().union(*(conjuncts(arg) for arg in condition.args))
    return frozenset({condition.model_dump_json()})
