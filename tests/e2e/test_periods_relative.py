"""Relative periods and the as-of date (LANGUAGE.md §7), on DuckDB and PostgreSQL.

A project with one row per day from 2022-01-01 to 2027-02-28 (amount = a function of the day)
is queried for every relative period at as-of dates that bite: 1 January, the last day of a
month, 29 February, a Sunday/Monday at ISO week and ISO year boundaries. Each result is
compared with bounds computed here in plain Python (independently of metricdsl.grains), so
`first_day`/`last_day` (min/max of the date) must be exactly the period's bounds and `revenue`
the sum of the amounts between them. The placeholder form (`--as-of '{{ ds }}'`), with the
placeholder replaced by the date in the SQL text, must give the same rows as the literal form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FIRST, LAST = dt.date(2022, 1, 1), dt.date(2027, 2, 28)
SPEC = """
source sales {
  table: per.sales
  time: sale_date
  key: sale_id
  columns { sale_id: int, sale_date: date, amount: int }
}
metric revenue = sum(sales.amount)
metric days = count(sales)
metric first_day = min(sales.sale_date)
metric last_day = max(sales.sale_date)
metric revenue_ytd = cumulative(revenue, year)
metric revenue_ly = lag(revenue, 1 year)
metric revenue_pop = growth(revenue, 1 period)
metric revenue_7d = cumulative(revenue, 7 days)
"""
AS_OF_DATES = [
    dt.date(2026, 1, 1),    # 1 January (a Thursday)
    dt.date(2026, 1, 31),   # last day of a month
    dt.date(2026, 9, 30),   # last day of a quarter
    dt.date(2024, 2, 29),   # 29 February
    dt.date(2027, 1, 3),    # Sunday, last day of ISO week 53 of 2026
    dt.date(2027, 1, 4),    # Monday, first day of ISO 2027
    dt.date(2024, 12, 29),  # Sunday before ISO 2025 week 1
    dt.date(2024, 12, 30),  # Monday, ISO 2025 week 1 (in December)
]
PERIODS = ["this year", "this quarter", "this month", "this week", "last 1 day", "last 7 days", "last 2 weeks",
           "last 3 months", "last 2 quarters", "last 1 year"]


def amount(day: dt.date) -> int:
    return day.toordinal() % 97 + 1


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def from_index(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def expected_bounds(period: str, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The period's first and last day, in plain Python."""
    words = period.split()
    monday = as_of - dt.timedelta(days=as_of.weekday())
    quarter_start = from_index(month_index(as_of) - (as_of.month - 1) % 3)
    if words[0] == "this":
        starts = {"year": dt.date(as_of.year, 1, 1), "quarter": quarter_start, "month": as_of.replace(day=1),
                  "week": monday}
        return starts[words[1]], as_of
    count, unit = int(words[1]), words[2].rstrip("s")
    if unit == "day":
        return as_of - dt.timedelta(days=count - 1), as_of
    if unit == "week":
        return monday - dt.timedelta(days=7 * count), monday - dt.timedelta(days=1)
    current = {"month": as_of.replace(day=1), "quarter": quarter_start, "year": dt.date(as_of.year, 1, 1)}[unit]
    months = {"month": 1, "quarter": 3, "year": 12}[unit] * count
    return from_index(month_index(current) - months), current - dt.timedelta(days=1)


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("periods")
    (folder / "spec.metric").write_text(SPEC, encoding="utf-8")
    (folder / "data").mkdir()
    lines = ["sale_id,sale_date,amount"] + [f"{i},{day.isoformat()},{amount(day)}"
                                           for i, day in enumerate(days_between(FIRST, LAST), start=1)]
    (folder / "data" / "per.sales.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def compile_adhoc(project: Any, dialect: str, **request: Any) -> str:
    from metricdsl.pipeline.compile import compile_sql
    from metricdsl.pipeline.request import QueryRequest

    return compile_sql(project, QueryRequest.of(**request), dialect)


def as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=[d.isoformat() for d in AS_OF_DATES])
def test_every_relative_period_at_dates_that_bite(engine: Any, dialect: str, load: Callable[[Path], Any],
                                                   project_dir: Path, as_of: dt.date) -> None:
    project = load(project_dir)
    for period in PERIODS:
        start, end = expected_bounds(period, as_of)
        sql = compile_adhoc(project, dialect, metrics=["revenue", "days", "first_day", "last_day"], period=period,
                            as_of=as_of.isoformat())
        (row,) = engine.execute(sql).rows
        assert (as_date(row[2]), as_date(row[3])) == (start, end), f"{period} as of {as_of}"
        assert int(row[1]) == (end - start).days + 1
        assert int(row[0]) == sum(amount(day) for day in days_between(start, end)), f"{period} as of {as_of}"


@pytest.mark.parametrize("as_of", [dt.date(2026, 1, 1), dt.date(2024, 2, 29), dt.date(2027, 1, 4)],
                         ids=["jan1", "feb29", "iso-monday"])
def test_placeholder_substituted_gives_the_literal_rows(engine: Any, dialect: str, load: Callable[[Path], Any],
                                                        project_dir: Path, as_of: dt.date) -> None:
    project = load(project_dir)
    cases = [{"metrics": ["revenue", "days", "first_day", "last_day"], "period": period} for period in PERIODS]
    cases += [{"metrics": ["revenue", "revenue_ytd", "revenue_ly"], "by": ["time.month"], "period": "this year"},
              {"metrics": ["revenue", "revenue_pop"], "by": ["time.week"], "period": "last 3 months"},
              {"metrics": ["revenue", "revenue_7d", "revenue_ly"], "by": ["time.day"], "period": "this week"},
              {"metrics": ["revenue", "revenue_ytd"], "by": ["time.quarter"], "period": "2026"},
              {"metrics": ["revenue"], "by": ["time.month"]}]
    for case in cases:
        literal = compile_adhoc(project, dialect, as_of=as_of.isoformat(), **case)
        template = compile_adhoc(project, dialect, as_of="{{ ds }}", **case)
        assert "CAST('{{ ds }}' AS DATE)" in template
        assert "{{ ds }}" not in literal.split("\n", 4)[-1]
        substituted = template.replace("{{ ds }}", as_of.isoformat())
        assert engine.execute(substituted).rows == engine.execute(literal).rows, f"{case} as of {as_of}"


def test_time_intelligence_under_relative_periods(engine: Any, dialect: str, load: Callable[[Path], Any],
                                                  project_dir: Path) -> None:
    """Year to date as of 15 June stops at 15 June; YoY of the last 3 months reads the year before."""
    project = load(project_dir)
    as_of = dt.date(2026, 6, 15)
    sql = compile_adhoc(project, dialect, metrics=["revenue", "revenue_ytd", "revenue_ly"], by=["time.month"],
                        period="this year", as_of=as_of.isoformat())
    rows = engine.execute(sql).rows
    assert [as_date(r[0]) for r in rows] == [dt.date(2026, m, 1) for m in range(1, 7)]
    june = rows[-1]
    assert int(june[1]) == sum(amount(d) for d in days_between(dt.date(2026, 6, 1), as_of))
    assert int(june[2]) == sum(amount(d) for d in days_between(dt.date(2026, 1, 1), as_of))
    assert int(june[3]) == sum(amount(d) for d in days_between(dt.date(2025, 6, 1), dt.date(2025, 6, 15)))
    sql = compile_adhoc(project, dialect, metrics=["revenue", "revenue_ly"], by=["time.month"], period="last 3 months",
                        as_of=as_of.isoformat())
    rows = engine.execute(sql).rows
    assert [as_date(r[0]) for r in rows] == [dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)]
    for month, revenue, last_year in rows:
        first = as_date(month)
        end = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        assert int(revenue) == sum(amount(d) for d in days_between(first, end))
        assert int(last_year) == sum(amount(d) for d in days_between(first.replace(year=2025), end.replace(year=2025)))


def test_as_of_ends_a_literal_period(engine: Any, dialect: str, load: Callable[[Path], Any],
                                     project_dir: Path) -> None:
    """`period: 2026 --as-of 2026-06-15`: January to June, June through the 15th; YTD stops there too."""
    project = load(project_dir)
    as_of = dt.date(2026, 6, 15)
    sql = compile_adhoc(project, dialect, metrics=["revenue", "revenue_ytd"], by=["time.month"], period="2026",
                        as_of=as_of.isoformat())
    rows = engine.execute(sql).rows
    assert [as_date(r[0]) for r in rows] == [dt.date(2026, m, 1) for m in range(1, 7)]
    assert int(rows[-1][1]) == sum(amount(d) for d in days_between(dt.date(2026, 6, 1), as_of))
    assert int(rows[-1][2]) == sum(amount(d) for d in days_between(dt.date(2026, 1, 1), as_of))
    (row,) = engine.execute(compile_adhoc(project, dialect, metrics=["last_day"], as_of="2025-03-01")).rows
    assert as_date(row[0]) == dt.date(2025, 3, 1)  # without a period, no row after the as-of date either


def test_without_as_of_a_relative_period_counts_from_current_date(engine: Any, dialect: str,
                                                                  load: Callable[[Path], Any],
                                                                  project_dir: Path) -> None:
    project = load(project_dir)
    sql = compile_adhoc(project, dialect, metrics=["days", "last_day"], period="last 7 days")
    assert "CURRENT_DATE" in sql
    today = dt.date.today()
    (row,) = engine.execute(sql).rows
    in_data = [d for d in days_between(today - dt.timedelta(days=6), today) if FIRST <= d <= LAST]
    assert int(row[0]) == len(in_data)
