"""The terminal report of a re-plan (`plan --actuals-through DATE --format table`): the summary with
the stated difference, each member's actuals and re-spread, and the locked and re-spread months apart."""

from __future__ import annotations

from datetime import date

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from metricdsl.allocate.formatting import shown_number
from metricdsl.allocate.models import PlanResult, Replan, SpreadRow
from metricdsl.ir.formats import NumberFormat

BAR_WIDTH = 24


def replan_parts(result: PlanResult, replan: Replan, money: NumberFormat | None) -> list[RenderableType]:
    parts: list[RenderableType] = [summary_text(result, replan, money)]
    if result.split:
        parts.append(member_table(result, money))
    months = month_totals(result)
    locked = {start: row for start, row in months.items() if row.locked}
    if locked:
        parts.append(month_table(f"Locked months: actuals through {replan.locked_through}", locked, money))
    parts.append(month_table("Re-spread months",
                             {start: row for start, row in months.items() if not row.locked}, money))
    return parts


def summary_text(result: PlanResult, replan: Replan, money: NumberFormat | None) -> Text:
    locked = f"locked through {replan.locked_through}" if replan.locked_through else "no bucket has ended yet"
    difference = shown_number(abs(replan.difference), money)
    sign = "+" if replan.difference > 0 else ("−" if replan.difference < 0 else "±")
    reason = ("the actuals already pass the target" if replan.remaining_target <= 0
              else f"each member's remainder rounded to {result.unit:g}")
    text = Text(
        f"Re-plan with actuals through {result.actuals_through} ({locked}):\n"
        f"  actual {shown_number(replan.actual, money)} + re-spread {shown_number(replan.remaining, money)} "
        f"= {shown_number(replan.planned, money)} for the period; target {shown_number(result.target_value, money)}\n",
        style="bold")
    text.append(f"  difference {sign}{difference} ({reason})", style="yellow" if replan.difference else "green")
    return text


def member_table(result: PlanResult, money: NumberFormat | None) -> Table:
    table = Table(title=f"Members of {result.split_dimension}: target, actuals and the re-spread", title_justify="left")
    for column in ("member", "target", "actual", "left", "re-spread", "period total", ""):
        table.add_column(column, justify="left" if column in ("member", "") else "right")
    for row in result.split:
        actual, remaining = row.actual or 0.0, row.remaining or 0.0
        note = "above target: 0 for the rest" if actual > 0 and actual >= row.target else ""
        table.add_row(row.member or "", shown_number(row.target, money), shown_number(actual, money),
                      shown_number(row.target - actual, money), shown_number(remaining, money),
                      shown_number(actual + remaining, money), note)
    return table


class MonthTotal:
    """A month summed over members: its actual (locked part), its re-spread part and its total."""

    def __init__(self, workdays: int) -> None:
        self.workdays = workdays
        self.locked = True
        self.actual = 0.0
        self.total = 0.0

    def add(self, row: SpreadRow) -> None:
        self.locked = self.locked and row.locked
        self.actual += row.actual or 0.0
        self.total += row.target


def month_totals(result: PlanResult) -> dict[date, MonthTotal]:
    totals: dict[date, MonthTotal] = {}
    for row in result.spread:
        if row.grain == "month":
            totals.setdefault(row.start, MonthTotal(row.workdays)).add(row)
    return totals


def month_table(title: str, months: dict[date, MonthTotal], money: NumberFormat | None) -> Table:
    table = Table(title=title + " (█ actual, ▒ re-spread)", title_justify="left")
    for column in ("month", "workdays", "actual", "re-spread", "total", ""):
        table.add_column(column, justify="left" if column in ("month", "") else "right")
    peak = max([month.total for month in months.values()] + [0.0]) or 1.0
    for start, month in months.items():
        respread = month.total - month.actual
        bar = Text("█" * _bar(month.actual, peak), style="cyan")
        bar.append("▒" * _bar(respread, peak), style="green")
        table.add_row(f"{start:%Y-%m}", str(month.workdays), shown_number(month.actual, money) if month.actual else "–",
                      shown_number(respread, money) if not month.locked else "–", shown_number(month.total, money),
                      bar)
    return table


def _bar(value: float, scale: float) -> int:
    return max(0, round(BAR_WIDTH * value / scale))

