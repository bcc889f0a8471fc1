"""time_progress(cal) (LANGUAGE.md §9) on DuckDB and PostgreSQL, against a plain-Python reference that
counts working days with the calendar API (`WorkCalendar`): every grain, buckets before, holding
and after the as-of date, holidays and make-up Saturdays (调休), `closed:`/`open:` days, the whole
period without a time dimension, groups, a bucket without fact rows, and the placeholder as-of
(substituted and run; rendered for Impala and Spark and parsed back)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlglot
from support.impala_lint import lint_impala
from support.paths import TESTS_DIR

from metricdsl.allocate.calendar import WorkCalendar
from metricdsl.sql.workdays import covering_days

PROJECT = TESTS_DIR / "golden" / "projects" / "time_progress"
GRAINS = ("day", "week", "month", "quarter", "year")
# A working Friday; a National Day holiday; a make-up Saturday (调休); a Spring Festival week without
# working days (16–22 Feb); the days before an `open:` Saturday (26 Dec) and a `closed:` day (31 Dec).
AS_OF_DATES = ("2026-10-09", "2026-10-03", "2026-10-10", "2026-02-18", "2026-12-24")
TOLERANCE = 1e-9


def calendar(project: Any) -> WorkCalendar:
    return WorkCalendar(project.calendars["cn2026"])


def reference(work: WorkCalendar, start: datetime.date, last: datetime.date, as_of: datetime.date) -> float:
    """Working days of start … last through the as-of date over all of them: 0 before, 1 after."""
    if start > as_of:
        return 0.0
    if last <= as_of:
        return 1.0
    total = work.workdays(start, last)
    return 1.0 if total == 0 else work.workdays(start, as_of) / total


def rows_of(engine: Any, project: Any, **request: Any) -> list[tuple[Any, ...]]:
    from metricdsl.api import compile_sql

    return engine.execute(compile_sql(project, dialect=engine.dialect, **request)).rows


def close(actual: Any, expected: float) -> bool:
    return actual is not None and abs(float(actual) - expected) < TOLERANCE


@pytest.mark.parametrize("grain", GRAINS)
@pytest.mark.parametrize("as_of", AS_OF_DATES)
def test_every_grain_matches_the_calendar(engine: Any, load: Callable[[Path], Any], grain: str, as_of: str) -> None:
    project = load(PROJECT)
    day = datetime.date.fromisoformat(as_of)
    rows = rows_of(engine, project, metrics=["progress"], by=[f"time.{grain}"], period="2026", as_of=as_of)
    work = calendar(project)
    buckets = [bucket for bucket, _ in rows]
    assert buckets[-1] == covering_days(day, day, grain)[0]  # the period ends at the as-of date's bucket
    for bucket, progress in rows:
        start, last = covering_days(bucket, bucket, grain)
        assert close(progress, reference(work, start, last, day)), (bucket, progress)


def test_buckets_after_the_as_of_date_are_zero(engine: Any, load: Callable[[Path], Any]) -> None:
    """Without --as-of the as-of date is the engine's CURRENT_DATE, and a literal period keeps its
    buckets after it."""
    project = load(PROJECT)
    today = datetime.date.today()
    period = f"{today.year} .. {today.year + 1}"
    rows = rows_of(engine, project, metrics=["progress"], by=["time.month"], period=period)
    work = calendar(project)
    assert len(rows) == 24
    for bucket, progress in rows:
        start, last = covering_days(bucket, bucket, "month")
        assert close(progress, reference(work, start, last, today)), (bucket, progress)
    assert all(progress == 0 for bucket, progress in rows if bucket.year > today.year)


def test_holidays_and_make_up_days_move_the_progress(engine: Any, load: Callable[[Path], Any]) -> None:
    project = load(PROJECT)
    by_day = {as_of: rows_of(engine, project, metrics=["progress"], by=["time.week"], period="2026-10-05 .. 2026-10-11",
                             as_of=as_of)[-1][1] for as_of in ("2026-10-06", "2026-10-08", "2026-10-10")}
    # The week of 5 October works on Thursday, Friday and the make-up Saturday only.
    assert [round(float(v), 6) for v in by_day.values()] == [0.0, round(1 / 3, 6), 1.0]
    december = rows_of(engine, project, metrics=["progress"], by=["time.month"], period="2026-12-01 .. 2026-12-31",
                       as_of="2026-12-26")
    # 23 weekdays, minus the closed 31st, plus the open Saturday 26th: 23; 20 of them through the 26th.
    assert close(december[0][1], 20 / 23)


def test_groups_share_their_bucket_progress_and_empty_groups_appear(engine: Any, load: Callable[[Path], Any]) -> None:
    project = load(PROJECT)
    rows = rows_of(engine, project, query="weekly_by_region", as_of="2026-10-09")
    by_week: dict[datetime.date, set[float]] = {}
    for _, week, _, progress in rows:
        by_week.setdefault(week, set()).add(round(float(progress), 9))
    assert all(len(values) == 1 for values in by_week.values())
    north_holiday_week = [r for r in rows if r[0] == "华北" and r[1] == datetime.date(2026, 10, 5)]
    assert north_holiday_week and north_holiday_week[0][2] == 0  # no rows: revenue 0, but the row is there
    assert close(north_holiday_week[0][3], 2 / 3)


def test_a_bucket_without_fact_rows_has_its_progress(engine: Any, load: Callable[[Path], Any]) -> None:
    project = load(PROJECT)
    rows = {r[0]: r for r in rows_of(engine, project, query="monthly_pace", as_of="2026-12-09")}
    november = rows[datetime.date(2026, 11, 1)]
    assert november[1] == 0 and close(november[2], 1.0) and november[3] == 0
    december = rows[datetime.date(2026, 12, 1)]
    work = calendar(project)
    expected = reference(work, datetime.date(2026, 12, 1), datetime.date(2026, 12, 31), datetime.date(2026, 12, 9))
    assert close(december[2], expected)
    assert close(december[3], float(december[1]) / expected)  # pace = revenue / time_progress


@pytest.mark.parametrize(("period", "first", "last"), [
    ("2026", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)),
    ("this month", datetime.date(2026, 10, 1), datetime.date(2026, 10, 31)),
    ("this quarter", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
    ("this week", datetime.date(2026, 10, 5), datetime.date(2026, 10, 11)),
    ("last 2 months", datetime.date(2026, 8, 1), datetime.date(2026, 9, 30)),
])
def test_without_a_time_dimension_the_whole_period(engine: Any, load: Callable[[Path], Any], period: str,
                                                    first: datetime.date, last: datetime.date) -> None:
    project = load(PROJECT)
    as_of = datetime.date(2026, 10, 9)
    rows = rows_of(engine, project, metrics=["revenue", "progress"], period=period, as_of=as_of.isoformat())
    assert len(rows) == 1
    assert close(rows[0][1], reference(calendar(project), first, last, as_of))


@pytest.mark.parametrize(("request_", "grain"), [
    ({"query": "monthly_pace"}, "month"),
    ({"metrics": ["progress"], "by": ["time.week"], "period": "this quarter"}, "week"),
    ({"metrics": ["progress"], "by": ["time.day"], "period": "last 10 days"}, "day"),
])
def test_placeholder_substituted_gives_the_literal_rows(engine: Any, load: Callable[[Path], Any],
                                                        request_: dict[str, Any], grain: str) -> None:
    from metricdsl.api import compile_sql

    project = load(PROJECT)
    for as_of in ("2026-10-03", "2026-10-10", "2026-12-31"):
        sql = compile_sql(project, dialect=engine.dialect, as_of="{{ ds }}", **request_)
        substituted = engine.execute(sql.replace("{{ ds }}", as_of)).rows
        literal = engine.execute(compile_sql(project, dialect=engine.dialect, as_of=as_of, **request_)).rows
        assert substituted and _same(substituted, literal)
        work, day = calendar(project), datetime.date.fromisoformat(as_of)
        for row in substituted:
            start, last = covering_days(row[0], row[0], grain)
            assert close(row[-1] if "query" not in request_ else row[2], reference(work, start, last, day))


def _same(left: list[tuple[Any, ...]], right: list[tuple[Any, ...]]) -> bool:
    return len(left) == len(right) and all(
        a == b or (isinstance(a, float) and close(b, a)) for x, y in zip(left, right) for a, b in zip(x, y))


@pytest.mark.parametrize("dialect", ["impala", "spark"])
@pytest.mark.parametrize("period", ["2026", "this month"])
def test_placeholder_renders_for_warehouses(dialect: str, period: str) -> None:
    from metricdsl.api import compile_sql, load_project
    from metricdsl.sql.target import target

    sql = compile_sql(load_project(PROJECT), metrics=["revenue", "pace"], by=["time.month"], period=period,
                      dialect=dialect, as_of="${var:run_date}")
    assert "CAST('${var:run_date}' AS DATE)" in sql
    assert "time_progress_cn2026_days" in sql
    statements = [s for s in sqlglot.parse(sql, read=target(dialect).sqlglot) if s is not None]
    assert len(statements) == 1
    if dialect == "impala":
        assert "VALUES" not in sql and lint_impala(sql) == []


def test_spark_runs_the_progress(spark: Any) -> None:
    from support.spark import load_into_spark, spark_rows

    from metricdsl.api import compile_sql

    project = load_into_spark(spark, PROJECT)
    rows = spark_rows(spark, compile_sql(project, query="monthly_pace", dialect="spark", as_of="2026-10-09"))
    work = calendar(project)
    for bucket, _, progress, _ in rows:
        start, last = covering_days(bucket, bucket, "month")
        assert close(progress, reference(work, start, last, datetime.date(2026, 10, 9)))
