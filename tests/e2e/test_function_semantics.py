"""Every function means the same on every engine (LANGUAGE.md §3), checked with data that bites:
halves (0.5, 2.5, -2.5) round away from zero, ISO weeks 53 and 1, strings that differ in case and
accents compare, sort and take min/max by code point — on DuckDB, on the C-collated PostgreSQL test
database, and on a PostgreSQL database with an ICU (en-US) collation, where `min` of
('app', 'O''Brien desk') was `app`. Each result is compared with plain Python.
"""

from __future__ import annotations

import datetime as dt
import decimal
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from support.projects import load_project

from metricdsl.api import compile_sql

SPEC = """
source items {
  table: fs_items
  time: day
  key: id
  columns { id: int, label: string, x: double, amount: decimal(10, 2), day: date }
}
dimension label = items.label
dimension x_round = round(items.x)
dimension x_round1 = round(items.x, 1)
dimension amount_round = round(items.amount)
dimension iso_week = week(items.day)
dimension label_length = length(items.label)
metric n = count(items)
metric min_label = min(items.label)
metric max_label = max(items.label)
metric x_sum = sum(items.x)
metric tie = round(x_sum - 0.25)
metric negative_tie = round(0.25 - x_sum)
metric after_a = count(items) where items.label >= 'a'
metric between_b_and_z = count(items) where items.label between 'B' and 'z'
metric like_a = count(items) where items.label like 'a%'
"""
ROWS = [
    (1, "app", 0.5, "0.50", "2020-12-31"),
    (2, "O'Brien desk", 2.5, "2.50", "2021-01-03"),
    (3, "Zebra", -2.5, "-2.50", "2021-01-04"),
    (4, "äpfel", 1.5, "1.25", "2024-12-30"),
    (5, "École", -0.5, "-0.50", "2026-01-01"),
    (6, "b", 1.25, "3.49", "2026-01-01"),
    (7, "中文é", 0.0, "0", "2026-06-15"),
]


def half_away(value: float | decimal.Decimal, digits: int = 0) -> float:
    quantum = decimal.Decimal(1).scaleb(-digits)
    return float(decimal.Decimal(str(value)).quantize(quantum, rounding=decimal.ROUND_HALF_UP))


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("function_semantics")
    (folder / "data").mkdir()
    (folder / "spec.metric").write_text(SPEC, encoding="utf-8")
    lines = ["id,label,x,amount,day"] + [
        ",".join([str(i), '"' + label.replace('"', '""') + '"', str(x), amount, day])
        for i, label, x, amount, day in ROWS]
    (folder / "data" / "fs_items.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def icu_postgres_url(postgres_url: str) -> Iterator[str]:
    """A database whose default collation is ICU en-US: ('app' < 'O''Brien desk' there)."""
    import psycopg

    parts = urlsplit(postgres_url)
    admin = psycopg.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")), autocommit=True)
    name = f"metricdsl_icu_{secrets.token_hex(6)}"
    try:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                      "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
    except psycopg.Error as error:
        admin.close()
        pytest.skip(f"PostgreSQL cannot create an ICU-collated database: {error}")
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.fixture(scope="module", params=["duckdb", "postgres", "postgres-icu"])
def run(request: pytest.FixtureRequest, project_dir: Path) -> Iterator[Callable[..., list[tuple[Any, ...]]]]:
    """run(metrics=…, by=…, …) → rows, on one engine with the items loaded."""
    from metricdsl.runtime import warehouse

    url = request.getfixturevalue({"duckdb": "duckdb_url", "postgres": "postgres_url",
                                   "postgres-icu": "icu_postgres_url"}[request.param])
    dialect = "duckdb" if request.param == "duckdb" else "postgres"
    connection = warehouse.connect(url)
    project = load_project(project_dir)
    connection.load_data(project, project_dir / "data")

    def _run(**query: Any) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in connection.execute(compile_sql(project, dialect=dialect, **query)).rows]

    try:
        yield _run
    finally:
        connection.close()


def numbers(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(float(v) if isinstance(v, (decimal.Decimal, int)) and not isinstance(v, bool) else v for v in r)
            for r in rows]


def grouped(key: Callable[[tuple[Any, ...]], Any]) -> list[tuple[Any, int]]:
    counts: dict[Any, int] = {}
    for row in ROWS:
        counts[key(row)] = counts.get(key(row), 0) + 1
    return sorted(counts.items())


def test_round_halves_away_from_zero(run: Callable[..., list[tuple[Any, ...]]]) -> None:
    assert numbers(run(metrics=["n"], by=["x_round"])) == grouped(lambda r: half_away(r[2]))
    assert numbers(run(metrics=["n"], by=["x_round1"])) == grouped(lambda r: half_away(r[2], 1))
    assert numbers(run(metrics=["n"], by=["amount_round"])) == grouped(lambda r: half_away(decimal.Decimal(r[3])))
    x_sum = sum(r[2] for r in ROWS)
    assert x_sum - 0.25 == 2.5
    assert numbers(run(metrics=["tie", "negative_tie"])) == [(half_away(x_sum - 0.25), half_away(0.25 - x_sum))] \
        == [(3.0, -3.0)]


def test_week_is_the_iso_week(run: Callable[..., list[tuple[Any, ...]]]) -> None:
    expected = grouped(lambda r: dt.date.fromisoformat(r[4]).isocalendar()[1])
    assert numbers(run(metrics=["n"], by=["iso_week"])) == expected
    assert [w for w, _ in expected] == [1, 25, 53]


def test_strings_compare_sort_and_min_max_by_code_point(run: Callable[..., list[tuple[Any, ...]]]) -> None:
    labels = [r[1] for r in ROWS]
    assert run(metrics=["min_label", "max_label"]) == [(min(labels), max(labels))] == [("O'Brien desk", "中文é")]
    assert [r[0] for r in run(metrics=["n"], by=["label"], order=["label"])] == sorted(labels)
    assert [r[0] for r in run(metrics=["n"], by=["label"], order=["label desc"])] == sorted(labels, reverse=True)
    after_a = sum(1 for label in labels if label >= "a")
    between = sum(1 for label in labels if "B" <= label <= "z")
    like_a = sum(1 for label in labels if label.startswith("a"))
    assert numbers(run(metrics=["after_a", "between_b_and_z", "like_a"])) == [(after_a, between, like_a)] \
        == [(5, 4, 1)]


def test_length_counts_characters(run: Callable[..., list[tuple[Any, ...]]]) -> None:
    assert numbers(run(metrics=["n"], by=["label_length"])) == grouped(lambda r: len(r[1]))
