"""Re-planning mid-period: `plan --target T --actuals-through DATE` (LANGUAGE.md §9, docs/planning.md).

The plan is first computed as usual (`engine.allocate`); then, per member:

* **Locked buckets** are the months, and with `week` the weeks (clipped to months), whose last day
  is on or before DATE. Each keeps its exact actual value. A month that DATE cuts in two is not
  locked, but its weeks that ended are; its target is the actuals of those weeks plus its share of
  the re-spread. Actuals after the last locked bucket (a week DATE cuts in two) are not counted.
* **Remaining target**: `r = member target − member actuals`. A member with `r ≤ 0` is over its
  target and gets 0 for the rest. The others share `R = target − Σ actuals` (all members) in
  proportion to their `r`; when no member is over, that share is exactly `r`. Each share is
  rounded (half up) to the unit, so the period's total is the target within half a unit per
  member, unless the actuals already pass the target (`R ≤ 0`: every open bucket gets 0).
* **Re-spread**: a member's rounded remainder is shared over its open buckets by the plan's own
  month weights (workdays × last year's rate per working day), a partly locked month weighing only
  its open working days, by largest remainder; an open month's re-spread goes to its open weeks by
  working days. Weeks still sum to their month and months to the member's period total.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from metricdsl.allocate.calendar import WorkCalendar
from metricdsl.allocate.engine import allocate, apportion, from_units, month_buckets, week_pieces
from metricdsl.allocate.models import Actuals, Baseline, PlanResult, Replan, SplitRow, SpreadRow, TargetSpec
from metricdsl.allocate.plan_warnings import plan_warning
from metricdsl.diagnostics import Diagnostic


def lock_horizon(spec: TargetSpec, through: date) -> date | None:
    """The last day of the last bucket (month, or week clipped to its month) ending on or before `through`."""
    ends = [
        piece.end
        for month in month_buckets(spec.period_start, spec.period_end)
        for piece in [month, *(week_pieces(month) if "week" in spec.spread_grains else [])]
        if piece.end <= through
    ]
    return max(ends, default=None)


def replan_problem(spec: TargetSpec, through: date) -> tuple[str, str] | None:
    """Why `--actuals-through` cannot re-plan this target (message, help), or None."""
    period = f"{spec.period_start} .. {spec.period_end}"
    if not spec.spread_grains:
        return (f"target `{spec.name}` has no `spread:`, so --actuals-through has no months to lock or re-spread",
                "add `spread: month` (or `month, week`) to the target")
    if through < spec.period_start or through > spec.period_end:
        return (f"--actuals-through {through} is outside the period of target `{spec.name}` ({period})",
                f"give a date from {spec.period_start} to {spec.period_end - timedelta(days=1)}")
    if through == spec.period_end:
        last_day = f"--actuals-through {through} is the last day of the period of target `{spec.name}`"
        return (f"{last_day}: nothing is left to re-spread",
                f"give a date before {spec.period_end}")
    return None


def replan(spec: TargetSpec, baseline: Baseline, actuals: Actuals, calendar: WorkCalendar | None = None) -> PlanResult:
    """The plan of `spec`, with the buckets ended by `actuals.through` at their actuals and the rest re-spread."""
    calendar = calendar or WorkCalendar(spec.spread_calendar)
    plan = allocate(spec, baseline, calendar)
    warnings: list[Diagnostic] = []
    horizon = lock_horizon(spec, actuals.through)
    members = _members(spec, plan)
    days = _days_by_member(actuals, horizon, members, spec, warnings)
    months = {member: _month_parts(spec, plan, member, days[member], horizon) for member in members}
    locked = {member: sum((part.actual for part in months[member]), Decimal(0)) for member in members}
    remaining = _remaining_units(spec, plan, members, locked, warnings)
    spread = _respread(spec, months, remaining)
    split = [_split_row(row, locked[row.member], remaining[row.member], spec.round_unit) for row in plan.split]
    return plan.model_copy(update={
        "spread": spread,
        "split": split,
        "actuals_through": actuals.through,
        "replan": _summary(spec, plan, horizon, locked, remaining),
        "diagnostics": list(dict.fromkeys([*plan.diagnostics, *warnings])),
    })


def _members(spec: TargetSpec, plan: PlanResult) -> dict[str | None, Decimal]:
    """Each member's period target, in the plan's order."""
    if spec.split_dimension is None:
        return {None: _decimal(plan.target_value)}
    return {row.member: _decimal(row.target) for row in plan.split}


def _days_by_member(actuals: Actuals, horizon: date | None, members: dict[str | None, Decimal], spec: TargetSpec,
                    warnings: list[Diagnostic]) -> dict[str | None, dict[date, Decimal]]:
    days: dict[str | None, dict[date, Decimal]] = {member: defaultdict(Decimal) for member in members}
    strangers: dict[str | None, Decimal] = defaultdict(Decimal)
    for (member, day), value in actuals.member_days.items():
        if horizon is None or not spec.period_start <= day <= horizon:
            continue
        key = member if spec.split_dimension is not None else None
        if key in days:
            days[key][day] += _decimal(value)
        else:
            strangers[key] += _decimal(value)
    for member, total in strangers.items():
        warnings.append(plan_warning(
            f"{_owner(spec, member)} has actuals of {float(total):g} through {horizon} but no target "
            "in the plan; they are not counted"
        ))
    return days


@dataclass(frozen=True)
class Part:
    """A member's month: its plan row, its weeks, and what of it is locked."""

    month: SpreadRow
    weeks: list[SpreadRow]
    locked_weeks: list[bool]
    week_actuals: list[Decimal]
    actual: Decimal
    open_weight: float

    @property
    def has_locked_part(self) -> bool:
        return self.month.locked or any(self.locked_weeks)


def _month_parts(spec: TargetSpec, plan: PlanResult, member: str | None,
                 days: dict[date, Decimal], horizon: date | None) -> list[Part]:
    weeks_of: dict[date, list[SpreadRow]] = defaultdict(list)
    for row in plan.spread:
        if row.grain == "week" and row.member == member:
            weeks_of[row.start.replace(day=1)].append(row)
    parts = []
    for row in plan.spread:
        if row.grain != "month" or row.member != member:
            continue
        weeks = weeks_of[row.start]
        month_locked = horizon is not None and row.end <= horizon
        locked_weeks = [horizon is not None and week.end <= horizon for week in weeks]
        week_actuals = [_sum_days(days, week.start, week.end) for week in weeks]
        locked_span = [week for week, done in zip(weeks, locked_weeks, strict=True) if done]
        actual = _sum_days(days, row.start, row.end) if month_locked else sum(
            (value for value, done in zip(week_actuals, locked_weeks, strict=True) if done), Decimal(0))
        locked_workdays = sum(week.workdays for week in locked_span)  # the engine counted them with this calendar
        parts.append(Part(row.model_copy(update={"locked": month_locked}), weeks, locked_weeks, week_actuals, actual,
                          _open_weight(row, month_locked, locked_workdays)))
    return parts


def _open_weight(row: SpreadRow, month_locked: bool, locked_workdays: int) -> float:
    """The month's weight for the re-spread: its own, less the share of its working days already locked."""
    if month_locked:
        return 0.0
    if not locked_workdays:
        return row.weight
    return row.weight * (row.workdays - locked_workdays) / row.workdays if row.workdays else 0.0


def _sum_days(days: dict[date, Decimal], start: date, end: date) -> Decimal:
    return sum((value for day, value in days.items() if start <= day <= end), Decimal(0))


def _remaining_units(spec: TargetSpec, plan: PlanResult, members: dict[str | None, Decimal],
                     locked: dict[str | None, Decimal], warnings: list[Diagnostic]) -> dict[str | None, int]:
    """Each member's re-spread in units: its share of target − Σ actuals (see the module's docstring)."""
    left = {member: target - locked[member] for member, target in members.items()}
    total_left = _decimal(plan.target_value) - sum(locked.values(), Decimal(0))
    positive = sum((value for value in left.values() if value > 0), Decimal(0))
    over = _over_target(members, locked)
    if total_left <= 0:
        warnings.append(plan_warning(
            f"the actuals ({float(sum(locked.values(), Decimal(0))):g}) already reach the target "
            f"{plan.target_value:g}; every open bucket gets 0"
        ))
    for member in over:
        warnings.append(plan_warning(
            f"{_owner(spec, member)} is already at or above its target ({float(members[member]):g}) with "
            f"{float(locked[member]):g}; it gets 0 for the rest and the others share the remaining target"
        ))
    units: dict[str | None, int] = {}
    for member, value in left.items():
        if value <= 0 or total_left <= 0:
            units[member] = 0
            continue
        share = Fraction(value) * Fraction(total_left) / Fraction(positive)
        units[member] = math.floor(share / Fraction(_decimal(spec.round_unit)) + Fraction(1, 2))  # half up
    return units


def _over_target(members: dict[str | None, Decimal], locked: dict[str | None, Decimal]) -> list[str | None]:
    return [member for member, target in members.items() if locked[member] > 0 and locked[member] >= target]


def _owner(spec: TargetSpec, member: str | None) -> str:
    if spec.split_dimension is None:
        return f"target {spec.name}"
    return f"{spec.split_dimension} = {'NULL' if member is None else repr(member)}"


def _respread(spec: TargetSpec, months: dict[str | None, list[Part]], remaining: dict[str | None, int]) -> list[SpreadRow]:
    month_rows: list[SpreadRow] = []
    week_rows: list[SpreadRow] = []
    for member, parts in months.items():
        open_parts = [part for part in parts if not part.month.locked]
        units, quotas = apportion(remaining[member], [part.open_weight for part in open_parts])
        share = {id(part): (count, quota) for part, count, quota in zip(open_parts, units, quotas, strict=True)}
        for part in parts:
            count, quota = share.get(id(part), (0, Fraction(0)))
            month_rows.append(_month_row(spec, part, count, quota))
            week_rows += _week_rows(spec, part, count)
    return month_rows + week_rows


def _month_row(spec: TargetSpec, part: Part, units: int, quota: Fraction) -> SpreadRow:
    actual = part.actual if part.has_locked_part else None
    base = actual or Decimal(0)
    if part.month.locked:
        return part.month.model_copy(update={"target": float(base), "unrounded": float(base), "actual": float(base)})
    return part.month.model_copy(update={
        "weight": part.open_weight,
        "target": _plus_units(base, units, spec.round_unit),
        "unrounded": float(base + _decimal(float(quota) * spec.round_unit)),
        "actual": None if actual is None else float(actual),
    })


def _week_rows(spec: TargetSpec, part: Part, month_units: int) -> list[SpreadRow]:
    if not part.weeks:
        return []
    open_weeks = [week for week, done in zip(part.weeks, part.locked_weeks, strict=True) if not done]
    units, quotas = apportion(month_units, [float(week.workdays) for week in open_weeks])
    share = {week.start: (count, quota) for week, count, quota in zip(open_weeks, units, quotas, strict=True)}
    rows = []
    for week, done, actual in zip(part.weeks, part.locked_weeks, part.week_actuals, strict=True):
        if done:
            rows.append(week.model_copy(update={"locked": True, "actual": float(actual), "target": float(actual),
                                               "unrounded": float(actual)}))
            continue
        count, quota = share[week.start]
        rows.append(week.model_copy(update={"target": from_units(count, spec.round_unit),
                                            "unrounded": float(quota) * spec.round_unit}))
    return rows


def _split_row(row: SplitRow, actual: Decimal, units: int, unit: float) -> SplitRow:
    return row.model_copy(update={"actual": float(actual), "remaining": from_units(units, unit)})


def _summary(spec: TargetSpec, plan: PlanResult, horizon: date | None, locked: dict[str | None, Decimal],
             remaining: dict[str | None, int]) -> Replan:
    actual = sum(locked.values(), Decimal(0))
    spread = sum((Decimal(units) * _decimal(spec.round_unit) for units in remaining.values()), Decimal(0))
    target = _decimal(plan.target_value)
    members = _members(spec, plan)
    return Replan(
        locked_through=horizon,
        actual=float(actual),
        remaining_target=float(target - actual),
        remaining=float(spread),
        planned=float(actual + spread),
        difference=float(actual + spread - target),
        over_target=_over_target(members, locked),
    )


def _plus_units(base: Decimal, units: int, unit: float) -> float:
    return float(base + Decimal(units) * _decimal(unit))


def _decimal(value: float) -> Decimal:
    return Decimal(repr(value))


__all__ = ["lock_horizon", "replan", "replan_problem"]
