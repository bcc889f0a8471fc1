"""Printing query results: a rich table, CSV or JSON."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

from metricdsl.runtime.warehouse import QueryResult, rows_to_csv


def json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        whole = isinstance(exponent, int) and exponent >= 0 and value == value.to_integral_value()
        return int(value) if whole else float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def to_json(result: QueryResult) -> str:
    rows = [{c: json_value(v) for c, v in zip(result.columns, row)} for row in result.rows]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def text_value(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, float):
        return f"{value:,.4f}"  # fixed decimals so that right-aligned columns line up
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def to_table(result: QueryResult, title: str) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    for index, column in enumerate(result.columns):
        numeric = any(isinstance(r[index], (int, float, Decimal)) and not isinstance(r[index], bool)
                      for r in result.rows)
        table.add_column(column, justify="right" if numeric else "left")
    for row in result.rows:
        table.add_row(*(text_value(v) for v in row))
    console = Console(record=True, width=max(80, min(200, 16 * len(result.columns))), force_terminal=False)
    with console.capture() as capture:
        console.print(table)
        console.print(f"{len(result.rows)} row(s)")
    return capture.get()


def render_result(result: QueryResult, fmt: str, title: str = "") -> str:
    if fmt == "csv":
        return rows_to_csv(result)
    if fmt == "json":
        return to_json(result)
    return to_table(result, title)
