"""The plan as an Excel workbook with live formulas (`plan --format xlsx`).

Sheets: Plan (summary and Check cells), Drivers, Split (with a split), Months, Weeks (with
`week`). Inputs an analyst may edit are plain values: baselines, leaf multipliers, caps, split
weights, workdays and seasonal bases. Everything else is a formula, so editing an input
recomputes the whole plan.

Rounding: the workbook re-implements the engine's largest remainder with formulas. Each child
row shows its `unrounded` share (parent × weight / Σ weights), whole units (`floor`), the
remainder (rounded to 9 decimals) and the rounded `target` = (floor + 1 if the row's remainder
ranks among the leftover units, ties to the earlier row) × unit. So rounded cells sum exactly to
their parent after any edit. The engine rounds in exact fractions and the workbook in floating
point; they agree except when two remainders differ by less than 1e-9 of a unit, where the
workbook may move one unit between two siblings (the sums still hold).

Check cells on the Plan sheet must read 0: the product of the leaf multipliers minus the target
multiplier, the number of multipliers above their cap, Σ split − target, and for months and
weeks the sum of squares of (Σ children − parent) over every parent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from metricdsl.allocate.models import DriverRow, PlanResult, SpreadRow, TargetSpec

INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
CHECK_FILL = PatternFill("solid", fgColor="E6F4EA")
BOLD = Font(bold=True)

DRIVER_HEADERS = (
    "metric",
    "role",
    "parent",
    "baseline",
    "multiplier",
    "target",
    "fixed",
    "cap",
    "weight",
    "capped",
    "over cap",
)
SPLIT_HEADERS = ("member", "baseline", "weight", "index", "unrounded", "floor", "remainder", "target")
MONTH_HEADERS = (
    "member",
    "start",
    "end",
    "workdays",
    "baseline workdays",
    "seasonal basis",
    "own baseline",
    "weight",
    "index",
    "unrounded",
    "floor",
    "remainder",
    "target",
    "parent",
    "Σ − parent",
)
WEEK_HEADERS = (
    "member",
    "week",
    "start",
    "end",
    "workdays",
    "weight",
    "index",
    "unrounded",
    "floor",
    "remainder",
    "target",
    "parent",
    "Σ − parent",
)


@dataclass(frozen=True)
class PlanCells:
    """Addresses of the Plan sheet's inputs that other sheets read."""

    unit: str = "Plan!$B$8"
    target: str = "Plan!$B$12"


def write_workbook(result: PlanResult, spec: TargetSpec, path: str | Path) -> None:
    """Write the plan to `path` (.xlsx) with live formulas and Check cells."""
    book = Workbook()
    plan = book.active
    assert plan is not None
    plan.title = "Plan"
    cells = PlanCells()
    driver_rows = _write_drivers(book.create_sheet("Drivers"), result)
    split_targets = _write_split(book.create_sheet("Split"), result, spec, cells) if result.split else {}
    months = [row for row in result.spread if row.grain == "month"]
    weeks = [row for row in result.spread if row.grain == "week"]
    month_cells = _write_months(book.create_sheet("Months"), months, split_targets, cells) if months else {}
    if weeks:
        _write_weeks(book.create_sheet("Weeks"), weeks, month_cells, cells)
    _write_plan(plan, result, spec, driver_rows, bool(months), bool(weeks))
    book.save(str(path))


# --- Plan ------------------------------------------------------------------------------------


def _write_plan(
    sheet: Worksheet,
    result: PlanResult,
    spec: TargetSpec,
    driver_rows: dict[str, int],
    has_months: bool,
    has_weeks: bool,
) -> None:
    root_row = driver_rows.get(result.metric)
    facts: list[tuple[str, object]] = [
        ("target", result.target),
        ("label", result.label or ""),
        ("metric", result.metric),
        ("period", f"{result.period.start} .. {result.period.end}"),
        ("baseline period", f"{result.baseline_period.start} .. {result.baseline_period.end}"),
        ("split", f"{result.split_dimension} by {result.split_method}" if result.split_dimension else ""),
        ("calendar", result.calendar or ""),
        ("round unit", result.unit),
        ("baseline value", f"=Drivers!D{root_row}" if root_row else result.baseline_value),
        ("target multiplier", result.multiplier if result.multiplier is not None else ""),
        ("plan multiplier", f"=Drivers!E{root_row}" if root_row else ""),
        ("target value", _target_formula() if root_row else result.target_value),
    ]
    for label, value in facts:
        sheet.append([label, value])
    sheet["A1"].font = BOLD
    for address in ("B8", "B10"):
        sheet[address].fill = INPUT_FILL
    _write_checks(sheet, result, driver_rows, has_months, has_weeks)
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 24


def _target_formula() -> str:
    return "=ROUND(B9*B11/B8,0)*B8"


def _write_checks(
    sheet: Worksheet, result: PlanResult, driver_rows: dict[str, int], has_months: bool, has_weeks: bool
) -> None:
    checks: list[tuple[str, str]] = []
    parents = {row.parent for row in result.drivers}
    leaves = [driver_rows[row.metric] for row in result.drivers if row.metric not in parents]
    if leaves and result.multiplier is not None:
        product = "*".join(f"Drivers!E{row}" for row in leaves)
        checks.append(("check: product of leaf multipliers − target multiplier", f"=ROUND({product}-B10,9)"))
        checks.append(("check: multipliers above their cap", f"=SUM(Drivers!K2:K{max(driver_rows.values())})"))
    if result.split:
        last = len(result.split) + 1
        checks.append(("check: Σ split − target", f"=ROUND(SUM(Split!H2:H{last})-B12,6)"))
    if has_months:
        last = sum(row.grain == "month" for row in result.spread) + 1
        checks.append(("check: Σ months − parent (sum of squares)", f"=ROUND(SUMSQ(Months!O2:O{last}),6)"))
    if has_weeks:
        last = sum(row.grain == "week" for row in result.spread) + 1
        checks.append(("check: Σ weeks − month (sum of squares)", f"=ROUND(SUMSQ(Weeks!M2:M{last}),6)"))
    sheet.append([])
    for label, formula in checks:
        sheet.append([label, formula])
        sheet.cell(sheet.max_row, 2).fill = CHECK_FILL


# --- Drivers ---------------------------------------------------------------------------------


def _write_drivers(sheet: Worksheet, result: PlanResult) -> dict[str, int]:
    """One row per node in preorder; returns the row of every metric."""
    _header(sheet, DRIVER_HEADERS)
    rows = {row.metric: index for index, row in enumerate(result.drivers, start=2)}
    children: dict[str, list[int]] = {}
    for row in result.drivers:
        if row.parent is not None:
            children.setdefault(row.parent, []).append(rows[row.metric])
    for row in result.drivers:
        sheet.append(_driver_cells(row, rows[row.metric], children.get(row.metric, [])))
        _mark_inputs(sheet, rows[row.metric], ("D", "H") + (("E",) if row.metric not in children else ()))
    _widths(sheet, DRIVER_HEADERS)
    return rows


def _driver_cells(row: DriverRow, n: int, child_rows: list[int]) -> list[object]:
    multiplier: object = "=" + "*".join(f"E{r}" for r in child_rows) if child_rows else row.multiplier
    is_leaf = not child_rows
    return [
        row.metric,
        row.role,
        row.parent or "",
        row.baseline,
        multiplier,
        f'=IF(ISNUMBER(D{n}),D{n}*E{n},"")',
        row.fixed,
        row.cap,
        row.weight,
        f"=IF(G{n},FALSE,IF(ISNUMBER(H{n}),E{n}>=H{n}*(1-1E-9),FALSE))" if is_leaf else False,
        f"=IF(ISNUMBER(H{n}),IF(E{n}>H{n}*(1+1E-9),1,0),0)" if is_leaf else 0,
    ]


# --- Split -----------------------------------------------------------------------------------


def _write_split(sheet: Worksheet, result: PlanResult, spec: TargetSpec, cells: PlanCells) -> dict[str | None, str]:
    """Returns, per member, the address of its rounded target."""
    _header(sheet, SPLIT_HEADERS)
    first, last = 2, len(result.split) + 1
    block = _Block(first, last, parent=cells.target, unit=cells.unit)
    targets: dict[str | None, str] = {}
    for n, row in enumerate(result.split, start=first):
        weight = _split_weight_formula(spec, n, first, last, row.weight)
        sheet.append(
            [_member(row.member), row.baseline, weight, n - first + 1, *block.rounding(n, "C", "D", "E", "F", "G")]
        )
        _mark_inputs(sheet, n, ("B",) if isinstance(weight, str) else ("B", "C"))
        targets[row.member] = f"Split!$H${n}"
    _widths(sheet, SPLIT_HEADERS)
    return targets


def _split_weight_formula(spec: TargetSpec, n: int, first: int, last: int, weight: float) -> object:
    """By baseline: the baseline, 0 or the others' mean when missing, 1 when none has one."""
    if spec.split_method != "baseline":
        return weight
    baselines = f"$B${first}:$B${last}"
    positive = f'COUNTIF({baselines},">0")'
    missing = f'SUMIF({baselines},">0")/{positive}' if spec.split_missing == "equal" else "0"
    return f"=IF({positive}=0,1,IF(B{n}>0,B{n},{missing}))"


# --- Months and weeks ------------------------------------------------------------------------


def _write_months(
    sheet: Worksheet, months: list[SpreadRow], split_targets: dict[str | None, str], cells: PlanCells
) -> dict[tuple[str | None, str], str]:
    """Returns, per (member, month start), the address of the month's rounded target."""
    _header(sheet, MONTH_HEADERS)
    addresses: dict[tuple[str | None, str], str] = {}
    for first, rows in _blocks(months, start=2):
        parent = split_targets.get(rows[0].member, cells.target)
        block = _Block(first, first + len(rows) - 1, parent=parent, unit=cells.unit)
        for n, row in enumerate(rows, start=first):
            weight = f"=D{n}" if row.seasonal_basis is None else f"=D{n}*F{n}/E{n}"
            sheet.append(
                [
                    _member(row.member),
                    row.start.isoformat(),
                    row.end.isoformat(),
                    row.workdays,
                    row.baseline_workdays,
                    row.seasonal_basis,
                    row.baseline,
                    weight,
                    n - first + 1,
                    *block.rounding(n, "H", "I", "J", "K", "L"),
                    f"={parent}",
                    block.check(n, "M", "N"),
                ]
            )
            _mark_inputs(sheet, n, ("D", "E", "F"))
            addresses[_month_key(row)] = f"Months!$M${n}"
    _widths(sheet, MONTH_HEADERS)
    return addresses


def _write_weeks(
    sheet: Worksheet, weeks: list[SpreadRow], month_cells: dict[tuple[str | None, str], str], cells: PlanCells
) -> None:
    _header(sheet, WEEK_HEADERS)
    for first, rows in _blocks(weeks, start=2, by_month=True):
        parent = month_cells[_month_key(rows[0])]
        block = _Block(first, first + len(rows) - 1, parent=parent, unit=cells.unit)
        for n, row in enumerate(rows, start=first):
            sheet.append(
                [
                    _member(row.member),
                    row.week,
                    row.start.isoformat(),
                    row.end.isoformat(),
                    row.workdays,
                    f"=E{n}",
                    n - first + 1,
                    *block.rounding(n, "F", "G", "H", "I", "J"),
                    f"={parent}",
                    block.check(n, "K", "L"),
                ]
            )
            _mark_inputs(sheet, n, ("E",))
    _widths(sheet, WEEK_HEADERS)


def _blocks(rows: list[SpreadRow], start: int, by_month: bool = False) -> list[tuple[int, list[SpreadRow]]]:
    """Consecutive rows sharing a parent (member, or member and month), with their first row."""
    blocks: list[tuple[int, list[SpreadRow]]] = []
    for row in rows:
        key = (row.member, row.start.replace(day=1)) if by_month else (row.member, None)
        previous = blocks[-1][1][-1] if blocks else None
        same = previous is not None and key == (
            (previous.member, previous.start.replace(day=1)) if by_month else (previous.member, None)
        )
        if same:
            blocks[-1][1].append(row)
        else:
            first = start + sum(len(block) for _, block in blocks)
            blocks.append((first, [row]))
    return blocks


@dataclass(frozen=True)
class _Block:
    """Siblings in rows first..last sharing `parent`: the largest-remainder formulas."""

    first: int
    last: int
    parent: str
    unit: str

    def rounding(self, n: int, weight: str, index: str, unrounded: str, floor: str, remainder: str) -> list[str]:
        weights = self._range(weight)
        share = f"=IF(SUM({weights})=0,{self.parent}/COUNT({weights}),{self.parent}*{weight}{n}/SUM({weights}))"
        rank = (
            f"SUMPRODUCT(({self._range(remainder)}>{remainder}{n})*1)"
            f"+SUMPRODUCT(({self._range(remainder)}={remainder}{n})*({self._range(index)}<{index}{n}))"
        )
        leftover = f"ROUND({self.parent}/{self.unit},0)-SUM({self._range(floor)})"
        return [
            share,
            f"=INT(ROUND({unrounded}{n}/{self.unit},9))",
            f"=ROUND({unrounded}{n}/{self.unit}-{floor}{n},9)",
            f"=({floor}{n}+IF({rank}<{leftover},1,0))*{self.unit}",
        ]

    def check(self, n: int, target: str, parent: str) -> object:
        if n != self.first:
            return 0
        return f"=ROUND(SUM({self._range(target)})-{parent}{n},6)"

    def _range(self, column: str) -> str:
        return f"${column}${self.first}:${column}${self.last}"


# --- helpers ---------------------------------------------------------------------------------


def _month_key(row: SpreadRow) -> tuple[str | None, str]:
    return row.member, row.start.replace(day=1).isoformat()


def _member(member: str | None) -> str:
    return "" if member is None else member


def _header(sheet: Worksheet, headers: Sequence[str]) -> None:
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = BOLD
    sheet.freeze_panes = "A2"


def _mark_inputs(sheet: Worksheet, row: int, columns: Sequence[str]) -> None:
    for column in columns:
        sheet[f"{column}{row}"].fill = INPUT_FILL


def _widths(sheet: Worksheet, headers: Sequence[str]) -> None:
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 2)
