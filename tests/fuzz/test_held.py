"""What held in issue 14's hostile run, kept as tests so that it keeps holding.

* No SQL injection: nine hostile strings (quotes, backslashes, ``--``, ``/*``, ``;``, Unicode
  line breaks, ``$$``, scheduler placeholders) as SQL string literals and as labels, in a
  dimension, a metric `where`, a query `where` and the labels of a metric, a dimension and a
  query, compiled for DuckDB, PostgreSQL and Impala: the SQL is one statement whose string
  literals hold the text unchanged, and on DuckDB and PostgreSQL the answer is the reference's.
* 108 ``metricdsl sql`` compiles in four concurrent processes sharing one fresh cache folder print
  exactly what an uncached compile prints.
* ``fmt`` is idempotent and keeps the meaning (the same SQL) on random generated projects
  (``tests/test_fmt.py`` covers the corpus and ``specs/``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
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

REPO = Path(__file__).resolve().parents[2]

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

# One process: `metricdsl sql specs --query Q --dialect D` for each job given on the command line,
# in process (click's runner), printing each output as one JSON line.
DRIVER = """
import json, sys
from click.testing import CliRunner
from metricdsl.cli import main
runner = CliRunner()
for job in sys.argv[1:]:
    query, dialect = job.split(":")
    result = runner.invoke(main, ["sql", "specs", "--query", query, "--dialect", dialect])
    assert result.exit_code == 0, result.output
    print(json.dumps([job, result.output]))
"""


def run_sql(jobs: list[str], cache: Path, *, use_cache: bool = True) -> list[tuple[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "METRICDSL_CACHE_DIR": str(cache)}
    env.pop("METRICDSL_NO_CACHE", None)
    if not use_cache:
        env["METRICDSL_NO_CACHE"] = "1"
    done = subprocess.run([sys.executable, "-c", DRIVER, *jobs], env=env, cwd=REPO, capture_output=True, text=True,
                          check=True)
    return [tuple(json.loads(line)) for line in done.stdout.splitlines()]


def test_108_concurrent_compiles_agree_with_an_uncached_compile(tmp_path: Path) -> None:
    """Four processes run 27 ``metricdsl sql`` each (6 inputs) against one fresh cache folder; every
    output must be what the same command prints without the cache."""
    inputs = [f"{query}:{dialect}" for query in ("monthly_kpi", "yoy_monthly") for dialect in ("duckdb", "postgres",
                                                                                             "impala")]
    uncached = dict(run_sql(inputs, tmp_path / "unused", use_cache=False))
    jobs = [[inputs[(n + worker) % len(inputs)] for n in range(27)] for worker in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        printed = [pair for batch in pool.map(lambda batch: run_sql(batch, tmp_path / "cache"), jobs) for pair in batch]
    assert len(printed) == 108
    mismatches = [job for job, text in printed if text != uncached[job]]
    assert mismatches == [], f"{len(mismatches)} of 108 compiles printed other SQL than an uncached compile"
    assert any((tmp_path / "cache").iterdir())


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
