"""Diagnostics: one record per problem, rendered as text, JSON or GitHub annotations.

Every code is documented in docs/errors.md; the message functions live next to the checks
that raise them, the codes and titles live here so they stay stable and unique.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from metricdsl.source import SourceFile, Span

Severity = Literal["error", "warning"]

CODES: dict[str, str] = {
    "E001": "file is not valid UTF-8",
    "E002": "syntax error",
    "E003": "unterminated string",
    "E004": "invalid literal",
    "E005": "project not found or empty",
    "E101": "unknown source",
    "E102": "unknown column",
    "E103": "unknown metric",
    "E104": "unknown dimension",
    "E105": "duplicate name",
    "E106": "reserved name",
    "E107": "unknown property",
    "E108": "missing property",
    "E109": "invalid property value",
    "E110": "unknown function or wrong arguments",
    "E111": "unknown name",
    "E201": "aggregate over the wrong type",
    "E202": "condition is not boolean",
    "E203": "type mismatch",
    "E204": "column outside an aggregate",
    "E205": "aggregate where a row value is expected",
    "E206": "invalid column type",
    "E301": "source not reachable through joins",
    "E302": "two join paths",
    "E303": "join is not many-to-one",
    "E304": "aggregate has no single base source",
    "E305": "dimension not available for a metric",
    "E401": "metric cycle",
    "E402": "decomposition of a non-additive metric",
    "E403": "decomposition cycle",
    "E404": "invalid decomposition",
    "E405": "time intelligence without a time dimension",
    "E406": "source has no time column",
    "E407": "invalid time offset or window",
    "E501": "invalid query",
    "E502": "invalid period",
    "E503": "order by a column the query does not return",
    "E601": "invalid calendar",
    "E602": "invalid target",
    "W001": "source without declared columns",
    "W002": "deprecated metric used",
    "W003": "calendar year not published",
}


@dataclass(frozen=True)
class Note:
    span: Span
    message: str


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span | None
    help: str | None = None
    notes: tuple[Note, ...] = field(default_factory=tuple)

    @property
    def severity(self) -> Severity:
        return "warning" if self.code.startswith("W") else "error"


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The nearest known names, as a help line, or None."""
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(name, pool, n=3, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in pool}
        close = [lowered[c] for c in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.5)]
    if close:
        return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"
    nearest = difflib.get_close_matches(name, pool, n=3, cutoff=0.0)
    if not nearest:
        return None
    return "nothing is spelled like it; the nearest known names are " + ", ".join(f"`{c}`" for c in nearest)


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    span = diagnostic.span
    if span is None:
        return ("", 0, 0, diagnostic.code)
    return (span.file, span.line, span.column, diagnostic.code)


def render_text(diagnostic: Diagnostic, files: dict[str, SourceFile], color: bool = False) -> str:
    span = diagnostic.span
    head = f"{diagnostic.severity}[{diagnostic.code}]: {diagnostic.message}"
    if color:
        tint = "red" if diagnostic.severity == "error" else "yellow"
        head = f"[bold {tint}]{diagnostic.severity}[{diagnostic.code}][/]: {_escape(diagnostic.message)}"
    lines = [head if span is None else f"{span.file}:{span.line}:{span.column}: {head}"]
    if span is not None:
        lines.extend(_snippet(span, files.get(span.file)))
    for note in diagnostic.notes:
        lines.append(f"  note: {note.message} ({note.span.file}:{note.span.line}:{note.span.column})")
    if diagnostic.help:
        lines.append(f"  help: {diagnostic.help}")
    return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


def _snippet(span: Span, source: SourceFile | None) -> list[str]:
    if source is None:
        return []
    text = source.line_text(span.line)
    gutter = str(span.line)
    pad = " " * len(gutter)
    last = span.end_column if span.end_line == span.line else len(text) + 1
    width = max(1, last - span.column)
    caret_pad = "".join("\t" if ch == "\t" else " " for ch in text[: span.column - 1])
    return [f" {gutter} | {text}", f" {pad} | {caret_pad}{'^' * width}"]


def to_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([_as_dict(d) for d in diagnostics], ensure_ascii=False, indent=2)


def _as_dict(diagnostic: Diagnostic) -> dict[str, object]:
    span = diagnostic.span
    return {
        "severity": diagnostic.severity,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "file": span.file if span else None,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
        "help": diagnostic.help,
        "notes": [
            {"message": n.message, "file": n.span.file, "line": n.span.line, "column": n.span.column}
            for n in diagnostic.notes
        ],
    }


def to_github(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command (::error file=…::message)."""
    span = diagnostic.span
    message = diagnostic.message + (f" ({diagnostic.help})" if diagnostic.help else "")
    message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if span is None:
        return f"::{diagnostic.severity} title={diagnostic.code}::{message}"
    props = (
        f"file={_prop(span.file)},line={span.line},col={span.column},"
        f"endLine={span.end_line},endColumn={span.end_column},title={diagnostic.code}"
    )
    return f"::{diagnostic.severity} {props}::{message}"


def _prop(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _artifact(path: str) -> dict[str, str]:
    """A relative path is relative to the checkout (%SRCROOT%); an absolute one becomes a file: URI."""
    from urllib.parse import quote

    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return {"uri": "file://" + quote(posix)}
    return {"uri": quote(posix), "uriBaseId": "%SRCROOT%"}


def to_sarif(diagnostics: list[Diagnostic]) -> str:
    """A SARIF 2.1.0 log with one run: rules from CODES, one result per diagnostic."""
    codes = sorted(CODES)
    rules = [{"id": code, "shortDescription": {"text": CODES[code]},
              "defaultConfiguration": {"level": "warning" if code.startswith("W") else "error"}} for code in codes]
    run = {
        "tool": {"driver": {"name": "metricdsl", "rules": rules}},
        "columnKind": "unicodeCodePoints",
        "results": [_sarif_result(d, codes) for d in diagnostics],
    }
    return json.dumps({"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, ensure_ascii=False, indent=2)


def _sarif_result(diagnostic: Diagnostic, codes: list[str]) -> dict[str, object]:
    text = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
    result: dict[str, object] = {"ruleId": diagnostic.code, "level": diagnostic.severity, "message": {"text": text}}
    if diagnostic.code in CODES:
        result["ruleIndex"] = codes.index(diagnostic.code)
    if diagnostic.span is not None:
        result["locations"] = [_sarif_location(diagnostic.span)]
    if diagnostic.notes:
        result["relatedLocations"] = [
            {**_sarif_location(note.span), "id": index, "message": {"text": note.message}}
            for index, note in enumerate(diagnostic.notes)]
    return result


def _sarif_location(span: Span) -> dict[str, object]:
    return {"physicalLocation": {
        "artifactLocation": _artifact(span.file),
        "region": {"startLine": span.line, "startColumn": span.column,
                   "endLine": span.end_line, "endColumn": span.end_column},
    }}
