"""Reading `.metric` files: UTF-8 decoding with positioned errors, spans, source lines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Span:
    """A range in a file; lines and columns are 1-based, columns count code points, end is exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def to(self, other: Span) -> Span:
        return Span(self.file, self.line, self.column, other.end_line, other.end_column)


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    text: str

    def line_text(self, line: int) -> str:
        lines = self.text.split("\n")
        if 1 <= line <= len(lines):
            return lines[line - 1].rstrip("\r")
        return ""

    def end_span(self) -> Span:
        lines = self.text.split("\n")
        return Span(self.path, len(lines), len(lines[-1]) + 1, len(lines), len(lines[-1]) + 1)


class DecodeFailure(Exception):
    def __init__(self, span: Span, detail: str, shown: SourceFile | None = None) -> None:
        super().__init__(detail)
        self.span = span
        self.detail = detail
        self.shown = shown  # the file decoded with U+FFFD for bad bytes, to show the line in the report


def display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def read_source(path: Path, shown_as: str | None = None) -> SourceFile:
    """Decode a file as UTF-8; an invalid byte raises DecodeFailure with its line and column."""
    name = shown_as or display_path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8")
        line = good.count("\n") + 1
        column = len(good) - (good.rfind("\n") + 1) + 1
        span = Span(name, line, column, line, column + 1)
        shown = SourceFile(name, data.decode("utf-8", errors="replace").removeprefix("\ufeff"))
        raise DecodeFailure(span, f"invalid UTF-8 byte 0x{data[error.start]:02x}", shown) from None
    return SourceFile(name, text.removeprefix("\ufeff"))


def find_files(root: Path) -> list[Path]:
    """The `.metric` files of a project (or the one file given), in the order they are read."""
    if root.is_file():
        return [root]
    return sorted((p for p in root.rglob("*.metric") if p.is_file()), key=lambda p: p.relative_to(root).as_posix())
