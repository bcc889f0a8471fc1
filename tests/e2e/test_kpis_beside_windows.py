"""Balances and cohorts in one query with a cumulative window over the same source (issue 11 with
time intelligence over pre-aggregated buckets): a closing balance or a count of new customers is
read from its own rows, never from the window's buckets, on DuckDB and PostgreSQL, compared with
plain Python over the corpus rows."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from support.paths import TESTS_DIR

from metricdsl.api import compile_sql

MONTHS = [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]


def _project(tmp_path: Path, case: str, extra: str) -> Path:
    folder = tmp_path / case
    shutil.copytree(TESTS_DIR / "corpus" / case, folder, ignore=shutil.ignore_patterns("expected.py", "__pycache__"))
    spec = folder / "spec.metric"
    spec.write_text(spec.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


def _rows(folder: Path, table: str) -> list[dict[str, str]]:
    with (folder / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _month(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10]).replace(day=1)


def test_closing_beside_a_cumulative_of_the_same_source(engine: Any, dialect: str, load: Callable[[Path], Any],
                                                        tmp_path: Path) -> None:
    folder = _project(tmp_path, "balances", "\nmetric aum_ytd = cumulative(aum, year)\n")
    project = load(folder)
    sql = compile_sql(project, metrics=["aum_close", "accounts_close", "aum_ytd", "aum"], by=["time.month"],
                      period="2026-01-01 .. 2026-03-31", dialect=dialect)
    got = [(row[0], Decimal(str(row[1])), int(row[2]), Decimal(str(row[3])), Decimal(str(row[4])))
           for row in engine.execute(sql).rows]
    rows = _rows(folder, "bl_balances")
    expected, running = [], Decimal(0)
    for month in MONTHS:
        in_month = [r for r in rows if _month(r["snapshot_date"]) == month]
        last = max(r["snapshot_date"] for r in in_month)
        on_last = [Decimal(r["balance"]) for r in in_month if r["snapshot_date"] == last]
        total = sum((Decimal(r["balance"]) for r in in_month), Decimal(0))
        running += total
        expected.append((month, sum(on_last, Decimal(0)), len(on_last), running, total))
    assert [(str(g[0])[:10], *g[1:]) for g in got] == [(str(e[0]), *e[1:]) for e in expected]
    assert expected[0][1:3] == (Decimal("190.00"), 2)  # 30 January: A1 and A4 (A2 closed on the 15th)


def test_new_customers_beside_a_cumulative_of_the_same_source(engine: Any, dialect: str,
                                                              load: Callable[[Path], Any], tmp_path: Path) -> None:
    folder = _project(tmp_path, "cohorts", "\nmetric buyers_ytd = cumulative(buyers, year)\n")
    project = load(folder)
    sql = compile_sql(project, metrics=["new_buyers", "buyers_ytd", "buyers"], by=["time.month"],
                      period="2026-01-01 .. 2026-03-31", dialect=dialect)
    got = [(str(row[0])[:10], int(row[1]), int(row[2]), int(row[3])) for row in engine.execute(sql).rows]
    paid = [r for r in _rows(folder, "co_orders") if r["status"] == "paid" and r["customer_id"]]
    first = {c: min(_month(r["order_date"]) for r in paid if r["customer_id"] == c) for c in {r["customer_id"] for r in paid}}
    expected = []
    for month in MONTHS:
        to_date = {r["customer_id"] for r in paid if MONTHS[0] <= _month(r["order_date"]) <= month}
        in_month = {r["customer_id"] for r in paid if _month(r["order_date"]) == month}
        expected.append((str(month), sum(1 for c in first.values() if c == month), len(to_date), len(in_month)))
    assert got == expected
    assert [e[1] for e in expected] == [0, 1, 0]  # customer 3 first bought in December 2025; 4 in February
