"""Column types and the small type algebra the checker uses (unknown = undeclared, trusted)."""

from __future__ import annotations

from metricdsl.syntax import ast

COLUMN_TYPES = ("int", "bigint", "double", "decimal", "string", "bool", "date", "timestamp")
NUMERIC = frozenset({"int", "bigint", "double", "decimal", "number"})


def parse_column_type(expr: ast.Expr) -> str | None:
    if isinstance(expr, ast.Name) and len(expr.parts) == 1 and expr.parts[0] in COLUMN_TYPES:
        return "decimal(38,9)" if expr.parts[0] == "decimal" else expr.parts[0]
    if isinstance(expr, ast.Call) and expr.name == "decimal" and decimal_problem(expr) is None:
        precision, scale = expr.args
        assert isinstance(precision, ast.Number) and isinstance(scale, ast.Number)
        return f"decimal({int(precision.value)},{int(scale.value)})"
    return None


def decimal_problem(expr: ast.Call) -> str | None:
    """Why `decimal(p, s)` is not a valid type (p a whole number 1–38, s a whole number 0–p), or None."""
    if len(expr.args) != 2 or not all(isinstance(a, ast.Number) for a in expr.args):
        return "`decimal` takes two whole numbers: decimal(precision, scale), e.g. decimal(18, 2)"
    precision, scale = (a.value for a in expr.args if isinstance(a, ast.Number))
    for what, value in (("precision", precision), ("scale", scale)):
        if value != value.to_integral_value():
            return f"the {what} of a decimal must be a whole number, not {value}"
    if not 1 <= precision <= 38:
        return f"a decimal's precision is 1 to 38 digits, not {precision}"
    if not 0 <= scale <= precision:
        return f"a decimal's scale is 0 to its precision ({precision}), not {scale}"
    return None


def family(type_name: str) -> str:
    if type_name.startswith("decimal") or type_name in NUMERIC:
        return "number"
    if type_name in ("date", "timestamp"):
        return "date"
    return type_name


def is_numeric(type_name: str) -> bool:
    return family(type_name) in ("number", "unknown", "null")


def is_orderable(type_name: str) -> bool:
    return family(type_name) != "bool"


def comparable(left: str, right: str) -> bool:
    a, b = family(left), family(right)
    return a in ("unknown", "null") or b in ("unknown", "null") or a == b


def unify_numeric(left: str, right: str) -> str:
    if "double" in (left, right):
        return "double"
    if left.startswith("decimal") or right.startswith("decimal"):
        return "decimal(38,9)"
    if left == "unknown" or right == "unknown":
        return "unknown"
    return "bigint" if "bigint" in (left, right) else ("number" if left == right == "number" else "bigint")
