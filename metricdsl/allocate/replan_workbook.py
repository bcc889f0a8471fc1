"""The workbook of a re-plan (`plan --actuals-through DATE --format xlsx`): the plan's workbook
(`workbook.py`) with the locked buckets as values and the rest as live formulas.

* Plan sheet, cells D1:E8: actuals through, locked through, the actuals of the locked buckets,
  what is left to reach (target − actuals), the re-spread, the planned period total and the
  difference from the target.
* Split sheet, columns J–N: each member's `actual` (an input), `left` (target − actual), `share
  basis` (left, or 0 for a member at or above its target), `remaining` (the period's left ×
  basis / Σ basis) and `re-spread` (remaining rounded to the unit).
* Months and Weeks sheets: a locked bucket is a row of values (its `actual`, re-spread 0). The
  open buckets of a member (of a month) share its re-spread with the plan's largest-remainder
  formulas; a month's weight counts only its open working days (`workdays − locked workdays`).
  `target` = `actual` (of the locked part) + `re-spread`.

Editing an actual, a locked-workdays cell or any input of the plan recomputes the re-spread.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from openpyxl.worksheet.worksheet import Worksheet

from metricdsl.allocate.models import PlanResult, SpreadRow, TargetSpec
from metricdsl.allocate.workbook import (
    BOLD,
    COUNT,
    DETAIL,
    INPUT_FILL,
    MONTH_HEADERS,
    WEEK_HEADERS,
    F,
    PlanCells,
    Ref,
    _Block,
    _blocks,
    _header,
    _mark_inputs,
    _member,
    _Sheets,
    _value,
    _widths,
    write_workbook,
)
from metricdsl.allocate.xlsx_values import excel_round
from metricdsl.ir.formats import NumberFormat

SPLIT_COLUMNS = ("actual", "left", "share basis", "remaining", "re-spread")
MONTH_COLUMNS = (*MONTH_HEADERS[:12], "re-spread", "parent", "Σ − parent", "locked workdays", "actual", "locked",
                 "target")
WEEK_COLUMNS = (*WEEK_HEADERS[:10], "re-spread", "parent", "Σ − parent", "actual", "locked", "target")
ACTUAL, LEFT, RESPREAD = "Plan!$E$4", "Plan!$E$5", "Plan!$E$6"

MonthKey = tuple[str | None, str]


def write_replan_workbook(result: PlanResult, spec: TargetSpec, path: str | Path,
                          formats: Mapping[str, NumberFormat] | None = None) -> None:
    write_workbook(result, spec, path, formats, spread=_replan_spread)


def _replan_spread(book: _Sheets, result: PlanResult, split_targets: dict[str | None, Ref],
                   cells: PlanCells) -> tuple[list[float], list[float]]:
    parents = _member_respreads(book, result, split_targets, cells)
    weeks = [row for row in result.spread if row.grain == "week"]
    locked_workdays: dict[MonthKey, int] = defaultdict(int)
    for week in weeks:
        if week.locked:
            locked_workdays[_key(week)] += week.workdays
    months = [row for row in result.spread if row.grain == "month"]
    month_refs, month_checks = _write_months(book, book.sheet("Months"), months, parents, locked_workdays, cells)
    week_checks = _write_weeks(book, book.sheet("Weeks"), weeks, month_refs, cells) if weeks else []
    return month_checks, week_checks


# --- Plan and Split --------------------------------------------------------------------------


def _member_respreads(book: _Sheets, result: PlanResult, split_targets: dict[str | None, Ref],
                      cells: PlanCells) -> dict[str | None, Ref]:
    """Writes the Plan sheet's re-plan cells and the Split sheet's columns; returns each member's re-spread cell."""
    assert result.replan is not None
    plan = book.book["Plan"]
    unit = cells.unit.value
    actual = sum(row.actual or 0.0 for row in result.split) if result.split else result.replan.actual
    left = cells.target.value - actual
    parents = _split_columns(book, result, split_targets, left, cells.unit) if result.split else {}
    respread = (sum(ref.value for ref in parents.values()) if result.split
                else 0.0 if left <= 0 else excel_round(left / unit, 0) * unit)
    last = len(result.split) + 1
    facts: list[tuple[str, object]] = [
        ("re-plan", ""),
        ("actuals through", result.actuals_through),
        ("locked through", result.replan.locked_through or ""),
        ("actual (locked buckets)", F(f"=SUM(Split!$J$2:$J${last})", actual) if result.split else actual),
        ("left to reach (target − actual)", F(f"={cells.target.address}-{ACTUAL}", left)),
        ("re-spread", F(f"=SUM(Split!$N$2:$N${last})", respread) if result.split
         else F(f"=IF({LEFT}<=0,0,ROUND({LEFT}/{cells.unit.address},0)*{cells.unit.address})", respread)),
        ("planned period total", F(f"={ACTUAL}+{RESPREAD}", actual + respread)),
        ("difference (planned − target)", F(f"={ACTUAL}+{RESPREAD}-{cells.target.address}",
                                            actual + respread - cells.target.value)),
    ]
    for n, (label, value) in enumerate(facts, start=1):
        book.put(plan, f"D{n}", label)
        book.put(plan, f"E{n}", value, None if n in (1, 2, 3) else book.money)
    plan["D1"].font = BOLD
    if not result.split:
        plan["E4"].fill = INPUT_FILL
    plan.column_dimensions["D"].width = 34
    plan.column_dimensions["E"].width = 18
    return parents or {None: Ref(RESPREAD, respread)}


def _split_columns(book: _Sheets, result: PlanResult, split_targets: dict[str | None, Ref], left: float,
                   unit: Ref) -> dict[str | None, Ref]:
    sheet = book.book["Split"]
    unit_cell = unit.address
    first, last = 2, len(result.split) + 1
    for index, header in enumerate(SPLIT_COLUMNS, start=10):
        sheet.cell(1, index, header).font = BOLD
    bases = [max(0.0, split_targets[row.member].value - (row.actual or 0.0)) for row in result.split]
    parents: dict[str | None, Ref] = {}
    for n, (row, basis) in enumerate(zip(result.split, bases, strict=True), start=first):
        member_left = split_targets[row.member].value - (row.actual or 0.0)
        share = 0.0 if left <= 0 or not sum(bases) else left * basis / sum(bases)
        respread = excel_round(share / unit.value, 0) * unit.value
        cells: list[tuple[str, object]] = [
            ("J", row.actual or 0.0),
            ("K", F(f"=H{n}-J{n}", member_left)),
            ("L", F(f"=MAX(0,K{n})", basis)),
            ("M", F(f"=IF(OR({LEFT}<=0,SUM($L${first}:$L${last})=0),0,{LEFT}*L{n}/SUM($L${first}:$L${last}))",
                    share)),
            ("N", F(f"=ROUND(M{n}/{unit_cell},0)*{unit_cell}", respread)),
        ]
        for column, value in cells:
            book.put(sheet, f"{column}{n}", value, DETAIL if column == "M" else book.money)
        _mark_inputs(sheet, n, ("J",))
        parents[row.member] = Ref(f"Split!$N${n}", respread)
    for letter in "JKLMN":
        sheet.column_dimensions[letter].width = 14
    return parents


# --- Months and weeks ------------------------------------------------------------------------


def _write_months(book: _Sheets, sheet: Worksheet, months: list[SpreadRow], parents: dict[str | None, Ref],
                  locked_workdays: dict[MonthKey, int], cells: PlanCells) -> tuple[dict[MonthKey, Ref], list[float]]:
    """Returns each month's re-spread cell and every row's check value."""
    _header(sheet, MONTH_COLUMNS)
    refs: dict[MonthKey, Ref] = {}
    checks: list[float] = []
    formats = {"F": book.money, "G": book.money, "J": DETAIL, "K": COUNT, "M": book.money, "N": book.money,
               "Q": book.money, "S": book.money}
    for first, rows in _blocks(months, start=2):
        locked = [row for row in rows if row.locked]
        for n, row in enumerate(locked, start=first):
            book.append(sheet, [*_month_facts(row), "", "", "", "", "", 0, "", 0, row.workdays, row.actual, True,
                                F(f"=Q{n}+M{n}", row.target)], formats)
            checks.append(0.0)
        open_rows, start = rows[len(locked):], first + len(locked)
        open_days = [row.workdays - locked_workdays[_key(row)] for row in open_rows]
        weights = [_open_weight(row, days) for row, days in zip(open_rows, open_days, strict=True)]
        block = _Block(start, start + len(open_rows) - 1, parent=parents[rows[0].member], unit=cells.unit,
                       weights=weights)
        for n, (row, weight) in enumerate(zip(open_rows, weights, strict=True), start=start):
            formula = f"=D{n}-P{n}" if row.seasonal_basis is None else f"=(D{n}-P{n})*F{n}/E{n}"
            rounding, respread = block.rounding(n, "H", "I", "J", "K", "L")
            check = block.check(n, "M", "N")
            actual = row.actual or 0.0
            book.append(sheet, [*_month_facts(row), F(formula, weight), n - start + 1, *rounding,
                                F(f"={block.parent.address}", block.parent.value), check,
                                locked_workdays[_key(row)], actual, False,
                                F(f"=Q{n}+M{n}", actual + respread)], formats)
            _mark_inputs(sheet, n, ("D", "E", "F", "P", "Q"))
            refs[_key(row)] = Ref(f"Months!$M${n}", respread)
            checks.append(_value(check))
    _widths(sheet, MONTH_COLUMNS)
    return refs, checks


def _month_facts(row: SpreadRow) -> list[object]:
    return [_member(row.member), row.start, row.end, row.workdays, row.baseline_workdays, row.seasonal_basis,
            row.baseline]


def _open_weight(row: SpreadRow, open_days: int) -> float:
    if row.seasonal_basis is None:
        return float(open_days)
    return open_days * row.seasonal_basis / row.baseline_workdays if row.baseline_workdays else 0.0


def _write_weeks(book: _Sheets, sheet: Worksheet, weeks: list[SpreadRow], month_refs: dict[MonthKey, Ref],
                 cells: PlanCells) -> list[float]:
    _header(sheet, WEEK_COLUMNS)
    checks: list[float] = []
    formats = {"H": DETAIL, "I": COUNT, "K": book.money, "L": book.money, "N": book.money, "P": book.money}
    for first, rows in _blocks(weeks, start=2, by_month=True):
        locked = [row for row in rows if row.locked]
        for n, row in enumerate(locked, start=first):
            book.append(sheet, [*_week_facts(row), "", "", "", "", "", 0, "", 0, row.actual, True,
                                F(f"=N{n}+K{n}", row.target)], formats)
            checks.append(0.0)
        open_rows, start = rows[len(locked):], first + len(locked)
        if not open_rows:
            continue
        block = _Block(start, start + len(open_rows) - 1, parent=month_refs[_key(rows[0])], unit=cells.unit,
                       weights=[float(row.workdays) for row in open_rows])
        for n, row in enumerate(open_rows, start=start):
            rounding, respread = block.rounding(n, "F", "G", "H", "I", "J")
            check = block.check(n, "K", "L")
            book.append(sheet, [*_week_facts(row), F(f"=E{n}", float(row.workdays)), n - start + 1, *rounding,
                                F(f"={block.parent.address}", block.parent.value), check, 0, False,
                                F(f"=N{n}+K{n}", respread)], formats)
            _mark_inputs(sheet, n, ("E",))
            checks.append(_value(check))
    _widths(sheet, WEEK_COLUMNS)
    return checks


def _week_facts(row: SpreadRow) -> list[object]:
    return [_member(row.member), row.week, row.start, row.end, row.workdays]


def _key(row: SpreadRow) -> MonthKey:
    return row.member, row.start.replace(day=1).isoformat()
