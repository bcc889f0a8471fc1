"""The working-day rows of `sql/workdays.py`, run on DuckDB and PostgreSQL and compared with the
calendar API; Impala's and Spark's spellings parsed back (and Impala's linted)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import sqlglot
from sqlglot import exp
from support.impala_lint import lint_impala

from metricdsl.allocate.calendar import WorkCalendar, days_between
from metricdsl.ir.targets import CalendarSpec, DateRange
from metricdsl.sql.target import target
from metricdsl.sql.workdays import covering_days, workday_rows, workdays_by_bucket

CN = CalendarSpec(name="cn2026", country="CN", closed=[DateRange(start=datetime.date(2026, 12, 31),
                                                                 end=datetime.date(2026, 12, 31))],
                  open=[datetime.date(2026, 12, 26)])
FIRST, LAST = datetime.date(2026, 9, 1), datetime.date(2026, 12, 31)
AS_OF = datetime.date(2026, 10, 9)


def statement(dialect: str, grain: str, through: datetime.date | None) -> str:
    days = workday_rows(CN, FIRST, LAST, target(dialect).capabilities)
    query = exp.select(exp.Star()).from_("per_bucket").with_("days", as_=days).with_(
        "per_bucket", as_=workdays_by_bucket("days", grain, through)).order_by("bucket")
    return query.sql(dialect=target(dialect).sqlglot, identify=True)


def expected(grain: str, through: datetime.date) -> list[tuple[Any, ...]]:
    work = WorkCalendar(CN)
    buckets: dict[datetime.date, list[int]] = {}
    for day in days_between(FIRST, LAST):
        start, _ = covering_days(day, day, grain)
        counts = buckets.setdefault(start, [0, 0])
        counts[0] += work.is_workday(day)
        counts[1] += work.is_workday(day) and day <= through
    return [(start, total, done) for start, (total, done) in sorted(buckets.items())]


@pytest.mark.parametrize("grain", ["day", "week", "month", "quarter", "year"])
def test_workdays_by_bucket_match_the_calendar(engine: Any, dialect: str, grain: str) -> None:
    rows = engine.execute(statement(dialect, grain, AS_OF)).rows
    assert [(day, int(total), int(done)) for day, total, done in rows] == expected(grain, AS_OF)


def test_the_rows_carry_holidays_and_make_up_days(engine: Any, dialect: str) -> None:
    days = workday_rows(CN, FIRST, LAST, target(dialect).capabilities)
    rows = dict(engine.execute(exp.select(exp.Star()).from_("days").with_("days", as_=days).sql(
        dialect=dialect, identify=True)).rows)
    assert rows[datetime.date(2026, 10, 1)] == 0  # National Day
    assert rows[datetime.date(2026, 10, 10)] == 1  # a make-up Saturday (调休)
    assert rows[datetime.date(2026, 12, 26)] == 1  # `open:`
    assert rows[datetime.date(2026, 12, 31)] == 0  # `closed:`
    assert len(rows) == (LAST - FIRST).days + 1


def test_impala_writes_a_union_of_typed_rows() -> None:
    sql = statement("impala", "month", AS_OF)
    assert "VALUES" not in sql.upper()
    assert lint_impala(sql) == []
    assert sqlglot.parse_one(sql, read=target("impala").sqlglot) is not None


def test_spark_writes_an_inline_table() -> None:
    sql = statement("spark", "week", AS_OF)
    assert "VALUES" in sql
    assert sqlglot.parse_one(sql, read=target("spark").sqlglot).find(exp.Values) is not None


def test_a_placeholder_through_date_is_an_expression() -> None:
    through = exp.Cast(this=exp.Literal.string("{{ ds }}"), to=exp.DataType.build("DATE"))
    sql = workdays_by_bucket("days", "month", through).sql(dialect="duckdb")
    assert "CAST('{{ ds }}' AS DATE)" in sql


def test_covering_days_are_whole_buckets() -> None:
    assert covering_days(datetime.date(2026, 2, 11), datetime.date(2026, 5, 3), "quarter") == (
        datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    assert covering_days(datetime.date(2026, 1, 1), datetime.date(2026, 1, 1), "week") == (
        datetime.date(2025, 12, 29), datetime.date(2026, 1, 4))
