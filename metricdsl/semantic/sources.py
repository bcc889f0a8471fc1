"""Checking `source` declarations: their properties and their `columns { … }` block.

The joins of a source are checked once every source is known (`semantic.joins`).
"""

from __future__ import annotations

from metricdsl.diagnostics import did_you_mean
from metricdsl.ir import model as m
from metricdsl.semantic.context import Reporter, Scope
from metricdsl.semantic.properties import location, plain_names, properties, single_name
from metricdsl.semantic.types import COLUMN_TYPES, decimal_problem, parse_column_type
from metricdsl.semantic.vocabulary import SOURCE_PROPERTIES
from metricdsl.source import Span
from metricdsl.syntax import ast


def check_source(scope: Scope, decl: ast.SourceDecl) -> None:
    """Add the source to `scope.sources`, without its joins; it is added even when it has errors."""
    report = scope.report
    props = properties(report, decl.block, SOURCE_PROPERTIES, "source")
    columns = declared_columns(report, decl)
    misspelled = any(isinstance(e, ast.Property) and e.key not in SOURCE_PROPERTIES
                     and did_you_mean(e.key, ["table"]) for e in decl.block.entries)
    if "table" not in props and not misspelled:
        report.error("E108", f"source `{decl.name}` needs a `table:`", decl.name_span,
                     "add e.g. `table: dw.fact_orders`")
    table = single_name(report, props["table"]) if "table" in props else None
    time_column = _column_property(report, props.get("time"), columns, decl.name)
    keys = [checked_column(report, n, s, columns, decl.name) for n, s in plain_names(report, props["key"])] \
        if "key" in props else []
    if time_column and columns is not None and columns.get(time_column) not in ("date", "timestamp", None):
        report.error("E203", f"time column `{time_column}` is {columns[time_column]}, not a date or timestamp",
                     props["time"].items[0].span)
    if columns is None:
        report.error("W001", f"source `{decl.name}` declares no columns: column names are trusted", decl.name_span,
                     "add a `columns { name: type, … }` block so that `check` can validate every reference")
    scope.sources[decl.name] = m.Source(
        name=decl.name, label=decl.label, table=tuple(table[0].split(".")) if table else (decl.name,),
        time_column=time_column, key=tuple(k for k in keys if k), columns=columns,
        joins=(), location=location(decl.name_span))


def declared_columns(report: Reporter, decl: ast.SourceDecl) -> dict[str, str] | None:
    """The `columns { name: type }` block as a dict, or None when the source declares none."""
    blocks = [e for e in decl.block.entries if isinstance(e, ast.NestedBlock)]
    for extra in blocks:
        if extra.name != "columns":
            report.error("E107", f"unknown block `{extra.name}` in a source", extra.name_span,
                         did_you_mean(extra.name, ["columns"]))
    column_blocks = [b for b in blocks if b.name == "columns"]
    if not column_blocks:
        return None
    columns: dict[str, str] = {}
    for entry in column_blocks[0].block.entries:
        if not isinstance(entry, ast.Property) or len(entry.items) != 1:
            report.error("E206", "a column is written `name: type`", entry.span)
            continue
        if entry.key in columns:
            report.error("E105", f"column `{entry.key}` is declared twice", entry.key_span)
            continue
        written = entry.items[0].expr
        column_type = parse_column_type(written)
        if column_type is None and isinstance(written, ast.Call) and written.name == "decimal":
            report.error("E206", f"invalid decimal type: {decimal_problem(written)}", written.span,
                         "write decimal(precision, scale) with whole numbers, 1 ≤ precision ≤ 38, 0 ≤ scale ≤ precision")
            column_type = "unknown"
        elif column_type is None:
            report.error("E206", "unknown column type", entry.items[0].span,
                         "column types: " + ", ".join(COLUMN_TYPES) + ", decimal(p, s)")
            column_type = "unknown"
        columns[entry.key] = column_type
    return columns


def checked_column(report: Reporter, name: str, span: Span, columns: dict[str, str] | None,
                   source: str) -> str | None:
    if columns is not None and name not in columns:
        report.error("E102", f"source `{source}` has no column `{name}`", span, did_you_mean(name, columns))
        return None
    return name


def _column_property(report: Reporter, prop: ast.Property | None, columns: dict[str, str] | None,
                     source: str) -> str | None:
    if prop is None:
        return None
    named = single_name(report, prop)
    return checked_column(report, named[0], named[1], columns, source) if named else None
