"""Reading a source's CSV file: columns by header name, one NULL rule, every value checked against its type.

The rules (README "Loading data"; the same on every engine, because the rows each engine receives
are the ones read here):

* the first line names the columns; their order does not matter, but every column the source
  declares must be there and no other;
* an empty field is NULL, quoted (`""`) or not: a CSV cannot hold an empty string;
* values: `int`/`bigint` `-12`; `double` `1.5`, `-2e3`; `decimal(p, s)` `1234.50` (no exponent);
  `bool` `true false t f 1 0` (any case); `date` `2026-01-31`; `timestamp` `2026-01-31 08:30[:00[.123]]`
  (or a `T` between); `string` anything.

A problem is a Diagnostic positioned in the CSV file (E701 for the file's shape, E702 for a value).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from metricdsl.diagnostics import Diagnostic, did_you_mean
from metricdsl.ir import model as m
from metricdsl.source import SourceFile, Span, display_path

MAX_PROBLEMS_PER_FILE = 20
MAX_DECIMAL_DIGITS = 38  # the tables are created as DECIMAL(38, s)
INTEGER = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
DOUBLE = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TIMESTAMP = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)")
BOOLEANS = {"true", "false", "t", "f", "1", "0"}
FORMS = {
    "int": "a whole number such as -12", "bigint": "a whole number such as -12",
    "double": "a number such as 1.5 or -2e3", "bool": "true or false (also t, f, 1, 0)",
    "date": "a date written YYYY-MM-DD", "timestamp": "a timestamp written YYYY-MM-DD HH:MM[:SS[.ffffff]]",
}


@dataclass
class CsvTable:
    """A CSV read for one source: its rows in the source's declared column order, None for NULL."""

    source: m.Source
    path: Path
    columns: list[str]
    rows: list[tuple[str | None, ...]]


@dataclass
class CsvProblems:
    diagnostics: list[Diagnostic]
    shown: SourceFile | None  # the file's text, to show the line under each diagnostic


def read_table(source: m.Source, path: Path) -> CsvTable | CsvProblems:
    """The rows of `path` for `source`, or every problem found in it (at most MAX_PROBLEMS_PER_FILE)."""
    assert source.columns is not None
    name = display_path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8", errors="replace").removeprefix("\ufeff")
        line, column = good.count("\n") + 1, len(good) - (good.rfind("\n") + 1) + 1
        shown = SourceFile(name, data.decode("utf-8", errors="replace").removeprefix("\ufeff"))
        message = f"file is not valid UTF-8: invalid byte 0x{data[error.start]:02x}"
        return CsvProblems([Diagnostic("E701", message, Span(name, line, column, line, column + 1),
                                       "save the CSV as UTF-8")], shown)
    reader = _Reader(source, name, text)
    rows = reader.read()
    if reader.problems:
        return CsvProblems(reader.problems[:MAX_PROBLEMS_PER_FILE], SourceFile(name, text))
    return CsvTable(source, path, list(source.columns), rows)


class _Reader:
    def __init__(self, source: m.Source, name: str, text: str) -> None:
        self.source = source
        self.columns = source.columns or {}
        self.name = name
        self.lines = text.split("\n")
        self.text = text
        self.problems: list[Diagnostic] = []

    def read(self) -> list[tuple[str | None, ...]]:
        reader = csv.reader(io.StringIO(self.text, newline=""), strict=True)
        try:
            header = next(reader, None)
        except csv.Error as error:
            self.problem("E701", 1, None, f"the header cannot be read: {error}")
            return []
        if header is None or header == []:
            self.problem("E701", 1, None, f"the file is empty: its first line must name the columns of "
                                          f"source `{self.source.name}`", self.expected_header())
            return []
        order = self.header_order(header)
        rows: list[tuple[str | None, ...]] = []
        start = reader.line_num + 1
        while len(self.problems) < MAX_PROBLEMS_PER_FILE:
            try:
                cells = next(reader, None)
            except csv.Error as error:
                self.problem("E701", start, None, f"this record cannot be read: {error}")
                break
            if cells is None:
                break
            if cells and order is not None:
                row = self.row(start, cells, header, order)
                if row is not None:
                    rows.append(row)
            start = reader.line_num + 1
        return rows

    def expected_header(self) -> str:
        return "the header is: " + ",".join(self.columns)

    def header_order(self, header: list[str]) -> list[int] | None:
        """For each declared column, its index in the file; None when the header does not fit."""
        names = [cell.strip() for cell in header]
        ok = True
        for index, cell in enumerate(names):
            if cell not in self.columns:
                hint = did_you_mean(cell, self.columns) or self.expected_header()
                self.problem("E701", 1, self.field_column(1, header, index),
                             f"column `{cell}` is not a column of source `{self.source.name}`", hint, len(cell))
                ok = False
            elif names.index(cell) != index:
                self.problem("E701", 1, self.field_column(1, header, index), f"column `{cell}` appears twice",
                             None, len(cell))
                ok = False
        for column in self.columns:
            if column not in names:
                self.problem("E701", 1, None, f"the header has no column `{column}`, which source "
                                              f"`{self.source.name}` declares", self.expected_header())
                ok = False
        return [names.index(column) for column in self.columns] if ok else None

    def row(self, line: int, cells: list[str], header: list[str], order: list[int]) -> tuple[str | None, ...] | None:
        if len(cells) != len(header):
            self.problem("E701", line, None, f"this record has {len(cells)} field(s), the header {len(header)}",
                         "quote a value that holds a comma: \"Beijing, China\"")
            return None
        values: list[str | None] = []
        bad = False
        for column, index in zip(self.columns, order):
            cell = cells[index]
            problem = None if cell == "" else check_value(self.columns[column], cell)
            if problem is not None:
                shown = cell if len(cell) <= 40 else cell[:37] + "..."
                start = self.field_column(line, cells, index)
                quoted = start is not None and self.lines[line - 1].startswith('"', start - 1)
                self.problem("E702", line, start,
                             f"`{shown}` is not {problem} (column `{column}` of source `{self.source.name}`)",
                             None, len(cell) + (2 + cell.count('"') if quoted else 0))
                bad = True
            values.append(None if cell == "" else cell)
        return None if bad else tuple(values)

    def field_column(self, line: int, cells: list[str], index: int) -> int | None:
        """The 1-based character column where field `index` starts on `line`, when the record is one line."""
        text = self.lines[line - 1].rstrip("\r") if line <= len(self.lines) else ""
        position = 0
        for cell in cells[:index]:
            quoted = text.startswith('"', position)
            position += len(cell) + (2 + cell.count('"') if quoted else 0) + 1
        return position + 1 if position <= len(text) else None

    def problem(self, code: str, line: int, column: int | None, message: str, help: str | None = None,
                width: int = 1) -> None:
        text = self.lines[line - 1].rstrip("\r") if line <= len(self.lines) else ""
        start = column or 1
        end = start + width if column else len(text) + 1
        span = Span(self.name, line, start, line, max(end, start + 1) if column else max(end, 2))
        self.problems.append(Diagnostic(code, message, span, help))


def check_value(kind: str, cell: str) -> str | None:
    """None when `cell` is a valid value of column type `kind`, else what it should have been."""
    if kind in ("int", "bigint"):
        ok = INTEGER.fullmatch(cell) is not None and -(2 ** 63) <= int(cell) < 2 ** 63
        return None if ok else FORMS[kind] + " (at most 19 digits)" * (INTEGER.fullmatch(cell) is not None)
    if kind == "double":
        return None if DOUBLE.fullmatch(cell) and abs(float(cell)) < float("inf") else FORMS[kind]
    if kind.startswith("decimal"):
        return _check_decimal(kind, cell)
    if kind == "bool":
        return None if cell.lower() in BOOLEANS else FORMS[kind]
    if kind == "date":
        return None if DATE.fullmatch(cell) and _valid(datetime.date.fromisoformat, cell) else FORMS[kind]
    if kind == "timestamp":
        found = TIMESTAMP.fullmatch(cell) or DATE.fullmatch(cell)
        return None if found and _valid(datetime.datetime.fromisoformat, cell) else FORMS[kind]
    if "\x00" in cell:
        return "a string without NUL characters"
    return None


def _check_decimal(kind: str, cell: str) -> str | None:
    scale = int(kind.split(",")[1].rstrip(") ")) if "," in kind else 0
    wanted = f"a number such as 1234.50 with at most {MAX_DECIMAL_DIGITS - scale} digits before the point"
    if DECIMAL.fullmatch(cell) is None:
        return wanted
    try:
        value = Decimal(cell)
    except InvalidOperation:
        return wanted
    whole = len(str(abs(value.to_integral_value()))) if abs(value) >= 1 else 0
    return None if whole <= MAX_DECIMAL_DIGITS - scale else wanted


def _valid(parse: object, cell: str) -> bool:
    try:
        parse(cell)  # type: ignore[operator]
    except ValueError:
        return False
    return True
