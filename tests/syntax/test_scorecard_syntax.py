"""The scorecard declaration and its KPI items (LANGUAGE.md §9): `weight 40%`, `target T` and
`range lo .. hi` parse as KPI settings, while `weight` and `range` stay ordinary names elsewhere."""

from __future__ import annotations

from decimal import Decimal

from metricdsl.syntax import ast
from metricdsl.syntax.parse import parse_text

CARD = """scorecard agents "坐席" {
  by: agent
  period: 2027
  kpis {
    revenue: weight 40%, target revenue_2027
    conversion: weight 30%, range 20% .. 30%
    complaints: weight 30%, range 10 .. -5
  }
}
"""


def kpis(text: str) -> list[ast.Property]:
    tree, problems = parse_text(text)
    assert problems == []
    decl = tree.declarations[0]
    assert isinstance(decl, ast.BlockDecl) and decl.kind == "scorecard"
    block = next(e for e in decl.block.entries if isinstance(e, ast.NestedBlock))
    return block.block.properties()


def test_kpi_items_are_words() -> None:
    revenue, conversion, complaints = kpis(CARD)
    weight, target = revenue.items
    assert (weight.kind, weight.word, weight.expr) == ("word", "weight", weight.expr)
    assert isinstance(weight.expr, ast.Percent) and weight.expr.value == Decimal("0.4")
    assert target.word == "target" and isinstance(target.expr, ast.Name) and target.expr.dotted == "revenue_2027"
    ranged = conversion.items[1]
    assert ranged.word == "range" and isinstance(ranged.expr, ast.Percent) and isinstance(ranged.upper, ast.Percent)
    reversed_range = complaints.items[1]
    assert isinstance(reversed_range.upper, ast.Unary) and reversed_range.upper.op == "-"


def test_weight_and_range_stay_names_outside_kpis() -> None:
    tree, problems = parse_text("metric weight = sum(s.w)\nmetric range = weight * 2\n"
                                "query q { metrics: weight, range }\n"
                                "target t { metric: revenue, weight: range 2, reach 1 }\n")
    assert problems == []
    target = tree.declarations[3]
    assert isinstance(target, ast.BlockDecl)
    items = target.block.properties()[1].items
    assert [(item.kind, item.expr.dotted if isinstance(item.expr, ast.Name) else None) for item in items] == [
        ("weighted", "range"), ("weighted", "reach")]


def test_scorecard_is_a_keyword_and_names_nothing() -> None:
    from metricdsl.semantic import check

    tree, problems = parse_text("source s { table: t, columns { w: int } }\nmetric scorecard = sum(s.w)\n")
    assert problems == []
    assert [(d.code, d.message) for d in check([tree]).diagnostics] == [
        ("E106", "`scorecard` is a keyword and cannot name a metric")]
