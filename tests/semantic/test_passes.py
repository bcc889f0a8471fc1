"""Diagnostics pinned per semantic pass, on inline text: code, line, column, and the wording that matters.

Every text is the small valid project `SALES` plus the declarations under test, which start at
line L (= FIRST_LINE).
"""

from __future__ import annotations

import pytest
from semantic_checks import FIRST_LINE as L
from semantic_checks import SALES, check_text, checked, diagnostics, only

from metricdsl.ir import model as m
from metricdsl.semantic.queries import time_problem


def test_the_base_project_is_clean() -> None:
    assert check_text(SALES) == []
    model = checked(SALES).model
    assert list(model.metrics) == ["revenue", "buyers", "aov"]
    assert model.metrics["revenue"].additive and not model.metrics["aov"].additive
    assert model.join_paths["orders"] == {"customers": ("customers",)}


# ---- names ---------------------------------------------------------------------------------------
def test_names_duplicates_keywords_and_time() -> None:
    text = SALES + ("metric revenue = sum(orders.amount)\n"
                    "source orders { table: x }\n"
                    "metric where = 1\n"
                    "source time { table: t }\n")
    assert check_text(text) == [("E105", L, 8), ("E105", L + 1, 8), ("E106", L + 2, 8), ("E106", L + 3, 8)]
    duplicate_metric, duplicate_source, keyword, time = diagnostics(text)
    assert duplicate_metric.message == "metric `revenue` is declared twice"
    assert [(n.span.line, n.message) for n in duplicate_metric.notes] == [(22, "metric `revenue` is first declared here")]
    assert duplicate_source.help == "rename one of the two sources"
    assert keyword.message == "`where` is a keyword and cannot name a metric"
    assert time.message == "no source may be called `time`: it is the built-in time dimension"


def test_a_source_and_a_metric_may_share_a_name_but_not_a_metric_and_a_dimension() -> None:
    text = SALES + "metric orders = count(orders)\nmetric segment = count(orders)\n"
    found = only(text, "E105")
    assert (found.span.line if found.span else 0, found.message) == (
        L + 1, "metric `segment` has the same name as dimension `segment`")


# ---- rows ----------------------------------------------------------------------------------------
def test_row_expressions_are_resolved_and_typed() -> None:
    text = SALES + ("metric m1 = sum(orders.amount) where orders.status > 3\n"
                    "metric m2 = sum(orders.amount) where time.monht = 1\n"
                    "metric m3 = sum(orders.amount) where segmnt = 'a'\n"
                    "metric m4 = sum(orders.amount) where frob(orders.status) = 1\n"
                    "metric m5 = sum(orders.amount) where orders.amount\n"
                    "metric m6 = sum(orders.amount) where orders.status = \"web\"\n")
    assert check_text(text) == [("E203", L, 38), ("E104", L + 1, 38), ("E104", L + 2, 38), ("E110", L + 3, 38),
                                ("E202", L + 4, 38), ("E109", L + 5, 54)]
    compare, time, dimension, function, condition, label = diagnostics(text)
    assert compare.message == "cannot compare string with number"
    assert (time.message, time.help) == ("unknown time dimension `time.monht`", "did you mean `time.month`?")
    assert (dimension.message, dimension.help) == ("unknown dimension `segmnt`", "did you mean `segment`?")
    assert function.message == "unknown function `frob`"
    assert condition.message == "expected a condition (true/false), found decimal(18,2)"
    assert label.help == "SQL strings use single quotes: 'web'"


def test_a_bare_column_name_suggests_the_column() -> None:
    found = only(SALES + "metric m = sum(orders.amount) where status = 'paid'\n", "E104")
    assert found.help == "did you mean the column `orders.status`? (a bare name in a condition is a dimension)"


def test_aggregates_only_in_metrics() -> None:
    found = only(SALES + "dimension big = sum(orders.amount) > 100\n", "E205")
    assert (found.span.line if found.span else 0, found.span.column if found.span else 0) == (L, 17)
    assert found.message == "aggregate `sum(…)` where a row value is expected"


# ---- reach ---------------------------------------------------------------------------------------
def test_unreachable_filters() -> None:
    text = SALES + ("metric v = count(visits) where segment = 'a'\n"
                    "query q { metrics: buyers, by: time.month, where: channel = 'web' }\n")
    assert check_text(text) == [("E301", L, 32), ("E301", L + 1, 51)]
    metric_where, query_where = diagnostics(text)
    assert metric_where.message == \
        "dimension `segment` (the `where` of metric `v`) is not reachable from source `visits`"
    assert metric_where.help == "no chain of `join`s leads from `visits` to `customers`"
    assert query_where.message == \
        "dimension `channel` (the query's `where`, for metric `buyers`) is not reachable from source `orders`"


def test_grouping_needs_a_time_column_and_a_join() -> None:
    text = SALES + ("metric visits_n = count(visits)\n"
                    "query s { metrics: visits_n, by: time.month, period: 2026 }\n"
                    "query t { metrics: revenue, by: channel }\n")
    assert check_text(text) == [("E406", L + 1, 34), ("E406", L + 1, 20), ("E305", L + 2, 33)]
    by_time, period, by_channel = diagnostics(text)
    assert by_time.message == \
        "metric `visits_n` reads `visits`, which has no `time:` column, so it cannot be grouped by `time.month`"
    assert period.message == \
        "metric `visits_n` reads `visits`, which has no `time:` column, so the query's `period` cannot filter it"
    assert by_channel.message == "dimension `channel` is not reachable from source `orders` of metric `revenue`"


TWO_PATHS = """\
source orders {
  table: o
  key: order_id
  columns { order_id: bigint, customer_id: bigint, agent_id: int, amount: double }
  join customers on customer_id = customers.customer_id
  join agents on agent_id = agents.agent_id
}
source agents {
  table: a
  key: agent_id
  columns { agent_id: int, customer_id: bigint }
  join customers on customer_id = customers.customer_id
}
source customers {
  table: c
  key: customer_id
  columns { customer_id: bigint, segment: string }
}
dimension segment = customers.segment
metric revenue = sum(orders.amount)
metric filtered = sum(orders.amount) where segment = 'a'
query q { metrics: revenue, by: segment }
"""


def test_two_join_paths() -> None:
    assert check_text(TWO_PATHS) == [("E302", 21, 44), ("E302", 22, 33)]
    in_metric, in_query = diagnostics(TWO_PATHS)
    assert in_metric.message == in_query.message == (
        "two join paths lead from `orders` to `customers`: orders -> customers and orders -> agents -> customers")


# ---- metrics -------------------------------------------------------------------------------------
def test_metric_expressions() -> None:
    text = SALES + ("metric a = b + 1\n"
                    "metric b = a * 2\n"
                    "metric c = segment + 1\n"
                    "metric d = orders.amount\n"
                    "metric e = cumulative(revenue, day)\n"
                    "metric f = lag(revenue, 0 years)\n"
                    "metric g = count_distinct(orders.customer_id) having orders.amount > 1\n")
    assert check_text(text) == [("E103", L + 2, 12), ("E204", L + 3, 12), ("E407", L + 4, 32), ("E407", L + 5, 25),
                                ("E204", L + 6, 54), ("E401", L, 8), ("E401", L + 1, 8)]
    found = diagnostics(text)
    assert found[0].help == "`segment` is a dimension; use it in `where` or in a query's `by`"
    assert found[4].message == "column `orders.amount` outside an aggregate in `having`"
    assert found[5].message == found[6].message == "metric cycle: a -> b -> a"


def test_metric_having_and_card() -> None:
    text = SALES + ("metric repeat = count_distinct(orders.customer_id) having count(orders) >= 2 {\n"
                    "  status: deprecated\n"
                    "  core: true\n"
                    "  dimensions: segment, time\n"
                    "}\n")
    assert check_text(text) == []
    repeat = checked(text).model.metrics["repeat"]
    assert isinstance(repeat.expr, m.DistinctHaving)
    assert repeat.expr.source == "orders"
    assert (repeat.card.status, repeat.card.core, repeat.card.dimensions) == ("deprecated", True, ("segment", "time"))
    assert repeat.additive is False


def test_metric_card_kind_and_direction() -> None:
    text = SALES + ("metric fast = revenue { kind: time, direction: lower }\n"
                    "metric odd = revenue { kind: speed, direction: up }\n")
    assert check_text(text) == [("E109", L + 1, 30), ("E109", L + 1, 48)]
    found = diagnostics(text)
    assert found[0].message == "`kind` must be one of quantity, quality, cost, time"
    assert found[1].message == "`direction` must be one of higher, lower"
    card = checked(SALES + "metric fast = revenue { kind: time, direction: lower }\n").model.metrics["fast"].card
    assert (card.kind, card.direction) == ("time", "lower")


# ---- decompositions ------------------------------------------------------------------------------
def test_decompositions() -> None:
    text = SALES + ("decompose revenue = aov * buyers\n"
                    "decompose aov = revenue / buyers\n"
                    "decompose buyers by segment\n"
                    "decompose revenue = sum(orders.amount)\n"
                    "decompose revenue by time.monht\n")
    assert check_text(text) == [("E402", L + 2, 1), ("E404", L + 3, 21), ("E104", L + 4, 22),
                                ("E403", L + 1, 11), ("E403", L, 11)]
    found = diagnostics(text)
    assert found[0].message == "`decompose buyers by segment`: `buyers` is not additive, so its parts would not sum to it"
    assert found[3].message == "decompositions form a cycle: aov -> revenue -> aov"


def test_decompositions_are_proven_exact() -> None:
    text = SALES + "decompose revenue = aov * buyers\ndecompose revenue by segment\n"
    assert [(d.metric, d.kind, d.drivers, d.exact) for d in checked(text, prove=True).model.decompositions] == [
        ("revenue", "multiplicative", ("aov", "buyers"), True), ("revenue", "by", (), True)]


# ---- queries -------------------------------------------------------------------------------------
def test_queries() -> None:
    text = SALES + ("metric yoy = growth(revenue, 1 year)\n"
                    "metric mtd = cumulative(revenue, month)\n"
                    "query a { metrics: yoy }\n"
                    "query b { metrics: yoy, by: time.week }\n"
                    "query c { metrics: mtd, by: time.week }\n"
                    "query d { metrics: revenue, revenue, by: segment, order: buyers }\n"
                    "query e { metrics: revenue, by: time.month, time.day }\n"
                    "query f { metrics: channel, by: revenue }\n"
                    "query g { metrics: revenue, period: 2026 .. 2025 }\n"
                    "query h { metrics: revenue, limit: 0 }\n")
    assert check_text(text) == [
        ("E405", L + 2, 20), ("E407", L + 3, 20), ("E407", L + 4, 20), ("E503", L + 5, 58), ("E501", L + 5, 29),
        ("E501", L + 6, 45), ("E104", L + 7, 33), ("E103", L + 7, 20), ("E502", L + 8, 37), ("E109", L + 9, 36)]
    found = diagnostics(text)
    assert found[1].message == "metric `yoy`: an offset of 1 year is not a whole number of weeks"
    assert found[3].help == "order by one of: segment, revenue, revenue"
    assert found[8].message == "the period starts after it ends (2026-01-01 > 2025-12-31)"
    assert found[9].message == "`limit:` takes a positive whole number, not 0"


def test_a_query_by_an_unknown_grain_is_reported_once() -> None:
    text = SALES + "metric ytd = cumulative(revenue, year)\nquery q { metrics: ytd, by: time.monthh }\n"
    found = only(text, "E104")
    assert (found.span.line if found.span else 0, found.message) == (L + 1, "unknown time dimension `time.monthh`")


def test_a_valid_query_is_in_the_model() -> None:
    text = SALES + "query q { metrics: revenue, aov, by: segment, time.month, order: revenue desc, limit: 5 }\n"
    query = checked(text).model.queries["q"]
    assert (query.metrics, query.by, query.limit) == (("revenue", "aov"), (m.DimRef(name="segment"), m.TimeRef(grain="month")), 5)
    assert (query.by_names, query.grain, [ref.column for ref in query.by]) == (
        ("segment", "time.month"), "month", ["segment", "time_month"])
    assert query.order == (m.OrderItem(name="revenue", descending=True),)


@pytest.mark.parametrize(("node", "grain", "problem"), [
    (m.Lag(expr=m.MetricRef(metric="x"), count=1, unit="year"), "month", None),
    (m.Lag(expr=m.MetricRef(metric="x"), count=1, unit="month"), "quarter",
     "an offset of 1 month is not a whole number of quarters"),
    (m.Lag(expr=m.MetricRef(metric="x"), count=14, unit="day"), "week", None),
    (m.Cumulative(expr=m.MetricRef(metric="x"), unit="month"), "year",
     "cumulative to-date by month at year grain: the year is longer than the month"),
    (m.Cumulative(expr=m.MetricRef(metric="x"), unit="week", count=2), "month",
     "a rolling window of 2 week(s) is shorter than a month or not a whole number of months"),
    (m.Cumulative(expr=m.MetricRef(metric="x"), unit="day", count=7), "week", None),
])
def test_time_problem(node: m.Lag | m.Cumulative, grain: str, problem: str | None) -> None:
    assert time_problem(node, grain) == problem


# ---- calendars and targets -----------------------------------------------------------------------
def test_calendars_and_targets() -> None:
    text = SALES + ("calendar cn { country: CN, closed: 2027-02-08 .. 2027-02-12, open: 2027-02-09 }\n"
                    "target t { metric: aov, period: 2027, value: 5, growth: 2x, split: segment by equal }\n"
                    "target u { metric: revnue, period: 2027, growth: 20% }\n"
                    "target w { metric: revenue, period: 2027, growth: 2x, spread: month by workdays(cm) }\n")
    assert check_text(text) == [("E601", L, 68), ("E602", L + 1, 49), ("E602", L + 1, 61), ("E103", L + 2, 20),
                                ("E109", L + 2, 42), ("E602", L + 3, 81)]
    found = diagnostics(text)
    assert found[0].message == "2027-02-09 is both closed and open"
    assert [n.message for n in found[1].notes] == ["`value:` is given here"]
    assert found[2].message == "target `t` splits `aov`, but `aov` is not additive, so its parts would not sum to it"
    assert found[4].help == "a change is signed: +20% is 1.2x, -5% is 0.95x"
    assert (found[5].message, found[5].help) == ("unknown calendar `cm`", "did you mean `cn`?")


def test_a_valid_target_is_in_the_model() -> None:
    text = SALES + ("calendar cn { country: CN }\n"
                    "target t { metric: revenue, period: 2028, growth: +20%, split: segment by baseline,\n"
                    "           spread: month by workdays(cn), round: 100 }\n")
    assert check_text(text) == []
    model = checked(text).model
    target = model.targets["t"]
    assert (target.period_start.isoformat(), target.baseline_start.isoformat(), target.baseline_end.isoformat()) == (
        "2028-01-01", "2027-01-01", "2027-12-31")
    assert target.growth == pytest.approx(1.2)
    assert (target.split_dimension, target.split_method, target.spread_grains) == ("segment", "baseline", ["month"])
    assert model.calendars["cn"].country == "CN"


def test_the_default_baseline_of_a_leap_day_is_the_28th() -> None:
    text = SALES + "target t { metric: revenue, period: 2028-02-29 .. 2028-03-31, value: 10 }\n"
    target = checked(text).model.targets["t"]
    assert (target.baseline_start.isoformat(), target.baseline_end.isoformat()) == ("2027-02-28", "2027-03-31")
