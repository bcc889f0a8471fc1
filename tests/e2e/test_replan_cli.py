"""`metricdsl plan --actuals-through DATE` end to end on the example (revenue_2026 has real 2026
actuals), with the actuals read from DuckDB and from PostgreSQL, against plain-Python sums of the
raw CSV rows."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.paths import SPECS_DIR

from metricdsl.cli import main

TARGET = "revenue_2026"
SECTION10_KEYS = {"target", "metric", "period", "baseline_value", "target_value", "multiplier", "drivers", "split",
                  "spread"}


def run(*args: str) -> Any:
    return CliRunner().invoke(main, [*args], catch_exceptions=False)


def replan_json(through: str, *extra: str) -> dict[str, Any]:
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--actuals-through", through, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def paid_revenue_by_product_and_day() -> dict[tuple[str, date], Decimal]:
    """The reference: revenue = Σ amount of paid orders, by product name and day, from the CSV files."""
    data = SPECS_DIR / "data"
    with (data / "dw.dim_product.csv").open(encoding="utf-8") as handle:
        names = {row["product_id"]: row["name"] for row in csv.DictReader(handle)}
    days: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    with (data / "dw.fact_orders.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["status"] == "paid" and row["order_date"].startswith("2026"):
                days[(names[row["product_id"]], date.fromisoformat(row["order_date"]))] += Decimal(row["amount"])
    return days


REFERENCE = paid_revenue_by_product_and_day()


def actual(member: str, start: date, end: date) -> Decimal:
    return sum((v for (m, d), v in REFERENCE.items() if m == member and start <= d <= end), Decimal(0))


def week_ends(start: date, end: date) -> list[date]:
    """The last days of the ISO weeks of a month (clipped to it)."""
    ends, sunday = [], start + timedelta(days=6 - start.weekday())
    while sunday < end:
        ends.append(sunday)
        sunday += timedelta(days=7)
    return [*ends, end]


def assert_replan(plan: dict[str, Any], through: date) -> None:
    assert SECTION10_KEYS <= set(plan) and plan["actuals_through"] == through.isoformat()
    unit = Decimal(repr(plan["unit"]))
    months = [row for row in plan["spread"] if row["grain"] == "month"]
    locked_actual: dict[str, Decimal] = defaultdict(Decimal)
    for row in months:
        start, end = date.fromisoformat(row["start"]), date.fromisoformat(row["end"])
        assert row["locked"] == (end <= through)
        locked_end = max((e for e in week_ends(start, end) if e <= through), default=None)
        part = actual(row["member"], start, locked_end) if locked_end else Decimal(0)
        locked_actual[row["member"]] += part
        target = Decimal(repr(row["target"]))
        if row["locked"]:
            assert target == part == Decimal(repr(row["actual"])), row  # exactly the actuals
        else:
            assert (target - part) % unit == 0 and target >= part, row
    weeks: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in plan["spread"]:
        if row["grain"] == "week":
            weeks[(row["member"], row["start"][:7])] += Decimal(repr(row["target"]))
            if row["locked"]:
                start, end = date.fromisoformat(row["start"]), date.fromisoformat(row["end"])
                assert Decimal(repr(row["target"])) == actual(row["member"], start, end)
    assert weeks == {(row["member"], row["start"][:7]): Decimal(repr(row["target"])) for row in months}
    total_left = Decimal(repr(plan["target_value"])) - sum(locked_actual.values(), Decimal(0))
    lefts = {row["member"]: Decimal(repr(row["target"])) - locked_actual[row["member"]] for row in plan["split"]}
    positive = sum((left for left in lefts.values() if left > 0), Decimal(0))
    period = Decimal(0)
    for split in plan["split"]:
        member = split["member"]
        member_total = sum((Decimal(repr(r["target"])) for r in months if r["member"] == member), Decimal(0))
        share = lefts[member] * total_left / positive if lefts[member] > 0 < total_left else Decimal(0)
        rounded = (share / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit
        assert member_total - locked_actual[member] == rounded == Decimal(repr(split["remaining"])), member
        assert Decimal(repr(split["actual"])) == locked_actual[member]
        period += member_total
    difference = period - Decimal(repr(plan["target_value"]))
    assert abs(difference) <= unit / 2 * len(plan["split"])  # within one unit per member (half, in fact)
    assert plan["replan"]["difference"] == pytest.approx(float(difference), abs=1e-6)
    assert plan["replan"]["planned"] == pytest.approx(float(period), abs=1e-6)


@pytest.mark.parametrize("through", ["2026-06-30", "2026-06-17"])
def test_replan_on_duckdb_keeps_every_invariant(through: str) -> None:
    assert_replan(replan_json(through), date.fromisoformat(through))


def test_replan_on_postgres_reads_its_actuals_and_equals_duckdb(postgres_url: str) -> None:
    run("seed", str(SPECS_DIR), "--db", postgres_url)
    plan = replan_json("2026-06-17", "--db", postgres_url)
    assert_replan(plan, date(2026, 6, 17))
    assert plan == replan_json("2026-06-17")


def test_fetch_actuals_equals_the_raw_rows(engine: Any, load: Any) -> None:
    from metricdsl.runtime.actuals import fetch_actuals

    project = load(SPECS_DIR)
    actuals = fetch_actuals(project, project.targets[TARGET], engine, date(2026, 3, 18))
    expected = {key: float(value) for key, value in REFERENCE.items() if key[1] <= date(2026, 3, 15)}
    sold = {key: value for key, value in actuals.member_days.items() if value}  # the query fills days without sales
    assert sold == pytest.approx(expected, abs=1e-9)  # through Sunday 15 March, the end of the last locked week
    assert max(day for _, day in actuals.member_days) == date(2026, 3, 15)


def test_table_report_and_csv() -> None:
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--actuals-through", "2026-06-30")
    assert result.exit_code == 0, result.output
    assert "Locked months: actuals through 2026-06-30" in result.stdout and "Re-spread months" in result.stdout
    assert "difference" in result.stdout
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--actuals-through", "2026-06-30", "--format", "csv")
    assert result.stdout.splitlines()[0] == "section,grain,start,member,baseline,target,locked,actual"


def test_save_writes_the_replan(tmp_path: Path) -> None:
    from metricdsl.runtime.warehouse import connect

    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    run("seed", str(SPECS_DIR), "--db", db)
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--actuals-through", "2026-06-30", "--db", db, "--save")
    assert result.exit_code == 0, result.output
    plan = replan_json("2026-06-30", "--db", db)
    with connect(db) as warehouse:
        rows = warehouse.execute("SELECT grain, start, member, target FROM kpi.plan_revenue_2026").rows
    saved = {(grain, str(start), member): float(target) for grain, start, member, target in rows}
    assert saved[("year", "2026-01-01", None)] == pytest.approx(plan["replan"]["planned"])
    january = sum(r["target"] for r in plan["spread"] if r["grain"] == "month" and r["start"] == "2026-01-01")
    assert saved[("month", "2026-01-01", None)] == pytest.approx(january)
    assert sum(v for (g, _, m), v in saved.items() if g == "month" and m is None) == pytest.approx(
        saved[("year", "2026-01-01", None)])


def test_xlsx_is_written(tmp_path: Path) -> None:
    out = tmp_path / "replan.xlsx"
    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--actuals-through", "2026-06-30", "--format", "xlsx",
                 "--out", str(out))
    assert result.exit_code == 0, result.output
    import openpyxl

    book = openpyxl.load_workbook(out)
    assert book["Plan"]["D1"].value == "re-plan" and book["Months"]["S1"].value == "target"


def test_usage_errors_and_e606(tmp_path: Path) -> None:
    base = ("plan", str(SPECS_DIR), "--target", TARGET)
    result = run(*base, "--actuals-through", "30/06/2026")
    assert result.exit_code == 2
    for through, words in (("2027-01-31", "outside the period"), ("2026-12-31", "nothing is left to re-spread")):
        result = run(*base, "--actuals-through", through, "--format", "json", "--out", str(tmp_path / "x.json"))
        assert result.exit_code == 1 and "error[E606]" in result.output and words in result.output
        assert "period:   2026" in result.output and "^^^^" in result.output
        assert not (tmp_path / "x.json").exists()


def test_emitted_sql_returns_the_actual_rows_and_the_file_replans_like_the_database(
        engine: Any, load: Any, dialect: str, tmp_path: Path) -> None:
    from metricdsl.runtime.baseline import baseline_sql

    project = load(SPECS_DIR)
    result = engine.execute(baseline_sql(project, project.targets[TARGET], dialect, actuals_through=date(2026, 6, 17)))
    file = tmp_path / "baseline.csv"
    file.write_text("kind,member,month,metric,value\n" + "".join(
        ",".join("" if v is None else f'"{v}"' for v in row) + "\n" for row in result.rows), encoding="utf-8")
    sold = {(m, date.fromisoformat(d)): Decimal(str(v)) for k, m, d, _, v in result.rows if k == "actual" and v}
    assert sold == {key: value for key, value in REFERENCE.items() if key[1] <= date(2026, 6, 14)}
    from_file = replan_json("2026-06-17", "--baseline", str(file))
    assert from_file == replan_json("2026-06-17")
    assert_replan(from_file, date(2026, 6, 17))
    stale = run("plan", str(SPECS_DIR), "--target", TARGET, "--baseline", str(file), "--actuals-through", "2026-09-30")
    assert stale.exit_code == 1 and "end on 2026-06-14" in stale.output and "--emit-sql --actuals-through" in stale.output


def test_emit_sql_with_actuals_for_impala_parses_and_lints() -> None:
    import sqlglot
    from support.impala_lint import lint_impala

    from metricdsl.sql.dialects.impala import impala_dialect

    result = run("plan", str(SPECS_DIR), "--target", TARGET, "--emit-sql", "--dialect", "impala",
                 "--actuals-through", "2026-06-30")
    assert result.exit_code == 0, result.output
    assert "--actuals-through 2026-06-30" in result.output.splitlines()[1]
    tree = sqlglot.parse_one(result.output, dialect=impala_dialect("3.4"))
    assert [e.alias_or_name for e in tree.selects] == ["kind", "member", "month", "metric", "value"]
    assert "'actual' AS `kind`" in result.output
    assert lint_impala(result.output) == []
