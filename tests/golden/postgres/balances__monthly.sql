-- metricdsl query: monthly (postgres)
-- from: tests/corpus/balances/spec.metric
WITH "closing_balances_days" AS MATERIALIZED (
  SELECT
    "balances"."product" AS "product",
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") AS "aum"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2026-04-01' AS DATE)
  GROUP BY
    "balances"."product",
    "balances"."snapshot_date"
), "closing_balances" AS (
  SELECT
    "time_month",
    "product",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "aum" END) AS "aum"
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE) AS "time_month",
      "product" AS "product",
      "balance_day",
      "aum",
      MAX("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE)) AS "balance_edge"
    FROM "closing_balances_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_month",
    "product"
), "opening_balances_2_days" AS MATERIALIZED (
  SELECT
    "balances"."product" AS "product",
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") AS "aum_2"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2026-04-01' AS DATE)
  GROUP BY
    "balances"."product",
    "balances"."snapshot_date"
), "opening_balances_2" AS (
  SELECT
    "time_month",
    "product",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "aum_2" END) AS "aum_2"
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE) AS "time_month",
      "product" AS "product",
      "balance_day",
      "aum_2",
      MIN("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE)) AS "balance_edge"
    FROM "opening_balances_2_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_month",
    "product"
), "scan_balances_3" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "balances"."snapshot_date") AS DATE) AS "time_month",
    "balances"."product" AS "product",
    SUM("balances"."balance") AS "aum_3",
    COUNT(DISTINCT "balances"."snapshot_date") AS "aum_daily_avg"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2026-04-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "balances"."snapshot_date") AS DATE),
    "balances"."product"
), "closing_balances_4_days" AS MATERIALIZED (
  SELECT
    "balances"."product" AS "product",
    "balances"."snapshot_date" AS "balance_day",
    COUNT(*) AS "accounts_close"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2026-04-01' AS DATE)
  GROUP BY
    "balances"."product",
    "balances"."snapshot_date"
), "closing_balances_4" AS (
  SELECT
    "time_month",
    "product",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "accounts_close" END) AS "accounts_close"
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE) AS "time_month",
      "product" AS "product",
      "balance_day",
      "accounts_close",
      MAX("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE)) AS "balance_edge"
    FROM "closing_balances_4_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_month",
    "product"
), "closing_balances_5_days" AS MATERIALIZED (
  SELECT
    "balances"."product" AS "product",
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") FILTER(WHERE
      "balances"."balance" > 100) AS "big_close"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2026-04-01' AS DATE)
    AND (
      "balances"."balance" > 100
    )
  GROUP BY
    "balances"."product",
    "balances"."snapshot_date"
), "closing_balances_5" AS (
  SELECT
    "time_month",
    "product",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "big_close" END) AS "big_close"
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE) AS "time_month",
      "product" AS "product",
      "balance_day",
      "big_close",
      MAX("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE)) AS "balance_edge"
    FROM "closing_balances_5_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_month",
    "product"
), "closing_balances_6_days" AS MATERIALIZED (
  SELECT
    "balances"."product" AS "product",
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") AS "aum_4"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2026-04-01' AS DATE)
  GROUP BY
    "balances"."product",
    "balances"."snapshot_date"
), "closing_balances_6" AS (
  SELECT
    "time_month",
    "product",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "aum_4" END) AS "aum_4"
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE) AS "time_month",
      "product" AS "product",
      "balance_day",
      "aum_4",
      MAX("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE)) AS "balance_edge"
    FROM "closing_balances_6_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_month",
    "product"
), "opening_balances_7_days" AS MATERIALIZED (
  SELECT
    "balances"."product" AS "product",
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") AS "aum_5"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2026-04-01' AS DATE)
  GROUP BY
    "balances"."product",
    "balances"."snapshot_date"
), "opening_balances_7" AS (
  SELECT
    "time_month",
    "product",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "aum_5" END) AS "aum_5"
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE) AS "time_month",
      "product" AS "product",
      "balance_day",
      "aum_5",
      MIN("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('MONTH', "balance_day") AS DATE)) AS "balance_edge"
    FROM "opening_balances_7_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_month",
    "product"
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_month"
  FROM GENERATE_SERIES(
    CAST(CAST('2026-01-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2026-03-01' AS DATE) AS TIMESTAMP),
    INTERVAL '1 MONTH'
  ) AS "series"("bucket")
), "combined" AS MATERIALIZED (
  SELECT
    "time_month",
    "product",
    "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3",
    CAST(NULL AS BIGINT) AS "aum_daily_avg",
    CAST(NULL AS BIGINT) AS "accounts_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "big_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_4",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_5"
  FROM "closing_balances"
  UNION ALL
  SELECT
    "time_month",
    "product",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3",
    CAST(NULL AS BIGINT) AS "aum_daily_avg",
    CAST(NULL AS BIGINT) AS "accounts_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "big_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_4",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_5"
  FROM "opening_balances_2"
  UNION ALL
  SELECT
    "time_month",
    "product",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    "aum_3",
    "aum_daily_avg",
    CAST(NULL AS BIGINT) AS "accounts_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "big_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_4",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_5"
  FROM "scan_balances_3"
  UNION ALL
  SELECT
    "time_month",
    "product",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3",
    CAST(NULL AS BIGINT) AS "aum_daily_avg",
    "accounts_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "big_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_4",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_5"
  FROM "closing_balances_4"
  UNION ALL
  SELECT
    "time_month",
    "product",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3",
    CAST(NULL AS BIGINT) AS "aum_daily_avg",
    CAST(NULL AS BIGINT) AS "accounts_close",
    "big_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_4",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_5"
  FROM "closing_balances_5"
  UNION ALL
  SELECT
    "time_month",
    "product",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3",
    CAST(NULL AS BIGINT) AS "aum_daily_avg",
    CAST(NULL AS BIGINT) AS "accounts_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "big_close",
    "aum_4",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_5"
  FROM "closing_balances_6"
  UNION ALL
  SELECT
    "time_month",
    "product",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3",
    CAST(NULL AS BIGINT) AS "aum_daily_avg",
    CAST(NULL AS BIGINT) AS "accounts_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "big_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_4",
    "aum_5"
  FROM "opening_balances_7"
), "filled" AS (
  SELECT
    "time_month",
    "product",
    "aum",
    "aum_2",
    "aum_3",
    "aum_daily_avg",
    "accounts_close",
    "big_close",
    "aum_4",
    "aum_5"
  FROM "combined"
  UNION ALL
  SELECT
    "calendar"."time_month",
    "present"."product",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3",
    CAST(NULL AS BIGINT) AS "aum_daily_avg",
    CAST(NULL AS BIGINT) AS "accounts_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "big_close",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_4",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_5"
  FROM "calendar"
  CROSS JOIN (
    SELECT DISTINCT
      "product"
    FROM "combined"
  ) AS "present"
), "grouped" AS (
  SELECT
    "time_month",
    "product",
    MAX("aum") AS "aum",
    MAX("aum_2") AS "aum_2",
    MAX("aum_3") AS "aum_3",
    MAX("aum_daily_avg") AS "aum_daily_avg",
    MAX("accounts_close") AS "accounts_close",
    MAX("big_close") AS "big_close",
    MAX("aum_4") AS "aum_4",
    MAX("aum_5") AS "aum_5"
  FROM "filled"
  GROUP BY
    "time_month",
    "product"
)
SELECT
  "time_month" AS "time_month",
  "product" AS "product",
  COALESCE("aum", 0) AS "aum_close",
  COALESCE("aum_2", 0) AS "aum_open",
  CAST(COALESCE("aum_3", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("aum_daily_avg", 0), 0) AS "aum_daily_avg",
  COALESCE("accounts_close", 0) AS "accounts_close",
  COALESCE("big_close", 0) AS "big_close",
  COALESCE("aum_4", 0) - COALESCE("aum_5", 0) AS "close_change"
FROM "grouped"
ORDER BY
  "time_month" ASC,
  "product" COLLATE "C" ASC;
