"""Diagnostics: one record per problem, with a stable code.

Every code is documented in docs/errors.md; the message functions live next to the checks
that raise them, the codes and titles live here so they stay stable and unique. Rendering
(text with a caret, JSON, GitHub annotations, SARIF) is `metricdsl.diagnostics.render`;
did-you-mean hints are `metricdsl.diagnostics.suggest` (`did_you_mean` is re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from metricdsl.diagnostics.suggest import did_you_mean
from metricdsl.source import Span

Severity = Literal["error", "warning"]

CODES: dict[str, str] = {
    "E001": "file is not valid UTF-8",
    "E002": "syntax error",
    "E003": "unterminated string",
    "E004": "invalid literal",
    "E005": "project not found or empty",
    "E006": "expression nested too deeply",
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
    "E112": "names that differ only in case",
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
    "E413": "`within` names a dimension the query does not group by",
    "E414": "invalid percentile",
    "E415": "invalid closing or opening balance",
    "E416": "balance spread over time",
    "E417": "not a key metric",
    "E418": "converted over keys of different types",
    "E501": "invalid query",
    "E502": "invalid period",
    "E503": "order by a column the query does not return",
    "E601": "invalid calendar",
    "E602": "invalid target",
    "E603": "planned() of an unknown target or one without `store:`",
    "E604": "planned() where the saved plan cannot serve the query",
    "E605": "invalid time_progress",
    "E606": "date outside what a re-plan can use",
    "E607": "scorecard weights do not sum to 100%",
    "E608": "scorecard KPI the target's plan cannot measure",
    "E609": "scorecard range with equal ends",
    "W001": "source without declared columns",
    "W002": "deprecated metric used",
    "W003": "calendar year not published",
    "E701": "CSV file does not fit its source",
    "E702": "invalid value in a CSV file",
    "E703": "saved plan is missing",
    "W004": "having compares a date with the period",
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


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    span = diagnostic.span
    if span is None:
        return ("", 0, 0, diagnostic.code)
    return (span.file, span.line, span.column, diagnostic.code)


__all__ = ["CODES", "Diagnostic", "Note", "Severity", "did_you_mean", "sort_key"]
