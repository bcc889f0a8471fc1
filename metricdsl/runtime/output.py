"""Printing query results: a rich table, CSV or JSON."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from metricdsl.errors import MetricDslError
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


class OutputFailed(MetricDslError):
    """An output folder cannot be written; nothing in it was changed."""


@contextmanager
def staged_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside `out` to write into; on success its entries replace `out`'s, else it vanishes.

    All or nothing: files are written where a failure costs nothing, then moved into `out` by renames
    (an entry of `out` that the new output replaces is kept aside until every rename has succeeded).
    Other files already in `out` are left alone. Raises OutputFailed with a sentence for the user.
    """
    if out.exists() and not out.is_dir():
        raise OutputFailed(f"cannot write to {out}: it is a file, not a folder")
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(dir=parent, prefix=f".{out.name}.tmp-"))
    except OSError as error:
        raise OutputFailed(f"cannot write to {out}: {error.strerror or error}") from None
    try:
        try:
            yield stage
        except OSError as error:
            raise OutputFailed(f"cannot write to {out}: {error.strerror or error}") from None
        _move_into(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _move_into(stage: Path, out: Path) -> None:
    if not out.exists():
        try:
            os.rename(stage, out)
        except OSError as error:
            raise OutputFailed(f"cannot write to {out}: {error.strerror or error}") from None
        return
    moved: list[tuple[Path, Path | None]] = []  # (entry of out, where its old version waits)
    try:
        for entry in sorted(stage.iterdir()):
            target = out / entry.name
            aside = None
            if target.exists():
                aside = stage.with_name(stage.name + ".old-" + entry.name)
                os.rename(target, aside)
            moved.append((target, aside))
            os.rename(entry, target)
    except OSError as error:
        for target, aside in reversed(moved):
            if aside is not None:
                if target.is_dir():
                    shutil.rmtree(target, ignore_errors=True)
                else:
                    target.unlink(missing_ok=True)
                os.rename(aside, target)
            elif target.exists():
                shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink()
        raise OutputFailed(f"cannot write to {out}: {error.strerror or error}") from None
    for _, aside in moved:
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True) if aside.is_dir() else aside.unlink(missing_ok=True)
