"""Positions: our spans are 1-based lines and code-point columns; LSP positions are 0-based and
counted in the units the client and server agreed on (UTF-16 unless the client prefers another)."""

from __future__ import annotations


def units(text: str, encoding: str) -> int:
    """Length of `text` in the client's position units."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def to_client_column(line: str, column0: int, encoding: str) -> int:
    return units(line[:column0], encoding)


def from_client_column(line: str, character: int, encoding: str) -> int:
    """Code-point index in `line` of a client position (clamped to the line)."""
    count = 0
    for index, char in enumerate(line):
        if count >= character:
            return index
        count += units(char, encoding)
    return len(line)
