"""Printing query results: a rich table, CSV or JSON.

The table applies each metric's `format:` (metricdsl.ir.formats); CSV and JSON keep raw numbers.
CSV text cells that a spreadsheet would read as a formula (a leading `=`, `+`, `-` or `@`) get a
leading `'` so that opening the file never runs anything; numbers, dates and NULLs stay raw.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from metricdsl.errors import MetricDslError
from metricdsl.ir.formats import NumberFormat, spreadsheet_text
from metricdsl.runtime.warehouse import QueryResult


def csv_text(value: Any) -> Any:
    """A CSV cell: text starting like a formula gets a leading `'`; other values are kept as they are."""
    if isinstance(value, str):
        return spreadsheet_text(value)
    return "" if value is None else value


def csv_rows(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> str:
    """Header and rows as CSV text (`\n` line ends) with every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_text(v) for v in header])
    writer.writerows([csv_text(v) for v in row] for row in rows)
    return buffer.getvalue()


def to_csv(result: QueryResult) -> str:
    return csv_rows(result.columns, result.rows)


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


def text_value(value: Any, number_format: NumberFormat | None = None) -> str:
    if value is None:
        return "∅"
    if number_format is not None and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return number_format.render(value)
    if isinstance(value, float):
        return f"{value:,.4f}"  # fixed decimals so that right-aligned columns line up
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def to_table(result: QueryResult, title: str, formats: Mapping[str, NumberFormat] | None = None) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    for index, column in enumerate(result.columns):
        numeric = any(isinstance(r[index], (int, float, Decimal)) and not isinstance(r[index], bool)
                      for r in result.rows)
        table.add_column(column, justify="right" if numeric else "left")
    shown = [(formats or {}).get(column) for column in result.columns]
    for row in result.rows:
        table.add_row(*(text_value(v, f) for v, f in zip(row, shown, strict=True)))
    console = Console(record=True, width=max(80, min(200, 16 * len(result.columns))), force_terminal=False)
    with console.capture() as capture:
        console.print(table)
        console.print(f"{len(result.rows)} row(s)")
    return capture.get()


def render_result(result: QueryResult, fmt: str, title: str = "",
                  formats: Mapping[str, NumberFormat] | None = None) -> str:
    """`table` (metric formats applied), `csv` or `json` (raw numbers)."""
    if fmt == "csv":
        return to_csv(result)
    if fmt == "json":
        return to_json(result)
    return to_table(result, title, formats)


def status(message: str, stream: TextIO | None = None) -> AbstractContextManager[Any]:
    """A spinner with `message` on stderr while a long step runs, only when stderr is a terminal,
    so that pipes and CI logs stay clean."""
    import sys

    target = stream if stream is not None else sys.stderr
    if not target.isatty():
        return nullcontext()
    from rich.console import Console

    return Console(file=target, stderr=stream is None).status(message, spinner="dots")


def each_with_status(items: Iterable[Any], describe: Any, stream: TextIO | None = None) -> Iterator[Any]:
    """Yield each item while a spinner shows `describe(item)` (on a terminal only)."""
    for item in items:
        with status(describe(item), stream):
            yield item



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
