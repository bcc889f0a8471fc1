"""Planning `time_progress(cal)` (LANGUAGE.md §9): no scan reads rows for it. Each calendar the query
uses becomes one column of the grouped rows, which the SQL stage (metricdsl.sql.progress) fills from
the calendar's working days and the as-of date, by the row's time bucket (or the whole period)."""

from __future__ import annotations

from typing import Protocol

from metricdsl.ir import model as m
from metricdsl.plan.nodes import MeasureRef, ProgressPlan


class PlannerLike(Protocol):
    """What this module uses of metricdsl.plan.planner.Planner."""

    progress: list[ProgressPlan]

    def unique(self, base: str) -> str: ...


def plan_progress(planner: PlannerLike, expr: m.TimeProgress) -> MeasureRef:
    """The column of this calendar's progress; one per calendar, however often the query uses it."""
    known = next((p for p in planner.progress if p.calendar == expr.calendar), None)
    if known is None:
        known = ProgressPlan(planner.unique(f"time_progress_{expr.calendar}"), expr.calendar)
        planner.progress.append(known)
    return MeasureRef(known.column, zero_when_empty=False)
