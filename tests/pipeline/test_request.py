"""`QueryRequest` through the pipeline: the same SQL as the keyword API, and the tree behind the text."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest

from metricdsl import api
from metricdsl.errors import CheckFailed
from metricdsl.ir import model as m
from metricdsl.pipeline.adhoc import adhoc_text
from metricdsl.pipeline.compile import build_query, compile_sql, compile_statement
from metricdsl.pipeline.request import QueryRequest
from metricdsl.sql.target import target

SPECS = Path(__file__).resolve().parent.parent.parent / "specs"
DIALECTS = [("duckdb", "3.4"), ("postgres", "3.4"), ("impala", "3.4"), ("impala", "2.12")]
REQUESTS: dict[str, dict[str, Any]] = {
    "named": {"query": "monthly_kpi"},
    "ad hoc, every part": {"metrics": ["revenue", "aov"], "by": ["time.month", "product"],
                           "where": "channel = 'phone'", "period": "2026-01-01 .. 2026-06-30",
                           "order": ["revenue desc"], "limit": 5},
    "two count distincts": {"metrics": ["buyers", "repeat_buyers"], "by": ["city"], "period": "2026"},
}


@cache
def specs() -> m.Project:
    return api.load_project(SPECS)


def test_of_turns_optional_lists_into_tuples() -> None:
    request = QueryRequest.of(metrics=["revenue"], by=None, order=["revenue desc"], limit=3)
    assert request == QueryRequest(None, ("revenue",), (), None, None, ("revenue desc",), 3)
    assert hash(request) == hash(QueryRequest(metrics=("revenue",), order=("revenue desc",), limit=3))
    assert QueryRequest.of(query="monthly_kpi").title == "monthly_kpi" and request.title == "query"


@pytest.mark.parametrize("name", REQUESTS)
@pytest.mark.parametrize(("dialect", "version"), DIALECTS)
def test_a_request_compiles_like_the_keyword_api(name: str, dialect: str, version: str) -> None:
    keywords = REQUESTS[name]
    expected = api.compile_sql(specs(), **keywords, dialect=dialect, impala_version=version)
    assert compile_sql(specs(), QueryRequest.of(**keywords), dialect, version) == expected
    assert expected.startswith("-- metricdsl query: ")


@pytest.mark.parametrize("name", REQUESTS)
@pytest.mark.parametrize(("dialect", "version"), DIALECTS)
def test_the_statement_is_the_tree_of_the_sql_body(name: str, dialect: str, version: str) -> None:
    request = QueryRequest.of(**REQUESTS[name])
    text = compile_sql(specs(), request, dialect, version)
    body = "\n".join(line for line in text.splitlines() if not line.startswith("-- ")) + "\n"
    tree = compile_statement(specs(), request, dialect, version)
    assert tree.sql(dialect=target(dialect, version).sqlglot, pretty=True, identify=True) + ";\n" == body


def test_build_query_is_the_same_query_either_way() -> None:
    keywords = REQUESTS["ad hoc, every part"]
    query = build_query(specs(), QueryRequest.of(**keywords))
    assert query == api.build_query(specs(), **keywords)
    assert query.limit == 5 and query.where is not None
    assert build_query(specs(), QueryRequest(query="monthly_kpi")) is specs().queries["monthly_kpi"]


def test_the_ad_hoc_request_is_written_as_a_query_block() -> None:
    request = QueryRequest.of(**REQUESTS["ad hoc, every part"])
    assert adhoc_text(request) == (
        "query adhoc {\n  metrics: revenue, aov\n  by: time.month, product\n  where: channel = 'phone'\n"
        "  period: 2026-01-01 .. 2026-06-30\n  order: revenue desc\n  limit: 5\n}\n")


def test_an_unknown_query_suggests_the_nearest_name() -> None:
    with pytest.raises(CheckFailed) as failure:
        compile_sql(specs(), QueryRequest(query="monthly_kpis"))
    (diagnostic,) = failure.value.diagnostics
    assert (diagnostic.code, diagnostic.message) == ("E501", "unknown query `monthly_kpis`")
    assert diagnostic.help == "did you mean `monthly_kpi`?"  # only names a few typos away (issue 14)


def test_a_request_without_metrics_is_an_error() -> None:
    with pytest.raises(CheckFailed) as failure:
        compile_statement(specs(), QueryRequest(by=("product",)))
    assert [d.code for d in failure.value.diagnostics] == ["E108"]
