"""The xlsx plan recalculates (with the `formulas` package) to the engine's numbers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support.workbooks import Values, recalculate

from metricdsl.allocate import Baseline, CalendarSpec, DateRange, DriverSpec, PlanResult, TargetSpec, TreeEdge, allocate
from metricdsl.allocate.engine import month_buckets
from metricdsl.allocate.mermaid import driver_tree_mermaid
from metricdsl.allocate.report import plan_report, to_csv
from metricdsl.allocate.workbook import write_workbook

pytest.importorskip("formulas")

SEASON = [0.06, 0.05, 0.08, 0.08, 0.09, 0.09, 0.08, 0.08, 0.09, 0.09, 0.10, 0.11]


def split_plan() -> tuple[TargetSpec, PlanResult]:
    spec = TargetSpec(
        name="revenue_h1",
        label="2027 上半年",
        metric="revenue",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 6, 30),
        baseline_start=date(2026, 1, 1),
        baseline_end=date(2026, 6, 30),
        value=25e9,
        tree=[
            TreeEdge(parent="revenue", children=["aov", "buyers"]),
            TreeEdge(parent="buyers", children=["reach", "conversion"]),
        ],
        drivers={
            "aov": DriverSpec(metric="aov", fixed=True),
            "reach": DriverSpec(metric="reach", weight=2),
            "conversion": DriverSpec(metric="conversion", cap=1.5),
        },
        split_dimension="product",
        split_missing="equal",
        spread_grains=["month", "week"],
        spread_calendar=CalendarSpec(
            name="cn",
            country="CN",
            closed=[DateRange(start=date(2027, 2, 15), end=date(2027, 2, 17))],
            open=[date(2027, 2, 20)],
        ),
        round_unit=10_000,
    )
    members: dict[str | None, float] = {"信贷A": 1.5e9, "保险B": 0.7e9, "基金C": 0.3e9, "新品E": 0.0}
    months: dict[tuple[str | None, date], float] = {
        (member, bucket.start): value * SEASON[index] * 2
        for member, value in members.items()
        if value
        for index, bucket in enumerate(month_buckets(date(2026, 1, 1), date(2026, 6, 30)))
        if member != "基金C" or index != 3  # 基金C has no April: it follows the overall profile
    }
    baseline = Baseline(
        total=2.5e9,
        drivers={"aov": 1000.0, "buyers": 2.5e6, "reach": 5e7, "conversion": 0.05},
        members=members,
        member_months=months,
    )
    return spec, allocate(spec, baseline)


def plain_plan() -> tuple[TargetSpec, PlanResult]:
    spec = TargetSpec(
        name="orders_2027",
        metric="orders",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 12, 31),
        baseline_start=date(2026, 1, 1),
        baseline_end=date(2026, 12, 31),
        growth=1.2,
        round_unit=1,
    )
    months: dict[tuple[str | None, date], float] = {
        (None, bucket.start): 10_000 * share
        for bucket, share in zip(month_buckets(date(2026, 1, 1), date(2026, 12, 31)), SEASON, strict=True)
    }
    return spec, allocate(spec, Baseline(total=10_000.0, member_months=months))


def column_of(path: Path) -> Callable[[str, str], str]:
    book = openpyxl.load_workbook(path)

    def find(sheet: str, header: str) -> str:
        for cell in book[sheet][1]:
            if cell.value == header:
                return str(cell.column_letter)
        raise KeyError(f"{sheet} has no column {header}")

    return find


def assert_close(actual: Any, expected: float, where: str) -> None:
    assert float(actual) == pytest.approx(expected, rel=1e-9, abs=1e-6), where


def assert_checks_are_zero(values: Values, path: Path) -> int:
    sheet = openpyxl.load_workbook(path)["Plan"]
    checks = [row[0].row for row in sheet.iter_rows() if str(row[0].value).startswith("check:")]
    for row in checks:
        assert float(values[("PLAN", f"B{row}")]) == 0, sheet[f"A{row}"].value
    return len(checks)


def assert_rows_match(values: Values, path: Path, sheet: str, rows: list[Any], fields: dict[str, str]) -> None:
    column = column_of(path)
    for n, row in enumerate(rows, start=2):
        for header, field in fields.items():
            expected = getattr(row, field)
            actual = values[(sheet.upper(), f"{column(sheet, header)}{n}")]
            if isinstance(expected, bool):
                assert bool(actual) is expected, f"{sheet}!{header}{n}"
            elif expected is not None:
                assert_close(actual, expected, f"{sheet}!{header}{n}")


@pytest.fixture(scope="module")
def split_workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[PlanResult, Path, Values]:
    spec, result = split_plan()
    path = tmp_path_factory.mktemp("plan") / "plan.xlsx"
    write_workbook(result, spec, path)
    return result, path, recalculate(path)


def test_the_recalculated_plan_equals_the_engine(split_workbook: tuple[PlanResult, Path, Values]) -> None:
    result, path, values = split_workbook
    assert_close(values[("PLAN", "B12")], result.target_value, "target value")
    assert_close(values[("PLAN", "B11")], result.multiplier or 0, "plan multiplier")
    assert_rows_match(
        values, path, "Drivers", result.drivers, {"multiplier": "multiplier", "target": "target", "capped": "capped"}
    )
    assert_rows_match(
        values, path, "Split", result.split, {"weight": "weight", "unrounded": "unrounded", "target": "target"}
    )
    months = [row for row in result.spread if row.grain == "month"]
    weeks = [row for row in result.spread if row.grain == "week"]
    assert_rows_match(
        values, path, "Months", months, {"weight": "weight", "unrounded": "unrounded", "target": "target"}
    )
    assert_rows_match(values, path, "Weeks", weeks, {"weight": "weight", "unrounded": "unrounded", "target": "target"})
    assert assert_checks_are_zero(values, path) == 5


def test_the_split_plan_exercises_missing_members_and_profiles(split_workbook: tuple[PlanResult, Path, Values]) -> None:
    result, _, _ = split_workbook
    assert {row.member: row.target for row in result.split}["新品E"] == 6.25e9  # the equal share 1/4
    assert {row.profile for row in result.spread if row.member == "基金C" and row.grain == "month"} == {"overall"}
    assert [row.capped for row in result.drivers] == [False, False, False, False, True]


def test_editing_a_multiplier_flows_through_and_the_sums_still_hold(
    split_workbook: tuple[PlanResult, Path, Values], tmp_path: Path
) -> None:
    result, path, _ = split_workbook
    book = openpyxl.load_workbook(path)
    reach_row = next(n for n, row in enumerate(result.drivers, start=2) if row.metric == "reach")
    book["Drivers"][f"E{reach_row}"] = 7.0
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    values = recalculate(edited)
    assert float(values[("PLAN", "B12")]) == 2.5e9 * 7 * 1.5  # 26.25bn, a multiple of the unit
    sheet = book["Plan"]
    checks = {str(sheet[f"A{n}"].value): float(values[("PLAN", f"B{n}")]) for n in range(14, 19)}
    assert checks["check: product of leaf multipliers − target multiplier"] == pytest.approx(0.5)
    assert [value for label, value in checks.items() if "Σ" in label] == [0, 0, 0]
    assert float(values[("SPLIT", "H2")]) != result.split[0].target


def test_a_plan_without_split_or_tree_recalculates(tmp_path: Path) -> None:
    spec, result = plain_plan()
    path = tmp_path / "plain.xlsx"
    write_workbook(result, spec, path)
    values = recalculate(path)
    assert result.target_value == 12_000 and sum(row.target for row in result.spread) == 12_000
    assert_close(values[("PLAN", "B12")], 12_000, "target value")
    assert_rows_match(
        values, path, "Months", result.spread, {"weight": "weight", "unrounded": "unrounded", "target": "target"}
    )
    assert assert_checks_are_zero(values, path) == 3  # multiplier, caps, months
    assert "Split" not in openpyxl.load_workbook(path).sheetnames


def test_mermaid_marks_fixed_and_capped_drivers() -> None:
    spec, result = split_plan()
    text = driver_tree_mermaid(result, spec)
    assert text.startswith("graph TD\n")
    assert '  conversion["conversion<br/>0.05 → 0.075<br/>×1.5 (capped at 1.5x)"]' in text
    assert "  buyers --> reach" in text and "  class aov fixed" in text and "  class conversion capped" in text


def test_csv_is_one_long_table(split_workbook: tuple[PlanResult, Path, Values]) -> None:
    result, _, _ = split_workbook
    lines = to_csv(result).splitlines()
    assert lines[0] == "section,grain,start,member,baseline,target"
    assert lines[1] == "total,period,2027-01-01,,2500000000,25000000000"
    assert "split,period,2027-01-01,新品E,0,6250000000" in lines
    assert len(lines) == 1 + 1 + len(result.drivers) + len(result.split) + len(result.spread)


def test_the_terminal_report_renders() -> None:
    from rich.console import Console

    _, result = split_plan()
    console = Console(width=120, record=True)
    console.print(plan_report(result))
    text = console.export_text()
    assert "capped at 1.5x" in text and "2027-02" in text and "新品E" in text and "warning:" in text
