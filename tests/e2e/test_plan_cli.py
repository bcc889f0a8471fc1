"""`metricdsl plan` end to end on the example warehouse (DuckDB and PostgreSQL), and its baselines."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from click.testing import CliRunner
from support.impala_lint import lint_impala
from support.paths import SPECS_DIR

from metricdsl.cli import main
from metricdsl.runtime.baseline import baseline_from_rows, baseline_sql, fetch_baseline, parse_baseline_csv
from metricdsl.sql.dialects.impala import impala_dialect

TARGET = "revenue_2027"


def run(*args: str) -> Any:
    return CliRunner().invoke(main, [*args], catch_exceptions=False)


def scalar(engine: Any, sql: str) -> float:
    return float(engine.execute(sql).rows[0][0])


PAID = "o.status = 'paid' AND o.order_date BETWEEN DATE '2026-01-01' AND DATE '2026-12-31'"


def test_baseline_equals_hand_written_sql(engine: Any, load: Any) -> None:
    project = load(SPECS_DIR)
    baseline = fetch_baseline(project, project.targets[TARGET], engine)
    revenue = scalar(engine, f"SELECT SUM(o.amount) FROM dw.fact_orders o WHERE {PAID}")
    buyers = scalar(engine, f"SELECT COUNT(DISTINCT o.customer_id) FROM dw.fact_orders o WHERE {PAID}")
    reach = scalar(engine, "SELECT COUNT(DISTINCT customer_id) FROM dw.fact_calls "
                           "WHERE call_date BETWEEN DATE '2026-01-01' AND DATE '2026-12-31'")
    assert baseline.total == pytest.approx(revenue, rel=1e-12)
    assert baseline.drivers == pytest.approx({"aov": revenue / buyers, "buyers": buyers, "reach": reach,
                                              "conversion": buyers / reach}, rel=1e-12)
    by_product = engine.execute(f"SELECT p.name, SUM(o.amount) FROM dw.fact_orders o JOIN dw.dim_product p "
                                f"ON o.product_id = p.product_id WHERE {PAID} GROUP BY p.name").rows
    assert baseline.members == pytest.approx({name: float(v) for name, v in by_product}, rel=1e-12)
    month_rows = engine.execute(
        f"SELECT p.name, EXTRACT(MONTH FROM o.order_date) AS m, SUM(o.amount) FROM dw.fact_orders o "
        f"JOIN dw.dim_product p ON o.product_id = p.product_id WHERE {PAID} GROUP BY 1, 2").rows
    assert {(name, month.month): value for (name, month), value in baseline.member_months.items() if value} == \
        pytest.approx({(name, int(m)): float(v) for name, m, v in month_rows}, rel=1e-12)
    assert len(baseline.member_months) == 12 * 12  # every month appears for every product


def test_emitted_sql_returns_the_csv_baseline(engine: Any, load: Any, dialect: str) -> None:
    project = load(SPECS_DIR)
    spec = project.targets[TARGET]
    result = engine.execute(baseline_sql(project, spec, dialect))
    assert result.columns == ["kind", "member", "month", "metric", "value"]
    text = "kind,member,month,metric,value\n" + "".join(
        ",".join("" if v is None else str(v) for v in row) + "\n" for row in result.rows)
    assert baseline_from_rows(spec, parse_baseline_csv(text)) == fetch_baseline(project, spec, engine)


def test_emit_sql_for_impala_parses_and_lints() -> None:
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--emit-sql", "--dialect", "impala")
    assert result.exit_code == 0
    tree = sqlglot.parse_one(result.output, dialect=impala_dialect("3.4"))
    assert [e.alias_or_name for e in tree.selects] == ["kind", "member", "month", "metric", "value"]
    assert lint_impala(result.output) == []


def plan_json(*extra: str) -> dict[str, Any]:
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_plan_json_keeps_every_invariant() -> None:
    plan = plan_json()
    unit = plan["unit"]
    assert unit == 10_000
    assert {"target", "metric", "period", "baseline_value", "target_value", "multiplier", "drivers", "split",
            "spread"} <= set(plan)
    assert plan["target_value"] == pytest.approx(round(plan["baseline_value"] * 10 / unit) * unit)
    leaves = [d for d in plan["drivers"] if d["role"] == "leaf"]
    assert [d["metric"] for d in leaves] == ["aov", "reach", "conversion"]
    assert math.prod(d["multiplier"] for d in leaves) == pytest.approx(plan["multiplier"], rel=1e-12)
    assert plan["multiplier"] == pytest.approx(plan["target_value"] / plan["baseline_value"])
    conversion = next(d for d in leaves if d["metric"] == "conversion")
    # unit "%": never above 100%, which binds before the 1.5x cap
    assert conversion["capped"] and conversion["target"] == pytest.approx(1.0)
    assert conversion["multiplier"] == pytest.approx(1 / conversion["baseline"]) and conversion["multiplier"] < 1.5
    assert sum(row["target"] for row in plan["split"]) == pytest.approx(plan["target_value"], abs=1e-6)
    months: dict[str | None, float] = defaultdict(float)
    weeks: dict[tuple[str | None, str], float] = defaultdict(float)
    for row in plan["spread"]:
        assert row["target"] >= 0 and row["target"] == pytest.approx(round(row["target"] / unit) * unit, abs=1e-6)
        if row["grain"] == "month":
            months[row["member"]] += row["target"]
        else:
            weeks[(row["member"], row["start"][:7])] += row["target"]
    assert months == pytest.approx({row["member"]: row["target"] for row in plan["split"]}, abs=1e-6)
    month_targets = {(r["member"], r["start"][:7]): r["target"] for r in plan["spread"] if r["grain"] == "month"}
    assert weeks == pytest.approx(month_targets, abs=1e-6)
    assert all(row["target"] == pytest.approx(round(row["target"] / unit) * unit) for row in plan["split"])


CAP = re.compile(r"cap:\s*conversion <= 1\.5x")  # whatever `metricdsl fmt` aligned it to


def specs_with_cap_replaced(tmp_path: Path, replacement: str) -> Path:
    """A copy of the example's specs whose conversion cap line is `replacement`."""
    project = tmp_path / "p"
    project.mkdir()
    for path in SPECS_DIR.glob("*.metric"):
        (project / path.name).write_text(CAP.sub(replacement, path.read_text(encoding="utf-8")), encoding="utf-8")
    return project


def test_fixed_drivers_keep_1x(tmp_path: Path) -> None:
    project = specs_with_cap_replaced(tmp_path, "fixed: aov")
    result = run("plan", str(project), "--target", TARGET, "--format", "json", "--data", str(SPECS_DIR / "data"))
    assert result.exit_code == 0, result.output
    drivers = {d["metric"]: d for d in json.loads(result.stdout)["drivers"]}
    assert drivers["aov"]["fixed"] and drivers["aov"]["multiplier"] == 1.0
    assert drivers["buyers"]["multiplier"] == pytest.approx(json.loads(result.stdout)["multiplier"])


def test_csv_baseline_gives_the_same_plan_as_the_database(tmp_path: Path, duckdb_url: str) -> None:
    emitted = run("plan", str(SPECS_DIR), "--target", TARGET, "--emit-sql", "--dialect", "duckdb").output
    from metricdsl.api import load_project
    from metricdsl.runtime.warehouse import connect

    with connect(duckdb_url) as warehouse:
        warehouse.load_data(load_project(SPECS_DIR), SPECS_DIR / "data", replace=True)
        result = warehouse.execute(emitted)
    csv_file = tmp_path / "baseline.csv"
    csv_file.write_text("kind,member,month,metric,value\n" + "".join(
        ",".join("" if v is None else f'"{v}"' for v in row) + "\n" for row in result.rows), encoding="utf-8")
    assert plan_json("--baseline", str(csv_file)) == plan_json()


def test_plan_on_postgres_equals_duckdb(postgres_url: str) -> None:
    run("seed", str(SPECS_DIR), "--db", postgres_url)
    assert plan_json("--db", postgres_url) == plan_json()


def test_xlsx_and_mermaid_are_written(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out, tree = tmp_path / "plan.xlsx", tmp_path / "tree.mmd"
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--format", "xlsx", "--out", str(out),
                 "--mermaid", str(tree))
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Plan", "Drivers", "Split", "Months", "Weeks"]
    assert book["Plan"]["A1"].value == "target" and book["Plan"]["B1"].value == TARGET
    assert tree.read_text(encoding="utf-8").startswith("graph TD")
    assert "warning[W003]: calendar cn" in result.stderr  # 2027 is not published in the holidays package
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx", "tree.mmd"]


def test_table_report() -> None:
    result = run("plan", str(SPECS_DIR), "--target", TARGET)
    assert result.exit_code == 0
    assert "capped at 1.184x" in result.stdout and "Split by product (baseline)" in result.stdout


def test_infeasible_caps_fail_in_one_line_and_write_nothing(tmp_path: Path) -> None:
    project = specs_with_cap_replaced(tmp_path, "cap: conversion <= 1.5x, reach <= 2x, aov <= 2x")
    out = tmp_path / "plan.json"
    result = run("plan", str(project), "--target", TARGET, "--format", "json", "--out", str(out),
                 "--data", str(SPECS_DIR / "data"))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: target revenue_2027: caps reach at most 4.735x of the needed 9.999x")
    assert result.stderr.endswith("aov <= 2x, reach <= 2x, conversion <= 1.184x\n")  # 100% of 84.5%
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["p"]


def test_plan_usage_errors() -> None:
    assert run("plan", str(SPECS_DIR), "--target", "revenue_2028").stderr.startswith("error: unknown target `revenue_2028`")
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--format", "xlsx")
    assert result.exit_code == 2 and "--out" in result.stderr


def test_bad_baseline_file(tmp_path: Path) -> None:
    bad = tmp_path / "b.csv"
    bad.write_text("kind,member,month,metric,value\nmonth,A,,revenue,1\n", encoding="utf-8")
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--baseline", str(bad))
    assert result.exit_code == 1
    assert result.stderr == f"error: baseline of target {TARGET}: {bad}:2: a `month` row needs a month (YYYY-MM)\n"


def test_decimal_values_parse() -> None:
    rows = parse_baseline_csv("kind,member,month,metric,value\ntotal,,,revenue,1.50\nmonth,,2026-02,revenue,2\n")
    assert rows[0].value == float(Decimal("1.5")) and rows[1].month is not None and rows[1].month.month == 2
