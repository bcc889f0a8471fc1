"""Queries that once crashed or differed between engines (issue 14), run on DuckDB and PostgreSQL
and compared with a plain-Python computation over the same rows.

* `count_distinct … having` filtered on a joined source (the query's `where`, the metric's own
  `where`, a filtered reference): the per-key subquery must join every source its conditions read.
* the UNION of per-source scans pads each scan with NULLs for the others' measures: every NULL
  carries the measure's type, or PostgreSQL types two untyped NULLs as text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from metricdsl.api import compile_sql

Table = tuple[list[str], list[tuple[Any, ...]]]


def write_project(folder: Path, spec: str, tables: dict[str, Table]) -> Path:
    """A project folder: one spec file and `data/<table>.csv` per table."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "spec.metric").write_text(spec, encoding="utf-8")
    for name, (header, rows) in tables.items():
        with (folder / "data" / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(["" if v is None else v for v in row] for row in rows)
    return folder


def as_dicts(table: Table) -> list[dict[str, Any]]:
    header, rows = table
    return [dict(zip(header, row)) for row in rows]


# ---- 1. count_distinct … having over a joined source -----------------------------------------
HAVING_SPEC = """
source orders {
  table: ea_orders
  time: order_date
  key: order_id
  columns { order_id: int, order_date: date, customer_id: int, status: string }
  join customers on customer_id = customers.customer_id
}
source customers {
  table: ea_customers
  key: customer_id
  columns { customer_id: int, segment: string }
}
dimension segment = customers.segment
dimension status = orders.status
metric repeat_buyers = count_distinct(orders.customer_id) having count(orders) >= 2 where orders.status = 'paid'
metric repeat_a = count_distinct(orders.customer_id) having count(orders) >= 2 where orders.status = 'paid' and segment = 'A'
metric repeat_ref = repeat_buyers where segment = 'A'
metric repeat_share = repeat_ref / repeat_buyers
"""
CUSTOMERS: Table = (["customer_id", "segment"], [(1, "A"), (2, "B"), (3, "A"), (4, None), (6, "A")])
# Customer 5 has no row in customers (segment NULL); customer 6 buys once in January, once in February.
ORDERS: Table = (["order_id", "order_date", "customer_id", "status"], [
    (1, "2026-01-05", 1, "paid"), (2, "2026-01-20", 1, "paid"), (3, "2026-02-02", 1, "paid"),
    (4, "2026-01-07", 2, "paid"), (5, "2026-01-09", 2, "paid"),
    (6, "2026-01-11", 3, "paid"), (7, "2026-01-12", 3, "cancelled"),
    (8, "2026-02-01", 4, "paid"), (9, "2026-02-03", 4, "paid"),
    (10, "2026-02-04", 5, "paid"), (11, "2026-02-05", 5, "paid"),
    (12, "2026-01-30", 6, "paid"), (13, "2026-02-01", 6, "paid"),
    (14, "2026-02-07", None, "paid"), (15, "2026-02-08", None, "paid"),
])


def repeat_count(keep: Callable[[dict[str, Any]], bool]) -> int:
    """Customers with at least two paid orders among the rows `keep` accepts (NULL keys never count)."""
    segments = {c["customer_id"]: c["segment"] for c in as_dicts(CUSTOMERS)}
    per_key: dict[Any, int] = {}
    for order in as_dicts(ORDERS):
        row = {**order, "segment": segments.get(order["customer_id"])}
        if row["status"] == "paid" and row["customer_id"] is not None and keep(row):
            per_key[row["customer_id"]] = per_key.get(row["customer_id"], 0) + 1
    return sum(1 for n in per_key.values() if n >= 2)


def segment_a(row: dict[str, Any]) -> bool:
    return row["segment"] == "A"


def in_month(month: int) -> Callable[[dict[str, Any]], bool]:
    return lambda row: int(row["order_date"][5:7]) == month


@pytest.fixture(scope="module")
def having_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("having_joined")
    return write_project(folder, HAVING_SPEC, {"ea_orders": ORDERS, "ea_customers": CUSTOMERS})


def run(engine: Any, project: Any, dialect: str, **request: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in engine.execute(compile_sql(project, dialect=dialect, **request)).rows]


def test_having_with_a_joined_query_where(engine: Any, dialect: str, load: Callable[[Path], Any],
                                          having_project: Path) -> None:
    project = load(having_project)
    rows = run(engine, project, dialect, metrics=["repeat_buyers"], where="segment = 'A'")
    assert rows == [(repeat_count(segment_a),)] == [(2,)]  # customers 1 and 6; 3 has one paid order


def test_having_with_a_joined_condition_in_the_metric(engine: Any, dialect: str, load: Callable[[Path], Any],
                                                      having_project: Path) -> None:
    project = load(having_project)
    rows = run(engine, project, dialect, metrics=["repeat_a", "repeat_ref", "repeat_buyers", "repeat_share"])
    expected_a, total = repeat_count(segment_a), repeat_count(lambda row: True)
    assert total == 5  # 1, 2, 4, 5, 6
    assert rows[0][:3] == (expected_a, expected_a, total)
    assert rows[0][3] == pytest.approx(expected_a / total)


def test_having_joined_by_month_and_status(engine: Any, dialect: str, load: Callable[[Path], Any],
                                           having_project: Path) -> None:
    """Per month, keys are counted within the month: customer 6 repeats in neither."""
    project = load(having_project)
    rows = run(engine, project, dialect, metrics=["repeat_a", "repeat_ref"], by=["time.month", "status"],
               where="segment = 'A' or segment is null", period="2026-01-01 .. 2026-02-28")
    # The metrics read paid rows only, so `paid` is the one status present; both months appear.
    expected = [(f"2026-{month:02d}-01", "paid", repeat_count(lambda row, month=month: segment_a(row)
                                                             and in_month(month)(row))) for month in (1, 2)]
    assert [(str(r[0]), r[1], r[2]) for r in rows] == expected
    assert [r[2] for r in rows] == [r[3] for r in rows]
    assert [v for _, _, v in expected] == [1, 0]  # January: customer 1; February: none


def test_having_joined_to_date(engine: Any, dialect: str, load: Callable[[Path], Any], having_project: Path,
                               tmp_path: Path) -> None:
    """The windowed scan of a cumulative joins the sources of its conditions too."""
    spec = HAVING_SPEC + "metric repeat_a_ytd = cumulative(repeat_a, year)\n"
    project = load(write_project(tmp_path, spec, {"ea_orders": ORDERS, "ea_customers": CUSTOMERS}))
    rows = run(engine, project, dialect, metrics=["repeat_a_ytd"], by=["time.month"], period="2026-01-01 .. 2026-02-28")
    january = repeat_count(lambda row: segment_a(row) and in_month(1)(row))
    to_february = repeat_count(segment_a)
    assert [(str(r[0]), r[1]) for r in rows] == [("2026-01-01", january), ("2026-02-01", to_february)] \
        == [("2026-01-01", 1), ("2026-02-01", 2)]


# ---- 2. typed NULL placeholders in the UNION of scans ----------------------------------------
UNION_SPEC = """
source orders {
  table: ea_u_orders
  key: order_id
  columns { order_id: int, status: string, amount: decimal(10, 2) }
}
source calls {
  table: ea_u_calls
  key: call_id
  columns { call_id: int, connected: bool, agent: string, day: date }
}
source visits {
  table: ea_u_visits
  key: visit_id
  columns { visit_id: int, seconds: int }
}
metric paid_orders = sum(case when orders.status = 'paid' then 1 else 0 end)
metric connected = sum(case when calls.connected then 1 else 0 end)
metric half_visits = sum(case when visits.seconds > 10 then 0.5 else 0 end)
metric big_amount = sum(case when orders.amount > 15 then orders.amount * 2 else 0 end)
metric first_agent = min(calls.agent)
metric last_call = max(calls.day)
metric long_share = sum(case when visits.seconds > 10 then 1 else 0 end) / count(visits)
metric visit_count = count(visits)
"""
U_ORDERS: Table = (["order_id", "status", "amount"], [(1, "paid", "10.50"), (2, "paid", "20.25"), (3, "open", "5")])
U_CALLS: Table = (["call_id", "connected", "agent", "day"],
                  [(1, "true", "li", "2026-03-01"), (2, "false", "wang", "2026-03-04"), (3, "true", "zhao", None)])
U_VISITS: Table = (["visit_id", "seconds"], [(1, 5), (2, 30), (3, 12), (4, None)])


@pytest.mark.parametrize("metrics", [
    ["paid_orders", "connected", "half_visits"],
    ["half_visits", "first_agent", "paid_orders", "last_call"],
    ["visit_count", "long_share", "big_amount", "first_agent"],
])
def test_every_placeholder_is_typed(engine: Any, dialect: str, load: Callable[[Path], Any], tmp_path: Path,
                                    metrics: list[str]) -> None:
    tables = {"ea_u_orders": U_ORDERS, "ea_u_calls": U_CALLS, "ea_u_visits": U_VISITS}
    project = load(write_project(tmp_path, UNION_SPEC, tables))
    orders, calls, visits = as_dicts(U_ORDERS), as_dicts(U_CALLS), as_dicts(U_VISITS)
    seconds = [v["seconds"] for v in visits]
    expected = {
        "paid_orders": sum(1 for o in orders if o["status"] == "paid"),
        "connected": sum(1 for c in calls if c["connected"] == "true"),
        "half_visits": sum(0.5 for s in seconds if s is not None and s > 10),
        "big_amount": sum(float(o["amount"]) * 2 for o in orders if float(o["amount"]) > 15),
        "first_agent": min(c["agent"] for c in calls),
        "last_call": max(c["day"] for c in calls if c["day"] is not None),
        "long_share": sum(1 for s in seconds if s is not None and s > 10) / len(visits),
        "visit_count": len(visits),
    }
    row = run(engine, project, dialect, metrics=metrics)[0]
    got = [str(v) if name == "last_call" else (float(v) if not isinstance(v, str) else v)
           for name, v in zip(metrics, row)]
    assert got == [pytest.approx(expected[name]) if not isinstance(expected[name], str) else expected[name]
                   for name in metrics]


# ---- 4. helper columns never take a user's name --------------------------------------------------
HELPER_SPEC = """
source orders {
  table: ea_h_orders
  key: order_id
  columns { order_id: int, customer_id: int, shop: string, paid: bool }
}
dimension {key} = orders.shop
dimension {flag} = orders.paid
metric repeat_buyers = count_distinct(orders.customer_id) having count(orders) >= 2
metric buyers = count_distinct(orders.customer_id)
"""
H_ORDERS: Table = (["order_id", "customer_id", "shop", "paid"], [
    (1, 1, "A", "true"), (2, 1, "A", "true"), (3, 2, "A", "false"), (4, 2, "A", "true"),
    (5, 3, "B", "true"), (6, 3, "B", "true"), (7, 3, "B", "false"), (8, 4, "B", "false"),
])


@pytest.mark.parametrize("names", [("distinct_key", "passes"), ("DISTINCT_KEY", "Passes")])
@pytest.mark.parametrize("pick", [(0,), (1,), (0, 1)])
def test_dimensions_named_like_helper_columns(engine: Any, dialect: str, load: Callable[[Path], Any],
                                              tmp_path: Path, names: tuple[str, str], pick: tuple[int, ...]) -> None:
    """Dimensions named like the per-key subquery's helper columns, also in another case."""
    spec = HELPER_SPEC.replace("{key}", names[0]).replace("{flag}", names[1])
    project = load(write_project(tmp_path, spec, {"ea_h_orders": H_ORDERS}))
    by = [names[i] for i in pick]
    rows = run(engine, project, dialect, metrics=["repeat_buyers", "buyers"], by=by)
    columns = {names[0]: "shop", names[1]: "paid"}
    groups: dict[tuple[Any, ...], dict[int, int]] = {}
    for order in as_dicts(H_ORDERS):
        group = tuple(order[columns[d]] == "true" if d == names[1] else order[columns[d]] for d in by)
        counts = groups.setdefault(group, {})
        counts[order["customer_id"]] = counts.get(order["customer_id"], 0) + 1
    expected = sorted((*group, sum(1 for n in counts.values() if n >= 2), len(counts))
                      for group, counts in groups.items())
    assert [tuple(r) for r in rows] == expected
    assert any(r[-2] not in (0, r[-1]) for r in rows)  # counts that a wrong key would change


def test_generated_names_never_differ_from_user_names_by_case_only() -> None:
    from metricdsl.plan.nodes import fresh_name

    taken = {"Distinct_Key", "passes_2", "PASSES"}
    assert fresh_name("distinct_key", taken) == "distinct_key_2"
    assert fresh_name("passes", taken) == "passes_3"
    assert {"distinct_key_2", "passes_3"} <= taken


# ---- 5. shared sub-metrics: computed once, same numbers ------------------------------------------
def test_shared_sub_metrics_give_the_chained_values(engine: Any, dialect: str, load: Callable[[Path], Any]) -> None:
    """m(i) = m(i-1) + m(i-1) / 2 is 1.5^i × m0; each shared level is a column of the `computed` CTEs."""
    from decimal import Decimal

    from support.paths import TESTS_DIR

    folder = TESTS_DIR / "golden" / "projects" / "shared_values"
    project = load(folder)
    sql = compile_sql(project, query="chain", dialect=dialect)
    assert '"computed_2"' in sql
    with (folder / "data" / "sv_orders.csv").open(encoding="utf-8") as handle:
        orders = list(csv.DictReader(handle))

    def m0(year: str, channel: str) -> float:
        return float(sum(Decimal(o["amount"]) for o in orders
                         if o["order_date"].startswith(year) and o["channel"] == channel))

    expected = [("2026-01-01", channel, m0("2026", channel) * 1.5 ** 6, m0("2026", channel) * 1.5 ** 3,
                 m0("2026", channel) * 1.5 ** 4 if channel == "phone" else 0.0, m0("2025", channel) * 1.5 ** 4)
                for channel in ("phone", "web")]
    rows = [(str(r[0]), r[1], *(float(v) for v in r[2:])) for r in engine.execute(sql).rows]
    assert rows == [pytest.approx(row) for row in expected]
    assert expected[0][2] == pytest.approx(21.75 * 11.390625)
