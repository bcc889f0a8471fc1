"""Checks added for issue 14: names that differ only in case, literal ranges, offsets beyond the
dates, a cumulative of a cumulative, and `order` by output column names."""

from __future__ import annotations

import pytest
from semantic_checks import FIRST_LINE, SALES, check_text, checked, diagnostics, only


# ---- names that differ only in case (E112) -----------------------------------------------------------
@pytest.mark.parametrize("declaration", [
    "metric Revenue = sum(orders.amount) where orders.status = 'paid'",
    "dimension REVENUE = orders.status",
    "query revENUE { metrics: revenue }",
])
def test_a_name_differing_only_in_case_is_e112_pointing_at_the_first(declaration: str) -> None:
    found = only(SALES + declaration + "\n", "E112")
    assert found.span is not None and found.span.line == FIRST_LINE
    assert "`revenue` only in case" in found.message
    assert [note.span.line for note in found.notes] == [SALES.splitlines().index(
        "metric revenue = sum(orders.amount)") + 1]


def test_sources_differing_only_in_case_are_e112_but_a_dimension_may_share_a_source_name() -> None:
    text = SALES + "source Orders { table: dw.other }\ndimension customers = customers.segment\n"
    assert [code for code, _, _ in check_text(text)] == ["E112", "W001"]


# ---- literals and ranges --------------------------------------------------------------------------------
@pytest.mark.parametrize(("written", "message"), [
    ("decimal(2.5, 1)", "the precision of a decimal must be a whole number, not 2.5"),
    ("decimal(18, 2.5)", "the scale of a decimal must be a whole number, not 2.5"),
    ("decimal(3, 5)", "a decimal's scale is 0 to its precision (3), not 5"),
    ("decimal(40, 2)", "a decimal's precision is 1 to 38 digits, not 40"),
    ("decimal(0, 0)", "a decimal's precision is 1 to 38 digits, not 0"),
])
def test_an_invalid_decimal_type_says_why(written: str, message: str) -> None:
    found = only(SALES + f"source t {{ table: x.t\n columns {{ a: {written} }} }}\n", "E206")
    assert found.message == f"invalid decimal type: {message}"


def test_a_valid_decimal_type_is_kept() -> None:
    model = checked(SALES + "source t { table: x.t\n columns { a: decimal(38, 38), b: decimal(1, 0) } }\n").model
    assert model.sources["t"].columns == {"a": "decimal(38,38)", "b": "decimal(1,0)"}


def test_a_limit_beyond_a_64_bit_integer_is_e109() -> None:
    found = only(SALES + "query q { metrics: revenue, limit: 99999999999999999999999 }\n", "E109")
    assert found.help is not None and "9223372036854775807" in found.help
    assert checked(SALES + "query q { metrics: revenue, limit: 9223372036854775807 }\n").model.queries["q"].limit \
        == 2**63 - 1


@pytest.mark.parametrize("period", ["9999", "999", "2026-01-01 .. 9999-12-31", "0001-01-01 .. 2026-12-31"])
def test_a_period_outside_real_years_is_e502(period: str) -> None:
    found = only(SALES + f"query q {{ metrics: revenue\n period: {period} }}\n", "E502")
    assert "is out of range: a period lies within the years 1000 to 9998" in found.message


@pytest.mark.parametrize("call", ["lag(revenue, 100000 years)", "growth(revenue, 12000 months)",
                                  "cumulative(revenue, 400000 days)", "lag(revenue, 1000 periods)"])
def test_an_offset_beyond_the_range_of_dates_is_e407(call: str) -> None:
    found = only(SALES + f"metric far = {call}\n", "E407")
    assert "is beyond the range of dates" in found.message


def test_an_offset_of_999_years_is_fine() -> None:
    assert diagnostics(SALES + "metric far = lag(revenue, 999 years)\n") == []


# ---- cumulative of a cumulative (E407 at check, not a crash in sql) ------------------------------------
@pytest.mark.parametrize("metrics", [
    "metric x = cumulative(cumulative(revenue, year), year)",
    "metric ytd = cumulative(revenue, year)\nmetric x = cumulative(ytd, 3 months)",
    "metric ly = lag(cumulative(revenue, year), 1 year)\nmetric x = cumulative(ly * 2, quarter)",
])
def test_a_cumulative_of_a_cumulative_is_e407(metrics: str) -> None:
    found = only(SALES + metrics + "\n", "E407")
    assert found.message == "metric `x` takes a cumulative of a cumulative"
    assert found.help is not None and "cumulative(revenue, year)" in found.help


def test_lag_of_a_cumulative_and_cumulative_of_a_lag_are_fine() -> None:
    text = SALES + "metric a = lag(cumulative(revenue, year), 1 year)\nmetric b = cumulative(lag(revenue, 1 year), year)\n"
    assert diagnostics(text) == []


# ---- order by an output column name (LANGUAGE.md §8) ---------------------------------------------------
def test_order_accepts_the_output_column_name_of_a_time_dimension() -> None:
    model = checked(SALES + "query q { metrics: revenue\n by: time.month\n order: time_month desc }\n").model
    order = model.queries["q"].order
    assert [(o.name, o.descending) for o in order] == [("time.month", True)]


def test_order_by_a_column_the_query_does_not_return_is_still_e503() -> None:
    assert [code for code, _, _ in check_text(SALES + "query q { metrics: revenue\n order: time_month }\n")] == ["E503"]


# ---- suggestions only for similar names ----------------------------------------------------------------
def test_lag_in_a_having_does_not_suggest_avg() -> None:
    found = only(SALES + "metric m = count_distinct(orders.customer_id) having lag(count(orders), 1 year) > 1\n",
                 "E110")
    assert found.help is not None and "avg" not in found.help
    assert "`lag` works on metrics" in found.help


def test_last_7_days_does_not_suggest_asc() -> None:
    from metricdsl.source import SourceFile
    from metricdsl.syntax.parse import parse_file

    _, problems = parse_file(SourceFile("spec.metric", "query q { metrics: revenue, period: last 7 days }\n"))
    assert problems == []  # a relative period (LANGUAGE.md §7)
    _, problems = parse_file(SourceFile("spec.metric", "query q { metrics: revenue, period: last 7 dais }\n"))
    assert problems and all("asc" not in (p.help or "") for p in problems)


@pytest.mark.parametrize("condition", ["orders.order_date >= '2026-01-01'",
                                       "orders.order_date between '2026-01-01' and 2026-12-31",
                                       "orders.order_date in ('2026-01-01')"])
def test_a_quoted_date_compared_with_a_date_says_drop_the_quotes(condition: str) -> None:
    found = only(SALES + f"metric m = sum(orders.amount) where {condition}\n", "E203")
    assert found.help == "drop the quotes: 2026-01-01 is a date literal"


def test_a_quoted_string_compared_with_a_number_gets_no_date_hint() -> None:
    assert only(SALES + "metric m = sum(orders.amount) where orders.amount > '2026-01-01'\n", "E203").help is None


def test_typos_are_still_suggested() -> None:
    from metricdsl.diagnostics.suggest import suggest

    assert suggest("lag", ["avg", "sum"]).close == ()
    assert suggest("last", ["asc", "desc"]).close == ()
    assert suggest("customer", ["customer_id", "order_id"]).close == ("customer_id",)
    assert suggest("stauts", ["status"]).close == ("status",)
    assert suggest("buyer", ["buyers", "aov"]).close == ("buyers",)


# ---- W004: having compares a date while the period hides earlier rows -----------------------------------
FIRST_BUYERS = "metric first = count_distinct(orders.customer_id) having min(orders.order_date) >= 2026-01-01\n"


@pytest.mark.parametrize("query", ["query q { metrics: first, period: 2026 }",
                                   "query q { metrics: first\n by: time.month }"])
def test_a_having_date_comparison_with_a_period_or_time_warns(query: str) -> None:
    found = only(SALES + FIRST_BUYERS + query + "\n", "W004")
    assert found.span is not None and found.span.line == FIRST_LINE + 1


def test_no_warning_without_period_or_time_or_for_a_count_condition() -> None:
    assert diagnostics(SALES + FIRST_BUYERS + "query q { metrics: first }\n") == []
    text = SALES + "metric rep = count_distinct(orders.customer_id) having count(orders) >= 2\n" \
        "query q { metrics: rep, period: 2026 }\n"
    assert diagnostics(text) == []
