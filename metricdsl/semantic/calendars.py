"""Checking `calendar` blocks (LANGUAGE.md §9) into `CalendarSpec`s: a country's public holidays
(from the holidays package), plus days closed and days open (E601 invalid calendar).

The unpublished-year warning (W003) of a calendar is given at plan time, for the years a plan
reads, not by `check`.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from pathlib import Path

from metricdsl.diagnostics import did_you_mean
from metricdsl.ir.targets import CalendarSpec, DateRange
from metricdsl.semantic.context import Reporter, Scope
from metricdsl.semantic.properties import properties
from metricdsl.semantic.vocabulary import CALENDAR_PROPERTIES
from metricdsl.syntax import ast


def check_calendars(scope: Scope, decls: Sequence[ast.BlockDecl]) -> dict[str, CalendarSpec]:
    """The calendars that check, by name."""
    return {decl.name: spec for decl in decls if (spec := check_calendar(scope, decl)) is not None}


def check_calendar(scope: Scope, decl: ast.BlockDecl) -> CalendarSpec | None:
    report = scope.report
    mark = report.mark()
    props = properties(report, decl.block, CALENDAR_PROPERTIES, "calendar")
    country = _country(report, props["country"]) if "country" in props else None
    closed = [r for item in props["closed"].items if (r := _date_range(report, item))] if "closed" in props else []
    opened = [d for item in props["open"].items if (d := _open_day(report, item))] if "open" in props else []
    _open_and_closed(report, props.get("open"), closed)
    if report.failed_since(mark):
        return None
    return CalendarSpec(name=decl.name, country=country, closed=closed, open=opened)


def _country(report: Reporter, prop: ast.Property) -> str | None:
    item = prop.items[0]
    code = item.expr.dotted if isinstance(item.expr, ast.Name) else (
        item.expr.value if isinstance(item.expr, (ast.Text, ast.SqlString)) else None)
    if len(prop.items) != 1 or item.kind != "plain" or code is None:
        report.error("E109", "`country:` takes one country code, e.g. `country: CN`", prop.span)
        return None
    supported = supported_countries()
    if code not in supported:
        report.error("E601", f"unknown country `{code}`: the holidays package has no such country", item.span,
                did_you_mean(code, supported) or "use an ISO 3166-1 alpha-2 code such as CN, US or DE")
        return None
    return code


@functools.cache
def supported_countries() -> frozenset[str]:
    """The country codes of the holidays package (ISO alpha-2 and alpha-3, and aliases such as UK).

    Read from the literal `COUNTRIES` table of its registry module's source, which names them
    without importing the package (its calendars alone cost more than the rest of a cold
    `metricdsl sql`); `list_supported_countries()`, which imports all 250 country modules, is the
    fallback when the table cannot be read that way."""
    codes = _registry_countries()
    if codes:
        return frozenset(codes)
    import holidays

    return frozenset(holidays.list_supported_countries())


def _registry_countries() -> set[str]:
    """`holidays.registry.COUNTRIES` as the codes it lists, read with `ast`; empty when not found."""
    import ast
    import importlib.util

    try:
        spec = importlib.util.find_spec("holidays")
        origin = spec.origin if spec is not None else None
        if origin is None:
            return set()
        tree = ast.parse(Path(origin).with_name("registry.py").read_text(encoding="utf-8"))
    except (ImportError, OSError, ValueError, SyntaxError):
        return set()
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "COUNTRIES":
            try:
                table = ast.literal_eval(node.value) if node.value is not None else {}
                return {code for names in table.values() for code in names[1:] if code.isupper()}
            except (ValueError, TypeError, AttributeError):
                return set()
    return set()


def _date_range(report: Reporter, item: ast.Item) -> DateRange | None:
    if item.kind == "plain" and isinstance(item.expr, ast.DateLiteral):
        return DateRange(start=item.expr.value, end=item.expr.value)
    if item.kind == "range" and isinstance(item.expr, ast.DateLiteral) and isinstance(item.upper, ast.DateLiteral):
        if item.upper.value < item.expr.value:
            report.error("E601", f"the range {item.expr.value} .. {item.upper.value} ends before it starts", item.span)
            return None
        return DateRange(start=item.expr.value, end=item.upper.value)
    report.error("E109", "`closed:` takes dates and date ranges, e.g. `2027-02-15 .. 2027-02-17, 2027-10-08`", item.span)
    return None


def _open_day(report: Reporter, item: ast.Item) -> datetime.date | None:
    if item.kind == "plain" and isinstance(item.expr, ast.DateLiteral):
        return item.expr.value
    report.error("E109", "`open:` takes dates, e.g. `open: 2027-02-20, 2027-10-09`", item.span)
    return None


def _open_and_closed(report: Reporter, prop: ast.Property | None, closed: list[DateRange]) -> None:
    for item in prop.items if prop is not None else ():
        day = item.expr.value if isinstance(item.expr, ast.DateLiteral) else None
        if day is not None and any(r.start <= day <= r.end for r in closed):
            report.error("E601", f"{day} is both closed and open", item.span, "remove it from `closed:` or from `open:`")
