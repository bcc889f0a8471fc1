"""What a previewer, pandas and an analyst see in the plan workbook: cached values beside every
formula (equal to a recalculation by the `formulas` package), number formats, real dates, member
names written as text, and the note that an edited cap only flags."""

from __future__ import annotations

import datetime
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from support.workbooks import recalculate

from metricdsl.allocate import Baseline, CalendarSpec, DriverSpec, PlanResult, TargetSpec, TreeEdge, allocate
from metricdsl.allocate.engine import month_buckets
from metricdsl.allocate.workbook import CAP_NOTE, write_workbook
from metricdsl.allocate.xlsx_values import excel_round, largest_remainder
from metricdsl.ir.formats import NumberFormat, parse_format

pytest.importorskip("formulas")

HOSTILE = ["=1+1", "@SUM(A1:A2)", "+cmd|' /C calc'!A0", "-2+3", "普通产品"]
FORMATS = {"revenue": parse_format("¥#,##0"), "conversion": parse_format("0.00%"), "buyers": parse_format("#,##0")}


def hostile_plan() -> tuple[TargetSpec, PlanResult]:
    spec = TargetSpec(
        name="revenue_2027",
        label="=label",
        metric="revenue",
        period_start=date(2027, 1, 1),
        period_end=date(2027, 3, 31),
        baseline_start=date(2026, 1, 1),
        baseline_end=date(2026, 3, 31),
        growth=1.3,
        tree=[TreeEdge(parent="revenue", children=["aov", "buyers"]),
              TreeEdge(parent="buyers", children=["reach", "conversion"])],
        drivers={"aov": DriverSpec(metric="aov", fixed=True), "conversion": DriverSpec(metric="conversion", cap=1.1)},
        split_dimension="product",
        spread_grains=["month", "week"],
        spread_calendar=CalendarSpec(name="cn", country="CN"),
        round_unit=1_000,
    )
    members: dict[str | None, float] = {name: 1e6 * (i + 1) for i, name in enumerate(HOSTILE)}
    months = {(member, bucket.start): value / 12 * (1 + index % 3)
              for member, value in members.items()
              for index, bucket in enumerate(month_buckets(date(2026, 1, 1), date(2026, 3, 31)))}
    baseline = Baseline(total=sum(members.values()), members=members, member_months=months,
                        drivers={"aov": 500.0, "buyers": 30_000.0, "reach": 600_000.0, "conversion": 0.05})
    return spec, allocate(spec, baseline)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[PlanResult, Path]:
    spec, result = hostile_plan()
    path = tmp_path_factory.mktemp("xlsx") / "plan.xlsx"
    write_workbook(result, spec, path, FORMATS)
    return result, path


def formula_cells(path: Path) -> list[tuple[str, str]]:
    book = openpyxl.load_workbook(path)
    return [(sheet.title, cell.coordinate) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.data_type == "f"]


def test_every_formula_has_its_recalculated_value_cached(workbook: tuple[PlanResult, Path]) -> None:
    _, path = workbook
    cached = openpyxl.load_workbook(path, data_only=True)
    recalculated = recalculate(path)
    cells = formula_cells(path)
    assert len(cells) > 300
    for sheet, address in cells:
        value = cached[sheet][address].value
        expected = recalculated[(sheet.upper(), address)]
        assert value is not None, f"{sheet}!{address} has no cached value"
        if isinstance(value, bool) or isinstance(expected, (bool,)) or str(expected) in ("True", "False"):
            assert bool(value) == (str(expected) == "True" or expected is True), f"{sheet}!{address}"
        else:
            assert float(value) == pytest.approx(float(expected), rel=1e-9, abs=1e-6), f"{sheet}!{address}"


def test_a_reader_without_formulas_sees_numbers(workbook: tuple[PlanResult, Path]) -> None:
    """What pandas.read_excel and previewers read: the cached values (openpyxl `data_only=True`)."""
    result, path = workbook
    book = openpyxl.load_workbook(path, data_only=True)
    split = book["Split"]
    assert [split[f"H{n}"].value for n in range(2, 2 + len(result.split))] == [row.target for row in result.split]
    assert sum(split[f"I{n}"].value for n in range(2, 2 + len(result.split))) == pytest.approx(1.0)
    assert book["Plan"]["B12"].value == result.target_value


def test_member_names_are_text_never_formulas(workbook: tuple[PlanResult, Path]) -> None:
    _, path = workbook
    book = openpyxl.load_workbook(path)
    members = [cell.value for cell in book["Split"]["A"][1:]]
    assert sorted(members) == sorted(HOSTILE)
    assert all(cell.data_type == "s" for cell in book["Split"]["A"][1:])
    assert {cell.value for cell in book["Months"]["A"][1:]} == set(HOSTILE)
    assert book["Plan"]["B2"].value == "=label" and book["Plan"]["B2"].data_type == "s"
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/"))
    assert "<f>1+1</f>" not in xml and "<f>SUM(A1:A2)</f>" not in xml
    assert not any(formula.startswith(("1+1", "@", "cmd", "2+3")) for formula in _formulas(xml))


def _formulas(xml: str) -> list[str]:
    return [part.split("</f>", 1)[0] for part in xml.split("<f>")[1:]]


def test_number_formats_and_dates(workbook: tuple[PlanResult, Path]) -> None:
    _, path = workbook
    book = openpyxl.load_workbook(path)
    plan, drivers, split, months, weeks = (book[name] for name in ("Plan", "Drivers", "Split", "Months", "Weeks"))
    assert plan["B12"].number_format == '"¥"#,##0' and plan["B11"].number_format == "0.00%"
    rows = {drivers[f"A{n}"].value: n for n in range(2, 7)}
    assert drivers[f"D{rows['revenue']}"].number_format == '"¥"#,##0'
    assert drivers[f"D{rows['conversion']}"].number_format == "0.00%"
    assert drivers[f"F{rows['buyers']}"].number_format == "#,##0"
    assert drivers[f"E{rows['reach']}"].number_format == "0.00%"
    assert split["I2"].number_format == "0.0%" and split["H2"].number_format == '"¥"#,##0'
    assert isinstance(months["B2"].value, datetime.datetime) and months["B2"].number_format == "yyyy-mm-dd"
    assert months["B2"].value.date() == date(2027, 1, 1)
    assert isinstance(weeks["C2"].value, datetime.datetime) and weeks["D2"].number_format == "yyyy-mm-dd"


def test_the_drivers_sheet_says_an_edited_cap_only_flags(workbook: tuple[PlanResult, Path], tmp_path: Path) -> None:
    result, path = workbook
    book = openpyxl.load_workbook(path)
    drivers = book["Drivers"]
    notes = [cell.value for row in drivers.iter_rows() for cell in row if isinstance(cell.value, str)
             and cell.value.startswith("Caps only flag")]
    assert notes == [CAP_NOTE]
    row = next(n for n in range(2, 7) if drivers[f"A{n}"].value == "reach")
    drivers[f"H{row}"] = 1.01  # a cap below the planned multiplier of reach
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    values = recalculate(edited)
    assert int(values[("DRIVERS", f"K{row}")]) == 1
    reach = next(driver for driver in result.drivers if driver.metric == "reach")
    assert float(values[("DRIVERS", f"E{row}")]) == pytest.approx(reach.multiplier)  # not re-balanced
    plan = book["Plan"]
    check = next(n for n in range(13, 20) if plan[f"A{n}"].value == "check: multipliers above their cap")
    assert int(values[("PLAN", f"B{check}")]) == 1


def test_excel_round_and_largest_remainder() -> None:
    assert excel_round(2.5, 0) == 3 and excel_round(-2.5, 0) == -3 and excel_round(0.125, 2) == 0.13
    rows = largest_remainder([1.0, 1.0, 1.0], 100.0, 1.0)
    assert [target for *_, target in rows] == [34.0, 33.0, 33.0]
    assert [floor for _, floor, _, _ in rows] == [33, 33, 33]


def test_number_format_language() -> None:
    cases = {
        "0": (1234.5, "1235"), "0.00": (1234.5, "1234.50"), "#,##0": (1234.5, "1,235"),
        "#,##0.00": (-1234.567, "-1,234.57"), "0.0%": (0.1234, "12.3%"), "¥#,##0.00": (-1234.5, "-¥1,234.50"),
        "#,##0 元": (1234.5, "1,235 元"), '"CNY "#,##0': (1234.5, "CNY 1,235"), "0.0x": (1.25, "1.3x"),
    }
    for text, (value, shown) in cases.items():
        assert parse_format(text).render(value) == shown, text
    assert parse_format("#,##0.00").excel_code == "#,##0.00"
    assert parse_format("¥#,##0").excel_code == '"¥"#,##0'
    assert NumberFormat(percent=True, decimals=1).excel_code == "0.0%"
    for bad in ("", "abc", "0.0.0", "#,#0", "%0", "0;0", "[Red]0", "0.5"):
        with pytest.raises(ValueError, match="unknown number format"):
            parse_format(bad)


def test_plan_csv_neutralises_member_names(workbook: tuple[PlanResult, Path]) -> None:
    from metricdsl.allocate.report import to_csv

    result, _ = workbook
    lines = to_csv(result).splitlines()
    splits = {line.split(",")[3] for line in lines if line.startswith("split,")}
    assert splits == {"'=1+1", "'@SUM(A1:A2)", "\"'+cmd|' /C calc'!A0\"".strip('"'), "'-2+3", "普通产品"}
    assert "split,period,2027-01-01,'=1+1," in to_csv(result)


def test_the_report_uses_the_metric_formats(workbook: tuple[PlanResult, Path]) -> None:
    from rich.console import Console

    from metricdsl.allocate.report import plan_report

    result, _ = workbook
    console = Console(width=120, record=True)
    console.print(plan_report(result, FORMATS))
    text = console.export_text()
    assert "revenue 2027-01-01 .. 2027-03-31: ¥15m → ¥19.5m" in text
    assert "5.00%" in text  # conversion's baseline in its percent format
