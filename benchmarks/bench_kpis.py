"""The KPI shapes of LANGUAGE.md §5 (retention, new, converted, closing, total share, rank, median)
and a scorecard (§9: points per member from two KPIs, weighted into a score):
generated SQL against a hand-written query for each, on the same generated tables in one run, on
DuckDB and PostgreSQL.

    python -m benchmarks.bench_kpis [--rows 3000000] [--pg-rows 2000000] [--repeat 5] [--no-postgres]

Each pair must return the same values (checked first); then the two run alternately `--repeat`
times and the report is each shape's ratio of median times (target: at most 1.5x), so a busy
machine slows both alike. The hand-written queries are the fastest we could write for each shape
on both engines: retention as the distinct (month, customer) pairs of the year joined to those of
the year before (two disjoint reads), MIN day per customer (its month taken after the GROUP BY), the distinct (day, customer) pairs
of calls joined to those of sales within 7 days, the daily sums joined to each month's last day,
window functions over GROUP BY. PostgreSQL is 127.0.0.1:5432 (user postgres) unless
`METRICDSL_BENCH_PG` gives another URL; a database `metricdsl_bench_kpis` is created, loaded once
and dropped; when the server does not answer the PostgreSQL half is skipped with a message.
"""

from __future__ import annotations

import datetime
import statistics
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.common import engine_arguments, postgres_database, timed

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
scorecard channels {
  by: channel
  period: 2025
  kpis {
    revenue: weight 60%, range 0 .. 50000000
    buyers:  weight 40%, range 0 .. 400000
  }
  cap: 120
}
"""
SCORECARDS = ("channels",)  # compiled as `metricdsl sql --scorecard`

MONTH = "CAST(DATE_TRUNC('month', {}) AS DATE)"
HAND_WRITTEN = {
    "retention": f"""
        SELECT a.m, COUNT(*)
        FROM (SELECT DISTINCT {MONTH.format('sold_on')} AS m, customer FROM bench.sales
              WHERE sold_on >= DATE '2025-01-01' AND sold_on < DATE '2026-01-01') a
        JOIN (SELECT DISTINCT CAST({MONTH.format('sold_on')} + INTERVAL '1 year' AS DATE) AS m, customer FROM bench.sales
              WHERE sold_on >= DATE '2024-01-01' AND sold_on < DATE '2025-01-01') b
          ON b.customer = a.customer AND b.m = a.m
        GROUP BY 1""",
    "new": f"""
        WITH f AS (SELECT customer, MIN(sold_on) AS first FROM bench.sales
                   WHERE sold_on < DATE '2026-01-01' GROUP BY 1)
        SELECT {MONTH.format('first')}, COUNT(*) FROM f WHERE first >= DATE '2025-01-01' GROUP BY 1""",
    "converted": f"""
        WITH a AS (SELECT DISTINCT called_on AS d, customer FROM bench.calls
                   WHERE called_on >= DATE '2025-01-01' AND called_on < DATE '2026-01-01'),
             b AS (SELECT DISTINCT sold_on AS d, customer FROM bench.sales
                   WHERE sold_on >= DATE '2025-01-01' AND sold_on < DATE '2026-01-08')
        SELECT {MONTH.format('a.d')}, COUNT(DISTINCT a.customer) FROM a JOIN b
          ON b.customer = a.customer AND b.d >= a.d AND b.d <= a.d + INTERVAL '7 days' GROUP BY 1""",
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
    "channels": """
        WITH k AS (SELECT channel, SUM(amount) AS revenue, COUNT(DISTINCT customer) AS buyers FROM bench.sales
                   WHERE sold_on >= DATE '2025-01-01' AND sold_on < DATE '2026-01-01' GROUP BY 1),
             p AS (SELECT channel, revenue, buyers,
                          LEAST(GREATEST(CAST(revenue AS DOUBLE PRECISION) * 100 / 50000000, 0), 120) AS rp,
                          LEAST(GREATEST(CAST(buyers AS DOUBLE PRECISION) * 100 / 400000, 0), 120) AS bp FROM k)
        SELECT channel, revenue, rp, rp * 0.6, buyers, bp, bp * 0.4, rp * 0.6 + bp * 0.4 FROM p""",
    "median": f"""
        SELECT {MONTH.format('sold_on')} AS m, channel, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY amount)
        FROM bench.sales WHERE sold_on >= DATE '2025-01-01' AND sold_on < DATE '2026-01-01' GROUP BY 1, 2""",
}

# The same rows on both engines: {rows}, {numbers}(n) AS t(i) and {pick}(list, index) differ by engine.
TABLES = (
    """CREATE TABLE bench.sales AS
       SELECT i AS id, DATE '2024-01-01' + CAST((i * 31) % 731 AS INTEGER) AS sold_on,
              (i * 7919) % 300000 AS customer, {channel} AS channel,
              CAST((i % 1000) / 10.0 AS DECIMAL(18, 2)) AS amount
       FROM {sales_range} t(i)""",
    """CREATE TABLE bench.calls AS
       SELECT i AS id, DATE '2025-01-01' + CAST((i * 13) % 365 AS INTEGER) AS called_on,
              (i * 104729) % 300000 AS customer
       FROM {calls_range} t(i)""",
    """CREATE TABLE bench.balances AS
       SELECT CAST(s.d AS DATE) AS snapshot_date, a AS account, {product} AS product,
              CAST(1000 + (a * 37 + EXTRACT(doy FROM s.d)) % 5000 AS DECIMAL(18, 2)) AS balance
       FROM {accounts_range} t(a), {days} s(d)
       WHERE EXTRACT(isodow FROM s.d) < 6 AND (a % 7 <> 0 OR s.d < DATE '2025-06-15')""",
)
DAYS = "DATE '2024-01-01', DATE '2025-12-31', INTERVAL '1 day'"


def make_tables(run: Callable[[str], Any], rows: int, postgres: bool = False) -> None:
    """Two years of sales, a year of calls, and one balance row per account and weekday (~rows/3 rows)."""
    accounts = max(rows // 1500, 10)
    if postgres:
        numbers = "generate_series(CAST(0 AS BIGINT), {} - 1)"
        pick = "(ARRAY[{}])[1 + {} % 3]"
        days = f"generate_series({DAYS})"
    else:
        numbers = "range({})"
        pick = "[{}][1 + {} % 3]"
        days = f"range({DAYS.replace('2025-12-31', '2026-01-01')})"
    run("CREATE SCHEMA bench")
    for statement in TABLES:
        run(statement.format(channel=pick.format("'phone', 'web', 'wechat'", "i"),
                             product=pick.format("'fund', 'deposit', 'wealth'", "a"),
                             sales_range=numbers.format(rows), calls_range=numbers.format(rows // 3),
                             accounts_range=numbers.format(accounts), days=days))


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


def compiled(dialect: str) -> dict[str, str]:
    from metricdsl.api import compile_sql, load_project
    from metricdsl.pipeline.scorecard import compile_scorecard

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bench.metric").write_text(SPEC, encoding="utf-8")
        project = load_project(folder)
        return {name: compile_scorecard(project, name, dialect).text() if name in SCORECARDS
                else compile_sql(project, query=name, dialect=dialect) for name in HAND_WRITTEN}


def compare(engine: str, run: Callable[[str], list[Any]], dialect: str, repeat: int) -> list[float]:
    ratios = []
    for name, generated in compiled(dialect).items():
        hand = HAND_WRITTEN[name]
        if not same_rows(run(generated), run(hand)):
            raise SystemExit(f"{engine} {name}: the generated and hand-written queries disagree")
        mine, theirs = [], []
        for _ in range(repeat):
            mine.append(timed(run, generated))
            theirs.append(timed(run, hand))
        best, ours = statistics.median(theirs), statistics.median(mine)
        print(f"{engine:10s} {name:10s} {best * 1000:10.1f} ms {ours * 1000:9.1f} ms {ours / best:6.2f}x", flush=True)
        ratios.append(ours / best)
    return ratios


def run_duckdb(rows: int, repeat: int) -> list[float]:
    import duckdb

    connection = duckdb.connect()

    def run(sql: str) -> list[Any]:
        return connection.execute(sql).fetchall()

    make_tables(run, rows)
    counts = [run(f"SELECT COUNT(*) FROM bench.{t}")[0][0] for t in ("sales", "calls", "balances")]
    print(f"DuckDB: sales {counts[0]:,}, calls {counts[1]:,}, balances {counts[2]:,} rows; median of {repeat}")
    return compare("DuckDB", run, "duckdb", repeat)


def run_postgres(rows: int, repeat: int) -> list[float]:
    import psycopg

    with postgres_database("metricdsl_bench_kpis") as url:
        if url is None:
            return []
        with psycopg.connect(url, autocommit=True) as connection:
            def run(sql: str) -> list[Any]:
                with connection.cursor() as cursor:
                    cursor.execute(sql.encode())
                    return cursor.fetchall() if cursor.description is not None else []

            make_tables(run, rows, postgres=True)
            run("ANALYZE")
            counts = [run(f"SELECT COUNT(*) FROM bench.{t}")[0][0] for t in ("sales", "calls", "balances")]
            print(f"PostgreSQL: sales {counts[0]:,}, calls {counts[1]:,}, balances {counts[2]:,} rows; "
                  f"median of {repeat}")
            return compare("PostgreSQL", run, "postgres", repeat)


def main() -> None:
    args = engine_arguments(__doc__, 3_000_000, 2_000_000, 5, "sales rows")
    print(f"{'engine':10s} {'shape':10s} {'hand-written':>13s} {'generated':>12s} {'ratio':>7s}")
    ratios = run_duckdb(args.rows, args.repeat)
    if not args.no_postgres:
        ratios += run_postgres(args.pg_rows, args.repeat)
    print(f"worst ratio {max(ratios):.2f}x (target 1.5x)")


if __name__ == "__main__":
    main()
