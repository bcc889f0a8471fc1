"""Input and output models of the target-allocation plan (LANGUAGE.md §9, `plan` in §10).

The parser/compiler turns a `target` declaration into a `TargetSpec`, the warehouse (or a
`--baseline FILE`) into a `Baseline`; `engine.allocate` turns both into a `PlanResult`, whose
`model_dump_json()` is the `plan --format json` object (dates as ISO strings).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import Field, computed_field, field_serializer, field_validator

from metricdsl.diagnostics import Diagnostic
from metricdsl.ir.targets import (
    CalendarSpec,
    DateRange,
    DriverRole,
    DriverSpec,
    Grain,
    SeasonalProfile,
    SplitMethod,
    SplitMissing,
    TargetSpec,
    TreeEdge,
)
from metricdsl.ir.targets import (
    SpecModel as _Frozen,
)

__all__ = ["CalendarSpec", "DateRange", "DriverRole", "DriverSpec", "Grain", "SeasonalProfile", "SplitMethod",
           "SplitMissing", "TargetSpec", "TreeEdge"]

MemberMonth = tuple[str | None, date]


class Baseline(_Frozen):
    """Actuals of the baseline period.

    `drivers` holds the baseline value of every node of the tree, `members` the baseline per
    split member (None is the NULL member), `member_months` the baseline per member and month
    (keyed by the month's first day). Without a split, use the member None. `member_months` also
    accepts a list of `[member, month, value]` rows or `{member, month, value}` objects, which is
    also how it is written out as JSON.
    """

    total: float
    drivers: dict[str, float] = Field(default_factory=dict)
    members: dict[str | None, float] = Field(default_factory=dict)
    member_months: dict[MemberMonth, float] = Field(default_factory=dict)

    @field_validator("member_months", mode="before")
    @classmethod
    def _accept_rows(cls, value: Any) -> Any:
        if isinstance(value, list):
            return dict(_member_month_entry(row) for row in value)
        return value

    @field_validator("member_months", mode="after")
    @classmethod
    def _month_starts(cls, value: dict[MemberMonth, float]) -> dict[MemberMonth, float]:
        for _, month in value:
            if month.day != 1:
                raise ValueError(f"member_months keys are month starts, not {month.isoformat()}")
        return value

    @field_serializer("member_months")
    def _rows(self, value: dict[MemberMonth, float]) -> list[dict[str, Any]]:
        return [{"member": m, "month": month, "value": v} for (m, month), v in value.items()]


def _member_month_entry(row: Any) -> tuple[MemberMonth, float]:
    if isinstance(row, dict):
        return (row["member"], date.fromisoformat(str(row["month"]))), float(row["value"])
    member, month, value = row
    return (member, date.fromisoformat(str(month))), float(value)


class Actuals(_Frozen):
    """Actuals of the target period for a re-plan: the metric per split member (None without a split,
    or the NULL member) and day, from the period's first day through `through`."""

    through: date
    member_days: dict[tuple[str | None, date], float] = Field(default_factory=dict)


class Period(_Frozen):
    start: date
    end: date


class DriverRow(_Frozen):
    """A node of the driver tree, in preorder from the target's metric."""

    metric: str
    parent: str | None
    role: DriverRole
    baseline: float | None
    target: float | None
    multiplier: float
    fixed: bool
    capped: bool
    cap: float | None = None
    weight: float = 1.0


class SplitRow(_Frozen):
    dimension: str
    member: str | None
    baseline: float
    weight: float = Field(description="share basis: baseline, 1 (equal) or the given weight")
    unrounded: float = Field(description="target × weight / Σ weights, before rounding")
    target: float
    actual: float | None = Field(default=None, description="re-plan: actuals of the member's locked buckets")
    remaining: float | None = Field(default=None, description="re-plan: what is re-spread over the open buckets")


class SpreadRow(_Frozen):
    """A month (clipped to the period) or an ISO week clipped to its month."""

    grain: Grain
    start: date
    end: date
    member: str | None
    week: str | None = Field(default=None, description="ISO week, e.g. 2027-W05")
    workdays: int
    baseline: float | None = Field(default=None, description="the member's own baseline month")
    baseline_workdays: int | None = None
    profile: SeasonalProfile | None = None
    seasonal_basis: float | None = Field(
        default=None, description="baseline month whose per-workday rate is used (own or overall)"
    )
    weight: float
    unrounded: float
    target: float
    locked: bool = Field(default=False, description="re-plan: the bucket ended by --actuals-through; target = actual")
    actual: float | None = Field(
        default=None, description="re-plan: actuals of the bucket's locked part (all of it when locked)"
    )


class Replan(_Frozen):
    """What `plan --actuals-through DATE` did (LANGUAGE.md §9 "Re-planning"; docs/planning.md)."""

    locked_through: date | None = Field(description="last day of the last locked bucket; None if none ended")
    actual: float = Field(description="Σ actuals of the locked buckets, all members")
    remaining_target: float = Field(description="target_value − actual (what is left to reach)")
    remaining: float = Field(description="Σ re-spread over the open buckets (each member's rounded to the unit)")
    planned: float = Field(description="actual + remaining: the re-planned period's total")
    difference: float = Field(description="planned − target_value (rounding, or actuals already past the target)")
    over_target: list[str | None] = Field(description="members whose actuals already passed their target")


class PlanResult(_Frozen):
    """The `plan --format json` object (LANGUAGE.md §10) plus what the reports need."""

    target: str
    label: str | None
    metric: str
    period: Period
    baseline_period: Period
    baseline_value: float
    target_value: float
    multiplier: float | None
    unit: float
    calendar: str | None
    split_dimension: str | None
    split_method: SplitMethod | None
    grains: list[Grain]
    drivers: list[DriverRow]
    split: list[SplitRow]
    spread: list[SpreadRow]
    actuals_through: date | None = None
    replan: Replan | None = None
    diagnostics: list[Diagnostic] = Field(default_factory=list, exclude=True)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def warnings(self) -> list[str]:
        """The warnings' messages: the `warnings` key of the JSON object and the report's last lines."""
        return [warning.message for warning in self.diagnostics]
