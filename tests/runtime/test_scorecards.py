"""Scorecards (LANGUAGE.md §9): the score computed in SQL on DuckDB and PostgreSQL equals plain Python
over the raw rows of specs/data and the plan JSON — values, points (clamped at 0 and the cap, reversed
ranges, null values scoring 0), weighted points, totals and the order (score descending, ties by
member, null last); with --as-of the actuals stop at the as-of date and targets keep the whole plan."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.paths import SPECS_DIR

from metricdsl.allocate import WorkCalendar, allocate
from metricdsl.cli import main
from metricdsl.ir.scorecards import Scorecard
from metricdsl.pipeline.scorecard import compile_scorecard
from metricdsl.runtime.baseline import fetch_baseline
from metricdsl.runtime.plan_store import save_plan
from metricdsl.runtime.scores import score_rows
from metricdsl.runtime.warehouse import QueryResult

DATA = SPECS_DIR / "data"
# More scorecards over the example's metrics: clamping at 0 and at the cap, a reversed range, an
# unsplit target (every member against the whole 2026 target), ties (every member at the cap).
EXTRA = """
scorecard tight "clamped both ways" {
  by: agent
  period: 2026-03-01 .. 2026-08-31
  kpis {
    connect_rate: weight 50%, range 0.45 .. 0.55
    refund_rate: weight 25%, range 0.10 .. 0.06
    all_orders: weight 25%, range 10 .. 20
  }
  cap: 110
}

scorecard whole_target {
  by: agent
  period: 2026
  kpis {
    revenue: weight 70%, target revenue_unsplit_2026
    refund_rate: weight 30%, range 20% .. 0%
  }
  cap: 150
}

scorecard all_tied {
  by: team
  period: 2026
  kpis {
    all_orders: weight 60%, range -2 .. -1
    call_count: weight 40%, range -2 .. -1
  }
}

target revenue_unsplit_2026 {
  metric: revenue
  period: 2026
  baseline: 2025
  growth: +20%
  spread: month by workdays(cn2026)
  round: 1_000
  store: kpi.plan_revenue_unsplit_2026
}
"""
Row = tuple[Any, ...]


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scorecards") / "specs"
    shutil.copytree(SPECS_DIR, folder)
    (folder / "zz_scorecards.metric").write_text(EXTRA, encoding="utf-8")
    return folder


PLANS: dict[tuple[str, str], Any] = {}


@pytest.fixture
def saved(engine: Any, load: Any, project_dir: Path) -> tuple[Any, dict[str, Any]]:
    """The project with the targets' plans saved into `engine`; the plans as JSON, by target."""
    project = load(project_dir)
    engine.execute("DROP SCHEMA IF EXISTS kpi CASCADE")
    plans = {}
    for name in ("revenue_2026_agents", "revenue_unsplit_2026"):
        spec = project.targets[name]
        if (engine.dialect, name) not in PLANS:
            PLANS[engine.dialect, name] = allocate(spec, fetch_baseline(project, spec, engine),
                                                   WorkCalendar(spec.spread_calendar))
        save_plan(engine, spec, PLANS[engine.dialect, name], dt.datetime(2026, 12, 1))
        plans[name] = json.loads(PLANS[engine.dialect, name].model_dump_json())
    return project, plans


# ---- the reference: plain Python over the CSVs ------------------------------------------------------------
def read(table: str) -> list[dict[str, str]]:
    with (DATA / f"{table}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def actuals(by: str, first: dt.date, last: dt.date) -> dict[Any, dict[str, float | None]]:
    """Every KPI metric of the example per member of `by` (agent or team) over first … last."""
    agents = {row["agent_id"]: row for row in read("dw.dim_agent")}

    def member(agent_id: str) -> str | None:
        agent = agents.get(agent_id)
        value = agent[{"agent": "name", "team": "team"}[by]] if agent else ""
        return value or None

    sums: dict[Any, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for order in read("dw.fact_orders"):
        if first <= dt.date.fromisoformat(order["order_date"]) <= last:
            cell = sums[member(order["agent_id"])]
            cell["all_orders"] += 1
            cell["refunded"] += order["status"] == "refunded"
            cell["revenue"] += float(order["amount"]) if order["status"] == "paid" else 0
    for call in read("dw.fact_calls"):
        if first <= dt.date.fromisoformat(call["call_date"]) <= last:
            cell = sums[member(call["agent_id"])]
            cell["call_count"] += 1
            cell["connected"] += call["connected"] == "true"
    return {key: {"revenue": cell["revenue"], "all_orders": cell["all_orders"], "call_count": cell["call_count"],
                  "refund_rate": ratio(cell["refunded"], cell["all_orders"]),
                  "connect_rate": ratio(cell["connected"], cell["call_count"])}
            for key, cell in sums.items()}


def ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def planned(plan: dict[str, Any], first: dt.date, last: dt.date) -> dict[Any, float]:
    """The plan's months within first … last, per split member (key None: the whole, unsplit)."""
    totals: dict[Any, float] = defaultdict(float)
    for row in plan["spread"]:
        if row["grain"] == "month" and first <= dt.date.fromisoformat(row["start"]) <= last:
            totals[row["member"]] += row["target"]
    return totals


def reference(card: Scorecard, plans: dict[str, Any], as_of: dt.date | None = None) -> list[Row]:
    """The scorecard's rows as the SQL returns them: member, (value, points, weighted) per KPI, score."""
    last = min(card.period_end, as_of) if as_of else card.period_end
    rows = []
    for key, values in actuals(card.by, card.period_start, last).items():
        row: list[Any] = [key]
        score = 0.0
        for kpi in card.kpis:
            if kpi.target is not None:
                plan = planned(plans[kpi.target], card.period_start, card.period_end)
                split = any(member is not None for member in plan)
                whole = (plan.get(key) if key is not None else None) if split else plan[None]
                value = ratio(values[kpi.metric] or 0, whole or 0)
                linear = None if value is None else 100 * value
            else:
                value = values[kpi.metric]
                low, high = float(kpi.low or 0), float(kpi.high or 0)
                linear = None if value is None else 100 * (value - low) / (high - low)
            points = 0.0 if linear is None else min(max(linear, 0.0), float(card.cap))
            weighted = points * float(kpi.weight)
            score += weighted
            row += [value, points, weighted]
        rows.append((*row, score))
    return sorted(rows, key=lambda r: (-round(r[-1], 9), r[0] is None, r[0] or ""))


def plain(value: Any) -> Any:
    return float(value) if isinstance(value, (Decimal, int)) and not isinstance(value, bool) else value


def close(actual: list[Row], expected: list[Row]) -> None:
    assert [r[0] for r in actual] == [r[0] for r in expected]
    for got, want in zip(actual, expected, strict=True):
        assert len(got) == len(want)
        for value, reference_value in zip(got[1:], want[1:], strict=True):
            assert (value is None) == (reference_value is None), got[0]
            if reference_value is not None:
                assert plain(value) == pytest.approx(reference_value, rel=1e-9, abs=1e-9), got[0]


def score(engine: Any, project: Any, dialect: str, name: str, as_of: str | None = None) -> QueryResult:
    return engine.execute(compile_scorecard(project, name, dialect, as_of=as_of).text())


# ---- DuckDB and PostgreSQL against the reference ------------------------------------------------------------
@pytest.mark.parametrize("name", ["agents_2026", "tight", "whole_target", "all_tied"])
def test_scores_match_the_reference(engine: Any, dialect: str, saved: tuple[Any, dict[str, Any]], name: str) -> None:
    project, plans = saved
    card = project.scorecards[name]
    result = score(engine, project, dialect, name)
    assert result.columns == list(card.columns)
    close(result.rows, reference(card, plans))


def test_as_of_stops_the_actuals_and_keeps_the_whole_plan(engine: Any, dialect: str,
                                                         saved: tuple[Any, dict[str, Any]]) -> None:
    project, plans = saved
    card = project.scorecards["agents_2026"]
    result = score(engine, project, dialect, "agents_2026", "2026-06-30")
    expected = reference(card, plans, dt.date(2026, 6, 30))
    close(result.rows, expected)
    achievements = [row[1] for row in expected if row[1] is not None]
    assert max(achievements) < 1  # half a year's revenue against a whole year's quota


def test_the_reference_exercises_every_rule(saved: tuple[Any, dict[str, Any]]) -> None:
    """The cases above compare what they claim: clamping both ways, the cap, a reversed range, null values,
    an unsplit plan, ties ordered by member with the null member last."""
    project, plans = saved
    tight = reference(project.scorecards["tight"], plans)
    points = [row[i] for row in tight for i in (2, 5, 8)]
    assert 0.0 in points and 110.0 in points and any(0 < p < 110 for p in points)
    assert any(row[1] is None and row[2] == 0 for row in tight)  # the agent-less orders have no calls
    tied = reference(project.scorecards["all_tied"], plans)
    assert {row[-1] for row in tied} == {100.0}
    assert [row[0] for row in tied] == sorted(r[0] for r in tied if r[0] is not None) + [None]
    whole = reference(project.scorecards["whole_target"], plans)
    assert max(row[1] for row in whole if row[1] is not None) < 0.5  # each member against the whole target


def test_json_rows_have_the_documented_shape(saved: tuple[Any, dict[str, Any]], engine: Any, dialect: str) -> None:
    project, plans = saved
    card = project.scorecards["agents_2026"]
    rows = score_rows(card, score(engine, project, dialect, "agents_2026"))
    assert [set(row) for row in rows] == [{"member", "score", "kpis"}] * len(rows)
    for row, want in zip(rows, reference(card, plans), strict=True):
        assert [kpi["metric"] for kpi in row["kpis"]] == ["revenue", "connect_rate", "refund_rate"]
        assert [set(kpi) for kpi in row["kpis"]] == [{"metric", "value", "points", "weighted"}] * 3
        assert row["member"] == want[0] and row["score"] == pytest.approx(want[-1])
        for index, kpi in enumerate(row["kpis"]):
            assert kpi["weighted"] == pytest.approx(kpi["points"] * float(card.kpis[index].weight))
            assert [kpi["value"], kpi["points"]] == pytest.approx(list(want[1 + 3 * index:3 + 3 * index]))


# ---- the command line ----------------------------------------------------------------------------------------
def cli(*args: str) -> Any:
    return CliRunner().invoke(main, [*args], catch_exceptions=False)


def test_score_on_the_embedded_duckdb_plans_first(project_dir: Path) -> None:
    result = cli("score", str(project_dir), "agents_2026", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 21 and rows[-1]["member"] is None
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert cli("run", str(project_dir), "--scorecard", "agents_2026", "--format", "json").stdout == result.stdout
    table = cli("score", str(project_dir), "agents_2026")
    assert table.exit_code == 0 and "revenue_" in table.stdout and "█" in table.stdout and "21 member(s)" in table.stdout
    csv_text = cli("score", str(project_dir), "agents_2026", "--format", "csv").stdout
    assert csv_text.splitlines()[0] == ("agent,revenue_achievement,revenue_points,revenue_weighted,connect_rate,"
                                        "connect_rate_points,connect_rate_weighted,refund_rate,refund_rate_points,"
                                        "refund_rate_weighted,score")


@pytest.mark.parametrize(("args", "message"), [
    (["sql", "--scorecard", "agents_2026", "--period", "2025"], "--period does not apply with --scorecard"),
    (["sql", "--scorecard", "agents_2026", "--query", "monthly_kpi"], "--query does not apply with --scorecard"),
    (["run", "--scorecard", "agents_2026", "--into", "kpi"], "--into does not apply with --scorecard"),
    (["sql", "--scorecard", "agents_2026", "--no-cache"], "--no-cache does not apply with --scorecard"),
    (["score", "agents_2026", "--as-of", "{{ ds }}"], "is a placeholder"),
    (["score"], "give the scorecard's name"),
])
def test_flags_that_do_not_apply_are_errors(project_dir: Path, args: list[str], message: str) -> None:
    command, *rest = args
    where = [] if command == "score" and not rest else [str(project_dir)]
    result = cli(command, *where, *rest)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_unknown_scorecard_suggests_the_nearest(project_dir: Path) -> None:
    result = cli("score", str(project_dir), "agents_2025")
    assert result.exit_code == 1
    assert "unknown scorecard `agents_2025`" in result.stderr and "did you mean `agents_2026`?" in result.stderr


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "impala", "spark"])
def test_sql_prints_the_scorecard(project_dir: Path, dialect: str) -> None:
    result = cli("sql", str(project_dir), "--scorecard", "agents_2026", "--dialect", dialect, "--as-of", "{{ ds }}")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"-- metricdsl scorecard: agents_2026 ({dialect}")
    assert "-- as of: {{ ds }}" in result.stdout




def test_score_on_a_database_without_the_plan_names_plan_save(project_dir: Path, tmp_path: Path) -> None:
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    data = str(project_dir / "data")
    result = cli("score", str(project_dir), "agents_2026", "--db", db, "--data", data)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "error[E703]: planned(revenue_2026_agents) reads table kpi.plan_revenue_2026_agents" in result.stderr
    saved = cli("plan", str(project_dir), "--target", "revenue_2026_agents", "--save", "--db", db, "--data", data,
                "--replace")
    assert saved.exit_code == 0, saved.output
    scored = cli("score", str(project_dir), "agents_2026", "--db", db, "--format", "json")
    assert scored.exit_code == 0, scored.output
    embedded = cli("score", str(project_dir), "agents_2026", "--format", "json")
    assert scored.stdout == embedded.stdout
