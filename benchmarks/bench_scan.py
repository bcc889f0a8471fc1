"""Generated SQL for 10 metrics over one source against the best hand-written single-pass query.

    python benchmarks/bench_scan.py [--rows 5000000] [--repeat 5]

Both run on the same in-memory DuckDB table in the same process; the report is the ratio of
their median times (the target is at most 1.3x), so a busy machine slows both alike.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

SPEC = """
source sales {
  table: bench.sales
  time: sold_on
  columns { id: bigint, sold_on: date, customer: bigint, channel: string, status: string,
            amount: decimal(18, 2), cost: decimal(18, 2), qty: int }
}
dimension channel = sales.channel
metric revenue = sum(sales.amount) where sales.status = 'paid'
metric cost = sum(sales.cost) where sales.status = 'paid'
metric units = sum(sales.qty) where sales.status = 'paid'
metric orders = count(sales) where sales.status = 'paid'
metric refunds = count(sales) where sales.status = 'refunded'
metric refund_amount = sum(sales.amount) where sales.status = 'refunded'
metric buyers = count_distinct(sales.customer) where sales.status = 'paid'
metric avg_ticket = avg(sales.amount) where sales.status = 'paid'
metric biggest = max(sales.amount)
metric margin = (revenue - cost) / revenue
query ten { metrics: revenue, cost, units, orders, refunds, refund_amount, buyers, avg_ticket, biggest, margin
  by: time.month, channel
  period: 2025 }
"""

HAND_WRITTEN = """
SELECT CAST(DATE_TRUNC('month', sold_on) AS DATE) AS time_month, channel,
       SUM(amount) FILTER (WHERE status = 'paid') AS revenue,
       SUM(cost) FILTER (WHERE status = 'paid') AS cost,
       SUM(qty) FILTER (WHERE status = 'paid') AS units,
       COUNT(*) FILTER (WHERE status = 'paid') AS orders,
       COUNT(*) FILTER (WHERE status = 'refunded') AS refunds,
       SUM(amount) FILTER (WHERE status = 'refunded') AS refund_amount,
       COUNT(DISTINCT customer) FILTER (WHERE status = 'paid') AS buyers,
       AVG(amount) FILTER (WHERE status = 'paid') AS avg_ticket,
       MAX(amount) AS biggest,
       (SUM(amount) FILTER (WHERE status = 'paid') - SUM(cost) FILTER (WHERE status = 'paid'))
         / NULLIF(SUM(amount) FILTER (WHERE status = 'paid'), 0) AS margin
FROM bench.sales
WHERE sold_on >= DATE '2025-01-01' AND sold_on < DATE '2026-01-01'
GROUP BY 1, 2
ORDER BY 1, 2
"""


def make_table(connection, rows: int) -> None:  # type: ignore[no-untyped-def]
    connection.execute("CREATE SCHEMA bench")
    connection.execute(f"""
        CREATE TABLE bench.sales AS
        SELECT i AS id,
               DATE '2025-01-01' + CAST(i % 365 AS INTEGER) AS sold_on,
               (i * 7919) % 200000 AS customer,
               ['phone', 'web', 'wechat'][1 + i % 3] AS channel,
               CASE WHEN i % 10 = 0 THEN 'refunded' WHEN i % 17 = 0 THEN 'cancelled' ELSE 'paid' END AS status,
               CAST((i % 1000) / 10.0 AS DECIMAL(18, 2)) AS amount,
               CAST((i % 700) / 10.0 AS DECIMAL(18, 2)) AS cost,
               CAST(1 + i % 5 AS INTEGER) AS qty
        FROM range({rows}) t(i)""")


def timed(connection, sql: str, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        connection.execute(sql).fetchall()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import duckdb

    from metricdsl.api import compile_sql, load_project

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bench.metric").write_text(SPEC, encoding="utf-8")
        generated = compile_sql(load_project(folder), query="ten")
    connection = duckdb.connect()
    make_table(connection, args.rows)
    timed(connection, HAND_WRITTEN, 1)  # warm the buffer cache for both
    ours = timed(connection, generated, args.repeat)
    best = timed(connection, HAND_WRITTEN, args.repeat)
    assert sorted(map(str, connection.execute(generated).fetchall())) == sorted(
        map(str, connection.execute(HAND_WRITTEN).fetchall())), "the two queries disagree"
    print(f"rows: {args.rows:,}; median of {args.repeat}")
    print(f"hand-written single pass: {best * 1000:8.1f} ms")
    print(f"metricdsl generated:      {ours * 1000:8.1f} ms")
    print(f"ratio generated / hand-written: {ours / best:.2f}x (target <= 1.3x)")


if __name__ == "__main__":
    main()
