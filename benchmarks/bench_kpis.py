"""The KPI shapes of LANGUAGE.md §5 (retention, new, converted, closing, total share, rank, median):
generated SQL against a hand-written query for each, on the same generated DuckDB tables in one run.

    python -m benchmarks.bench_kpis [--rows 3000000] [--repeat 3]

Each pair must return the same values (checked); the report is each shape's ratio of median times,
so a busy machine slows both alike. The hand-written queries are what an analyst would write:
distinct keys joined bucket to bucket, MIN per key, distinct (day, key) sets joined on a window,
the last day per month joined back, window functions over GROUP BY.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

SPEC = """
source sales {
  table: bench.sales
  time: sold_on
  columns { id: bigint, sold_on: date, customer: bigint, channel: string, amount: decimal(18, 2) }
}
source calls {
  table: bench.calls
  time: called_on
  columns { id: bigint, called_on: date, customer: bigint }
}
source balances {
  table: bench.balances
  time: snapshot_date
  columns { snapshot_date: date, account: bigint, product: string, balance: decimal(18, 2) }
}
dimension channel = sales.channel
dimension product = balances.product
metric revenue = sum(sales.amount)
metric buyers = count_distinct(sales.customer)
metric callers = count_distinct(calls.customer)
metric retained_buyers = retained(buyers, 1 year)
metric new_buyers = new(buyers)
metric call_to_order = converted(callers, buyers, 7 days)
metric aum_close = closing(sum(balances.balance))
metric revenue_share = revenue / total(revenue)
metric revenue_rank = rank(revenue)
metric median_amount = median(sales.amount)
query retention { metrics: retained_buyers, by: time.month, period: 2025 }
query new { metrics: new_buyers, by: time.month, period: 2025 }
query converted { metrics: call_to_order, by: time.month, period: 2025 }
query closing { metrics: aum_close, by: time.month, product, period: 2025 }
query share { metrics: revenue_share, by: time.month, channel, period: 2025 }
query ranked { metrics: revenue_rank, by: time.month, channel, period: 2025 }
query median { metrics: median_amount, by: time.month, channel, period: 2025 }
"""

MONTH = "CAST(DATE_TRUNC('month', {}) AS DATE)"
HAND_WRITTEN = {
    "retention": f"""
        WITH k AS (SELECT DISTINCT {MONTH.format('sold_on')} AS m, customer FROM bench.sales
                   WHERE sold_on >= DATE '2024-01-01' AND sold_on < DATE '2026-01-01')
        SELECT a.m, COUNT(b.customer) FROM k a LEFT JOIN k b
          ON b.customer = a.customer AND b.m = CAST(a.m - INTERVAL 1 YEAR AS DATE)
        WHERE a.m >= DATE '2025-01-01' GROUP BY 1""",
    "new": f"""
        WITH f AS (SELECT customer, MIN({MONTH.format('sold_on')}) AS m FROM bench.sales
                   WHERE sold_on < DATE '2026-01-01' GROUP BY 1)
        SELECT m, COUNT(*) FROM f WHERE m >= DATE '2025-01-01' GROUP BY 1""",
    "converted": f"""
        WITH a AS (SELECT DISTINCT called_on AS d, customer FROM bench.calls
                   WHERE called_on >= DATE '2025-01-01' AND called_on < DATE '2026-01-01'),
             b AS (SELECT DISTINCT sold_on AS d, customer FROM bench.sales
                   WHERE sold_on >= DATE '2025-01-01' AND sold_on < DATE '2026-01-08')
        SELECT {MONTH.format('a.d')}, COUNT(DISTINCT a.customer) FROM a JOIN b
          ON b.customer = a.customer AND b.d >= a.d AND b.d <= a.d + INTERVAL 7 DAY GROUP BY 1""",
    "closing": f"""
        WITH d AS (SELECT snapshot_date, product, SUM(balance) AS s FROM bench.balances
                   WHERE snapshot_date >= DATE '2025-01-01' AND snapshot_date < DATE '2026-01-01' GROUP BY 1, 2),
             l AS (SELECT {MONTH.format('snapshot_date')} AS m, MAX(snapshot_date) AS last FROM d GROUP BY 1)
        SELECT l.m, d.product, d.s FROM d JOIN l ON d.snapshot_date = l.last""",
    "share": f"""
        SELECT {MONTH.format('sold_on')} AS m, channel,
               SUM(amount) / SUM(SUM(amount)) OVER (PARTITION BY {MONTH.format('sold_on')})
        FROM bench.sales WHERE sold_on >= DATE '2025-01-01' AND sold_on < DATE '2026-01-01' GROUP BY 1, 2""",
    "ranked": f"""
        SELECT {MONTH.format('sold_on')} AS m, channel,
               RANK() OVER (PARTITION BY {MONTH.format('sold_on')} ORDER BY SUM(amount) DESC)
        FROM bench.sales WHERE sold_on >= DATE '2025-01-01' AND sold_on < DATE '2026-01-01' GROUP BY 1, 2""",
    "median": f"""
        SELECT {MONTH.format('sold_on')} AS m, channel, MEDIAN(amount)
        FROM bench.sales WHERE sold_on >= DATE '2025-01-01' AND sold_on < DATE '2026-01-01' GROUP BY 1, 2""",
}


def make_tables(connection: Any, rows: int) -> None:
    connection.execute("CREATE SCHEMA bench")
    connection.execute(f"""
        CREATE TABLE bench.sales AS
        SELECT i AS id, DATE '2024-01-01' + CAST((i * 31) % 731 AS INTEGER) AS sold_on,
               (i * 7919) % 300000 AS customer, ['phone', 'web', 'wechat'][1 + i % 3] AS channel,
               CAST((i % 1000) / 10.0 AS DECIMAL(18, 2)) AS amount
        FROM range({rows}) t(i)""")
    connection.execute(f"""
        CREATE TABLE bench.calls AS
        SELECT i AS id, DATE '2025-01-01' + CAST((i * 13) % 365 AS INTEGER) AS called_on,
               (i * 104729) % 300000 AS customer
        FROM range({rows // 3}) t(i)""")
    accounts = max(rows // 1500, 10)  # one row per account and weekday of two years: ~rows/3 rows
    connection.execute(f"""
        CREATE TABLE bench.balances AS
        SELECT d::DATE AS snapshot_date, a AS account, ['fund', 'deposit', 'wealth'][1 + a % 3] AS product,
               CAST(1000 + (a * 37 + EXTRACT(doy FROM d)) % 5000 AS DECIMAL(18, 2)) AS balance
        FROM range({accounts}) t(a), range(DATE '2024-01-01', DATE '2026-01-01', INTERVAL 1 DAY) s(d)
        WHERE EXTRACT(isodow FROM d) < 6 AND (a % 7 <> 0 OR d < DATE '2025-06-15')""")


def timed(connection: Any, sql: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        connection.execute(sql).fetchall()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plain(value: Any) -> Any:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return round(float(value), 6)
    return value.isoformat() if isinstance(value, datetime.date) else value


def same_rows(generated: list[tuple[Any, ...]], hand: list[tuple[Any, ...]]) -> bool:
    """Every hand-written row is in the generated result; the generated extra rows are 0 (empty buckets)."""
    ours = {tuple(map(plain, r[:-1])): plain(r[-1]) for r in generated}
    theirs = {tuple(map(plain, r[:-1])): plain(r[-1]) for r in hand}
    return all(ours.get(k) == v for k, v in theirs.items()) and all(
        v in (0, None) for k, v in ours.items() if k not in theirs)


def main() -> None:
    import duckdb

    from metricdsl.api import compile_sql, load_project

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bench.metric").write_text(SPEC, encoding="utf-8")
        project = load_project(folder)
        generated = {name: compile_sql(project, query=name) for name in HAND_WRITTEN}
    connection = duckdb.connect()
    make_tables(connection, args.rows)
    counts = [connection.execute(f"SELECT COUNT(*) FROM bench.{t}").fetchone()[0] for t in ("sales", "calls", "balances")]
    print(f"rows: sales {counts[0]:,}, calls {counts[1]:,}, balances {counts[2]:,}; median of {args.repeat}")
    print(f"{'shape':10s} {'hand-written':>13s} {'generated':>10s} {'ratio':>7s}")
    for name, hand in HAND_WRITTEN.items():
        ours_sql = generated[name]
        assert same_rows(connection.execute(ours_sql).fetchall(), connection.execute(hand).fetchall()), \
            f"{name}: the generated and hand-written queries disagree"
        best = timed(connection, hand, args.repeat)
        ours = timed(connection, ours_sql, args.repeat)
        print(f"{name:10s} {best * 1000:10.1f} ms {ours * 1000:7.1f} ms {ours / best:6.2f}x")


if __name__ == "__main__":
    main()
