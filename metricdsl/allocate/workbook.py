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

Caps: a cap edited on the Drivers sheet only flags a breach (the `over cap` cell turns 1 and red,
the Plan sheet's cap check counts it); it does not re-balance the other drivers, because that is
the engine's water-filling, which spreadsheet formulas would only approximate. A note under the
driver table says so: change the cap in the spec and run `metricdsl plan` again.

Presentation: money cells use the target metric's `format:` (or the one its `unit:` suggests:
`CNY` → `¥#,##0`), each driver's baseline and target that driver's format, multipliers, caps and
shares are percentages, counts have thousands separators, and month and week bounds are real
dates. Every formula cell carries its computed value (see `xlsx_values`), so previewers and
pandas see the numbers. Every text the plan holds (member names, labels) is written as text,
never as a formula, whatever its first character.
"""


from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from metricdsl.allocate.models import DriverRow, PlanResult, SpreadRow, TargetSpec
from metricdsl.allocate.xlsx_values import add_cached_values, excel_round, largest_remainder
from metricdsl.ir.formats import NumberFormat

INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
CHECK_FILL = PatternFill("solid", fgColor="E6F4EA")
BREACH_FILL = PatternFill("solid", fgColor="F8D7DA")
NOTE_FILL = PatternFill("solid", fgColor="FFF3CD")
BOLD = Font(bold=True)

PERCENT = "0.00%"
SHARE = "0.0%"
COUNT = "#,##0"
DATE = "yyyy-mm-dd"
DETAIL = "#,##0.00"
CAP_NOTE = ("Caps only flag: a cap edited here marks a breach (over cap = 1, in red; the Plan sheet's cap check "
            "counts it) but does not re-balance the other drivers. To re-balance, change `cap:` in the spec and "
            "run `metricdsl plan` again.")

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
SPLIT_HEADERS = ("member", "baseline", "weight", "index", "unrounded", "floor", "remainder", "target", "share")
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
class F:
    """A formula and the value it computes (stored as the cell's cached value)."""

    formula: str
    value: object


@dataclass(frozen=True)
class Ref:
    """A cell other sheets read: its absolute address and its value."""

    address: str
    value: float


class _Sheets:
    """The workbook being written: appends rows, records cached values, writes texts as text."""

    def __init__(self, money: NumberFormat | None, formats: Mapping[str, NumberFormat]) -> None:
        self.book = Workbook()
        self.cached: dict[tuple[str, str], object] = {}
        self.money = money.excel_code if money is not None else COUNT
        self.formats = formats

    def sheet(self, title: str) -> Worksheet:
        if self.book.worksheets and self.book.worksheets[0].title == "Sheet":
            sheet: Worksheet = self.book.worksheets[0]
            sheet.title = title
            return sheet
        created: Worksheet = self.book.create_sheet(title)
        return created

    def metric_format(self, metric: str) -> str:
        found = self.formats.get(metric)
        return found.excel_code if found is not None else "General"

    def append(self, sheet: Worksheet, values: Sequence[object], formats: Mapping[str, str] = {}) -> int:
        sheet.append([value.formula if isinstance(value, F) else value for value in values])
        row = sheet.max_row
        for column, value in enumerate(values, start=1):
            self.typed(sheet, sheet.cell(row, column), value, formats.get(get_column_letter(column)))
        return row

    def put(self, sheet: Worksheet, address: str, value: object, number_format: str | None = None) -> None:
        """One cell at a fixed address, as `append` writes it."""
        cell = sheet[address]
        cell.value = value.formula if isinstance(value, F) else value
        self.typed(sheet, cell, value, number_format)

    def typed(self, sheet: Worksheet, cell: Cell | MergedCell, value: object, number_format: str | None) -> None:
        """A written cell's type and format: a formula's cached value, text as text, dates as dates."""
        if isinstance(value, F):
            self.cached[(sheet.title, cell.coordinate)] = value.value
        elif isinstance(value, str):
            cell.data_type = "s"  # text, never a live formula (a member called "=1+1" stays "=1+1")
        elif isinstance(value, date):
            cell.number_format = DATE
        if number_format is not None:
            cell.number_format = number_format

    def save(self, path: str | Path) -> None:
        self.book.save(str(path))
        add_cached_values(Path(path), [sheet.title for sheet in self.book.worksheets], self.cached)


SpreadWriter = Callable[["_Sheets", PlanResult, dict[str | None, "Ref"], "PlanCells"], tuple[list[float], list[float]]]
"""Writes the Months and Weeks sheets under the split's targets; returns their check values (one per row)."""


def write_workbook(result: PlanResult, spec: TargetSpec, path: str | Path,
                   formats: Mapping[str, NumberFormat] | None = None, spread: SpreadWriter | None = None) -> None:
    """Write the plan to `path` (.xlsx) with live formulas, their cached values and Check cells.

    `formats` maps metric names to their number formats (`metricdsl.ir.formats.unit_formats`);
    `spread` replaces the plain Months and Weeks sheets (a re-plan's, see `replan_workbook`)."""
    formats = formats or {}
    book = _Sheets(formats.get(result.metric), formats)
    plan = book.sheet("Plan")
    drivers = _write_drivers(book, book.sheet("Drivers"), result)
    cells = _plan_cells(result, drivers)
    split_targets = _write_split(book, book.sheet("Split"), result, spec, cells) if result.split else {}
    _write_plan(book, plan, result, drivers, cells)
    month_checks, week_checks = (spread or _write_spread)(book, result, split_targets, cells)
    _write_checks(book, plan, result, drivers, cells, split_targets, month_checks, week_checks)
    book.save(path)


def _write_spread(book: _Sheets, result: PlanResult, split_targets: dict[str | None, Ref],
                  cells: PlanCells) -> tuple[list[float], list[float]]:
    months = [row for row in result.spread if row.grain == "month"]
    weeks = [row for row in result.spread if row.grain == "week"]
    month_cells = _write_months(book, book.sheet("Months"), months, split_targets, cells) if months else {}
    week_checks = _write_weeks(book, book.sheet("Weeks"), weeks, month_cells, cells) if weeks else []
    return [check for check, _ in month_cells.values()], week_checks


# --- Plan ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanCells:
    """The Plan sheet's cells that other sheets read, with their values."""

    baseline: float
    multiplier: float | None
    plan_multiplier: float | None
    unit: Ref
    target: Ref


def _plan_cells(result: PlanResult, drivers: dict[str, tuple[int, DriverRow, float]]) -> PlanCells:
    root = drivers.get(result.metric)
    baseline = root[1].baseline if root is not None and root[1].baseline is not None else result.baseline_value
    plan_multiplier = root[2] if root is not None else None
    target = (excel_round(baseline * plan_multiplier / result.unit, 0) * result.unit
              if plan_multiplier is not None else result.target_value)
    return PlanCells(baseline, result.multiplier, plan_multiplier, Ref("Plan!$B$8", result.unit),
                     Ref("Plan!$B$12", target))


def _write_plan(book: _Sheets, sheet: Worksheet, result: PlanResult,
                drivers: dict[str, tuple[int, DriverRow, float]], cells: PlanCells) -> None:
    root = drivers.get(result.metric)
    facts: list[tuple[str, object]] = [
        ("target", result.target),
        ("label", result.label or ""),
        ("metric", result.metric),
        ("period", f"{result.period.start} .. {result.period.end}"),
        ("baseline period", f"{result.baseline_period.start} .. {result.baseline_period.end}"),
        ("split", f"{result.split_dimension} by {result.split_method}" if result.split_dimension else ""),
        ("calendar", result.calendar or ""),
        ("round unit", result.unit),
        ("baseline value", F(f"=Drivers!D{root[0]}", cells.baseline) if root else result.baseline_value),
        ("target multiplier", result.multiplier if result.multiplier is not None else ""),
        ("plan multiplier", F(f"=Drivers!E{root[0]}", cells.plan_multiplier) if root else ""),
        ("target value", F("=ROUND(B9*B11/B8,0)*B8", cells.target.value) if root else result.target_value),
    ]
    for n, (label, value) in enumerate(facts, start=1):
        number_format = {8: book.money, 9: book.money, 10: PERCENT, 11: PERCENT, 12: book.money}.get(n)
        book.append(sheet, [label, value], {"B": number_format} if number_format else {})
    sheet["A1"].font = BOLD
    for address in ("B8", "B10"):
        sheet[address].fill = INPUT_FILL
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 24


def _write_checks(book: _Sheets, sheet: Worksheet, result: PlanResult,
                  drivers: dict[str, tuple[int, DriverRow, float]], cells: PlanCells,
                  split_targets: dict[str | None, Ref], month_checks: list[float], week_checks: list[float]) -> None:
    checks: list[tuple[str, F]] = []
    parents = {row.parent for row in result.drivers}
    leaves = [drivers[row.metric] for row in result.drivers if row.metric not in parents]
    if leaves and result.multiplier is not None:
        product = "*".join(f"Drivers!E{n}" for n, _, _ in leaves)
        value = 1.0
        for _, _, multiplier in leaves:
            value *= multiplier
        checks.append(("check: product of leaf multipliers − target multiplier",
                       F(f"=ROUND({product}-B10,9)", excel_round(value - result.multiplier, 9))))
        over = sum(_over_cap(row, multiplier) for _, row, multiplier in leaves)
        checks.append(("check: multipliers above their cap",
                       F(f"=SUM(Drivers!K2:K{max(n for n, _, _ in drivers.values())})", over)))
    if result.split:
        last = len(result.split) + 1
        total = sum(ref.value for ref in split_targets.values())
        checks.append(("check: Σ split − target",
                       F(f"=ROUND(SUM(Split!H2:H{last})-B12,6)", excel_round(total - cells.target.value, 6))))
    if month_checks:
        last = len(month_checks) + 1
        checks.append(("check: Σ months − parent (sum of squares)",
                       F(f"=ROUND(SUMSQ(Months!O2:O{last}),6)", excel_round(sum(x * x for x in month_checks), 6))))
    if week_checks:
        last = len(week_checks) + 1
        checks.append(("check: Σ weeks − month (sum of squares)",
                       F(f"=ROUND(SUMSQ(Weeks!M2:M{last}),6)", excel_round(sum(x * x for x in week_checks), 6))))
    sheet.append([])
    for label, formula in checks:
        book.append(sheet, [label, formula])
        sheet.cell(sheet.max_row, 2).fill = CHECK_FILL


# --- Drivers ---------------------------------------------------------------------------------


def _write_drivers(book: _Sheets, sheet: Worksheet, result: PlanResult) -> dict[str, tuple[int, DriverRow, float]]:
    """One row per node in preorder; returns each metric's row, driver and multiplier as the sheet computes it."""
    _header(sheet, DRIVER_HEADERS)
    rows = {row.metric: index for index, row in enumerate(result.drivers, start=2)}
    children: dict[str, list[DriverRow]] = {}
    for row in result.drivers:
        if row.parent is not None:
            children.setdefault(row.parent, []).append(row)
    multipliers: dict[str, float] = {}

    def multiplier_of(row: DriverRow) -> float:
        if row.metric not in multipliers:
            value = row.multiplier
            if row.metric in children:
                value = 1.0
                for child in children[row.metric]:
                    value *= multiplier_of(child)
            multipliers[row.metric] = value
        return multipliers[row.metric]

    for row in result.drivers:
        n = rows[row.metric]
        child_rows = [rows[child.metric] for child in children.get(row.metric, [])]
        own = book.metric_format(row.metric)
        book.append(sheet, _driver_cells(row, n, child_rows, multiplier_of(row)),
                    {"D": own, "E": PERCENT, "F": own, "H": PERCENT})
        _mark_inputs(sheet, n, ("D", "H") + (("E",) if not child_rows else ()))
    last = max(rows.values(), default=1)
    sheet.conditional_formatting.add(f"K2:K{last}", CellIsRule(  # type: ignore[no-untyped-call]
        operator="greaterThan", formula=["0"], fill=BREACH_FILL))
    _widths(sheet, DRIVER_HEADERS)
    note = sheet.cell(last + 2, 1, CAP_NOTE)
    note.data_type = "s"
    note.font, note.fill = BOLD, NOTE_FILL
    note.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=len(DRIVER_HEADERS))
    sheet.row_dimensions[last + 2].height = 48
    return {row.metric: (rows[row.metric], row, multiplier_of(row)) for row in result.drivers}


def _driver_cells(row: DriverRow, n: int, child_rows: list[int], multiplier: float) -> list[object]:
    is_leaf = not child_rows
    target: object = "" if row.baseline is None else row.baseline * multiplier
    return [
        row.metric,
        row.role,
        row.parent or "",
        row.baseline,
        F("=" + "*".join(f"E{r}" for r in child_rows), multiplier) if child_rows else row.multiplier,
        F(f'=IF(ISNUMBER(D{n}),D{n}*E{n},"")', target),
        row.fixed,
        row.cap,
        row.weight,
        F(f"=IF(G{n},FALSE,IF(ISNUMBER(H{n}),E{n}>=H{n}*(1-1E-9),FALSE))", _capped(row, multiplier))
        if is_leaf else False,
        F(f"=IF(ISNUMBER(H{n}),IF(E{n}>H{n}*(1+1E-9),1,0),0)", _over_cap(row, multiplier)) if is_leaf else 0,
    ]


def _capped(row: DriverRow, multiplier: float) -> bool:
    return not row.fixed and row.cap is not None and multiplier >= row.cap * (1 - 1e-9)


def _over_cap(row: DriverRow, multiplier: float) -> int:
    return 1 if row.cap is not None and multiplier > row.cap * (1 + 1e-9) else 0


# --- Split -----------------------------------------------------------------------------------


def _write_split(book: _Sheets, sheet: Worksheet, result: PlanResult, spec: TargetSpec,
                 cells: PlanCells) -> dict[str | None, Ref]:
    """Returns, per member, its rounded target cell."""
    _header(sheet, SPLIT_HEADERS)
    first, last = 2, len(result.split) + 1
    weights = _split_weights(spec, [row.baseline for row in result.split], [row.weight for row in result.split])
    block = _Block(first, last, parent=cells.target, unit=cells.unit, weights=[w for _, w in weights])
    targets: dict[str | None, Ref] = {}
    weight_format = book.money if spec.split_method == "baseline" else "General"
    for n, row in enumerate(result.split, start=first):
        formula, weight = weights[n - first]
        rounding, target = block.rounding(n, "C", "D", "E", "F", "G")
        share = F(f"=IF({cells.target.address}=0,0,H{n}/{cells.target.address})",
                  0 if cells.target.value == 0 else target / cells.target.value)
        cell = F(formula.format(n=n), weight) if formula else weight
        book.append(sheet, [_member(row.member), row.baseline, cell, n - first + 1, *rounding, share],
                    {"B": book.money, "C": weight_format, "E": DETAIL, "F": COUNT, "H": book.money, "I": SHARE})
        _mark_inputs(sheet, n, ("B",) if formula else ("B", "C"))
        targets[row.member] = Ref(f"Split!$H${n}", target)
    _widths(sheet, SPLIT_HEADERS)
    return targets


def _split_weights(spec: TargetSpec, baselines: list[float], given: list[float]) -> list[tuple[str, float]]:
    """By baseline: the baseline, 0 or the others' mean when missing, 1 when none has one (a formula
    template with `{n}` for the row, and its value); otherwise the engine's weights as inputs."""
    if spec.split_method != "baseline":
        return [("", weight) for weight in given]
    first, last = 2, len(baselines) + 1
    span = f"$B${first}:$B${last}"
    positive = f'COUNTIF({span},">0")'
    missing = f'SUMIF({span},">0")/{positive}' if spec.split_missing == "equal" else "0"
    formula = f"=IF({positive}=0,1,IF(B{{n}}>0,B{{n}},{missing}))"
    present = [b for b in baselines if b > 0]
    missing_value = sum(present) / len(present) if present and spec.split_missing == "equal" else 0.0
    return [(formula, 1.0 if not present else (b if b > 0 else missing_value)) for b in baselines]


# --- Months and weeks ------------------------------------------------------------------------


def _write_months(book: _Sheets, sheet: Worksheet, months: list[SpreadRow], split_targets: dict[str | None, Ref],
                  cells: PlanCells) -> dict[tuple[str | None, str], tuple[float, Ref]]:
    """Returns, per (member, month start), the month's check value and its rounded target cell."""
    _header(sheet, MONTH_HEADERS)
    found: dict[tuple[str | None, str], tuple[float, Ref]] = {}
    formats = {"F": book.money, "G": book.money, "J": DETAIL, "K": COUNT, "M": book.money, "N": book.money}
    for first, rows in _blocks(months, start=2):
        parent = split_targets.get(rows[0].member, cells.target)
        weights = [_month_weight(row) for row in rows]
        block = _Block(first, first + len(rows) - 1, parent=parent, unit=cells.unit, weights=weights)
        for n, row in enumerate(rows, start=first):
            weight = F(f"=D{n}", weights[n - first]) if row.seasonal_basis is None else F(
                f"=D{n}*F{n}/E{n}", weights[n - first])
            rounding, target = block.rounding(n, "H", "I", "J", "K", "L")
            check = block.check(n, "M", "N")
            book.append(sheet, [_member(row.member), row.start, row.end, row.workdays, row.baseline_workdays,
                                row.seasonal_basis, row.baseline, weight, n - first + 1, *rounding,
                                F(f"={parent.address}", parent.value), check], formats)
            _mark_inputs(sheet, n, ("D", "E", "F"))
            found[_month_key(row)] = (_value(check), Ref(f"Months!$M${n}", target))
    _widths(sheet, MONTH_HEADERS)
    return found


def _month_weight(row: SpreadRow) -> float:
    if row.seasonal_basis is None:
        return float(row.workdays)
    return row.workdays * row.seasonal_basis / (row.baseline_workdays or 0) if row.baseline_workdays else 0.0


def _write_weeks(book: _Sheets, sheet: Worksheet, weeks: list[SpreadRow],
                 month_cells: dict[tuple[str | None, str], tuple[float, Ref]], cells: PlanCells) -> list[float]:
    """Returns the check value of every week row."""
    _header(sheet, WEEK_HEADERS)
    checks: list[float] = []
    formats = {"H": DETAIL, "I": COUNT, "K": book.money, "L": book.money}
    for first, rows in _blocks(weeks, start=2, by_month=True):
        parent = month_cells[_month_key(rows[0])][1]
        weights = [float(row.workdays) for row in rows]
        block = _Block(first, first + len(rows) - 1, parent=parent, unit=cells.unit, weights=weights)
        for n, row in enumerate(rows, start=first):
            rounding, _ = block.rounding(n, "F", "G", "H", "I", "J")
            check = block.check(n, "K", "L")
            book.append(sheet, [_member(row.member), row.week, row.start, row.end, row.workdays,
                                F(f"=E{n}", weights[n - first]), n - first + 1, *rounding,
                                F(f"={parent.address}", parent.value), check], formats)
            _mark_inputs(sheet, n, ("E",))
            checks.append(_value(check))
    _widths(sheet, WEEK_HEADERS)
    return checks


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
    """Siblings in rows first..last sharing `parent`: the largest-remainder formulas and their values."""

    first: int
    last: int
    parent: Ref
    unit: Ref
    weights: list[float]

    def rounding(self, n: int, weight: str, index: str, unrounded: str, floor: str,
                 remainder: str) -> tuple[list[F], float]:
        """The unrounded, floor, remainder and target cells of row n, and the row's target value."""
        parent, unit = self.parent.address, self.unit.address
        weights = self._range(weight)
        share = f"=IF(SUM({weights})=0,{parent}/COUNT({weights}),{parent}*{weight}{n}/SUM({weights}))"
        rank = (
            f"SUMPRODUCT(({self._range(remainder)}>{remainder}{n})*1)"
            f"+SUMPRODUCT(({self._range(remainder)}={remainder}{n})*({self._range(index)}<{index}{n}))"
        )
        leftover = f"ROUND({parent}/{unit},0)-SUM({self._range(floor)})"
        values = self._values[n - self.first]
        return [
            F(share, values[0]),
            F(f"=INT(ROUND({unrounded}{n}/{unit},9))", values[1]),
            F(f"=ROUND({unrounded}{n}/{unit}-{floor}{n},9)", values[2]),
            F(f"=({floor}{n}+IF({rank}<{leftover},1,0))*{unit}", values[3]),
        ], values[3]

    def check(self, n: int, target: str, parent: str) -> object:
        if n != self.first:
            return 0
        total = sum(values[3] for values in self._values)
        return F(f"=ROUND(SUM({self._range(target)})-{parent}{n},6)", excel_round(total - self.parent.value, 6))

    @cached_property
    def _values(self) -> list[tuple[float, int, float, float]]:
        return largest_remainder(self.weights, self.parent.value, self.unit.value)

    def _range(self, column: str) -> str:
        return f"${column}${self.first}:${column}${self.last}"


# --- helpers ---------------------------------------------------------------------------------


def _value(cell: object) -> float:
    value = cell.value if isinstance(cell, F) else cell
    return float(value) if isinstance(value, (int, float)) else 0.0


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
