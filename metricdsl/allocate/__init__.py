"""Targets: driver multipliers, split over members, spread over months and weeks (LANGUAGE.md §9)."""

from metricdsl.allocate.calendar import CalendarError, WorkCalendar
from metricdsl.allocate.engine import (
    InfeasibleTarget,
    PlanError,
    allocate,
    largest_remainder,
    node_multipliers,
    solve_multipliers,
    tree_leaves,
)
from metricdsl.allocate.models import (
    Baseline,
    CalendarSpec,
    DateRange,
    DriverRow,
    DriverSpec,
    Period,
    PlanResult,
    SplitRow,
    SpreadRow,
    TargetSpec,
    TreeEdge,
)

__all__ = [
    "Baseline",
    "CalendarError",
    "CalendarSpec",
    "DateRange",
    "DriverRow",
    "DriverSpec",
    "InfeasibleTarget",
    "Period",
    "PlanError",
    "PlanResult",
    "SplitRow",
    "SpreadRow",
    "TargetSpec",
    "TreeEdge",
    "WorkCalendar",
    "allocate",
    "largest_remainder",
    "node_multipliers",
    "solve_multipliers",
    "tree_leaves",
]
