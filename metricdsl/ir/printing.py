"""The IR printed back as formula text (`revenue = aov * buyers`), for reports, `verify` and the catalog."""

from __future__ import annotations

from metricdsl.ir import model as m


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
    if isinstance(expr, m.TimeProgress):
        return f"time_progress({expr.calendar})"
    return expr.kind


def _operand(expr: m.MetricExpr, parent: str) -> str:
    text = formula_text(expr)
    loose = isinstance(expr, m.Arith) and expr.op in ("+", "-") and parent in ("*", "/", "-", "neg")
    tight_right = isinstance(expr, m.Arith) and expr.op in ("*", "/") and parent == "/"
    return f"({text})" if loose or tight_right else text
