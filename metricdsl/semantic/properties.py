"""Reading the `key: value` properties of a block: which keys are allowed, and the value shapes
(names, one name, text, true/false, one of a few choices, a period)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from metricdsl.diagnostics import Note, did_you_mean
from metricdsl.grains import is_grain
from metricdsl.ir import model as m
from metricdsl.semantic.context import Reporter
from metricdsl.source import Span
from metricdsl.syntax import ast


def properties(report: Reporter, block: ast.Block | None, allowed: Sequence[str],
               what: str) -> dict[str, ast.Property]:
    """The block's properties by key; unknown and repeated keys are reported and left out."""
    found: dict[str, ast.Property] = {}
    if block is None:
        return found
    for entry in block.entries:
        if not isinstance(entry, ast.Property):
            if not (isinstance(entry, (ast.NestedBlock, ast.JoinEntry)) and what == "source"):
                report.error("E107", f"unexpected entry in a {what}", entry.span)
            continue
        if entry.key not in allowed:
            report.error("E107", f"unknown property `{entry.key}` in a {what}", entry.key_span,
                         did_you_mean(entry.key, allowed) or "known properties: " + ", ".join(allowed))
        elif entry.key in found:
            report.error("E109", f"property `{entry.key}` is given twice", entry.key_span,
                         notes=[Note(found[entry.key].key_span, "first given here")])
        else:
            found[entry.key] = entry
    return found


def plain_names(report: Reporter, prop: ast.Property) -> list[tuple[str, Span]]:
    names = []
    for item in prop.items:
        if item.kind == "plain" and isinstance(item.expr, ast.Name):
            names.append((item.expr.dotted, item.expr.span))
        else:
            report.error("E109", f"`{prop.key}` takes a comma-separated list of names", item.span)
    return names


def single_name(report: Reporter, prop: ast.Property) -> tuple[str, Span] | None:
    names = plain_names(report, prop)
    if len(names) != 1 or len(prop.items) != 1:
        if names:
            report.error("E109", f"`{prop.key}` takes one name", prop.span)
        return None
    return names[0]


def text_value(report: Reporter, prop: ast.Property) -> str | None:
    item = prop.items[0]
    if len(prop.items) == 1 and isinstance(item.expr, (ast.Text, ast.SqlString)) and item.kind == "plain":
        return item.expr.value
    if len(prop.items) == 1 and isinstance(item.expr, (ast.Name, ast.Number)) and item.kind == "plain":
        return item.expr.dotted if isinstance(item.expr, ast.Name) else item.expr.text
    report.error("E109", f"`{prop.key}` takes a \"text\" value", prop.span)
    return None


def bool_value(report: Reporter, prop: ast.Property) -> bool:
    item = prop.items[0]
    if len(prop.items) == 1 and isinstance(item.expr, ast.Boolean):
        return item.expr.value
    report.error("E109", f"`{prop.key}` takes true or false", prop.span)
    return False


def choice_value(report: Reporter, prop: ast.Property, choices: Sequence[str]) -> str | None:
    value = text_value(report, prop)
    if value is not None and value not in choices:
        report.error("E109", f"`{prop.key}` must be one of {', '.join(choices)}", prop.items[0].span,
                     did_you_mean(value, choices))
        return None
    return value


def required_period(report: Reporter, prop: ast.Property | None, owner: str, key: str, owner_span: Span,
                    described: str) -> m.Period | None:
    """The period of a declaration's required `key:` (E108 when missing, E109 when not a year or a date
    range); `owner` names the declaration and `described` the property in the messages."""
    if prop is None:
        report.error("E108", f"{owner} needs `{key}:`", owner_span, "add e.g. `period: 2027` (a year or a date range)")
        return None
    period = parse_period(prop.items[0]) if len(prop.items) == 1 else None
    if period is None:
        report.error("E109", f"{described} is a year (2027) or a date range (2027-01-01 .. 2027-06-30)", prop.span)
    return period


def parse_period(item: ast.Item) -> m.Period | None:
    """`2026`, `2026-01-01 .. 2026-06-30`, `2025 .. 2026`, or one date; None for anything else."""
    if item.kind == "plain":
        start, end = _period_bound(item.expr, False), _period_bound(item.expr, True)
    elif item.kind == "range" and item.upper is not None:
        start, end = _period_bound(item.expr, False), _period_bound(item.upper, True)
    else:
        return None
    if start is None or end is None or start > end or not period_years_fit(start, end):
        return None
    return m.Period(start=start, end=end)


MAX_RELATIVE_COUNT = 10_000


def parse_query_period(item: ast.Item) -> m.Period | m.RelativePeriod | None:
    """A query's period: as `parse_period`, or relative to the as-of date (`this month`, `last 7 days`)."""
    expr = item.expr
    if item.kind != "plain" or not isinstance(expr, ast.RelativePeriod):
        return parse_period(item)
    if expr.which == "this":
        return m.RelativePeriod(which="this", unit=expr.unit) if expr.unit != "day" and is_grain(expr.unit) else None
    if expr.count is None or not 1 <= expr.count <= MAX_RELATIVE_COUNT or not is_grain(expr.unit):
        return None
    return m.RelativePeriod(which="last", count=expr.count, unit=expr.unit)


PERIOD_YEARS = (1000, 9998)  # offsets and windows (at most 999 years) stay within the calendar's dates


def period_years_fit(start: datetime.date, end: datetime.date) -> bool:
    return PERIOD_YEARS[0] <= start.year and end.year <= PERIOD_YEARS[1]


def _period_bound(expr: ast.Expr, end: bool) -> datetime.date | None:
    if isinstance(expr, ast.DateLiteral):
        return expr.value
    if isinstance(expr, ast.Number) and expr.value == expr.value.to_integral_value() and 1000 <= expr.value <= 9999:
        year = int(expr.value)
        return datetime.date(year, 12, 31) if end else datetime.date(year, 1, 1)
    return None


def location(span: Span) -> m.Location:
    return m.Location(file=span.file, line=span.line, column=span.column)
