"""Scorecards (LANGUAGE.md §9 "Scorecards"): the checked form of a `scorecard` declaration.

Numbers are exact decimal text (`"0.4"` for 40%), as everywhere in the IR, so the SQL carries the
weights and range ends exactly as written.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

DEFAULT_CAP = "100"
SCORE_COLUMN = "score"


class ScorecardModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class ScorecardKpi(ScorecardModel):
    """One KPI: a metric, its weight (a fraction), and how its value becomes points.

    With `target`, points are 100 × achievement (the metric over the target's saved plan); with a
    range, 0 points at `low` and 100 at `high`, linear (a reversed range scores fewer as better)."""

    metric: str
    weight: str  # a fraction: 40% is "0.4"
    target: str | None = None
    low: str | None = None
    high: str | None = None

    @property
    def weight_percent(self) -> str:
        """The weight as written: `40%`."""
        return f"{(Decimal(self.weight) * 100).normalize():f}%"

    @property
    def value_column(self) -> str:
        """The output column of the KPI's value: the metric, or `<metric>_achievement` for a target KPI."""
        return f"{self.metric}_achievement" if self.target is not None else self.metric

    @property
    def columns(self) -> tuple[str, str, str]:
        """The KPI's output columns: value, points, weighted points."""
        return self.value_column, f"{self.metric}_points", f"{self.metric}_weighted"

    @property
    def scoring(self) -> str:
        """How the KPI scores, as written in the spec: `target revenue_2027` or `range 0.20 .. 0.30`."""
        return f"target {self.target}" if self.target is not None else f"range {self.low} .. {self.high}"


class Scorecard(ScorecardModel):
    """One `scorecard`: members of `by`, KPIs over `period`, points per KPI capped at `cap`."""

    name: str
    label: str | None = None
    by: str  # a dimension
    period_start: datetime.date
    period_end: datetime.date
    kpis: tuple[ScorecardKpi, ...]
    cap: str = DEFAULT_CAP
    description: str | None = None
    owner: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The output columns: the member (named after `by`), each KPI's value, points and weighted, `score`."""
        return (self.by, *(column for kpi in self.kpis for column in kpi.columns), SCORE_COLUMN)

    def kpi(self, metric: str) -> ScorecardKpi:
        return next(kpi for kpi in self.kpis if kpi.metric == metric)
