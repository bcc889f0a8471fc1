"""The shared state of the semantic stage: Reporter, Symbols, and Scope.from_model (used by check_query)."""

from __future__ import annotations

from semantic_checks import SALES, checked, parse_text

from metricdsl.ir import model as m
from metricdsl.semantic import check_query
from metricdsl.semantic.context import Reporter, Scope, Symbol, Symbols
from metricdsl.source import Span
from metricdsl.syntax import ast

SPAN = Span("<test>", 3, 5, 3, 9)


def test_reporter_counts_errors_but_not_warnings() -> None:
    report = Reporter()
    mark = report.mark()
    report.error("W001", "a warning", SPAN)
    assert not report.failed_since(mark)
    report.error("E101", "an error", SPAN, "a help line")
    assert report.failed_since(mark)
    assert not report.failed_since(report.mark())
    assert [(d.code, d.severity, d.help) for d in report.diagnostics] == [
        ("W001", "warning", None), ("E101", "error", "a help line")]
    assert report.error_count == 1


def test_sources_have_a_namespace_of_their_own() -> None:
    symbols = Symbols()
    symbols.declare("orders", Symbol("source", SPAN))
    symbols.declare("orders", Symbol("metric", SPAN))
    symbols.declare("region", Symbol("dimension", None))
    assert symbols.is_a("orders", "source") and symbols.is_a("orders", "metric")
    assert not symbols.is_a("orders", "dimension")
    assert symbols.named("source") == ["orders"]
    assert symbols.named("dimension") == ["region"]
    assert symbols.named("query") == []


def test_broken_names_count_as_known() -> None:
    symbols = Symbols(broken={"half_written"})
    assert symbols.known("half_written", "metric")
    assert symbols.known("half_written", "source")
    assert not symbols.is_a("half_written", "metric")
    assert not symbols.known("never_declared", "metric")


def test_scope_from_model_knows_every_name_and_table() -> None:
    project = checked(SALES + "query by_segment { metrics: revenue, by: segment }\n").model
    scope = Scope.from_model(project)
    assert scope.symbols.named("source") == ["orders", "customers", "visits"]
    assert scope.symbols.named("metric") == ["revenue", "buyers", "aov"]
    assert scope.symbols.named("dimension") == ["segment", "channel"]
    assert scope.symbols.named("query") == ["by_segment"]
    assert scope.symbols.sources["orders"] == Symbol("source", None)  # no syntax behind a model's names
    assert scope.symbols.broken == set()
    assert scope.dimension_types == {"segment": "string", "channel": "string"}
    assert scope.metric_exprs["aov"] == project.metrics["aov"].expr
    assert scope.joins.paths("orders", "customers") == [("customers",)]
    assert scope.joins.paths("orders", "visits") == []
    assert scope.report.diagnostics == []


def _query(text: str) -> ast.BlockDecl:
    decl = parse_text(text).declarations[0]
    assert isinstance(decl, ast.BlockDecl)
    return decl


def test_check_query_against_a_checked_project() -> None:
    project = checked(SALES).model
    query, found = check_query(project, _query("query adhoc { metrics: aov, by: segment, time.month }"))
    assert found == []
    assert query is not None
    assert (query.name, query.metrics, query.by_names) == ("adhoc", ("aov",), ("segment", "time.month"))
    assert query.location == m.Location(file="<test>", line=1, column=7)


def test_check_query_reports_with_the_models_names() -> None:
    project = checked(SALES).model
    query, found = check_query(project, _query("query adhoc { metrics: revenu, segment, by: time.month }"))
    assert query is None
    assert [(d.code, d.span.column if d.span else 0, d.message, d.help) for d in found] == [
        ("E103", 24, "unknown metric `revenu`", "did you mean `revenue`?"),
        ("E103", 32, "unknown metric `segment`", "`segment` is a dimension: put it in `by:`"),
    ]


def test_check_query_reaches_through_the_models_joins() -> None:
    project = checked(SALES).model
    query, found = check_query(project, _query("query adhoc { metrics: revenue, by: channel, time.monht }"))
    assert query is None
    assert [(d.code, d.span.column if d.span else 0, d.message, d.help) for d in found] == [
        ("E104", 46, "unknown time dimension `time.monht`", "did you mean `time.month`?"),
        ("E305", 37, "dimension `channel` is not reachable from source `orders` of metric `revenue`",
         "no chain of `join`s leads from `orders` to `visits`"),
    ]
