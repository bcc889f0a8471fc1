"""Short, human number formats shared by the terminal report and the Mermaid tree."""

from __future__ import annotations

import math

from metricdsl.ir.formats import NumberFormat

_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k"))


def human_number(value: float | None) -> str:
    """5e9 → "5bn", 66_666_666.7 → "66.7m", 0.075 → "0.075"; None → "–"."""
    if value is None or not math.isfinite(value):
        return "–"
    for scale, suffix in _SCALES:
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.4g}"


def multiplier_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}x"


def shown_number(value: float | None, number_format: NumberFormat | None) -> str:
    """A short number in a metric's format: percentages as the format says (0.05 → "5.0%"), money
    with its symbol and a short scale (5e9 → "¥5bn"), other numbers as `human_number`."""
    if value is None or not math.isfinite(value) or number_format is None:
        return human_number(value)
    if number_format.percent or abs(value) < 1000:
        return number_format.render(value)
    sign = "-" if value < 0 else ""
    return f"{sign}{number_format.prefix}{human_number(abs(value))}{number_format.suffix}"
