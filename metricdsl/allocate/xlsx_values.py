"""Cached values beside the formulas of an .xlsx written by openpyxl, and the Excel functions the
plan workbook uses, computed in Python.

openpyxl writes a formula cell as `<c r="B12"><f>…</f><v /></c>`: the formula with an empty cached
value, and it cannot compute formulas. Excel recalculates on opening (openpyxl sets
`fullCalcOnLoad`), but previewers (Quick Look, mail and chat viewers, GitHub) and readers such as
pandas or `openpyxl.load_workbook(data_only=True)` show only cached values, so they saw nothing.
The workbook therefore computes every formula's value in Python while it writes the formula
(with the functions below, which follow Excel: ROUND halves away from zero, INT floors), and
`add_cached_values` fills each `<v />` in the saved file. The tests recalculate the workbook with
the `formulas` package and compare every formula cell with its cached value.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

Cached = Mapping[tuple[str, str], object]  # (sheet title, A1 address) → value
_FORMULA_CELL = re.compile(r'<c r="(?P<address>[A-Z]+[0-9]+)"(?P<attributes>[^>]*)><f>(?P<formula>.*?)</f><v ?/></c>',
                           re.DOTALL)


def add_cached_values(path: Path, sheet_titles: Sequence[str], cached: Cached) -> None:
    """Rewrite the workbook at `path` with `cached` as the formula cells' stored values."""
    with zipfile.ZipFile(path) as book:
        members = [(info, book.read(info.filename)) for info in book.infolist()]
    parts = {f"xl/worksheets/sheet{index}.xml": title for index, title in enumerate(sheet_titles, start=1)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for info, data in members:
            title = parts.get(info.filename)
            if title is not None:
                data = _fill(data.decode("utf-8"), title, cached).encode("utf-8")
            book.writestr(info, data)
    path.write_bytes(buffer.getvalue())


def _fill(xml: str, title: str, cached: Cached) -> str:
    def replace(found: re.Match[str]) -> str:
        address, attributes, formula = found["address"], found["attributes"], found["formula"]
        key = (title, address)
        if key not in cached or cached[key] is None:
            return found[0]
        kind, text = _typed(cached[key])
        return f'<c r="{address}"{attributes}{kind}><f>{formula}</f><v>{text}</v></c>'

    return _FORMULA_CELL.sub(replace, xml)


def _typed(value: object) -> tuple[str, str]:
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, (int, float)):
        return "", repr(float(value)) if math.isfinite(value) else "0"
    return ' t="str"', escape(str(value))


# ---- Excel functions -------------------------------------------------------------------------


def excel_round(value: float, digits: int) -> float:
    """Excel's ROUND: halves away from zero, on the decimal value."""
    return float(Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def largest_remainder(weights: Sequence[float], parent: float, unit: float) -> list[tuple[float, int, float, float]]:
    """(unrounded, floor, remainder, target) of each sibling, as the workbook's block formulas compute them."""
    total = sum(weights)
    unrounded = [parent / len(weights) if total == 0 else parent * weight / total for weight in weights]
    floors = [math.floor(excel_round(share / unit, 9)) for share in unrounded]
    remainders = [excel_round(share / unit - floor, 9) for share, floor in zip(unrounded, floors, strict=True)]
    leftover = excel_round(parent / unit, 0) - sum(floors)
    # rank = siblings with a larger remainder + earlier siblings with the same one: the position in this order
    order = sorted(range(len(remainders)), key=lambda index: (-remainders[index], index))
    rank = {index: position for position, index in enumerate(order)}
    return [(unrounded[index], floors[index], remainders[index],
             (floors[index] + (1 if rank[index] < leftover else 0)) * unit) for index in range(len(remainders))]
