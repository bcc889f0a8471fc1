-- metricdsl query: quarterly (duckdb)
-- from: tests/corpus/balances/spec.metric
WITH "closing_balances_days" AS MATERIALIZED (
  SELECT
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") AS "aum"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2027-01-01' AS DATE)
  GROUP BY
    "balances"."snapshot_date"
), "closing_balances" AS (
  SELECT
    "time_quarter",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "aum" END) AS "aum"
  FROM (
    SELECT
      CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE) AS "time_quarter",
      "balance_day",
      "aum",
      MAX("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE)) AS "balance_edge"
    FROM "closing_balances_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_quarter"
), "opening_balances_2_days" AS MATERIALIZED (
  SELECT
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") AS "aum_2"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2027-01-01' AS DATE)
  GROUP BY
    "balances"."snapshot_date"
), "opening_balances_2" AS (
  SELECT
    "time_quarter",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "aum_2" END) AS "aum_2"
  FROM (
    SELECT
      CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE) AS "time_quarter",
      "balance_day",
      "aum_2",
      MIN("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE)) AS "balance_edge"
    FROM "opening_balances_2_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_quarter"
), "closing_balances_3_days" AS MATERIALIZED (
  SELECT
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") FILTER(WHERE
      "balances"."balance" > 100) AS "big_close"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2027-01-01' AS DATE)
    AND (
      "balances"."balance" > 100
    )
  GROUP BY
    "balances"."snapshot_date"
), "closing_balances_3" AS (
  SELECT
    "time_quarter",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "big_close" END) AS "big_close"
  FROM (
    SELECT
      CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE) AS "time_quarter",
      "balance_day",
      "big_close",
      MAX("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE)) AS "balance_edge"
    FROM "closing_balances_3_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_quarter"
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_quarter"
  FROM GENERATE_SERIES(
    CAST(CAST('2026-01-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2026-10-01' AS DATE) AS TIMESTAMP),
    INTERVAL '3' MONTH
  ) AS "series"("bucket")
), "combined" AS MATERIALIZED (
  SELECT
    "time_quarter",
    "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "big_close"
  FROM "closing_balances"
  UNION ALL
  SELECT
    "time_quarter",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "big_close"
  FROM "opening_balances_2"
  UNION ALL
  SELECT
    "time_quarter",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    "big_close"
  FROM "closing_balances_3"
), "filled" AS (
  SELECT
    "time_quarter",
    "aum",
    "aum_2",
    "big_close"
  FROM "combined"
  UNION ALL
  SELECT
    "calendar"."time_quarter",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "big_close"
  FROM "calendar"
), "grouped" AS (
  SELECT
    "time_quarter",
    MAX("aum") AS "aum",
    MAX("aum_2") AS "aum_2",
    MAX("big_close") AS "big_close"
  FROM "filled"
  GROUP BY
    "time_quarter"
)
SELECT
  "time_quarter" AS "time_quarter",
  COALESCE("aum", 0) AS "aum_close",
  COALESCE("aum_2", 0) AS "aum_open",
  COALESCE("big_close", 0) AS "big_close"
FROM "grouped"
ORDER BY
  "time_quarter" ASC;
