"""Targets: driver multipliers, split over members, spread over months and weeks (LANGUAGE.md §9).

Names are imported lazily, so that `metricdsl.ir.model` can use `metricdsl.allocate.models` without
loading numpy and the holidays package on every `metricdsl check`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from metricdsl.allocate.calendar import WorkCalendar
    from metricdsl.allocate.engine import (
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
    from metricdsl.errors import CalendarError, InfeasibleTarget

_HOMES = {
    "calendar": ("WorkCalendar",),
    "metricdsl.errors": ("CalendarError", "InfeasibleTarget"),
    "engine": ("PlanError", "allocate", "largest_remainder", "node_multipliers",
               "solve_multipliers", "tree_leaves"),
    "models": ("Baseline", "CalendarSpec", "DateRange", "DriverRow", "DriverSpec", "Period", "PlanResult",
               "SplitRow", "SpreadRow", "TargetSpec", "TreeEdge"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

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


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module if "." in module else f"{__name__}.{module}"), name)
