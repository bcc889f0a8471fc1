"""Reading `.metric` files: UTF-8 decoding with positioned errors, spans, source lines."""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 10 * 1024 * 1024  # a spec file larger than this is refused (it is surely not a spec)
LONE_CR = re.compile(r"\r(?!\n)")


def normalize_newlines(text: str) -> str:
    """A lone CR ends a line, as in every editor: it becomes `\n` (same length, so offsets keep)."""
    return LONE_CR.sub("\n", text) if "\r" in text else text


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", normalize_newlines(self.text))

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
    """The path as shown to people: relative to the working directory where it can be, and
    printable (bytes of a file name that are not UTF-8 are shown as U+FFFD)."""
    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file (symlinks followed) of at most `limit` bytes; anything else
    (a FIFO, a device, a folder, a larger file) raises OSError with a message for people."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:
        raise OSError(errno.EISDIR, "it is a folder, not a file") from None
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a FIFO, socket or device); only regular files are read")
        data = file.read(limit + 1)
    if len(data) > limit:
        raise OSError(errno.EFBIG, f"larger than {limit // (1024 * 1024)} MB; a spec file must be smaller")
    return data


def read_source(path: Path, shown_as: str | None = None) -> SourceFile:
    """Decode a file as UTF-8; an invalid byte raises DecodeFailure with its line and column."""
    name = shown_as or display_path(path)
    data = read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        good = normalize_newlines(data[: error.start].decode("utf-8"))
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
