"""Following a plan (LANGUAGE.md §9 "Following a plan"): the numbers of `metricdsl track`.

For every bucket of the plan's grain that starts on or before the as-of date, and for the period
to date: the bucket's target (from the plan rows, saved or just computed), the actual through the
as-of date, achievement = actual / target, time progress = workdays of the target's spread calendar
from the bucket's first day through the as-of date / workdays of the bucket, gap = target − actual
and forecast = actual / time progress (the bucket's, or the period's, value at the current pace).

Actuals are the target's metric through the compiler, as `metricdsl run --metrics M --by … --period
START .. AS_OF` would ask: per month (and split member) for month buckets, per day for week buckets
— a week of the plan is an ISO week clipped to its month, which no time grain of a query is — summed
here into the plan's buckets, and over the whole period to date for the period row. The metric of a spread or split target
is additive, so per-day sums add up to per-bucket values.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from metricdsl.allocate.calendar import WorkCalendar
from metricdsl.allocate.models import TargetSpec
from metricdsl.ir import model as m
from metricdsl.pipeline.compile import compile_sql
from metricdsl.pipeline.request import QueryRequest
from metricdsl.runtime.baseline import as_date, member_text, number_or_none
from metricdsl.runtime.output import csv_rows
from metricdsl.runtime.plan_store import PlanRow
from metricdsl.runtime.warehouse import Warehouse

DAY = "time.day"
MONTH = "time.month"
COLUMNS = ("bucket", "member", "target", "actual", "achievement", "time_progress", "gap", "forecast")


class TrackError(ValueError):
    """The options do not fit the target or its plan (an as-of before the period, a grain it lacks …)."""


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date


@dataclass(frozen=True)
class TrackRow:
    """One bucket (None: the period to date) for the whole (member None) or one split member."""

    bucket: date | None
    member: str | None
    target: float
    actual: float
    time_progress: float

    @property
    def achievement(self) -> float | None:
        return self.actual / self.target if self.target else None

    @property
    def gap(self) -> float:
        return self.target - self.actual

    @property
    def forecast(self) -> float | None:
        return self.actual / self.time_progress if self.time_progress else None

    @property
    def behind(self) -> bool:
        """Achievement below time progress: behind the working-day schedule."""
        return self.achievement is not None and self.achievement < self.time_progress

    def values(self) -> tuple[Any, ...]:
        return (self.bucket, self.member, self.target, self.actual, self.achievement, self.time_progress,
                self.gap, self.forecast)


@dataclass(frozen=True)
class TrackReport:
    target: str
    label: str | None
    metric: str
    period: Bucket
    as_of: date
    grain: str | None
    calendar: str
    by_member: bool
    rows: list[TrackRow]

    def to_json(self) -> str:
        rows = [{column: value.isoformat() if isinstance(value, date) else value
                 for column, value in zip(COLUMNS, row.values(), strict=True)} for row in self.rows]
        document = {"target": self.target, "as_of": self.as_of.isoformat(), "rows": rows}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"

    def to_csv(self) -> str:
        return csv_rows(COLUMNS, (row.values() for row in self.rows))


# ---- options ---------------------------------------------------------------------------------
def effective_as_of(spec: TargetSpec, given: date | None, today: date) -> date:
    """The as-of date: the one given (or today), clipped to the period's end; before its start is an error."""
    as_of = given or today
    if as_of < spec.period_start:
        told = "--as-of" if given else "today"
        raise TrackError(f"{told} ({as_of}) is before the period of target {spec.name} "
                         f"({spec.period_start} .. {spec.period_end}): nothing to track yet"
                         + ("" if given else "; give --as-of DATE within the period"))
    return min(as_of, spec.period_end)


def grain_of(plan: list[PlanRow], spec: TargetSpec, asked: str | None) -> str | None:
    """`--grain`, else month when the plan has months, else None (only the period to date)."""
    grains = [grain for grain in ("month", "week") if any(row[0] == grain for row in plan)]
    if asked is None:
        return grains[0] if grains else None
    if asked not in grains:
        spread = ", ".join(grains) or "no buckets"
        raise TrackError(f"--grain {asked}: the plan of target {spec.name} has no {asked} rows (it spreads to "
                         f"{spread}); add `{asked}` to its `spread:` and save the plan again")
    return asked


def members_of(plan: list[PlanRow], spec: TargetSpec) -> list[str | None]:
    """The split members in the plan, the largest yearly target first (ties by name)."""
    if spec.split_dimension is None:
        raise TrackError(f"--by-member: target {spec.name} has no `split:`, so its plan has no members")
    year = [(target, member) for grain, _, member, target in plan if grain == "year" and member is not None]
    return [member for _, member in sorted(year, key=lambda pair: (-pair[0], pair[1] or ""))]


def check_period(plan: list[PlanRow], spec: TargetSpec) -> None:
    starts = {start for grain, start, member, _ in plan if grain == "year" and member is None}
    if starts != {spec.period_start}:
        shown = ", ".join(sorted(str(start) for start in starts))
        raise TrackError(f"the saved plan of target {spec.name} is for a period starting {shown}, but the target's "
                         f"period starts {spec.period_start}: save the plan again (`metricdsl plan --target "
                         f"{spec.name} --save`)")


# ---- buckets and time progress -------------------------------------------------------------
def buckets(plan: list[PlanRow], grain: str, period: Bucket) -> list[Bucket]:
    """The plan's buckets of `grain`: each ends the day before the next starts, the last at the period's end."""
    starts = sorted({start for row_grain, start, member, _ in plan if row_grain == grain and member is None})
    ends = [following - timedelta(days=1) for following in starts[1:]] + [period.end]
    return [Bucket(start, end) for start, end in zip(starts, ends, strict=True)]


def time_progress(calendar: WorkCalendar, bucket: Bucket, as_of: date) -> float:
    """Workdays from the bucket's first day through as-of / the bucket's workdays (1 once it is over)."""
    if as_of >= bucket.end:
        return 1.0
    if as_of < bucket.start:
        return 0.0
    workdays = calendar.workdays(bucket.start, bucket.end)
    return calendar.workdays(bucket.start, as_of) / workdays if workdays else 0.0


# ---- actuals ----------------------------------------------------------------------------------
@dataclass
class Actuals:
    """The metric through the as-of date: per (member, day), and per member over the period to date.
    Without --by-member every member is None."""

    days: dict[tuple[str | None, date], float]
    period: dict[str | None, float]

    def by_bucket(self, shown: list[Bucket]) -> dict[tuple[date, str | None], float]:
        """(bucket start, member) → sum over the bucket's days; member None is the whole."""
        starts = [bucket.start for bucket in shown]
        sums: dict[tuple[date, str | None], float] = defaultdict(float)
        for (member, day), value in self.days.items():
            position = bisect_right(starts, max(day, starts[0])) - 1  # a month may start before the period
            if position >= 0 and day <= shown[position].end:
                sums[starts[position], None] += value
                if member is not None:
                    sums[starts[position], member] += value
        return sums

    def to_date(self, member: str | None) -> float:
        """The period to date of one member, or of the whole (None)."""
        return sum(value for key, value in self.period.items() if member is None or key == member)


def fetch_actuals(project: m.Project, spec: TargetSpec, warehouse: Warehouse, as_of: date, by_member: bool,
                  time: str | None) -> Actuals:
    """Runs the compiled queries on `warehouse` (raises CheckFailed or WarehouseError): by `time`
    (time.month for month buckets, time.day for weeks; None: only the period to date)."""
    split = (spec.split_dimension,) if by_member and spec.split_dimension else ()
    period = f"{spec.period_start.isoformat()} .. {as_of.isoformat()}"
    days: dict[tuple[str | None, date], float] = defaultdict(float)
    if time is not None:
        for member, day, value in _query(project, spec.metric, (*split, time), period, warehouse):
            assert day is not None
            days[member, day] += value
    totals: dict[str | None, float] = defaultdict(float)
    for member, _, value in _query(project, spec.metric, split, period, warehouse):
        totals[member] += value
    return Actuals(dict(days), dict(totals))


def _query(project: m.Project, metric: str, by: tuple[str, ...], period: str,
           warehouse: Warehouse) -> Iterable[tuple[str | None, date | None, float]]:
    """(member, first day, value) rows of `metric` by `by` (a split dimension and/or a time grain) over `period`."""
    request = QueryRequest(metrics=(metric,), by=by, period=period)
    result = warehouse.execute(compile_sql(project, request, warehouse.dialect))
    index = {name: position for position, name in enumerate(result.columns)}
    split = next((name.replace(".", "_") for name in by if name not in (DAY, MONTH)), None)
    time = next((name.replace(".", "_") for name in by if name in (DAY, MONTH)), None)
    for row in result.rows:
        member = member_text(row[index[split]]) if split else None
        day = as_date(row[index[time]]) if time else None
        yield member, day, number_or_none(row[index[metric]]) or 0.0


# ---- the report -------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrackRequest:
    spec: TargetSpec
    plan: list[PlanRow]
    as_of: date
    grain: str | None
    by_member: bool


def track_report(project: m.Project, request: TrackRequest, warehouse: Warehouse) -> TrackReport:
    """Every row of `track`: per bucket through as-of (the whole, then each member), then the period to date."""
    spec, plan = request.spec, request.plan
    check_period(plan, spec)
    members = members_of(plan, spec) if request.by_member else []
    period = Bucket(spec.period_start, spec.period_end)
    calendar = WorkCalendar(spec.spread_calendar)
    shown = [b for b in buckets(plan, request.grain, period) if b.start <= request.as_of] if request.grain else []
    time = (MONTH if request.grain == "month" else DAY) if shown else None
    actuals = fetch_actuals(project, spec, warehouse, request.as_of, request.by_member, time)
    targets = {(grain, start, member): target for grain, start, member, target in plan}
    sums = actuals.by_bucket(shown)
    rows: list[TrackRow] = []
    for bucket in shown:
        progress = time_progress(calendar, bucket, request.as_of)
        for member in [None, *members]:
            target = targets.get((str(request.grain), bucket.start, member), 0.0)
            rows.append(TrackRow(bucket.start, member, target, sums.get((bucket.start, member), 0.0), progress))
    progress = time_progress(calendar, period, request.as_of)
    for member in [None, *members]:
        target = targets.get(("year", spec.period_start, member), 0.0)
        rows.append(TrackRow(None, member, target, actuals.to_date(member), progress))
    return TrackReport(spec.name, spec.label, spec.metric, period, request.as_of, request.grain,
                       calendar.name, request.by_member, rows)
