"""The relative-period syntax (LANGUAGE.md §7): how `this …`/`last …` parse, check, print and format,
and that `this` and `last` stay ordinary names everywhere else."""

from __future__ import annotations

import pytest

HEAD = """source orders {
  table: dw.orders
  time: order_date
  columns { order_id: int, order_date: date, amount: double, last: int, this: string }
}
metric revenue = sum(orders.amount)
"""


def checked_period(text: str) -> object:
    from metricdsl.semantic import check
    from metricdsl.syntax.parse import parse_text

    tree, problems = parse_text(HEAD + f"query q {{ metrics: revenue, period: {text} }}\n")
    assert problems == []
    result = check([tree], prove=False)
    assert [d for d in result.diagnostics if d.severity == "error"] == []
    return result.model.queries["q"].period


@pytest.mark.parametrize(("text", "which", "count", "unit", "shown"), [
    ("this year", "this", 1, "year", "this year"),
    ("this  quarter", "this", 1, "quarter", "this quarter"),
    ("this month", "this", 1, "month", "this month"),
    ("this week", "this", 1, "week", "this week"),
    ("last 1 day", "last", 1, "day", "last 1 day"),
    ("last 7 days", "last", 7, "day", "last 7 days"),
    ("last 2 weeks", "last", 2, "week", "last 2 weeks"),
    ("last 3 months", "last", 3, "month", "last 3 months"),
    ("last 4 quarters", "last", 4, "quarter", "last 4 quarters"),
    ("last 1 year", "last", 1, "year", "last 1 year"),
])
def test_relative_periods_parse_into_the_ir(text: str, which: str, count: int, unit: str, shown: str) -> None:
    from metricdsl.ir import model as m

    period = checked_period(text)
    assert period == m.RelativePeriod(which=which, count=count, unit=unit)
    assert isinstance(period, m.RelativePeriod) and period.text == shown


def test_this_and_last_remain_names_outside_periods() -> None:
    from metricdsl.semantic import check
    from metricdsl.syntax.parse import parse_text

    text = HEAD + "dimension last_value = orders.last\nmetric this_count = count(orders) where orders.this = 'x'\n"
    tree, problems = parse_text(text)
    assert problems == []
    assert [d for d in check([tree], prove=False).diagnostics if d.severity == "error"] == []


def test_fmt_normalises_the_spacing_of_a_relative_period() -> None:
    from metricdsl.syntax.fmt import format_text

    formatted = format_text(HEAD + "query q {\n  metrics: revenue\n  period: last   7\tdays\n}\n")
    assert "period:  last 7 days" in formatted  # keys aligned, the period on one space
    assert format_text(formatted) == formatted


def test_the_ir_round_trips_through_json() -> None:
    import datetime

    from metricdsl.ir import model as m

    query = m.Query(name="q", metrics=("revenue",), period=m.RelativePeriod(which="last", count=3, unit="month"))
    assert m.Query.model_validate_json(query.model_dump_json()) == query
    period = m.Period(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    literal = query.model_copy(update={"period": period})
    assert m.Query.model_validate_json(literal.model_dump_json()) == literal
