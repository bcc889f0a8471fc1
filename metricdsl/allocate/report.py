"""Terminal report (`plan --format table`) and long CSV (`plan --format csv`) of a plan."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Mapping
from datetime import date

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from metricdsl.allocate.formatting import multiplier_text, shown_number
from metricdsl.allocate.models import PlanResult
from metricdsl.allocate.replan_report import replan_parts
from metricdsl.ir.formats import NumberFormat, spreadsheet_text

Formats = Mapping[str, NumberFormat] | None

BAR_WIDTH = 24
CSV_COLUMNS = ("section", "grain", "start", "member", "baseline", "target")
REPLAN_COLUMNS = ("locked", "actual")


def print_report(result: PlanResult, console: Console | None = None, formats: Formats = None) -> None:
    (console or Console()).print(plan_report(result, formats))


def plan_report(result: PlanResult, formats: Formats = None) -> RenderableType:
    """Header, driver table, split table, monthly spread with bars, warnings; each number in its
    metric's format (`format:`, or the one its `unit:` suggests) when `formats` has one."""
    formats = formats or {}
    money = formats.get(result.metric)
    parts: list[RenderableType] = [_header(result, money)]
    if result.drivers:
        parts.append(driver_table(result, formats))
    if result.replan is not None:
        parts += replan_parts(result, result.replan, money)
    elif result.split:
        parts.append(split_table(result, money))
    if result.replan is None and any(row.grain == "month" for row in result.spread):
        parts.append(month_table(result, money))
    parts += [Text(f"warning: {warning}", style="yellow") for warning in result.warnings]
    return Group(*parts)


def _header(result: PlanResult, money: NumberFormat | None) -> Text:
    title = f"{result.target}" + (f" · {result.label}" if result.label else "")
    line = (
        f"{title}\n{result.metric} {result.period.start} .. {result.period.end}: "
        f"{shown_number(result.baseline_value, money)} → {shown_number(result.target_value, money)} "
        f"({multiplier_text(result.multiplier)}), rounded to {result.unit:g}"
    )
    return Text(line, style="bold")


def driver_table(result: PlanResult, formats: Formats = None) -> Table:
    table = Table(title="Drivers", title_justify="left")
    for column in ("driver", "baseline", "target", "multiplier", ""):
        table.add_column(column, justify="left" if column in ("driver", "") else "right")
    depth = _depths(result)
    for row in result.drivers:
        mark = "fixed" if row.fixed else (f"capped at {multiplier_text(row.cap)}" if row.capped else "")
        table.add_row(
            "  " * depth[row.metric] + row.metric,
            shown_number(row.baseline, (formats or {}).get(row.metric)),
            shown_number(row.target, (formats or {}).get(row.metric)),
            multiplier_text(row.multiplier),
            mark,
        )
    return table


def _depths(result: PlanResult) -> dict[str, int]:
    depth: dict[str, int] = {}
    for row in result.drivers:
        depth[row.metric] = 0 if row.parent is None else depth[row.parent] + 1
    return depth


def split_table(result: PlanResult, money: NumberFormat | None = None) -> Table:
    table = Table(title=f"Split by {result.split_dimension} ({result.split_method})", title_justify="left")
    for column in ("member", "baseline", "share", "target", "growth"):
        table.add_column(column, justify="left" if column == "member" else "right")
    for row in result.split:
        share = row.target / result.target_value if result.target_value else 0.0
        growth = multiplier_text(row.target / row.baseline) if row.baseline > 0 else "new"
        table.add_row(_member(row.member), shown_number(row.baseline, money), f"{share:.1%}",
                      shown_number(row.target, money), growth)
    return table


def month_table(result: PlanResult, money: NumberFormat | None = None) -> Table:
    """Monthly totals over members, with a bar for the target and one for last year."""
    months = _month_totals(result)
    last_year_peak = max([pair[0] for pair in months.values()] + [0.0]) or 1.0
    target_peak = max([pair[1] for pair in months.values()] + [0.0]) or 1.0
    table = Table(title="Months (█ target, ░ last year; each bar scaled to its own peak)", title_justify="left")
    for column in ("month", "workdays", "last year", "target", "× last year", ""):
        table.add_column(column, justify="left" if column in ("month", "") else "right")
    workdays = _month_workdays(result)
    for start, (last_year, target) in months.items():
        bars = Text("█" * _bar(target, target_peak), style="green")
        bars.append("\n" + "░" * _bar(last_year, last_year_peak), style="dim")
        growth = multiplier_text(target / last_year) if last_year > 0 else "–"
        row = (f"{start:%Y-%m}", str(workdays[start]), shown_number(last_year, money), shown_number(target, money),
               growth)
        table.add_row(*row, bars)
    return table


def _month_totals(result: PlanResult) -> dict[date, tuple[float, float]]:
    totals: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in result.spread:
        if row.grain == "month":
            totals[row.start][0] += row.baseline or 0.0
            totals[row.start][1] += row.target
    return {start: (pair[0], pair[1]) for start, pair in totals.items()}


def _month_workdays(result: PlanResult) -> dict[date, int]:
    return {row.start: row.workdays for row in result.spread if row.grain == "month"}


def _bar(value: float, scale: float) -> int:
    return max(0, round(BAR_WIDTH * value / scale))


def to_csv(result: PlanResult) -> str:
    """One long table: the total, drivers (member = driver name), split rows and spread rows.

    A re-plan adds the columns `locked` and `actual` (actuals of the locked buckets) and, after the
    total, a `planned` row (actual + re-spread) and a `difference` row (planned − target)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    replan = result.replan
    writer.writerow(CSV_COLUMNS + (REPLAN_COLUMNS if replan else ()))
    start = result.period.start.isoformat()
    rows: list[list[str]] = [["total", "period", start, "", _number(result.baseline_value),
                              _number(result.target_value), "", _number(replan.actual) if replan else ""]]
    if replan is not None:
        rows.append(["planned", "period", start, "", "", _number(replan.planned), "", _number(replan.actual)])
        rows.append(["difference", "period", start, "", "", _number(replan.difference), "", ""])
    rows += [["driver", "period", start, driver.metric, _number(driver.baseline), _number(driver.target), "", ""]
             for driver in result.drivers]
    rows += [["split", "period", start, spreadsheet_text(_member(split.member)), _number(split.baseline),
              _number(split.target), "", _number(split.actual)] for split in result.split]
    rows += [["spread", row.grain, row.start.isoformat(), spreadsheet_text(_member(row.member)), _number(row.baseline),
              _number(row.target), "true" if row.locked else "false", _number(row.actual)] for row in result.spread]
    writer.writerows(row if replan else row[: len(CSV_COLUMNS)] for row in rows)
    return buffer.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.15g}"


def _member(member: str | None) -> str:
    return "" if member is None else member
