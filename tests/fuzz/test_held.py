"""What held in issue 14's hostile run, kept as tests so that it keeps holding.

* No SQL injection: nine hostile strings (quotes, backslashes, ``--``, ``/*``, ``;``, Unicode
  line breaks, ``$$``, scheduler placeholders) as SQL string literals and as labels, in a
  dimension, a metric `where`, a query `where` and the labels of a metric, a dimension and a
  query, compiled for DuckDB, PostgreSQL and Impala: the SQL is one statement whose string
  literals hold the text unchanged, and on DuckDB and PostgreSQL the answer is the reference's.
* 108 concurrent compiles through the caches (``metricdsl sql``'s SQL cache and the per-file parse
  cache), in threads sharing one fresh cache folder, give exactly what an uncached compile gives.
* ``fmt`` is idempotent and keeps the meaning (the same SQL) on random generated projects
  (``tests/test_fmt.py`` covers the corpus and ``specs/``).
"""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fuzz_model import (
    Agg,
    Case,
    Col,
    Compare,
    DimensionDef,
    DimRef,
    FuzzProject,
    InList,
    Lit,
    MetricDef,
    Query,
)
from fuzz_profiles import fuzz_settings
from fuzz_runner import assert_agree, compile_project
from fuzz_strategies import projects
from hypothesis import given
from sqlglot.tokens import TokenType

SPECS = Path(__file__).resolve().parents[2] / "specs"

HOSTILE = [
    "O'Brien",
    "'; DROP TABLE jn_sales; --",
    "back\\slash\\",
    "\\'; SELECT 1; --",
    "-- not a comment",
    "/* not */ a comment */",
    "line\u2028separator\u0085next",
    "$$ dollar $tag$ quoted",
    '"double" %s {{ ds }} ${var:run_date}',
]


def hostile_project(text: str, named: bool) -> FuzzProject:
    """``text`` as a CASE label, in three conditions, and as the labels of everything."""
    sale_id = Col("sales", "sale_id", "num")
    label = DimensionDef("label", Case(((Compare("=", sale_id, Lit(1)), Lit(text)),), Lit("other")), "sales", "str",
                         label=text)
    revenue = MetricDef("revenue", Agg("sum", Col("sales", "amount", "num"), "sales"), "num",
                        where=Compare("!=", Col("customers", "name", "str"), Lit(text)), label=text)
    marked = MetricDef("marked", Agg("count", None, "sales"), "num", where=Compare("=", DimRef("label", "str"), Lit(text)))
    query = Query(("revenue", "marked"), ("label",), InList(DimRef("label", "str"), (Lit(text), Lit("other"))),
                  named=named, label=text)
    return FuzzProject("joins", (label,), (revenue, marked), query)


def string_literals(sql: str, dialect: str) -> list[str]:
    """The values of the SQL's string literals, as the dialect's own tokenizer reads them."""
    from sqlglot import Dialect

    from metricdsl.sql.dialects.impala import impala_dialect

    reader = impala_dialect() if dialect == "impala" else Dialect.get_or_raise(dialect)
    tokens = reader.tokenize(sql)
    statements = [t for t in tokens if t.token_type == TokenType.SEMICOLON]
    assert len(statements) <= 1 and (not statements or statements[0] is tokens[-1]), "more than one statement"
    return [t.text for t in tokens if t.token_type == TokenType.STRING]


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "impala"])
@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_stay_inside_their_literals(text: str, dialect: str) -> None:
    for named in (False, True):
        sql = compile_project(hostile_project(text, named), dialect)
        literals = string_literals(sql, dialect)
        assert literals.count(text) >= 3, (literals, sql)
        if dialect == "impala":
            from support.impala_lint import lint_impala

            assert lint_impala(sql) == [], sql


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_give_the_reference_answer(text: str, fuzz_engines: dict[str, Any]) -> None:
    for named in (False, True):
        assert_agree(hostile_project(text, named), fuzz_engines)


# --------------------------------------------------------------------------------------------
# 108 concurrent compiles through one cache


def cached_sql(project: Path, query: str, dialect: str) -> str:
    """What ``metricdsl sql PROJECT --query Q --dialect D`` does: the cache first, else compile and store."""
    from metricdsl.api import compile_sql, load_project
    from metricdsl.pipeline import cache

    entry = cache.key(project, ["sql", dialect, query])
    assert entry is not None
    stored = cache.get(entry)
    if stored is not None:
        return stored
    text = compile_sql(load_project(project), query=query, dialect=dialect)
    cache.put(entry, text)
    return text


def test_108_concurrent_compiles_agree_with_an_uncached_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse trees and SQL are cached per file and per input; 108 compiles of 6 inputs in 12 threads
    share one fresh cache folder and must print exactly what a compile without the cache prints."""
    from metricdsl.api import compile_sql, load_project

    inputs = [(query, dialect) for query in ("monthly_kpi", "yoy_monthly") for dialect in ("duckdb", "postgres", "impala")]
    monkeypatch.setenv("METRICDSL_NO_CACHE", "1")
    uncached = {i: compile_sql(load_project(SPECS), query=i[0], dialect=i[1]) for i in inputs}
    monkeypatch.delenv("METRICDSL_NO_CACHE")
    monkeypatch.setenv("METRICDSL_CACHE_DIR", str(tmp_path / "cache"))
    jobs = [inputs[n % len(inputs)] for n in range(108)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        printed = list(pool.map(lambda job: (job, cached_sql(SPECS, *job)), jobs))
    mismatches = [job for job, text in printed if text != uncached[job]]
    assert mismatches == [], f"{len(mismatches)} of 108 compiles differ from an uncached compile"
    assert {p.name.split("-")[0] for p in (tmp_path / "cache").iterdir()} >= {"ast"}


# --------------------------------------------------------------------------------------------
# fmt on generated projects


@fuzz_settings(examples=60)
@given(project=projects())
def test_fmt_is_idempotent_and_keeps_the_meaning(project: FuzzProject) -> None:
    from metricdsl.api import CheckFailed, compile_sql, load_project
    from metricdsl.syntax.fmt import format_text

    text = project.text()
    formatted = format_text(text)
    assert format_text(formatted) == formatted
    outcomes = []
    for version in (text, formatted):
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "spec.metric").write_text(version, encoding="utf-8")
            try:
                model = load_project(folder)
                compiled = compile_sql(model, dialect="duckdb", **project.query.compile_args())
            except CheckFailed as failed:  # the same errors before and after, then
                outcomes.append(sorted(d.code for d in failed.diagnostics))
                continue
        outcomes.append([line for line in compiled.splitlines() if not line.startswith("-- from:")])
    assert outcomes[0] == outcomes[1]
