"""Target and calendar specifications (LANGUAGE.md §9): the checked form of `target` and `calendar`
declarations. They are part of the IR: the checker builds them, the allocator and the baseline read them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SplitMethod = Literal["baseline", "equal", "weights"]
SplitMissing = Literal["zero", "equal"]
Grain = Literal["month", "week"]
DriverRole = Literal["root", "inner", "leaf"]
SeasonalProfile = Literal["member", "overall", "flat"]


class SpecModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class DateRange(SpecModel):
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


class CalendarSpec(SpecModel):
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


class DriverSpec(SpecModel):
    """Settings of one leaf of the driver tree: `fixed:`, `cap: m <= 1.5x`, `weight: m 2`."""

    metric: str
    fixed: bool = False
    cap: float | None = Field(default=None, gt=0, description="max multiple of baseline")
    ceiling: float | None = Field(default=None, gt=0, description="max target value (absolute; 1 for a % driver)")
    weight: float = Field(default=1.0, ge=0)


class TreeEdge(SpecModel):
    """A multiplicative decomposition: parent = product of children."""

    parent: str
    children: list[str] = Field(min_length=1)


class TargetSpec(SpecModel):
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
    store: tuple[str, ...] | None = Field(default=None, description="`store: schema.table` of the saved plan")

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


def planned_rows(spec: TargetSpec, grain: str | None) -> str:
    """The grain of the saved rows that planned(T) reads for a query at `grain` (None: no time
    dimension): days (the months shared by working days), weeks, months, or the year row."""
    if grain in ("day", "week"):
        return grain
    return "month" if "month" in spec.spread_grains else "year"
