"""The number-format mini-language of a metric's `format:` (LANGUAGE.md §5 "Metric properties").

A format is an optional prefix, a number pattern, an optional `%` and an optional suffix:

| format        | 1234.5      | 0.1234   |
|---------------|-------------|----------|
| `0`           | `1235`      | `0`      |
| `0.00`        | `1234.50`   | `0.12`   |
| `#,##0`       | `1,235`     | `0`      |
| `#,##0.00`    | `1,234.50`  | `0.12`   |
| `0.0%`        | `123450.0%` | `12.3%`  |
| `¥#,##0.00`   | `¥1,234.50` | `¥0.12`  |
| `#,##0 元`    | `1,235 元`  | `0 元`   |
| `"CNY "#,##0` | `CNY 1,235` | `CNY 0`  |

The number pattern is `0` or `#,##0` (thousands separators), then optionally `.` and one or more
`0`s (that many decimals). `%` multiplies by 100. A prefix or suffix is text without digits and
without the pattern's characters (`# 0 . , %`), or any text in double quotes. Halves round away
from zero, as in the SQL (§3); a negative value puts its sign before the prefix (`-¥1,234.50`).
The same format becomes an Excel number format for the plan workbook (`excel_code`).

Without a `format:`, `unit:` suggests one for the workbook and the plan report (`unit_format`):
a currency code (`CNY`, `USD`, `EUR`, …) gives its symbol and thousands, `%` a percent with one
decimal, `count` thousands without decimals.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from metricdsl.ir import model as m

_AFFIX = r'(?:"[^"]*"|[^\d#.,%;\[\]@*_\\"])*'
_FORMAT = re.compile(rf"^(?P<prefix>{_AFFIX})(?P<group>#,##)?0(?:\.(?P<decimals>0+))?(?P<percent>%?)(?P<suffix>{_AFFIX})$")
_SYMBOLS = {"CNY": "¥", "RMB": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "KRW": "₩",
            "INR": "₹"}
HELP = 'a format is a pattern such as "0.0%", "#,##0", "#,##0.00" or "¥#,##0.00"'


@dataclass(frozen=True)
class NumberFormat:
    prefix: str = ""
    suffix: str = ""
    decimals: int = 0
    grouping: bool = False
    percent: bool = False

    def render(self, value: object) -> str:
        """`value` as text in this format; a value that is not a number is shown as it is."""
        number = _decimal(value)
        if number is None:
            return str(value)
        if self.percent:
            number *= 100
        rounded = number.quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)
        digits = f"{abs(rounded):{',' if self.grouping else ''}.{self.decimals}f}"
        sign = "-" if rounded < 0 else ""
        return f"{sign}{self.prefix}{digits}{'%' if self.percent else ''}{self.suffix}"

    @property
    def excel_code(self) -> str:
        """The Excel number format: `"¥"#,##0.00`, `0.0%`, `#,##0" 元"`."""
        number = ("#,##0" if self.grouping else "0") + ("." + "0" * self.decimals if self.decimals else "")
        return _quoted(self.prefix) + number + ("%" if self.percent else "") + _quoted(self.suffix)


def parse_format(text: str) -> NumberFormat:
    """The format of a `format:` text; ValueError with a message saying what is accepted."""
    found = _FORMAT.match(text)
    if found is None:
        raise ValueError(f'unknown number format "{text}"')
    return NumberFormat(prefix=_unquoted(found["prefix"]), suffix=_unquoted(found["suffix"]),
                        decimals=len(found["decimals"] or ""), grouping=bool(found["group"]),
                        percent=bool(found["percent"]))


def format_problem(text: str | None) -> str | None:
    """None when `text` is a valid format (or absent), else the message of the diagnostic."""
    if text is None:
        return None
    try:
        parse_format(text)
    except ValueError as error:
        return str(error)
    return None


def declared_format(card: m.MetricCard) -> NumberFormat | None:
    """The card's `format:`, when it has a valid one."""
    if card.format is None or format_problem(card.format):
        return None
    return parse_format(card.format)


def unit_format(card: m.MetricCard) -> NumberFormat | None:
    """The card's `format:`, else one that its `unit:` suggests (currency, percent, count)."""
    declared = declared_format(card)
    if declared is not None or card.unit is None:
        return declared
    unit = card.unit.strip()
    if unit == "%":
        return NumberFormat(decimals=1, percent=True)
    if unit.lower() == "count":
        return NumberFormat(grouping=True)
    if unit.upper() in _SYMBOLS:
        return NumberFormat(prefix=_SYMBOLS[unit.upper()], grouping=True)
    return NumberFormat(suffix=f" {unit}", grouping=True, decimals=2) if unit else None


def declared_formats(project: m.Project) -> dict[str, NumberFormat]:
    """metric name → its declared `format:` (metrics without one, or with an invalid one, are left out)."""
    return {name: found for name, metric in project.metrics.items()
            if (found := declared_format(metric.card)) is not None}


def unit_formats(project: m.Project) -> dict[str, NumberFormat]:
    """metric name → its `format:` or the one its `unit:` suggests."""
    return {name: found for name, metric in project.metrics.items()
            if (found := unit_format(metric.card)) is not None}


FORMULA_STARTS = ("=", "+", "-", "@")


def spreadsheet_text(value: str) -> str:
    """Text for a CSV cell: a leading `=`, `+`, `-` or `@` (a formula to a spreadsheet) gets a `'` before it."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _unquoted(text: str) -> str:
    return text.replace('"', "")


def _quoted(text: str) -> str:
    return f'"{text}"' if text else ""
