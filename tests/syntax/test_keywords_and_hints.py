"""The shared keyword definitions (metricdsl.syntax.keywords), the did-you-mean data
(metricdsl.diagnostics.suggest) and how a syntax error uses them."""

from __future__ import annotations

from metricdsl.diagnostics import did_you_mean
from metricdsl.diagnostics.suggest import Suggestion, suggest
from metricdsl.syntax.keywords import DECLARATION_START, DECLARATION_TOKEN_TYPES, DECLARED_NAME, KEYWORDS
from metricdsl.syntax.parse import parse_text

TARGET = """target revenue_2027 {
  metric: revenue
  period: 2027
}
decompose revenue = aov * buyers
  query monthly { metrics: revenue }
"""


def test_a_declaration_starts_a_line_and_a_key_does_not() -> None:
    starts = [(match.group(1), TARGET.count("\n", 0, match.start()) + 1) for match in DECLARATION_START.finditer(TARGET)]
    assert starts == [("target", 1), ("decompose", 5), ("query", 6)]


def test_declared_names_skip_decompose_which_names_an_existing_metric() -> None:
    assert DECLARED_NAME.findall(TARGET) == ["revenue_2027", "monthly"]


def test_one_keyword_list_holds_the_declaration_keywords() -> None:
    assert KEYWORDS[:8] == ("source", "dimension", "metric", "decompose", "query", "calendar", "target", "scorecard")
    assert DECLARATION_TOKEN_TYPES == {"SOURCE", "DIMENSION", "METRIC", "DECOMPOSE", "QUERY", "CALENDAR", "TARGET",
                                       "SCORECARD"}
    assert len(set(KEYWORDS)) == len(KEYWORDS) == 26  # LANGUAGE.md §1


def test_suggest_returns_close_names_or_else_the_nearest() -> None:
    assert suggest("revenu", ["revenue", "cost", "buyers"]) == Suggestion(close=("revenue",))
    assert suggest("REVENUE", ["revenue", "cost"]) == Suggestion(close=("revenue",))
    assert suggest("x", ["revenue", "cost"]) == Suggestion(nearest=("revenue", "cost"))
    assert suggest("x", []) == Suggestion()


def test_did_you_mean_keeps_its_wording() -> None:
    assert did_you_mean("revenu", ["revenue", "revenue", "cost"]) == "did you mean `revenue`?"
    assert did_you_mean("buyer", ["buyers", "buyerz"]) == "did you mean `buyerz` or `buyers`?"
    assert did_you_mean("x", ["revenue", "cost"]) == (
        "nothing is spelled like it; the nearest known names are `revenue`, `cost`")
    assert did_you_mean("x", []) is None


def test_a_syntax_error_hints_only_at_a_close_keyword() -> None:
    _, close = parse_text("metrik revenue = 1\n")
    assert [(d.code, d.help) for d in close] == [("E002", "did you mean `metric`?")]
    _, far = parse_text("zzzzq revenue = 1\n")
    assert [(d.code, d.help) for d in far] == [("E002", None)]
    _, direction = parse_text("query q { order: revenue dsc, buyers }\n")
    assert [d.help for d in direction] == ["did you mean `desc` or `asc`?"]
