"""The SQL spelling of metricdsl's column types, and of a source's table: one map for every stage.

The statement builder casts typed NULLs with it, and the warehouse creates sample tables with it.
Integers are BIGINT: the checker types `sum(int)` as `int`, so the NULL that pads such a measure
must be wide enough for a sum, and a sample table's BIGINT column holds every INT value. Decimals
keep their scale at the widest precision (38), which every engine accepts.
"""

from __future__ import annotations

from sqlglot import exp

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
