"""Printing a scorecard's result (LANGUAGE.md §9 "Scorecards"): a table with a bar per member's
score, CSV (the SQL's columns), or JSON (one object per member with its KPIs listed)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from metricdsl.ir import model as m
from metricdsl.ir.formats import NumberFormat, declared_formats
from metricdsl.ir.scorecards import SCORE_COLUMN, Scorecard
from metricdsl.runtime.output import json_value, render_result, text_value
from metricdsl.runtime.warehouse import QueryResult

POINTS = NumberFormat(decimals=1)
ACHIEVEMENT = NumberFormat(decimals=1, percent=True)
BAR_WIDTH = 20


def score_rows(card: Scorecard, result: QueryResult) -> list[dict[str, Any]]:
    """The JSON rows: `member`, `score`, and `kpis` ({`metric`, `value`, `points`, `weighted`} each)."""
    rows = []
    for row in result.rows:
        cell = dict(zip(result.columns, row, strict=True))
        kpis = [{"metric": kpi.metric, **{key: json_value(cell[column]) for key, column in
                                          zip(("value", "points", "weighted"), kpi.columns, strict=True)}}
                for kpi in card.kpis]
        rows.append({"member": json_value(cell[card.by]), "score": json_value(cell[SCORE_COLUMN]), "kpis": kpis})
    return rows


def score_formats(project: m.Project, card: Scorecard) -> dict[str, NumberFormat]:
    """Each KPI's value in its metric's `format:` (an achievement as a percent); points with one decimal."""
    metric_formats = declared_formats(project)
    formats: dict[str, NumberFormat] = {SCORE_COLUMN: POINTS}
    for kpi in card.kpis:
        value, points, weighted = kpi.columns
        shown = ACHIEVEMENT if kpi.target is not None else metric_formats.get(kpi.metric)
        formats.update({points: POINTS, weighted: POINTS, **({value: shown} if shown is not None else {})})
    return formats


def render_scores(project: m.Project, card: Scorecard, result: QueryResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(score_rows(card, result), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return render_result(result, "csv")
    title = f"{card.name}{' ' + card.label if card.label else ''} · by {card.by} · " + ", ".join(
        f"{kpi.metric} {kpi.weight_percent}" for kpi in card.kpis) + f" · cap {card.cap}"
    return score_table(result, title, score_formats(project, card), Decimal(card.cap))


def score_table(result: QueryResult, title: str, formats: dict[str, NumberFormat], cap: Decimal) -> str:
    """A rich table, headers folded at `_` so that a KPI's three columns stay narrow, and a bar per score
    (full width: the cap)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, header_style="bold", title_justify="left")
    for column in result.columns:
        table.add_column(column.replace("_", "_\n"), justify="left" if column == result.columns[0] else "right")
    table.add_column("")
    index = result.columns.index(SCORE_COLUMN)
    for row in result.rows:
        cells = [text_value(v, formats.get(c)) for c, v in zip(result.columns, row, strict=True)]
        table.add_row(*cells, bar(row[index], cap, BAR_WIDTH))
    console = Console(record=True, width=12 * len(result.columns) + BAR_WIDTH + 12, force_terminal=False)
    with console.capture() as capture:
        console.print(table)
        console.print(f"{len(result.rows)} member(s)")
    return capture.get()


def bar(value: Any, cap: Decimal, width: int) -> str:
    if value is None or cap <= 0:
        return ""
    filled = max(0, min(width, round(float(value) / float(cap) * width)))
    return "█" * filled + "·" * (width - filled)


