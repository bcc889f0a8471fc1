"""`metricdsl track` (LANGUAGE.md §9 "Following a plan"): every number against plain Python over the
plan JSON, the raw CSV rows of specs/data and the CN calendar, on DuckDB and PostgreSQL."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import holidays
import pytest
from click.testing import CliRunner
from support.paths import SPECS_DIR
from support.projects import load_into

from metricdsl.allocate import WorkCalendar, allocate
from metricdsl.cli import main
from metricdsl.runtime.baseline import fetch_baseline
from metricdsl.runtime.plan_store import read_plan, save_plan
from metricdsl.runtime.track import COLUMNS, TrackRequest, track_report

TARGET = "revenue_2026"
TABLE = "kpi.plan_revenue_2026"
AS_OF = date(2026, 6, 17)  # a Wednesday: mid-month and mid-week
CN = holidays.country_holidays("CN", years=2026)


def run(*args: str) -> Any:
    return CliRunner().invoke(main, [*args], catch_exceptions=False)


# ---- the reference ---------------------------------------------------------------------------
def csv_rows(name: str) -> list[dict[str, str]]:
    with (SPECS_DIR / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def paid_revenue_by_day() -> dict[tuple[str | None, date], Decimal]:
    """revenue = sum(amount) where status = 'paid', by (product name, order date)."""
    names = {row["product_id"]: row["name"] for row in csv_rows("dw.dim_product")}
    days: dict[tuple[str | None, date], Decimal] = defaultdict(Decimal)
    for row in csv_rows("dw.fact_orders"):
        if row["status"] == "paid":
            days[names.get(row["product_id"]), date.fromisoformat(row["order_date"])] += Decimal(row["amount"])
    return days


def workdays(start: date, end: date) -> int:
    return sum(CN.is_working_day(start + timedelta(days=n)) for n in range((end - start).days + 1))


def progress(start: date, end: date, as_of: date) -> float:
    if as_of >= end:
        return 1.0
    return workdays(start, as_of) / workdays(start, end)


def expected(plan: dict[str, Any], grain: str, by_member: bool, as_of: date) -> list[tuple[Any, ...]]:
    """(bucket, member, target, actual, achievement, time_progress, gap, forecast) in `track`'s order."""
    days = paid_revenue_by_day()
    members = [s["member"] for s in sorted(plan["split"], key=lambda s: (-s["target"], s["member"]))] if by_member \
        else []
    spans: dict[str, str] = {}
    targets: dict[tuple[str, str | None], float] = defaultdict(float)
    for row in plan["spread"]:
        if row["grain"] == grain:
            spans[row["start"]] = row["end"]
            targets[row["start"], row["member"]] += row["target"]
            targets[row["start"], None] += row["target"]

    def actual(start: date, end: date, member: str | None) -> float:
        return float(sum(v for (m, d), v in days.items() if start <= d <= min(end, as_of) and member in (None, m)))

    def row(bucket: str | None, member: str | None, target: float, value: float, time: float) -> tuple[Any, ...]:
        return (bucket, member, target, value, value / target if target else None, time, target - value,
                value / time if time else None)

    rows = []
    for start_text, end_text in sorted(spans.items()):
        start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
        if start <= as_of:
            rows += [row(start_text, m, targets[start_text, m], actual(start, end, m), progress(start, end, as_of))
                     for m in [None, *members]]
    period_start, period_end = (date.fromisoformat(plan["period"][k]) for k in ("start", "end"))
    split_targets = {s["member"]: s["target"] for s in plan["split"]}
    for m in [None, *members]:
        target = plan["target_value"] if m is None else split_targets[m]
        rows.append(row(None, m, target, actual(period_start, period_end, m), progress(period_start, period_end, as_of)))
    return rows


def approx_rows(rows: list[tuple[Any, ...]]) -> list[Any]:
    return [tuple(pytest.approx(v, rel=1e-9, abs=1e-6) if isinstance(v, float) else v for v in r) for r in rows]


@pytest.fixture(scope="module")
def saved(engine: Any) -> tuple[Any, Any, dict[str, Any]]:
    """The project (data loaded), its target spec, and the plan JSON, after `plan --save` on the engine."""
    project = load_into(engine, SPECS_DIR)
    spec = project.targets[TARGET]
    engine.execute("DROP SCHEMA IF EXISTS kpi CASCADE")
    plan = allocate(spec, fetch_baseline(project, spec, engine), WorkCalendar(spec.spread_calendar))
    save_plan(engine, spec, plan, datetime(2026, 6, 1, 8, 0))
    return project, spec, json.loads(plan.model_dump_json())


# ---- every number, on both engines -----------------------------------------------------------
@pytest.mark.parametrize("grain", ["month", "week"])
@pytest.mark.parametrize("by_member", [False, True])
def test_every_row_equals_the_reference(engine: Any, saved: Any, grain: str, by_member: bool) -> None:
    project, spec, plan = saved
    report = track_report(project, TrackRequest(spec, read_plan(engine, spec), AS_OF, grain, by_member), engine)
    got = [(r.bucket.isoformat() if r.bucket else None, *r.values()[1:]) for r in report.rows]
    want = expected(plan, grain, by_member, AS_OF)
    assert got == approx_rows(want)
    assert len(want) == (len({r[0] for r in want}) * (1 + 12 * by_member))
    assert report.rows[-1].bucket is None and report.rows[-1].time_progress < 1
    assert [r.behind for r in report.rows] == [(r[4] is not None and r[4] < r[5]) for r in want]


def test_the_period_end_and_a_past_period_are_complete(engine: Any, saved: Any) -> None:
    project, spec, plan = saved
    report = track_report(project, TrackRequest(spec, read_plan(engine, spec), date(2026, 12, 31), "month", False),
                          engine)
    assert len(report.rows) == 13 and all(r.time_progress == 1.0 for r in report.rows)
    assert report.rows[-1].target == pytest.approx(plan["target_value"])
    assert report.rows[-1].forecast == pytest.approx(report.rows[-1].actual)


def test_the_cli_on_a_saved_plan(engine: Any, saved: Any, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if request.node.callspec.params["engine"] != "postgres":
        pytest.skip("the in-memory DuckDB of the engine fixture is out of the CLI's reach; see the file tests below")
    url = request.getfixturevalue("postgres_url")
    _, _, plan = saved
    result = run("track", str(SPECS_DIR), "--target", TARGET, "--db", url, "--as-of", AS_OF.isoformat(),
                 "--grain", "week", "--by-member", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["target"] == TARGET and document["as_of"] == AS_OF.isoformat()
    assert [tuple(row[c] for c in COLUMNS) for row in document["rows"]] == approx_rows(
        expected(plan, "week", True, AS_OF))


# ---- the command line --------------------------------------------------------------------------
def test_json_and_csv_shape_on_the_in_memory_duckdb() -> None:
    plan = json.loads(run("plan", str(SPECS_DIR), "--target", TARGET, "--format", "json").stdout)
    result = run("track", str(SPECS_DIR), "--target", TARGET, "--as-of", AS_OF.isoformat(), "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert list(document) == ["target", "as_of", "rows"]
    assert all(list(row) == list(COLUMNS) for row in document["rows"])
    assert [tuple(row.values()) for row in document["rows"]] == approx_rows(expected(plan, "month", False, AS_OF))
    table = run("track", str(SPECS_DIR), "--target", TARGET, "--as-of", AS_OF.isoformat(), "--format", "csv").stdout
    lines = table.splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1].startswith("2026-01-01,,244000.0,") and lines[-1].startswith(",,3385000.0,")
    assert len(lines) == 1 + 6 + 1


def test_a_duckdb_file_before_and_after_saving(tmp_path: Path) -> None:
    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    assert run("seed", str(SPECS_DIR), "--db", db).exit_code == 0
    missing = run("track", str(SPECS_DIR), "--target", TARGET, "--db", db, "--as-of", "2026-06-30")
    assert missing.exit_code == 1
    assert missing.stderr.startswith(f"error[E703]: saved plan table {TABLE} of target {TARGET} is missing; run "
                                     f"`metricdsl plan --target {TARGET} --save` first\n")
    assert "Traceback" not in missing.output
    assert run("plan", str(SPECS_DIR), "--target", TARGET, "--db", db, "--save").exit_code == 0
    saved = run("track", str(SPECS_DIR), "--target", TARGET, "--db", db, "--as-of", "2026-06-30", "--format", "json")
    computed = run("track", str(SPECS_DIR), "--target", TARGET, "--as-of", "2026-06-30", "--format", "json")
    assert saved.exit_code == 0 and saved.stdout == computed.stdout


def test_table_and_html() -> None:
    table = run("track", str(SPECS_DIR), "--target", TARGET, "--as-of", AS_OF.isoformat(), "--by-member")
    assert table.exit_code == 0
    assert "period to date" in table.stdout and "O'Brien 理财" in table.stdout and "█" in table.stdout
    assert "behind their time progress" in table.stdout
    page = run("track", str(SPECS_DIR), "--target", TARGET, "--as-of", AS_OF.isoformat(), "--format", "html",
               "--by-member").stdout
    assert page.startswith("<!DOCTYPE html>") and "<svg" in page and "</svg>" in page
    assert "O&#x27;Brien 理财" in page and "O'Brien" not in page  # every text is escaped
    assert page.count('<rect class="actual') == 6 and 'class="whole behind"' in page


def test_out_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "track.html"
    result = run("track", str(SPECS_DIR), "--target", TARGET, "--as-of", "2026-06-30", "--format", "html",
                 "--out", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert "<svg" in out.read_text(encoding="utf-8")


def test_an_as_of_after_the_period_is_its_last_day() -> None:
    result = run("track", str(SPECS_DIR), "--target", TARGET, "--as-of", "2027-03-01", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["as_of"] == "2026-12-31"
    assert "tracking through 2026-12-31" in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--as-of", "2025-12-31"], "error: --as-of (2025-12-31) is before the period of target revenue_2026"),
    (["--as-of", "{{ ds }}"], "error: --as-of `{{ ds }}` is not a date written YYYY-MM-DD"),
    (["--target", "revenue_2O26"], "error: unknown target `revenue_2O26`"),
    (["--replace"], "error: --replace applies to loading CSVs"),
])
def test_bad_options(args: list[str], message: str) -> None:
    result = run("track", str(SPECS_DIR), "--target", TARGET, *args)
    assert result.exit_code in (1, 2) and result.stderr.startswith(message), result.output


def unsplit_project(tmp_path: Path, spread: str) -> Path:
    project = tmp_path / "p"
    project.mkdir()
    for path in SPECS_DIR.glob("*.metric"):
        text = path.read_text(encoding="utf-8").replace("  split:    product by baseline\n", "")
        (project / path.name).write_text(text.replace("month, week by workdays(cn2026)", spread), encoding="utf-8")
    (project / "data").symlink_to(SPECS_DIR / "data")
    return project


def test_by_member_needs_a_split_and_week_needs_weeks(tmp_path: Path) -> None:
    project = unsplit_project(tmp_path, "month by workdays(cn2026)")
    result = run("track", str(project), "--target", TARGET, "--as-of", "2026-06-30", "--by-member")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --by-member: target revenue_2026 has no `split:`")
    result = run("track", str(project), "--target", TARGET, "--as-of", "2026-06-30", "--grain", "week")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --grain week: the plan of target revenue_2026 has no week rows")
    fine = run("track", str(project), "--target", TARGET, "--as-of", "2026-06-30", "--format", "json")
    assert fine.exit_code == 0 and len(json.loads(fine.stdout)["rows"]) == 7


def test_a_plan_saved_for_another_period_is_refused(tmp_path: Path) -> None:
    import duckdb

    db = f"duckdb:///{tmp_path / 'w.duckdb'}"
    assert run("plan", str(SPECS_DIR), "--target", TARGET, "--db", db, "--data", str(SPECS_DIR / "data"),
               "--save").exit_code == 0
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        connection.execute(f"UPDATE {TABLE} SET start = DATE '2025-01-01' WHERE grain = 'year'")
    result = run("track", str(SPECS_DIR), "--target", TARGET, "--db", db, "--as-of", "2026-06-30")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the saved plan of target revenue_2026 is for a period starting 2025-01-01, "
                                    "but the target's period starts 2026-01-01")
