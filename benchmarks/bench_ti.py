"""Time-intelligence SQL against hand-written window SQL, on DuckDB and PostgreSQL, in the same run.

    python -m benchmarks.bench_ti [--rows 5000000] [--pg-rows 2000000] [--repeat 3] [--no-postgres]

The table (benchmarks/ti_data.py) holds two years of orders. For each query the compiled SQL and a
hand-written query that aggregates once and then uses window functions are first checked to return
the same rows (numbers to 1e-9 relative), then run alternately `--repeat` times; the report is the
ratio of the medians (target: at most 1.5x). PostgreSQL is 127.0.0.1:5432 (user postgres) unless
`METRICDSL_BENCH_PG` gives another URL; a database `metricdsl_bench_ti` is created and dropped, and
the PostgreSQL half is skipped with a message when no server answers.
"""

from __future__ import annotations

import datetime
import statistics
import tempfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.common import engine_arguments, postgres_database, timed
from benchmarks.ti_data import load_duckdb, load_postgres

SPEC = """
source orders {
  table: bench.ti_orders
  time: order_date
  columns { order_id: bigint, order_date: date, customer_id: bigint, status: string, amount: decimal(18, 2) }
}
metric revenue = sum(orders.amount) where orders.status = 'paid'
metric buyers = count_distinct(orders.customer_id) where orders.status = 'paid'
metric revenue_ly = lag(revenue, 1 year)
metric revenue_yoy = growth(revenue, 1 year)
metric revenue_ytd = cumulative(revenue, year)
metric buyers_ytd = cumulative(buyers, year)
metric revenue_28d = cumulative(revenue, 28 days)
metric revenue_qtd = cumulative(revenue, quarter)
metric buyers_7d = cumulative(buyers, 7 days)
dimension region = floor(orders.customer_id / 100)
calendar cn2026 { country: CN }
target revenue_2026 {
  metric: revenue
  period: 2026
  baseline: 2025
  growth: +20%
  spread: month by workdays(cn2026)
  store: bench.ti_plan
}
metric revenue_target = planned(revenue_2026)
metric achievement = revenue / planned(revenue_2026)
metric progress = time_progress(cn2026)
metric pace = revenue / time_progress(cn2026)

query monthly_yoy_ytd { metrics: revenue, revenue_ly, revenue_yoy, revenue_ytd, buyers_ytd
  by: time.month  period: 2026 }
query daily_rolling_28d { metrics: revenue, revenue_28d  by: time.day  period: 2026-01-01 .. 2026-06-30 }
query daily_rolling_buyers { metrics: buyers, buyers_7d  by: time.day  period: 2026-01-01 .. 2026-03-31 }
query daily_qtd { metrics: revenue, revenue_qtd  by: time.day  period: 2026-01-01 .. 2026-06-30 }
query monthly_plan { metrics: revenue, revenue_target, achievement  by: time.month  period: 2026 }
query monthly_progress { metrics: revenue, pace, progress  by: time.month  period: 2026 }
query rolling_by_region { metrics: revenue, revenue_28d  by: time.day, region  period: 2026-01-01 .. 2026-03-31 }
"""


def series(first: str, last: str, step: str) -> str:
    return (f"SELECT CAST(g AS DATE) AS d FROM generate_series(CAST('{first}' AS TIMESTAMP), "
            f"CAST('{last}' AS TIMESTAMP), INTERVAL '{step}') AS s(g)")


PAID = "status = 'paid'"
AS_OF = {"monthly_progress": datetime.date(2026, 10, 9)}  # compiled with --as-of: the period stops there


def month_progress(as_of: datetime.date) -> str:
    """A calendar table as a warehouse would keep it (month, working days through the as-of date, working
    days), here as literal rows computed from the same holidays (CN, with make-up workdays)."""
    from metricdsl.allocate.calendar import WorkCalendar
    from metricdsl.ir.targets import CalendarSpec

    calendar = WorkCalendar(CalendarSpec(name="cn2026", country="CN"))
    rows = []
    for month in range(1, as_of.month + 1):
        first = datetime.date(2026, month, 1)
        last = (first + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
        through = calendar.workdays(first, min(last, as_of))
        rows.append(f"(DATE '{first}', {through}, {calendar.workdays(first, last)})")
    return "SELECT * FROM (VALUES " + ", ".join(rows) + ") AS c(d, through, workdays)"


HAND_WRITTEN = {
    "monthly_yoy_ytd": f"""
WITH m AS (SELECT CAST(DATE_TRUNC('month', order_date) AS DATE) AS d, SUM(amount) AS revenue FROM bench.ti_orders
           WHERE {PAID} AND order_date >= DATE '2025-01-01' AND order_date < DATE '2027-01-01' GROUP BY 1),
firsts AS (SELECT customer_id, MIN(CAST(DATE_TRUNC('month', order_date) AS DATE)) AS d FROM bench.ti_orders
           WHERE {PAID} AND customer_id IS NOT NULL AND order_date >= DATE '2026-01-01'
             AND order_date < DATE '2027-01-01' GROUP BY customer_id),
news AS (SELECT d, COUNT(*) AS n FROM firsts GROUP BY d),
cal AS ({series('2026-01-01', '2026-12-01', '1 month')}),
s AS (SELECT cal.d, COALESCE(m.revenue, 0) AS revenue, COALESCE(ly.revenue, 0) AS revenue_ly,
             SUM(COALESCE(m.revenue, 0)) OVER (ORDER BY cal.d ROWS UNBOUNDED PRECEDING) AS revenue_ytd,
             SUM(COALESCE(news.n, 0)) OVER (ORDER BY cal.d ROWS UNBOUNDED PRECEDING) AS buyers_ytd
      FROM cal LEFT JOIN m ON m.d = cal.d LEFT JOIN m AS ly ON ly.d = CAST(cal.d - INTERVAL '1 year' AS DATE)
      LEFT JOIN news ON news.d = cal.d)
SELECT d, revenue, revenue_ly, CAST(revenue AS DOUBLE PRECISION) / NULLIF(revenue_ly, 0) - 1, revenue_ytd, buyers_ytd
FROM s ORDER BY d""",
    "daily_rolling_28d": f"""
WITH days AS (SELECT order_date AS d, SUM(amount) AS revenue FROM bench.ti_orders
              WHERE {PAID} AND order_date >= DATE '2025-12-04' AND order_date < DATE '2026-07-01' GROUP BY 1),
cal AS ({series('2025-12-04', '2026-06-30', '1 day')}),
s AS (SELECT cal.d, COALESCE(days.revenue, 0) AS revenue,
             SUM(COALESCE(days.revenue, 0)) OVER (ORDER BY cal.d ROWS BETWEEN 27 PRECEDING AND CURRENT ROW) AS r28
      FROM cal LEFT JOIN days ON days.d = cal.d)
SELECT d, revenue, r28 FROM s WHERE d >= DATE '2026-01-01' ORDER BY d""",
    "daily_rolling_buyers": f"""
WITH pairs AS (SELECT DISTINCT order_date AS d, customer_id FROM bench.ti_orders
               WHERE {PAID} AND order_date >= DATE '2025-12-26' AND order_date < DATE '2026-04-01'),
cal AS ({series('2026-01-01', '2026-03-31', '1 day')})
SELECT cal.d, COUNT(DISTINCT p.customer_id) FILTER (WHERE p.d = cal.d), COUNT(DISTINCT p.customer_id)
FROM cal LEFT JOIN pairs AS p ON p.d > CAST(cal.d - INTERVAL '7 days' AS DATE) AND p.d <= cal.d
GROUP BY cal.d ORDER BY cal.d""",
    "daily_qtd": f"""
WITH days AS (SELECT order_date AS d, SUM(amount) AS revenue FROM bench.ti_orders
              WHERE {PAID} AND order_date >= DATE '2026-01-01' AND order_date < DATE '2026-07-01' GROUP BY 1),
cal AS ({series('2026-01-01', '2026-06-30', '1 day')})
SELECT cal.d, COALESCE(days.revenue, 0),
       SUM(COALESCE(days.revenue, 0)) OVER (PARTITION BY DATE_TRUNC('quarter', cal.d) ORDER BY cal.d
                                            ROWS UNBOUNDED PRECEDING)
FROM cal LEFT JOIN days ON days.d = cal.d ORDER BY cal.d""",
    "monthly_plan": f"""
WITH m AS (SELECT CAST(DATE_TRUNC('month', order_date) AS DATE) AS d, SUM(amount) AS revenue FROM bench.ti_orders
           WHERE {PAID} AND order_date >= DATE '2026-01-01' AND order_date < DATE '2027-01-01' GROUP BY 1),
p AS (SELECT start AS d, SUM(target) AS target FROM bench.ti_plan
      WHERE grain = 'month' AND member IS NULL AND start >= DATE '2026-01-01' AND start < DATE '2027-01-01' GROUP BY 1)
SELECT p.d, COALESCE(m.revenue, 0), p.target, CAST(m.revenue AS DOUBLE PRECISION) / NULLIF(p.target, 0)
FROM p LEFT JOIN m ON m.d = p.d ORDER BY p.d""",
    "monthly_progress": f"""
WITH m AS (SELECT CAST(DATE_TRUNC('month', order_date) AS DATE) AS d, SUM(amount) AS revenue FROM bench.ti_orders
           WHERE {PAID} AND order_date >= DATE '2026-01-01' AND order_date <= DATE '{AS_OF["monthly_progress"]}'
           GROUP BY 1),
c AS ({month_progress(AS_OF["monthly_progress"])}),
p AS (SELECT d, CASE WHEN workdays = 0 THEN 1 ELSE CAST(through AS DOUBLE PRECISION) / workdays END AS progress
      FROM c)
SELECT p.d, COALESCE(m.revenue, 0), CAST(COALESCE(m.revenue, 0) AS DOUBLE PRECISION) / NULLIF(p.progress, 0),
       p.progress
FROM p LEFT JOIN m ON m.d = p.d ORDER BY p.d""",
    "rolling_by_region": f"""
WITH days AS (SELECT FLOOR(CAST(customer_id AS DOUBLE PRECISION) / 100) AS region, order_date AS d, SUM(amount) AS revenue
              FROM bench.ti_orders WHERE {PAID} AND order_date >= DATE '2025-12-05' AND order_date < DATE '2026-04-01'
              GROUP BY 1, 2),
regions AS (SELECT DISTINCT region FROM days),
cal AS ({series('2025-12-05', '2026-03-31', '1 day')}),
s AS (SELECT cal.d, r.region, COALESCE(days.revenue, 0) AS revenue,
             SUM(COALESCE(days.revenue, 0)) OVER (PARTITION BY r.region ORDER BY cal.d
                                                  ROWS BETWEEN 27 PRECEDING AND CURRENT ROW) AS r28
      FROM cal CROSS JOIN regions AS r LEFT JOIN days ON days.d = cal.d AND days.region = r.region)
SELECT d, region, revenue, r28 FROM s WHERE d >= DATE '2026-01-01' ORDER BY d, region""",
}


def compiled(dialect: str) -> dict[str, str]:
    from metricdsl.api import compile_sql, load_project

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "bench.metric").write_text(SPEC, encoding="utf-8")
        project = load_project(Path(folder))
        return {name: compile_sql(project, query=name, dialect=dialect,
                                  as_of=str(AS_OF[name]) if name in AS_OF else None) for name in HAND_WRITTEN}


def same(a: Sequence[Any], b: Sequence[Any]) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x is None or y is None:
            if x is not y:
                return False
        elif isinstance(x, datetime.date) or isinstance(y, datetime.date):
            if x != y:
                return False
        else:
            dx, dy = Decimal(str(x)), Decimal(str(y))
            if abs(dx - dy) > Decimal("1e-9") * max(abs(dx), abs(dy), Decimal(1)):
                return False
    return True


def compare(engine: str, run: Callable[[str], list[Any]], dialect: str, repeat: int) -> list[tuple[str, float]]:
    ratios = []
    for name, generated in compiled(dialect).items():
        ours, theirs = run(generated), run(HAND_WRITTEN[name])
        if len(ours) != len(theirs) or not all(same(a, b) for a, b in zip(ours, theirs, strict=True)):
            raise SystemExit(f"{engine} {name}: the compiled SQL and the hand-written SQL differ\n"
                             f"{ours[:5]}\n{theirs[:5]}")
        mine, hand = [], []
        for _ in range(repeat):
            mine.append(timed(run, generated))
            hand.append(timed(run, HAND_WRITTEN[name]))
        ratio = statistics.median(mine) / statistics.median(hand)
        print(f"{engine:9} {name:22} metricdsl {statistics.median(mine):7.3f} s   hand-written "
              f"{statistics.median(hand):7.3f} s   ratio {ratio:5.2f}x   ({len(ours)} rows, same)", flush=True)
        ratios.append((name, ratio))
    return ratios


def run_duckdb(rows: int, repeat: int) -> list[tuple[str, float]]:
    import duckdb

    connection = duckdb.connect()
    load_duckdb(connection, rows)
    return compare(f"DuckDB {rows // 1_000_000}M" if rows >= 1_000_000 else f"DuckDB {rows}",
                   lambda sql: connection.execute(sql).fetchall(), "duckdb", repeat)


def run_postgres(rows: int, repeat: int) -> list[tuple[str, float]]:
    import psycopg

    with postgres_database("metricdsl_bench_ti") as url:
        if url is None:
            return []
        with psycopg.connect(url) as connection:
            load_postgres(connection, rows)

            def run(sql: str) -> list[Any]:
                with connection.cursor() as cursor:
                    cursor.execute(sql.encode())
                    return cursor.fetchall()

            label = f"PG {rows // 1_000_000}M" if rows >= 1_000_000 else f"PG {rows}"
            return compare(label, run, "postgres", repeat)


def main() -> None:
    args = engine_arguments(__doc__, 5_000_000, 2_000_000, 3)
    ratios = run_duckdb(args.rows, args.repeat)
    if not args.no_postgres:
        ratios += run_postgres(args.pg_rows, args.repeat)
    worst = max(r for _, r in ratios)
    print(f"worst ratio {worst:.2f}x (target 1.5x)")


if __name__ == "__main__":
    main()
