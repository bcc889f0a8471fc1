"""How `track` shows its rows to people: the cells (shared by the terminal table and the HTML page)
and the rich table, whose rows behind their time progress are red and whose bars show actual
(█) against target (░) per bucket."""

from __future__ import annotations

from datetime import date

from rich.console import Console
from rich.table import Table
from rich.text import Text

from metricdsl.allocate.formatting import shown_number
from metricdsl.ir.formats import NumberFormat
from metricdsl.runtime.track import TrackReport, TrackRow

HEADER = ("bucket", "member", "target", "actual", "achievement", "time progress", "gap", "forecast")
BAR_WIDTH = 20


def title(report: TrackReport) -> str:
    return f"{report.target}" + (f" · {report.label}" if report.label else "")


def subtitle(report: TrackReport) -> str:
    grain = f"by {report.grain}" if report.grain else "period only (the plan has no buckets)"
    return (f"{report.metric} against the plan, {report.period.start} .. {report.period.end}, through "
            f"{report.as_of}; {grain}; time progress in workdays of calendar {report.calendar}")


def bucket_label(report: TrackReport, bucket: date | None) -> str:
    if bucket is None:
        return "period to date"
    return f"{bucket:%Y-%m}" if report.grain == "month" else bucket.isoformat()


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def row_cells(report: TrackReport, row: TrackRow, money: NumberFormat | None) -> list[str]:
    member = "(all)" if row.member is None else row.member
    return [bucket_label(report, row.bucket), member, shown_number(row.target, money),
            shown_number(row.actual, money), percent(row.achievement), percent(row.time_progress),
            shown_number(row.gap, money), shown_number(row.forecast, money)]


def row_class(row: TrackRow) -> str:
    return " ".join(kind for kind, on in (("whole", row.member is None), ("behind", row.behind)) if on)


def _bar(row: TrackRow, peak: float) -> Text:
    """█ the actual up to the target, ░ the rest of the target, ▓ the actual above the target."""
    actual = max(0, round(BAR_WIDTH * max(row.actual, 0.0) / peak))
    target = max(0, round(BAR_WIDTH * max(row.target, 0.0) / peak))
    bar = Text("█" * min(actual, target), style="red" if row.behind else "green")
    bar.append("░" * max(target - actual, 0), style="dim")
    bar.append("▓" * max(actual - target, 0), style="bright_green")
    return bar


def _peaks(report: TrackReport) -> dict[tuple[str | None, bool], float]:
    """One scale per member for the buckets, and one for the period to date, so bars compare within each."""
    peaks: dict[tuple[str | None, bool], float] = {}
    for row in report.rows:
        key = (row.member, row.bucket is None)
        peaks[key] = max(peaks.get(key, 0.0), row.target, row.actual)
    return {key: value or 1.0 for key, value in peaks.items()}


def track_table(report: TrackReport, money: NumberFormat | None = None) -> str:
    """The terminal report: heading, table with bars, and how many rows are behind."""
    table = Table(header_style="bold")
    for column in (*HEADER, "█ actual ░ to target ▓ above"):
        table.add_column(column, justify="left" if column in ("bucket", "member") or "█" in column else "right")
    peaks = _peaks(report)
    for row, following in zip(report.rows, [*report.rows[1:], None], strict=True):
        style = "bold red" if row.behind else ("bold" if row.member is None else "")
        table.add_row(*row_cells(report, row, money), _bar(row, peaks[row.member, row.bucket is None]), style=style,
                      end_section=following is not None and following.bucket != row.bucket and report.by_member)
    behind = sum(row.behind for row in report.rows)
    console = Console(record=True, width=160, force_terminal=False)
    with console.capture() as capture:
        console.print(Text(title(report), style="bold"))
        console.print(subtitle(report))
        console.print(table)
        console.print(f"{behind} of {len(report.rows)} row(s) behind their time progress (in red)")
    return capture.get()
