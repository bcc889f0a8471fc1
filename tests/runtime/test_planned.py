"""planned(T) (LANGUAGE.md §9): after `plan --save`, the SQL on DuckDB and PostgreSQL returns what plain
Python computes from the plan JSON — by month, week, quarter, year and day, per member and in total,
with a period; `run` saves the plan itself on the embedded DuckDB and names `plan --save` (E703) on a
real database that lacks it; a failed save keeps the rows saved before."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.paths import SPECS_DIR

from metricdsl.allocate import WorkCalendar, allocate
from metricdsl.cli import main
from metricdsl.errors import WarehouseError
from metricdsl.grains import bucket_start
from metricdsl.pipeline.compile import compile_sql
from metricdsl.pipeline.request import QueryRequest
from metricdsl.runtime.baseline import fetch_baseline
from metricdsl.runtime.plan_store import save_plan

TARGET = "revenue_2026"
TABLE = "kpi.plan_revenue_2026"
EXTRA = """
metric target_2026 "2026 目标" = planned(revenue_2026)
metric achievement_2026 "2026 达成率" = revenue / planned(revenue_2026)
metric card_target = planned(revenue_2026) where product = 'Gold Card'
"""
Key = tuple[Any, ...]
PLANS: dict[str, Any] = {}


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("planned") / "specs"
    shutil.copytree(SPECS_DIR, folder)
    (folder / "planned.metric").write_text(EXTRA, encoding="utf-8")
    return folder


@pytest.fixture
def saved_plan(engine: Any, load: Any, project_dir: Path) -> tuple[Any, dict[str, Any]]:
    """The project, with revenue_2026's plan saved into `engine`; and the plan as JSON."""
    project = load(project_dir)
    spec = project.targets[TARGET]
    engine.execute("DROP SCHEMA IF EXISTS kpi CASCADE")
    if engine.dialect not in PLANS:  # the baseline query and the allocation, once per engine
        PLANS[engine.dialect] = allocate(spec, fetch_baseline(project, spec, engine), WorkCalendar(spec.spread_calendar))
    plan = PLANS[engine.dialect]
    save_plan(engine, spec, plan, dt.datetime(2026, 12, 1))
    return project, json.loads(plan.model_dump_json())


# ---- the reference: plain Python over the plan JSON -------------------------------------------------
def reference(plan: dict[str, Any], grain: str | None, by_member: bool, first: dt.date, last: dt.date,
              calendar: WorkCalendar) -> dict[Key, float]:
    """planned per (bucket?, member?) for the buckets that overlap first … last."""
    out: dict[Key, float] = defaultdict(float)
    for day, member, value in _cells(plan, grain, calendar):
        bucket = bucket_start(day, grain or "month")
        if not bucket_start(first, grain or "month") <= bucket <= last:
            continue
        key = ((bucket,) if grain else ()) + ((member,) if by_member else ())
        out[key] += value
    return dict(out)


def _cells(plan: dict[str, Any], grain: str | None, calendar: WorkCalendar) -> list[tuple[dt.date, str, float]]:
    rows = [(dt.date.fromisoformat(r["start"]), r["member"], r["target"]) for r in plan["spread"]
            if r["grain"] == ("week" if grain == "week" else "month")]
    if grain != "day":
        return rows
    cells = []
    for start, member, target in rows:
        days = [start + dt.timedelta(days=i) for i in range(31) if (start + dt.timedelta(days=i)).month == start.month]
        working = [d for d in days if calendar.is_workday(d)]
        cells += [(d, member, target / len(working)) for d in working]
    return cells


def run_sql(engine: Any, project: Any, dialect: str, metrics: list[str], by: list[str], period: str | None,
            where: str | None = None) -> dict[Key, float]:
    sql = compile_sql(project, QueryRequest.of(metrics=metrics, by=by, period=period, where=where), dialect)
    result = engine.execute(sql)
    width = len(by)
    return {tuple(r[:width]): float(r[width]) for r in result.rows if float(r[width]) != 0}


CASES = [
    ("time.month", True, "2026-01-01..2026-12-31"),
    ("time.month", False, "2026-01-01..2026-12-31"),
    ("time.quarter", False, "2026-01-01..2026-12-31"),
    ("time.quarter", True, "2026-04-01..2026-09-30"),
    ("time.year", False, "2026-01-01..2026-12-31"),
    ("time.week", True, "2026-03-01..2026-04-15"),
    ("time.week", False, "2026-09-20..2026-10-20"),
    ("time.day", False, "2026-02-01..2026-03-10"),
    ("time.day", True, "2026-10-01..2026-10-12"),
    (None, True, "2026-04-01..2026-06-30"),
    (None, False, "2026-03-15..2026-05-31"),
]


@pytest.mark.parametrize(("time", "by_member", "period"), CASES)
def test_planned_matches_the_plan(engine: Any, dialect: str, saved_plan: tuple[Any, dict[str, Any]],
                                  time: str | None, by_member: bool, period: str) -> None:
    project, plan = saved_plan
    first, last = (dt.date.fromisoformat(p) for p in period.split(".."))
    calendar = WorkCalendar(project.targets[TARGET].spread_calendar)
    grain = time.removeprefix("time.") if time else None
    expected = {k: v for k, v in reference(plan, grain, by_member, first, last, calendar).items() if v != 0}
    by = ([time] if time else []) + (["product"] if by_member else [])
    actual = run_sql(engine, project, dialect, ["target_2026"], by, period)
    assert actual == pytest.approx(expected, rel=1e-9)
    assert expected  # the case compares something


def test_whole_plan_without_period_is_the_target(engine: Any, dialect: str,
                                                 saved_plan: tuple[Any, dict[str, Any]]) -> None:
    project, plan = saved_plan
    assert run_sql(engine, project, dialect, ["target_2026"], [], None) == pytest.approx({(): plan["target_value"]})


def test_filter_on_the_split_member(engine: Any, dialect: str, saved_plan: tuple[Any, dict[str, Any]]) -> None:
    project, plan = saved_plan
    card = sum(r["target"] for r in plan["spread"] if r["grain"] == "month" and r["member"] == "Gold Card")
    assert run_sql(engine, project, dialect, ["card_target"], [], None) == pytest.approx({(): card})
    assert run_sql(engine, project, dialect, ["target_2026"], [], None, "product = 'Gold Card'") == \
        pytest.approx({(): card})


def test_achievement_beside_revenue(engine: Any, dialect: str, saved_plan: tuple[Any, dict[str, Any]]) -> None:
    """revenue / planned per month and product; groups with revenue but no plan (2025) get a null ratio."""
    project, plan = saved_plan
    sql = compile_sql(project, QueryRequest.of(metrics=["revenue", "target_2026", "achievement_2026"],
                                               by=["time.month", "product"], period="2026"), dialect)
    rows = engine.execute(sql).rows
    targets = {(dt.date.fromisoformat(r["start"]), r["member"]): r["target"] for r in plan["spread"]
               if r["grain"] == "month"}
    assert len(rows) == 12 * len({m for _, m in targets})
    for month, product, revenue, target, achievement in rows:
        assert float(target) == pytest.approx(targets[month, product])
        expected = float(revenue) / targets[month, product] if targets[month, product] else None
        assert achievement == pytest.approx(expected)


# ---- run ------------------------------------------------------------------------------------------------
def cli(*args: str) -> Any:
    return CliRunner().invoke(main, [*args], catch_exceptions=False)


def test_run_plans_on_the_embedded_duckdb(project_dir: Path) -> None:
    result = cli("run", str(project_dir), "--metrics", "target_2026", "--by", "time.quarter", "--period", "2026",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    plan = json.loads(cli("plan", str(project_dir), "--target", TARGET, "--format", "json").stdout)
    assert len(rows) == 4
    assert sum(r["target_2026"] for r in rows) == pytest.approx(plan["target_value"])


def test_run_on_a_database_without_the_plan_names_plan_save(project_dir: Path, tmp_path: Path) -> None:
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    data = str(project_dir / "data")
    result = cli("run", str(project_dir), "--metrics", "achievement_2026", "--db", db, "--data", data)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.stderr.startswith(f"error[E703]: planned({TARGET}) reads table {TABLE}, which the duckdb database "
                                    "does not have")
    assert f"help: save it first: metricdsl plan --target {TARGET} --save --db {db}" in result.stderr
    saved = cli("plan", str(project_dir), "--target", TARGET, "--save", "--db", db, "--data", data, "--replace")
    assert saved.exit_code == 0, saved.output
    result = cli("run", str(project_dir), "--metrics", "target_2026", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(cli("plan", str(project_dir), "--target", TARGET, "--format", "json").stdout)
    assert json.loads(result.stdout)[0]["target_2026"] == pytest.approx(plan["target_value"])


def test_a_failed_save_keeps_the_earlier_rows(engine: Any, saved_plan: tuple[Any, dict[str, Any]],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The insert fails after the delete ran: the transaction rolls back to the rows saved before."""
    project, _ = saved_plan
    spec = project.targets[TARGET]
    query = f"SELECT grain, start, member, target, saved_at FROM {TABLE}"
    before = sorted(engine.execute(query).rows, key=repr)
    plan = allocate(spec, fetch_baseline(project, spec, engine), WorkCalendar(spec.spread_calendar))
    execute = engine.execute

    def failing(sql: str) -> Any:
        if sql.lstrip().upper().startswith("INSERT"):
            execute("SELECT CAST('not a number' AS INTEGER)")  # a real error of the engine, inside the transaction
        return execute(sql)

    monkeypatch.setattr(engine, "execute", failing)
    with pytest.raises(WarehouseError):
        save_plan(engine, spec, plan, dt.datetime(2026, 12, 2))
    monkeypatch.undo()
    assert sorted(engine.execute(query).rows, key=repr) == before
    assert len(before) > 100
