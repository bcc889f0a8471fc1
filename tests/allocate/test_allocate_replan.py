"""Re-planning mid-period (`allocate.replan`): the invariants of docs/planning.md "Re-planning",
checked against plain-Python sums of the actuals, and the workbook recalculated with `formulas`."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support.workbooks import recalculate

from metricdsl.allocate import Baseline, CalendarSpec, PlanResult, TargetSpec
from metricdsl.allocate.engine import month_buckets
from metricdsl.allocate.models import Actuals
from metricdsl.allocate.replan import lock_horizon, replan, replan_problem
from metricdsl.allocate.replan_workbook import write_replan_workbook
from metricdsl.allocate.report import plan_report, to_csv

SEASON = [0.06, 0.05, 0.08, 0.08, 0.09, 0.09, 0.08, 0.08, 0.09, 0.09, 0.10, 0.11]
MEMBERS = {"信贷A": 600_000.0, "保险B": 300_000.0, "基金C": 100_000.0}


def spec(grains: list[str] | None = None, split: bool = True, unit: float = 1_000) -> TargetSpec:
    return TargetSpec(
        name="revenue_2026", metric="revenue",
        period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
        baseline_start=date(2025, 1, 1), baseline_end=date(2025, 12, 31),
        growth=1.2, split_dimension="product" if split else None,
        spread_grains=grains or ["month", "week"], spread_calendar=CalendarSpec(name="cn", country="CN"),
        round_unit=unit,
    )


def baseline(split: bool = True) -> Baseline:
    members: dict[str | None, float] = dict(MEMBERS) if split else {None: sum(MEMBERS.values())}
    months = {(member, bucket.start): value * SEASON[index]
              for member, value in members.items()
              for index, bucket in enumerate(month_buckets(date(2025, 1, 1), date(2025, 12, 31)))}
    return Baseline(total=sum(MEMBERS.values()), members=members if split else {}, member_months=months)


def daily_actuals(through: date, pace: dict[str | None, float]) -> dict[tuple[str | None, date], float]:
    """Each member sells `pace` × its baseline per year, evenly over the days, in cents."""
    days: dict[tuple[str | None, date], float] = {}
    day = date(2026, 1, 1)
    while day <= through:
        for member, factor in pace.items():
            base = MEMBERS[member] if member is not None else sum(MEMBERS.values())
            days[(member, day)] = round(base * factor / 365 + (day.day % 7) * 13.37, 2)
        day += timedelta(days=1)
    return days


def iso_pieces(start: date, end: date) -> list[tuple[date, date]]:
    pieces, monday = [], start - timedelta(days=start.weekday())
    while monday <= end:
        pieces.append((max(monday, start), min(monday + timedelta(days=6), end)))
        monday += timedelta(days=7)
    return pieces


def reference_sum(days: dict[tuple[str | None, date], float], member: str | None, start: date, end: date) -> Decimal:
    return sum((Decimal(repr(v)) for (m, d), v in days.items() if m == member and start <= d <= end), Decimal(0))


def assert_invariants(plan: PlanResult, target: TargetSpec, days: dict[tuple[str | None, date], float],
                      through: date) -> None:
    """Locked buckets = actuals; re-spread parts are whole units summing to each member's rounded share;
    weeks sum to months; the period is within half a unit per member of the target."""
    assert plan.replan is not None and plan.actuals_through == through
    unit = Decimal(repr(target.round_unit))
    members = [row.member for row in plan.split] if plan.split else [None]
    targets = {row.member: Decimal(repr(row.target)) for row in plan.split} or {None: Decimal(repr(plan.target_value))}
    months = {(r.member, r.start): r for r in plan.spread if r.grain == "month"}
    weeks = [r for r in plan.spread if r.grain == "week"]
    horizon = lock_horizon(target, through)
    locked_actual: dict[str | None, Decimal] = defaultdict(Decimal)
    for (member, start), row in months.items():
        assert row.locked == (row.end <= through)
        part_end = row.end if row.locked else max((e for s, e in iso_pieces(row.start, row.end) if e <= through
                                                    and "week" in target.spread_grains), default=None)
        actual = reference_sum(days, member, row.start, part_end) if part_end else Decimal(0)
        locked_actual[member] += actual
        if row.locked:
            assert Decimal(repr(row.target)) == actual == Decimal(repr(row.actual))
        else:
            respread = Decimal(repr(row.target)) - actual
            assert respread >= 0 and respread % unit == 0, row
    assert horizon is None or horizon <= through
    left_total = Decimal(repr(plan.target_value)) - sum(locked_actual.values(), Decimal(0))
    positive = sum((max(Decimal(0), targets[m] - locked_actual[m]) for m in members), Decimal(0))
    total = Decimal(0)
    for member in members:
        member_total = sum((Decimal(repr(r.target)) for (m, _), r in months.items() if m == member), Decimal(0))
        respread = member_total - locked_actual[member]
        left = targets[member] - locked_actual[member]
        share = Decimal(0) if left <= 0 or left_total <= 0 else left * left_total / positive
        assert respread == (share / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit, member
        total += member_total
    assert abs(total - Decimal(repr(plan.target_value))) <= unit / 2 * len(members) or left_total <= 0
    assert plan.replan.difference == pytest.approx(float(total - Decimal(repr(plan.target_value))), abs=1e-6)
    for week in weeks:
        assert week.locked == (week.end <= through)
        if week.locked:
            assert Decimal(repr(week.target)) == reference_sum(days, week.member, week.start, week.end)
    by_month: dict[tuple[str | None, date], Decimal] = defaultdict(Decimal)
    for week in weeks:
        by_month[(week.member, week.start.replace(day=1))] += Decimal(repr(week.target))
    if weeks:
        assert by_month == {key: Decimal(repr(row.target)) for key, row in months.items()}


@pytest.mark.parametrize("through", [date(2026, 6, 30), date(2026, 6, 17), date(2026, 1, 2), date(2026, 12, 30)])
def test_replan_keeps_every_invariant(through: date) -> None:
    days = daily_actuals(through, {"信贷A": 1.1, "保险B": 1.3, "基金C": 0.9})
    target = spec()
    plan = replan(target, baseline(), Actuals(through=through, member_days=days))
    assert_invariants(plan, target, days, through)


def test_months_only_and_without_split() -> None:
    through = date(2026, 3, 20)
    days = daily_actuals(through, {None: 1.25})
    target = spec(["month"], split=False, unit=100)
    plan = replan(target, baseline(split=False), Actuals(through=through, member_days=days))
    assert_invariants(plan, target, days, through)
    assert [row.locked for row in plan.spread][:3] == [True, True, False]
    assert plan.spread[2].actual is None  # without weeks, March has no locked part


def test_a_member_above_its_target_gets_0_and_the_others_share_the_remaining_target() -> None:
    through = date(2026, 8, 31)
    days = daily_actuals(through, {"信贷A": 1.0, "保险B": 3.0, "基金C": 1.0})  # 保险B passes its year by August
    target = spec()
    plan = replan(target, baseline(), Actuals(through=through, member_days=days))
    assert_invariants(plan, target, days, through)
    assert plan.replan is not None and plan.replan.over_target == ["保险B"]
    assert all(r.target == 0 for r in plan.spread if r.member == "保险B" and not r.locked)
    split = {row.member: row for row in plan.split}
    assert split["保险B"].remaining == 0
    # the remaining target (target − all actuals) is still reached by the others, within a unit each
    assert plan.replan.planned == pytest.approx(plan.target_value, abs=target.round_unit * 3 / 2)
    others = split["信贷A"].target - split["信贷A"].actual + split["基金C"].target - split["基金C"].actual  # type: ignore[operator]
    assert split["信贷A"].remaining + split["基金C"].remaining < others  # type: ignore[operator]
    assert any("保险B" in warning for warning in plan.warnings)


def test_actuals_past_the_whole_target_leave_0_and_state_the_difference() -> None:
    through = date(2026, 10, 31)
    days = daily_actuals(through, {"信贷A": 2.0, "保险B": 2.0, "基金C": 2.0})
    target = spec()
    plan = replan(target, baseline(), Actuals(through=through, member_days=days))
    assert plan.replan is not None and plan.replan.remaining == 0
    assert all(r.target == 0 for r in plan.spread if not r.locked)
    assert plan.replan.difference == pytest.approx(plan.replan.actual - plan.target_value)
    assert plan.replan.difference > 0
    assert_invariants(plan, target, days, through)


def test_actuals_of_unknown_members_warn_and_do_not_count() -> None:
    through = date(2026, 2, 28)
    days = daily_actuals(through, {"信贷A": 1.0, "保险B": 1.0, "基金C": 1.0})
    days[("新品E", date(2026, 1, 5))] = 500.0
    plan = replan(spec(), baseline(), Actuals(through=through, member_days=days))
    assert any("新品E" in warning and "no target" in warning for warning in plan.warnings)
    assert plan.replan is not None
    assert plan.replan.actual == pytest.approx(sum(v for (m, _), v in days.items() if m != "新品E"))


def test_lock_horizon_and_problems() -> None:
    target = spec()
    assert lock_horizon(target, date(2026, 6, 30)) == date(2026, 6, 30)
    assert lock_horizon(target, date(2026, 6, 17)) == date(2026, 6, 14)  # the week of 2026-06-08 ends on Sunday 14
    assert lock_horizon(spec(["month"]), date(2026, 6, 17)) == date(2026, 5, 31)
    assert lock_horizon(target, date(2026, 1, 2)) is None  # 2026-01-01 is a Thursday: its week ends on the 4th
    assert replan_problem(target, date(2026, 6, 30)) is None
    outside = replan_problem(target, date(2027, 1, 5))
    assert outside is not None and "outside the period" in outside[0] and "2026-12-30" in outside[1]
    assert replan_problem(target, date(2025, 12, 31)) is not None
    last = replan_problem(target, date(2026, 12, 31))
    assert last is not None and "nothing is left" in last[0]
    unspread = replan_problem(spec().model_copy(update={"spread_grains": []}), date(2026, 6, 30))
    assert unspread is not None and "spread" in unspread[0]


def test_report_and_csv_show_locked_and_respread_apart() -> None:
    through = date(2026, 6, 17)
    days = daily_actuals(through, {"信贷A": 1.0, "保险B": 3.0, "基金C": 1.0})
    plan = replan(spec(), baseline(), Actuals(through=through, member_days=days))
    from rich.console import Console

    console = Console(width=140, record=True, force_terminal=False)
    console.print(plan_report(plan))
    text = console.export_text()
    assert "Locked months: actuals through 2026-06-14" in text and "Re-spread months" in text
    assert "difference" in text and "above target" in text
    lines = to_csv(plan).splitlines()
    assert lines[0] == "section,grain,start,member,baseline,target,locked,actual"
    assert lines[2].startswith("planned,") and lines[3].startswith("difference,")
    assert any(line.startswith("spread,week,2026-06-08,信贷A,") and ",true," in line for line in lines)
    assert any(line.startswith("spread,week,2026-06-15,信贷A,") and ",false," in line for line in lines)


# --- the workbook ------------------------------------------------------------------------------

pytest.importorskip("formulas")


def number(value: Any) -> float:
    return float(value) if not isinstance(value, str) else math.nan


@pytest.fixture(scope="module")
def replan_workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[PlanResult, Path, dict[tuple[str, str], Any]]:
    through = date(2026, 9, 16)  # mid-month and mid-week, with 保险B above its target
    days = daily_actuals(through, {"信贷A": 1.0, "保险B": 2.5, "基金C": 1.1})
    target = spec()
    plan = replan(target, baseline(), Actuals(through=through, member_days=days))
    path = tmp_path_factory.mktemp("replan") / "replan.xlsx"
    write_replan_workbook(plan, target, path)
    return plan, path, recalculate(path)


def test_the_recalculated_replan_workbook_equals_the_engine(
    replan_workbook: tuple[PlanResult, Path, dict[tuple[str, str], Any]],
) -> None:
    plan, path, values = replan_workbook
    assert plan.replan is not None
    book = openpyxl.load_workbook(path)
    months = [row for row in plan.spread if row.grain == "month"]
    weeks = [row for row in plan.spread if row.grain == "week"]
    for n, row in enumerate(months, start=2):
        assert number(values[("MONTHS", f"S{n}")]) == pytest.approx(row.target, abs=1e-6), (n, row)
        is_formula = isinstance(book["Months"][f"M{n}"].value, str)
        assert is_formula != row.locked  # locked months are values, the re-spread live formulas
    for n, row in enumerate(weeks, start=2):
        assert number(values[("WEEKS", f"P{n}")]) == pytest.approx(row.target, abs=1e-6), (n, row)
    for n, row in enumerate(plan.split, start=2):
        assert number(values[("SPLIT", f"N{n}")]) == pytest.approx(row.remaining, abs=1e-6)
    assert number(values[("PLAN", "E8")]) == pytest.approx(plan.replan.difference, abs=1e-6)
    assert number(values[("PLAN", "E7")]) == pytest.approx(plan.replan.planned, abs=1e-6)
    checks = [number(values[("PLAN", f"B{r}")]) for r in range(14, 19)]
    assert checks == [0.0] * len(checks)


def test_editing_an_actual_recomputes_the_respread(
    replan_workbook: tuple[PlanResult, Path, dict[tuple[str, str], Any]], tmp_path: Path,
) -> None:
    plan, path, _ = replan_workbook
    book = openpyxl.load_workbook(path)
    book["Split"]["J2"] = book["Split"]["J2"].value + 50_000  # the first member sold 50k more
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    values = recalculate(edited)
    first = plan.split[0]
    actuals = [(row.actual or 0.0) + (50_000 if row is first else 0) for row in plan.split]
    bases = [max(0.0, row.target - actual) for row, actual in zip(plan.split, actuals, strict=True)]
    share = (plan.target_value - sum(actuals)) * bases[0] / sum(bases)  # 保险B is above target: a share, not all
    assert number(values[("SPLIT", "N2")]) == round(share / plan.unit) * plan.unit
    months = [row for row in plan.spread if row.grain == "month"]
    respread = sum(number(values[("MONTHS", f"M{n}")]) for n, row in enumerate(months, start=2)
                   if row.member == first.member)
    assert respread == pytest.approx(number(values[("SPLIT", "N2")]), abs=1e-6)
    assert number(values[("PLAN", "B17")]) == 0.0  # Σ months − parent still holds


def test_a_replan_without_split_or_weeks_recalculates(tmp_path: Path) -> None:
    through = date(2026, 4, 30)
    days = daily_actuals(through, {None: 1.4})
    target = spec(["month"], split=False, unit=100)
    plan = replan(target, baseline(split=False), Actuals(through=through, member_days=days))
    path = tmp_path / "plain.xlsx"
    write_replan_workbook(plan, target, path)
    values = recalculate(path)
    assert plan.replan is not None
    for n, row in enumerate(plan.spread, start=2):
        assert number(values[("MONTHS", f"S{n}")]) == pytest.approx(row.target, abs=1e-6), (n, row)
    assert number(values[("PLAN", "E6")]) == pytest.approx(plan.replan.remaining, abs=1e-6)
    assert number(values[("PLAN", "E8")]) == pytest.approx(plan.replan.difference, abs=1e-6)
