"""Acceptance corpus: every named query, compiled and run on DuckDB and PostgreSQL, must equal
an independent reference computed in plain Python from the same CSV rows.

Projects under test: the bundled example ``specs/`` (its reference is at the bottom of this
file) and every ``tests/corpus/<case>/`` (its reference is ``<case>/expected.py``: ``SOURCES``,
``QUERIES`` and optionally ``HAND_CHECKED`` rows worked out by hand, which check the reference
itself).  Queries are discovered from the ``.metric`` files, so a query without a reference
fails ``test_every_query_has_a_reference``.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from support.customers_reference import customer_retention, new_and_returning
from support.paths import REPO_ROOT, SPECS_DIR, TESTS_DIR
from support.reference import (
    TIME_MONTH,
    TIME_QUARTER,
    Dataset,
    Dim,
    Group,
    Result,
    Source,
    and_,
    balance,
    coerce_text,
    count,
    count_distinct,
    count_distinct_having,
    differences,
    dim,
    div,
    eq,
    ge,
    in_,
    median,
    metric,
    ne,
    period,
    rank,
    sum_,
    total,
    year,
)
from support.ti_reference import cumulative, growth, lag, ti_query

CORPUS_DIR = TESTS_DIR / "corpus"

QueryFn = Callable[[Dataset], Result]


@dataclass(frozen=True)
class Reference:
    sources: list[Source]
    queries: dict[str, QueryFn]
    hand_checked: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = field(default_factory=dict)


@dataclass(frozen=True)
class CorpusProject:
    name: str
    path: Path

    @property
    def reference(self) -> Reference:
        return _reference(self.name, self.path)


# --------------------------------------------------------------------------------------------
# Reference for the bundled example project specs/ (电销中心)

SPECS_SOURCES = [
    Source(
        "orders",
        "dw.fact_orders",
        "order_id:bigint order_date:date customer_id:bigint product_id:int agent_id:int "
        "channel:string status:string amount:decimal(18,2) cost:decimal(18,2)",
        time="order_date",
        joins=(
            "customer_id -> customers.customer_id",
            "product_id -> products.product_id",
            "agent_id -> agents.agent_id",
        ),
    ),
    Source(
        "calls",
        "dw.fact_calls",
        "call_id:bigint call_date:date agent_id:int customer_id:bigint connected:bool duration_sec:int",
        time="call_date",
        joins=("agent_id -> agents.agent_id", "customer_id -> customers.customer_id"),
    ),
    Source("customers", "dw.dim_customer", "customer_id:bigint segment:string city:string signup_date:date"),
    Source(
        "products", "dw.dim_product", "product_id:int name:string category:string price:decimal(18,2) fixed_price:bool"
    ),
    Source("agents", "dw.dim_agent", "agent_id:int name:string team:string grade:string"),
    Source("balances", "dw.fact_balances",
           "snapshot_date:date account_id:bigint customer_id:bigint product_id:int balance:decimal(18,2)",
           time="snapshot_date", joins=("product_id -> products.product_id",)),
]


def _paid(r: dict[str, Any]) -> bool | None:
    return eq(r["orders.status"], "paid")


@metric
def revenue(g: Group) -> Any:
    return sum_(g.rows("orders", _paid), lambda r: r["orders.amount"])


@metric
def cost(g: Group) -> Any:
    return sum_(g.rows("orders", _paid), lambda r: r["orders.cost"])


@metric
def profit(g: Group) -> Any:
    return revenue(g) - cost(g)


@metric
def buyers(g: Group) -> Any:
    return count_distinct(g.rows("orders", _paid), lambda r: r["orders.customer_id"])


@metric
def order_count(g: Group) -> Any:
    return count(g.rows("orders", _paid))


@metric
def aov(g: Group) -> Any:
    return div(revenue(g), buyers(g))


@metric
def margin_rate(g: Group) -> Any:
    return div(profit(g), revenue(g))


@metric
def phone_revenue(g: Group) -> Any:
    return revenue(g.where(lambda r: eq(r["orders.channel"], "phone")))


@metric
def repeat_buyers(g: Group) -> Any:
    return count_distinct_having(
        g.rows("orders", _paid), lambda r: r["orders.customer_id"], lambda rows: count(rows) >= 2
    )


@metric
def repeat_rate(g: Group) -> Any:
    return div(repeat_buyers(g), buyers(g))


@metric
def call_count(g: Group) -> Any:
    return count(g.rows("calls"))


@metric
def connected_calls(g: Group) -> Any:
    return count(g.rows("calls", lambda r: eq(r["calls.connected"], True)))


@metric
def connect_rate(g: Group) -> Any:
    return div(connected_calls(g), call_count(g))


@metric
def revenue_per_call(g: Group) -> Any:
    return div(revenue(g), call_count(g))


@metric
def product_share(g: Group) -> Any:
    return div(revenue(g), total(g, revenue))


agent_rank = rank("agent_rank", revenue, ("team",))


@metric
def median_order_value(g: Group) -> Any:
    return median(g.rows("orders", _paid), lambda r: r["orders.amount"])


# specs/customers.metric: balances
@metric
def aum(g: Group) -> Any:
    return sum_(g.rows("balances"), lambda r: r["balances.balance"])


@metric
def balance_rows(g: Group) -> Any:
    return count(g.rows("balances"))


@metric
def aum_close(g: Group) -> Any:
    return balance(g, aum, "balances")


@metric
def aum_open(g: Group) -> Any:
    return balance(g, aum, "balances", closing=False)


@metric
def aum_daily_avg(g: Group) -> Any:
    return div(aum(g), count_distinct(g.rows("balances"), lambda r: r["balances.snapshot_date"]))


@metric
def accounts_close(g: Group) -> Any:
    return balance(g, balance_rows, "balances")


# specs/time_intelligence.metric
revenue_ly = lag(revenue, 1, "year", "revenue_ly")
revenue_yoy = growth(revenue, 1, "year", "revenue_yoy")
revenue_mom = growth(revenue, 1, "period", "revenue_mom")
revenue_ytd = cumulative(revenue, "year", "revenue_ytd")
buyers_ytd = cumulative(buyers, "year", "buyers_ytd")
aov_yoy = growth(aov, 1, "year", "aov_yoy")


def _price_band(r: dict[str, Any]) -> str:
    price = r["products.price"]
    if ge(price, 5000):
        return "高端"
    if ge(price, 1000):
        return "中端"
    return "入门"


PRODUCT = dim("product", "products.name")
CATEGORY = dim("category", "products.category")
PRICE_BAND = Dim("price_band", _price_band)
CITY = dim("city", "customers.city")
TEAM = dim("team", "agents.team")
GRADE = dim("grade", "agents.grade")
AGENT = dim("agent", "agents.name")

SPECS_QUERIES: dict[str, QueryFn] = {
    "monthly_kpi": lambda ds: ds.query(
        metrics=[revenue, cost, profit, margin_rate, buyers, order_count, aov, repeat_buyers, repeat_rate],
        by=[TIME_MONTH],
        period=year(2026),
        order=["time.month"],
    ),
    "revenue_by_product": lambda ds: ds.query(
        metrics=[revenue, order_count, buyers, aov, margin_rate],
        by=[CATEGORY, PRODUCT],
        period=year(2026),
        order=["revenue desc"],
    ),
    "team_grade": lambda ds: ds.query(
        metrics=[revenue, phone_revenue, order_count, buyers, repeat_buyers],
        by=[TEAM, GRADE],
        period=year(2025),
    ),
    "calls_by_team": lambda ds: ds.query(
        metrics=[revenue, call_count, connected_calls, connect_rate, revenue_per_call],
        by=[TEAM],
        period=year(2026),
    ),
    "team_monthly_calls": lambda ds: ds.query(
        metrics=[call_count, connected_calls, connect_rate],
        by=[TIME_MONTH, TEAM],
        period=year(2026),
        order=["time.month", "team"],
    ),
    "top_cities": lambda ds: ds.query(
        metrics=[revenue, buyers, aov],
        by=[CITY],
        # segment != '新客' is unknown for orphan customers (segment NULL): they are excluded.
        where=lambda r: and_(in_(r["orders.channel"], ["phone", "wechat"]), ne(r["customers.segment"], "新客")),
        order=["revenue desc"],
        limit=5,
    ),
    "price_band_quarterly": lambda ds: ds.query(
        metrics=[revenue, order_count, margin_rate],
        by=[TIME_QUARTER, PRICE_BAND],
        period=(year(2025)[0], year(2026)[1]),
        order=["time.quarter", "revenue desc"],
    ),
    "summary_2026": lambda ds: ds.query(
        metrics=[revenue, profit, margin_rate, buyers, repeat_rate, call_count, connect_rate, revenue_per_call],
        period=year(2026),
    ),
    "product_mix": lambda ds: ds.query(
        metrics=[revenue, product_share, median_order_value],
        by=[TIME_MONTH, PRODUCT],
        period=period("2026-01-01", "2026-03-31"),
        order=["time.month", "revenue desc"],
    ),
    "agent_ranking": lambda ds: ds.query(
        metrics=[revenue, agent_rank, median_order_value],
        by=[TIME_QUARTER, TEAM, AGENT],
        period=year(2026),
        order=["time.quarter", "team", "agent_rank"],
    ),
    "customer_retention": customer_retention,
    "new_and_returning": new_and_returning,
    "aum_quarterly": lambda ds: ds.query(
        metrics=[aum_close, aum_open, aum_daily_avg, accounts_close],
        by=[TIME_QUARTER, PRODUCT],
        period=year(2026),
        order=["time.quarter", "aum_close desc"],
        limit=10,
    ),
    "yoy_monthly": lambda ds: ti_query(
        ds,
        metrics=[revenue, revenue_ly, revenue_yoy, revenue_mom, revenue_ytd, buyers, buyers_ytd, aov, aov_yoy],
        by=[TIME_MONTH],
        period=year(2026),
        order=["time.month"],
    ),
}


# --------------------------------------------------------------------------------------------
# Discovery


def spec_text(project_dir: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(project_dir.glob("**/*.metric")))


def discover_queries(project_dir: Path) -> list[str]:
    """Names of the queries declared in a project (comments stripped; no '#' in our strings)."""
    text = re.sub(r"#[^\n]*", "", spec_text(project_dir))
    return re.findall(r"(?m)^[ \t]*query[ \t]+([A-Za-z_][A-Za-z0-9_]*)", text)


def _import_expected(case_dir: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"corpus_{case_dir.name}", case_dir / "expected.py")
    assert spec and spec.loader, case_dir
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _reference(name: str, path: Path) -> Reference:
    if path == SPECS_DIR:
        return Reference(SPECS_SOURCES, SPECS_QUERIES)
    module = _import_expected(path)
    return Reference(module.SOURCES, module.QUERIES, getattr(module, "HAND_CHECKED", {}))


def all_projects() -> list[CorpusProject]:
    cases = sorted(p for p in CORPUS_DIR.iterdir() if (p / "expected.py").exists())
    return [CorpusProject("specs", SPECS_DIR)] + [CorpusProject(p.name, p) for p in cases]


@cache
def dataset(project: CorpusProject) -> Dataset:
    return Dataset(project.reference.sources, project.path / "data")


def reference_result(project: CorpusProject, query: str) -> Result:
    return project.reference.queries[query](dataset(project))


PROJECTS = all_projects()
QUERY_CASES = [
    pytest.param(project, query, id=f"{project.name}/{query}")
    for project in PROJECTS
    for query in discover_queries(project.path)
]


def _fail(project: CorpusProject, query: str, where: str, sql: str, detail: str) -> None:
    pytest.fail(
        f"{project.name}/{query} on {where}: {detail}\n\n--- generated SQL ---\n{sql}",
        pytrace=False,
    )


# --------------------------------------------------------------------------------------------
# The main test: compiled SQL on each engine == reference


@pytest.mark.parametrize(("project", "query"), QUERY_CASES)
def test_query_matches_reference(
    project: CorpusProject, query: str, engine: Any, dialect: str, load: Callable[[Path], Any]
) -> None:
    from metricdsl.api import compile_sql

    compiled = load(project.path)
    sql = compile_sql(compiled, query=query, dialect=dialect)
    expected = reference_result(project, query)
    try:
        result = engine.execute(sql)
    except Exception as exc:
        _fail(project, query, dialect, sql, f"the engine rejected the SQL: {exc!r}")
        raise
    diff = differences(result.columns, result.rows, expected)
    if diff:
        _fail(project, query, dialect, sql, f"result differs from the reference\n{diff}")


# --------------------------------------------------------------------------------------------
# Tests of the corpus itself (they need no compiler)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_every_query_has_a_reference(project: CorpusProject) -> None:
    declared = discover_queries(project.path)
    assert declared, f"{project.name} declares no query"
    assert len(declared) == len(set(declared)), f"duplicate query names in {project.name}"
    assert set(declared) == set(project.reference.queries), (
        f"{project.name}: queries in .metric files {sorted(declared)} vs references {sorted(project.reference.queries)}"
    )


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_every_table_has_data_and_matching_columns(project: CorpusProject) -> None:
    # Dataset() reads every CSV and checks its header against the declared columns.
    data = dataset(project)
    text = spec_text(project.path)
    for source in project.reference.sources:
        assert re.search(rf"\bsource\s+{source.name}\b", text), f"no source {source.name}"
        assert re.search(rf"\btable:\s*{re.escape(source.table)}\s", text), source.table
        for column, type_ in source.columns.items():
            type_pattern = re.escape(type_).replace(",", r",\s*")
            pattern = rf"\b{column}\s*:\s*{type_pattern}(?![\w(])"
            assert re.search(pattern, text), f"{source.name}.{column}: {type_} not declared"
        assert data.tables[source.name], f"{source.table}.csv has no rows"


HAND_CHECKED = [pytest.param(p, q, id=f"{p.name}/{q}") for p in PROJECTS for q in p.reference.hand_checked]


@pytest.mark.parametrize(("project", "query"), HAND_CHECKED)
def test_reference_agrees_with_hand_computed_rows(project: CorpusProject, query: str) -> None:
    columns, rows = project.reference.hand_checked[query]
    diff = differences(columns, rows, reference_result(project, query))
    assert not diff, f"the reference (-) disagrees with the rows worked out by hand (+):\n{diff}"


def test_specs_sample_data_is_reproducible(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(SPECS_DIR / "data" / "generate.py"), str(tmp_path)], check=True)
    committed = sorted(p.name for p in (SPECS_DIR / "data").glob("*.csv"))
    assert committed == sorted(p.name for p in tmp_path.glob("*.csv"))
    for name in committed:
        assert (tmp_path / name).read_bytes() == (SPECS_DIR / "data" / name).read_bytes(), name


def test_specs_sample_data_has_its_edge_cases() -> None:
    import datetime as dt

    specs = PROJECTS[0]
    data = dataset(specs)
    orders, calls = data.wide_rows("orders"), data.wide_rows("calls")
    size = sum(p.stat().st_size for p in (SPECS_DIR / "data").glob("*.csv"))
    assert 2000 <= len(orders) <= 4000 and 3000 <= len(calls) <= 6000 and size < 1_000_000
    assert min(r["__time__"] for r in orders + calls) >= dt.date(2025, 1, 1)
    assert max(r["__time__"] for r in orders + calls) <= dt.date(2026, 12, 31)
    assert any(r["orders.agent_id"] is None for r in orders), "web orders without agent"
    orphans = [r for r in orders if r["customers.customer_id"] is None]
    assert orphans and all(r["orders.customer_id"] is not None for r in orphans)
    assert any(a["grade"] is None for a in data.tables["agents"])
    assert any(p["name"] == "O'Brien 理财" for p in data.tables["products"])
    south_march = [r for r in calls if r["agents.team"] == "华南组" and r["__time__"].strftime("%Y-%m") == "2026-03"]
    assert not south_march and any(r["agents.team"] == "华南组" for r in calls)
    report = reference_result(specs, "monthly_kpi")
    position = report.columns.index("order_count")
    monthly = {r[0]: r[position] for r in report.rows}
    assert monthly[dt.date(2026, 2, 1)] * 5 < 4 * monthly[dt.date(2026, 1, 1)], "Spring Festival"
    assert monthly[dt.date(2026, 11, 1)] == max(monthly.values()), "双十一 peak"


# --------------------------------------------------------------------------------------------
# The command line


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "metricdsl", *args],
        cwd=REPO_ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )


def parse_json_table(text: str) -> tuple[list[str], list[list[Any]]]:
    """`run --format json` output.  LANGUAGE.md does not fix its shape; we accept a list of
    objects (one per row, keys in column order) or ``{"columns": [...], "rows": [...]}`` with
    rows as lists or objects."""
    data = json.loads(text)
    if isinstance(data, dict) and "columns" in data and "rows" in data:
        columns = list(data["columns"])
        rows = [list(r.values()) if isinstance(r, dict) else list(r) for r in data["rows"]]
        return columns, rows
    assert isinstance(data, list), f"unexpected JSON output: {text[:500]}"
    columns = list(data[0]) if data else []
    return columns, [[row[c] for c in columns] for row in data]


def parse_csv_table(text: str) -> tuple[list[str], list[list[Any]]]:
    lines = list(csv.reader(io.StringIO(text)))
    return lines[0], lines[1:]


def coerce_rows(rows: list[list[Any]], expected: Result) -> list[list[Any]]:
    """Text values (JSON strings, CSV fields) converted like the reference's column values."""
    samples = [next((r[i] for r in expected.rows if r[i] is not None), None) for i in range(len(expected.columns))]
    return [[coerce_text(v, s) for v, s in zip(row, samples, strict=False)] for row in rows]


CLI_QUERIES = ["monthly_kpi", "top_cities", "team_grade", "summary_2026"]


@pytest.mark.parametrize("output", ["json", "csv"])
@pytest.mark.parametrize("query", CLI_QUERIES)
def test_cli_run_matches_reference(query: str, output: str) -> None:
    proc = run_cli("run", "specs", "--query", query, "--format", output)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stderr}"
    parse = parse_json_table if output == "json" else parse_csv_table
    columns, rows = parse(proc.stdout)
    expected = reference_result(PROJECTS[0], query)
    diff = differences(columns, coerce_rows(rows, expected), expected)
    assert not diff, f"`metricdsl run --query {query} --format {output}`:\n{diff}\n{proc.stdout[:2000]}"


def test_cli_check_accepts_the_example_project() -> None:
    proc = run_cli("check", "specs")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "error" not in (proc.stdout + proc.stderr).lower()


@pytest.mark.parametrize("query", ["calls_by_team", "price_band_quarterly"])
def test_cli_sql_runs_on_each_engine(query: str, engine: Any, dialect: str, load: Callable[[Path], Any]) -> None:
    load(SPECS_DIR)
    proc = run_cli("sql", "specs", "--query", query, "--dialect", dialect)
    assert proc.returncode == 0, proc.stderr
    result = engine.execute(proc.stdout)
    diff = differences(result.columns, result.rows, reference_result(PROJECTS[0], query))
    if diff:
        _fail(PROJECTS[0], query, f"{dialect} (CLI sql)", proc.stdout, diff)


def test_cli_run_on_postgres(postgres_url: str) -> None:
    from metricdsl import api
    from metricdsl.runtime import warehouse

    # Corpus cases use table names of their own, so this cannot disturb the `engine` fixture.
    connection = warehouse.connect(postgres_url)
    try:
        connection.load_data(api.load_project(SPECS_DIR), SPECS_DIR / "data", replace=True)
    finally:
        connection.close()
    proc = run_cli("run", "specs", "--query", "calls_by_team", "--db", postgres_url, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    expected = reference_result(PROJECTS[0], "calls_by_team")
    columns, rows = parse_json_table(proc.stdout)
    diff = differences(columns, coerce_rows(rows, expected), expected)
    assert not diff, diff
