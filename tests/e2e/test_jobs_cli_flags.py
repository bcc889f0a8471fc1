"""Query overrides (`sql`/`run --query Q --period/--where/--order/--limit`) and the rule that no flag
is ever silently ignored: each flag that does not apply is exit 2 with a message naming it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support.paths import SPECS_DIR

SPECS = str(SPECS_DIR)


def invoke(*args: str) -> Result:
    from metricdsl.cli import main

    return CliRunner().invoke(main, list(args), env={"METRICDSL_NO_CACHE": "1"})


def csv_rows(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_overrides_change_the_numbers_and_equal_the_ad_hoc_query() -> None:
    """`--query monthly_kpi --period … --where … --order … --limit` = the same query written ad hoc."""
    overridden = csv_rows(invoke("run", SPECS, "--query", "monthly_kpi", "--period", "2025-01-01 .. 2025-06-30",
                                 "--where", "channel = 'web'", "--order", "revenue desc", "--limit", "3",
                                 "--format", "csv"))
    own = csv_rows(invoke("run", SPECS, "--query", "monthly_kpi", "--format", "csv"))
    adhoc = csv_rows(invoke("run", SPECS, "--metrics", "revenue,buyers", "--by", "time.month", "--period",
                            "2025-01-01 .. 2025-06-30", "--where", "channel = 'web'", "--order", "revenue desc",
                            "--limit", "3", "--format", "csv"))
    assert len(overridden) == 3
    assert [r["time_month"] for r in overridden] == [r["time_month"] for r in adhoc]
    assert [r["revenue"] for r in overridden] == [r["revenue"] for r in adhoc]
    assert [r["buyers"] for r in overridden] == [r["buyers"] for r in adhoc]
    assert all(r["time_month"].startswith("2025-") for r in overridden)
    assert all(r["time_month"].startswith("2026-") for r in own)
    revenues = [float(r["revenue"]) for r in overridden]
    assert revenues == sorted(revenues, reverse=True)


def test_override_where_is_added_to_the_query_where() -> None:
    """top_cities has its own `where`; --where narrows it further (and with `and`)."""
    own = csv_rows(invoke("run", SPECS, "--query", "top_cities", "--format", "csv"))
    narrowed = csv_rows(invoke("run", SPECS, "--query", "top_cities", "--where", "channel = 'phone'",
                               "--format", "csv"))
    phone_only = csv_rows(invoke("run", SPECS, "--metrics", "revenue", "--by", "city", "--where",
                                 "channel = 'phone' and segment != '新客'", "--format", "csv"))
    by_city = {r["city"]: r["revenue"] for r in phone_only}
    assert narrowed and all(by_city[r["city"]] == r["revenue"] for r in narrowed)
    assert sum(float(r["revenue"]) for r in narrowed) < sum(float(r["revenue"]) for r in own)


def test_the_header_states_the_overrides() -> None:
    result = invoke("sql", SPECS, "--query", "monthly_kpi", "--period", "this month", "--where", "channel = 'web'",
                    "--order", "revenue desc", "--limit", "5", "--as-of", "{{ ds }}")
    assert result.exit_code == 0, result.output
    header = [line for line in result.stdout.splitlines() if line.startswith("--")]
    assert "-- overridden: period this month" in header
    assert "-- overridden: where channel = 'web' (added to the query's where with `and`)" in header
    assert "-- overridden: order revenue desc" in header
    assert "-- overridden: limit 5" in header
    assert "-- as of: {{ ds }}" in header


def test_a_bad_override_is_positioned_like_an_ad_hoc_query() -> None:
    result = invoke("sql", SPECS, "--query", "monthly_kpi", "--where", "chanel = 'web'")
    assert result.exit_code == 1
    assert "<command line>:4:10: error[E104]: unknown dimension `chanel`" in result.output
    assert "did you mean `channel`" in result.output
    order = invoke("sql", SPECS, "--query", "monthly_kpi", "--order", "product")
    assert order.exit_code == 1 and "error[E503]" in order.output


@pytest.mark.parametrize(("args", "message"), [
    (["sql", SPECS, "--query", "monthly_kpi", "--by", "product"], "--by does not apply to a named query"),
    (["run", SPECS, "--query", "monthly_kpi", "--by", "product"], "--by does not apply to a named query"),
    (["sql", SPECS, "--query", "monthly_kpi", "--impala-version", "3.0"], "--impala-version does not apply"),
    (["build", SPECS, "--dialect", "duckdb", "--impala-version", "3.0", "--out", "x"],
     "--impala-version does not apply without impala"),
    (["run", SPECS, "--query", "monthly_kpi", "--into", "kpi", "--format", "csv"], "--format does not apply"),
    (["run", SPECS, "--metrics", "revenue", "--into", "kpi"], "--into writes a named query's rows"),
    (["run", SPECS, "--query", "monthly_kpi", "--as-of", "{{ ds }}"], "is a placeholder, but this command runs"),
    (["sql", SPECS, "--query", "monthly_kpi", "--as-of", "2026-02-30"], "`2026-02-30` is not a valid date"),
    (["sql", SPECS, "--query", "monthly_kpi", "--as-of", " "], "give a date (2026-12-01) or a one-line placeholder"),
    (["run", SPECS, "--query", "monthly_kpi", "--into", "kpi.x"], "--into takes one schema name"),
    (["plan", SPECS, "--target", "revenue_2027", "--dialect", "postgres"], "--dialect does not apply without --emit-sql"),
    (["plan", SPECS, "--target", "revenue_2027", "--impala-version", "3.0"], "--impala-version does not apply"),
    (["plan", SPECS, "--target", "revenue_2027", "--emit-sql", "--format", "json"],
     "--format does not apply with --emit-sql"),
    (["plan", SPECS, "--target", "revenue_2027", "--emit-sql", "--out", "plan.json"],
     "--out does not apply with --emit-sql"),
    (["plan", SPECS, "--target", "revenue_2027", "--emit-sql", "--db", "duckdb:///:memory:"],
     "--db does not apply with --emit-sql"),
])
def test_a_flag_that_does_not_apply_is_an_error(args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_as_of_without_a_time_column_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "spec.metric").write_text(
        "source agents {\n  table: dw.agents\n  columns { agent_id: int, team: string }\n}\n"
        "metric agent_count = count(agents)\n", encoding="utf-8")
    result = invoke("sql", str(tmp_path), "--metrics", "agent_count", "--as-of", "2026-01-01")
    assert result.exit_code == 1
    assert "error[E406]: metric `agent_count` reads `agents`, which has no `time:` column, so --as-of" in result.output


def test_as_of_applies_to_every_dialect_and_emit_sql_takes_spark() -> None:
    for dialect in ("duckdb", "postgres", "impala", "spark"):
        result = invoke("sql", SPECS, "--query", "monthly_kpi", "--period", "last 3 months", "--as-of", "2026-06-15",
                        "--dialect", dialect)
        assert result.exit_code == 0, result.output
        assert "'2026-03-01'" in result.stdout and "'2026-06-01'" in result.stdout
    emitted = invoke("plan", SPECS, "--target", "revenue_2027", "--emit-sql", "--dialect", "spark")
    assert emitted.exit_code == 0, emitted.output


@pytest.mark.parametrize("period", ["this week", "last 3 months", "last 7 days", "2026"])
def test_impala_sql_with_placeholder_bounds_passes_the_lint(period: str) -> None:
    from support.impala_lint import lint_impala

    for version in ("3.0", "3.4"):
        result = invoke("sql", SPECS, "--query", "yoy_monthly", "--period", period, "--as-of", "${var:run_date}",
                        "--dialect", "impala", "--impala-version", version)
        assert result.exit_code == 0, result.output
        assert "CAST('${var:run_date}' AS " in result.stdout
        assert lint_impala(result.stdout, version) == []
