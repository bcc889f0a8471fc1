"""Diagnostics rendered for people and tools: text with the source line and a caret, JSON,
GitHub Actions workflow commands and SARIF 2.1.0."""

from __future__ import annotations

import json
from urllib.parse import quote

from metricdsl.diagnostics import CODES, Diagnostic
from metricdsl.source import SourceFile, Span


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
