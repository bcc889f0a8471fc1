"""The fact table of the time-intelligence benchmark, generated inside the engine (the same rows on each).

Row i (0 ≤ i < rows): ordered on 2025-01-01 + (i mod 730) days (two whole years), by customer
(i × 7919) mod 100,000, amount (i mod 1,000) / 10, status `refunded` for every tenth row and
`paid` otherwise.

Beside it, `bench.ti_plan`: a saved plan of 2026 in the LANGUAGE.md §9 `store:` layout (the whole
year and each month, no split member), for `planned(T)`.
"""

from __future__ import annotations

from typing import Any

SCHEMA, TABLE, PLAN = "bench", "ti_orders", "ti_plan"

COLUMNS = """
    i AS order_id,
    CAST(DATE '2025-01-01' + CAST(i % 730 AS INTEGER) AS DATE) AS order_date,
    (CAST(i AS BIGINT) * 7919) % 100000 AS customer_id,
    CASE WHEN i % 10 = 0 THEN 'refunded' ELSE 'paid' END AS status,
    CAST((i % 1000) / 10.0 AS DECIMAL(18, 2)) AS amount"""


PLAN_ROWS = """
    SELECT 'month' AS grain, CAST(DATE '2026-01-01' + m * INTERVAL '1 month' AS DATE) AS start,
           CAST(NULL AS VARCHAR) AS member, CAST(400000 + 10000 * m AS DOUBLE PRECISION) AS target,
           CAST(TIMESTAMP '2026-01-01 00:00:00' AS TIMESTAMP) AS saved_at
    FROM {months} AS t(m)
    UNION ALL
    SELECT 'year', DATE '2026-01-01', NULL, 5460000, TIMESTAMP '2026-01-01 00:00:00'"""


def load_duckdb(connection: Any, rows: int) -> None:
    connection.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    connection.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{TABLE}")
    connection.execute(f"CREATE TABLE {SCHEMA}.{TABLE} AS SELECT {COLUMNS} FROM range({int(rows)}) AS t(i)")
    connection.execute(f"CREATE OR REPLACE TABLE {SCHEMA}.{PLAN} AS {PLAN_ROWS.format(months='range(12)')}")


def load_postgres(connection: Any, rows: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        cursor.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{TABLE}")
        cursor.execute(f"CREATE TABLE {SCHEMA}.{TABLE} AS SELECT {COLUMNS} "
                       f"FROM generate_series(0, {int(rows) - 1}) AS t(i)")
        cursor.execute(f"ANALYZE {SCHEMA}.{TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {SCHEMA}.{PLAN}")
        cursor.execute(f"CREATE TABLE {SCHEMA}.{PLAN} AS {PLAN_ROWS.format(months='generate_series(0, 11)')}")
    connection.commit()
