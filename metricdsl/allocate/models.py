"""Input and output models of the target-allocation plan (LANGUAGE.md §9, `plan` in §10).

The parser/compiler turns a `target` declaration into a `TargetSpec`, the warehouse (or a
`--baseline FILE`) into a `Baseline`; `engine.allocate` turns both into a `PlanResult`, whose
`model_dump_json()` is the `plan --format json` object (dates as ISO strings).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator, model_validator

SplitMethod = Literal["baseline", "equal", "weights"]
SplitMissing = Literal["zero", "equal"]
Grain = Literal["month", "week"]
DriverRole = Literal["root", "inner", "leaf"]
SeasonalProfile = Literal["member", "overall", "flat"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class DateRange(_Frozen):
    """Both ends inclusive. A bare date, `(start, end)` or `{start, end}` is accepted."""

    start: date
    end: date

    @model_validator(mode="before")
    @classmethod
    def _accept_date_or_pair(cls, value: Any) -> Any:
        if isinstance(value, date):
            return {"start": value, "end": value}
        if isinstance(value, (tuple, list)) and len(value) == 2:
            return {"start": value[0], "end": value[1]}
        return value

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.start > self.end:
            raise ValueError(f"date range {self.start} .. {self.end} ends before it starts")
        return self

    def days(self) -> int:
        return (self.end - self.start).days + 1


class CalendarSpec(_Frozen):
    """`calendar cn { country: CN  closed: …  open: … }`."""

    name: str
    country: str | None = None
    closed: list[DateRange] = Field(default_factory=list)
    open: list[date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _open_and_closed_disjoint(self) -> CalendarSpec:
        both = [d for d in self.open if any(r.start <= d <= r.end for r in self.closed)]
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"calendar {self.name}: {listed} is both closed and open")
        return self


class DriverSpec(_Frozen):
    """Settings of one leaf of the driver tree: `fixed:`, `cap: m <= 1.5x`, `weight: m 2`."""

    metric: str
    fixed: bool = False
    cap: float | None = Field(default=None, gt=0, description="max multiple of baseline")
    weight: float = Field(default=1.0, ge=0)


class TreeEdge(_Frozen):
    """A multiplicative decomposition: parent = product of children."""

    parent: str
    children: list[str] = Field(min_length=1)


class TargetSpec(_Frozen):
    """One `target` declaration, resolved (periods as dates, tree as edges)."""

    name: str
    label: str | None = None
    metric: str
    period_start: date
    period_end: date
    baseline_start: date
    baseline_end: date
    value: float | None = Field(default=None, ge=0)
    growth: float | None = Field(default=None, gt=0, description="multiplier: 10.0 or 1.2")
    tree: list[TreeEdge] = Field(default_factory=list)
    drivers: dict[str, DriverSpec] = Field(default_factory=dict)
    split_dimension: str | None = None
    split_method: SplitMethod = "baseline"
    split_weights: dict[str, float] = Field(default_factory=dict)
    split_missing: SplitMissing = "zero"
    spread_grains: list[Grain] = Field(default_factory=lambda: _months_only())
    spread_calendar: CalendarSpec | None = None
    seasonality: bool = True
    round_unit: float = Field(default=1.0, gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> TargetSpec:
        if (self.value is None) == (self.growth is None):
            raise ValueError(f"target {self.name}: give exactly one of value and growth")
        if self.period_start > self.period_end or self.baseline_start > self.baseline_end:
            raise ValueError(f"target {self.name}: a period ends before it starts")
        if "week" in self.spread_grains and "month" not in self.spread_grains:
            raise ValueError(f"target {self.name}: weeks are clipped to months; write `spread: month, week`")
        if len(set(self.spread_grains)) != len(self.spread_grains):
            raise ValueError(f"target {self.name}: a spread grain is repeated")
        if any(weight < 0 for weight in self.split_weights.values()):
            raise ValueError(f"target {self.name}: split weights must not be negative")
        if self.split_method == "weights" and not self.split_weights:
            raise ValueError(f"target {self.name}: `by weights` needs at least one weight")
        for key, driver in self.drivers.items():
            if key != driver.metric:
                raise ValueError(f"target {self.name}: drivers[{key!r}] describes {driver.metric!r}")
        return self

    def driver(self, metric: str) -> DriverSpec:
        return self.drivers.get(metric) or DriverSpec(metric=metric)


def _months_only() -> list[Grain]:
    return ["month"]


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
    warnings: list[str] = Field(default_factory=list)
