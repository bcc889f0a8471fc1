"""The SQL spelling of metricdsl's column types, and of a source's table: one map for every stage.

The statement builder casts typed NULLs with it, and the warehouse creates sample tables with it.
Integers are BIGINT: the checker types `sum(int)` as `int`, so the NULL that pads such a measure
must be wide enough for a sum, and a sample table's BIGINT column holds every INT value. Decimals
keep their scale at the widest precision (38), which every engine accepts.
"""

from __future__ import annotations

from sqlglot import exp

from metricdsl.ir import model as m

TYPE_SQL = {"int": "BIGINT", "bigint": "BIGINT", "double": "DOUBLE", "string": "TEXT", "bool": "BOOLEAN",
            "date": "DATE", "timestamp": "TIMESTAMP"}
MAX_DECIMAL_PRECISION = 38


def sql_type(type_name: str) -> str:
    """`int` → `BIGINT`, `decimal(10,2)` → `DECIMAL(38, 2)`; anything else numeric → `DOUBLE`."""
    if type_name.startswith("decimal"):
        scale = type_name.split(",")[1].rstrip(")") if "," in type_name else "0"
        return f"DECIMAL({MAX_DECIMAL_PRECISION}, {scale})"
    return TYPE_SQL.get(type_name, "DOUBLE")


def table_ref(parts: tuple[str, ...], alias: str | None = None) -> exp.Table:
    """`catalog.schema.table` (one to three parts), every part quoted, optionally aliased."""
    names = [exp.to_identifier(part, quoted=True) for part in parts]
    return exp.Table(this=names[-1], db=names[-2] if len(names) > 1 else None,
                     catalog=names[-3] if len(names) > 2 else None,
                     alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)) if alias else None)


# ---- the type of a row expression, as far as declared columns and literals tell ---------------
BOOL_OPS = frozenset({"=", "!=", "<", "<=", ">", ">=", "and", "or", "not", "in", "not_in", "between", "not_between",
                      "like", "not_like", "is_null", "is_not_null"})
INT_OPS = frozenset({"length", "year", "quarter", "month", "week", "day"})
SAME_AS_ARGUMENT = frozenset({"neg", "abs", "round", "floor", "ceil"})
UNTYPED = frozenset({"unknown", "null", "number"})


def literal_type(value: str) -> str:
    """A number literal's SQL family: `1` → bigint, `0.25` → decimal(38,2), `1e3` → double."""
    text = value.replace("_", "")
    if "e" in text.lower():
        return "double"
    if "." in text:
        return f"decimal(38,{len(text.split('.')[1])})"
    return "bigint"


def unify(types: list[str]) -> str:
    """The common type of numeric branches (CASE, arithmetic, coalesce); the first known type otherwise."""
    known = [t for t in types if t not in ("unknown", "null")]
    if not known:
        return "unknown" if "unknown" in types else "null"
    numeric = [t for t in known if t in ("int", "bigint", "double") or t.startswith("decimal")]
    if len(numeric) < len(known):
        return known[0]
    if "double" in numeric:
        return "double"
    scales = [int(t.split(",")[1].rstrip(")")) for t in numeric if t.startswith("decimal") and "," in t]
    if any(t.startswith("decimal") for t in numeric):
        return f"decimal(38,{max(scales, default=0)})"
    return "bigint"


def expression_type(expr: m.RowExpr, project: m.Project) -> str:
    """The type of a row expression: declared column types, literals told apart (bigint, decimal,
    double), CASE branches and arithmetic unified; `unknown` where an undeclared column decides."""
    if isinstance(expr, m.Lit):
        if expr.type == "number":
            return literal_type(expr.value or "0")
        return {"string": "string", "date": "date", "bool": "bool"}.get(expr.type, "null")
    if isinstance(expr, m.Col):
        columns = project.sources[expr.source].columns
        return columns.get(expr.column, "unknown") if columns is not None else "unknown"
    if isinstance(expr, m.DimRef):
        return expression_type(project.dimensions[expr.name].expr, project)
    if isinstance(expr, m.TimeRef):
        return "date"
    if isinstance(expr, m.CaseExpr):
        branches = [value for _, value in expr.whens] + ([expr.otherwise] if expr.otherwise is not None else [])
        return unify([expression_type(b, project) for b in branches])
    if isinstance(expr, m.Agg):
        return aggregate_type(expr.func, expr.arg, expr.type, project)
    return _apply_type(expr, project)


def _apply_type(expr: m.Apply, project: m.Project) -> str:
    op = expr.op
    if op in BOOL_OPS:
        return "bool"
    if op in INT_OPS:
        return "bigint"
    if op in ("lower", "upper"):
        return "string"
    if op == "date_trunc":
        return "date"
    if op == "/":
        return "double"
    args = [expression_type(a, project) for a in expr.args]
    if op in SAME_AS_ARGUMENT:
        return args[0]
    return unify(args)  # + - * coalesce


def aggregate_type(func: str, arg: m.RowExpr | None, declared: str, project: m.Project) -> str:
    """The type of an aggregate's value: counts are bigint, avg double; sum, min and max take the
    checker's type unless it is untyped (a literal-only or undeclared argument), then the argument's."""
    if func in ("count", "count_distinct"):
        return "bigint"
    if func == "avg":
        return "double"
    if declared not in UNTYPED or arg is None:
        return declared
    found = expression_type(arg, project)
    return "bigint" if func == "sum" and found in ("int", "bigint") else found
