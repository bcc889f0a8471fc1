"""Impala SQL means what the DuckDB SQL means: read it back, run it on DuckDB, compare the rows.

For every query of the example project, the corpus and the golden projects, the generated Impala
text (3.4, and 3.0 with split distinct counts and TIMESTAMP for DATE) is parsed with the
project's Impala dialect, transpiled to DuckDB and run on the project's data. Its rows must equal
those of the DuckDB-native SQL: numbers within a relative 1e-9, dates and strings exactly, in
the same order. This catches wrong interval units, string escaping, truncation units, FILTER
rewrites and plan splits; the Impala server itself is not involved.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlglot
from golden.cases import Case, executable_cases, load
from sqlglot.errors import ErrorLevel

from metricdsl.api import compile_sql
from metricdsl.runtime import warehouse
from metricdsl.runtime.warehouse import QueryResult, Warehouse
from metricdsl.sql.dialects.impala import impala_dialect, supports_multiple_count_distinct

VERSIONS = ("3.4", "3.0")
CASES = executable_cases()


@pytest.fixture(scope="module")
def warehouses() -> Iterator[dict[str, Warehouse]]:
    """One in-memory DuckDB per project, with the project's data/ loaded on first use."""
    opened: dict[str, Warehouse] = {}
    yield opened
    for connection in opened.values():
        connection.close()


def warehouse_for(opened: dict[str, Warehouse], case: Case) -> Warehouse:
    if case.project not in opened:
        connection = warehouse.connect()
        connection.load_data(load(case.path), case.path / "data", replace=True)
        opened[case.project] = connection
    return opened[case.project]


def impala_as_duckdb(sql: str, version: str) -> str:
    """Impala text read with the project's dialect, written for DuckDB (nothing unsupported)."""
    tree = sqlglot.parse_one(sql, read=impala_dialect(version))
    return tree.sql("duckdb", unsupported_level=ErrorLevel.RAISE)


def same_value(native: Any, other: Any, timestamp_dates: bool) -> bool:
    """Numbers within a relative 1e-9; a TIMESTAMP at midnight stands for a DATE before Impala 3.3."""
    if timestamp_dates and isinstance(other, datetime.datetime) and isinstance(native, datetime.date):
        return other.time() == datetime.time() and other.date() == native
    if isinstance(native, (int, float, Decimal)) and isinstance(other, (int, float, Decimal)):
        if isinstance(native, bool) or isinstance(other, bool):
            return native == other
        return math.isclose(float(native), float(other), rel_tol=1e-9, abs_tol=1e-9)
    return type(native) is type(other) and native == other


def differences(native: QueryResult, other: QueryResult, timestamp_dates: bool) -> list[str]:
    if native.columns != other.columns:
        return [f"columns {native.columns} != {other.columns}"]
    if len(native.rows) != len(other.rows):
        return [f"{len(native.rows)} rows != {len(other.rows)} rows"]
    return [f"row {i}: {a!r} != {b!r}" for i, (a, b) in enumerate(zip(native.rows, other.rows))
            if not all(same_value(x, y, timestamp_dates) for x, y in zip(a, b))]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_impala_sql_gives_duckdb_rows(warehouses: dict[str, Warehouse], case: Case, version: str) -> None:
    connection = warehouse_for(warehouses, case)
    project = load(case.path)
    native = connection.execute(compile_sql(project, query=case.query, dialect="duckdb"))
    impala_sql = compile_sql(project, query=case.query, dialect="impala", impala_version=version)
    transpiled = impala_as_duckdb(impala_sql, version)
    result = connection.execute(transpiled)
    problems = differences(native, result, timestamp_dates=version < "3.3")
    assert not problems, "\n".join([*problems[:10], "-- Impala SQL:", impala_sql, "-- as DuckDB:", transpiled])


def test_roundtrip_covers_split_plans() -> None:
    """3.0 really exercises the split: some queries have several distinct classes per scan."""
    from golden.cases import is_split

    assert not supports_multiple_count_distinct("3.0")
    assert any(is_split(case) for case in CASES)


def test_comparison_is_strict() -> None:
    """The comparison itself fails on a wrong unit, a wrong string, an off-by-one date."""
    row = (datetime.date(2026, 1, 1), "O'Brien", Decimal("1.50"), 3)
    native = QueryResult(["d", "s", "x", "n"], [row])
    assert differences(native, QueryResult(native.columns, [row]), False) == []
    for bad in [(datetime.date(2026, 1, 2), *row[1:]), (row[0], "O''Brien", *row[2:]),
                (*row[:2], Decimal("1.51"), 3), (*row[:3], 4),
                (datetime.datetime(2026, 1, 1), *row[1:])]:
        assert differences(native, QueryResult(native.columns, [bad]), False)
    midnight = (datetime.datetime(2026, 1, 1), *row[1:])
    assert differences(native, QueryResult(native.columns, [midnight]), True) == []


# ---- the numbers calendar takes as many digit places as it needs ------------------------------
@pytest.mark.parametrize(("start", "end", "grain", "places"), [
    ("2026-01-01", "2026-12-31", "day", 4),
    ("1999-01-01", "2026-05-18", "day", 4),   # 9,999 days: 0 … 9998
    ("1990-01-01", "2025-12-31", "day", 5),   # 13,149 days
    ("1400-01-01", "9999-12-31", "day", 7),   # every DATE Impala holds
    ("1400-01-01", "9999-12-31", "month", 6),
    ("1400-01-01", "9999-12-31", "week", 6),
])
def test_numbers_calendar_places(start: str, end: str, grain: str, places: int) -> None:
    from metricdsl.ir import model as m
    from metricdsl.plan.nodes import DIGIT_PLACES
    from metricdsl.sql.calendar import bucket_count, period_calendar

    period = m.Period(start=datetime.date.fromisoformat(start), end=datetime.date.fromisoformat(end))
    calendar = period_calendar(grain, "time_x", period, generate_series=False)
    aliases = {alias.name for alias in calendar.find_all(sqlglot.exp.TableAlias)}
    assert [p for p in DIGIT_PLACES if p in aliases] == list(DIGIT_PLACES[:places])
    if grain == "day":
        assert bucket_count(period.start, period.end, grain) == (period.end - period.start).days + 1


def test_long_day_calendar_keeps_every_row(warehouses: dict[str, Warehouse]) -> None:
    """36 years of days (13,149 buckets; the 4-digit calendar stopped at 10,000, in 2017): the Impala
    SQL run on DuckDB returns every day of the period, with the events of 2019 and 2025."""
    case = next(c for c in CASES if c.id == "long_calendar__daily_36_years")
    connection = warehouse_for(warehouses, case)
    sql = compile_sql(load(case.path), query=case.query, dialect="impala")
    rows = connection.execute(impala_as_duckdb(sql, "3.4")).rows
    assert len(rows) == (datetime.date(2025, 12, 31) - datetime.date(1990, 1, 1)).days + 1 == 13_149
    totals = {row[0]: row[1] for row in rows if row[1]}
    assert totals == {datetime.date(1990, 1, 1): 5, datetime.date(1998, 7, 15): 7, datetime.date(2003, 3, 3): 11,
                      datetime.date(2019, 12, 30): 13, datetime.date(2020, 1, 6): 17, datetime.date(2025, 12, 31): 19}


def test_relative_period_placeholder_calendar_keeps_every_row(warehouses: dict[str, Warehouse]) -> None:
    """`last 30 years` at day grain, as-of a placeholder: the bounds are computed in SQL, so the
    numbers calendar is sized for the longest such period (10,958 days: five places, where four
    would stop after 10,000 days). Run on DuckDB with the placeholder replaced, every day is there."""
    case = next(c for c in CASES if c.id == "long_calendar__daily_36_years")
    connection = warehouse_for(warehouses, case)
    sql = compile_sql(load(case.path), query=case.query, period="last 30 years", as_of="{{ ds }}",
                      dialect="impala")
    assert "'2026-01-01'" not in sql and "{{ ds }}" in sql
    rows = connection.execute(impala_as_duckdb(sql.replace("{{ ds }}", "2026-01-01"), "3.4")).rows
    first, last = datetime.date(1996, 1, 1), datetime.date(2025, 12, 31)
    assert len(rows) == (last - first).days + 1 == 10_958
    assert min(row[0] for row in rows) == first and max(row[0] for row in rows) == last
