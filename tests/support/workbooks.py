"""Workbooks recalculated the way Excel would, with the `formulas` package (a test extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

Values = dict[tuple[str, str], Any]


def recalculate(path: Path) -> Values:
    """Every single cell's value after recalculation, by (SHEET, address); ranges are left out."""
    import formulas

    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    values: Values = {}
    for key, cell in solution.items():
        sheet, address = key.split("]", 1)[1].rsplit("!", 1)
        if ":" not in address:
            values[(sheet.strip("'").upper(), address)] = cell.value[0, 0]
    return values
