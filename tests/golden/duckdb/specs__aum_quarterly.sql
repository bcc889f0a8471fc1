-- metricdsl query: aum_quarterly (duckdb)
-- from: specs/customers.metric
-- from: specs/dimensions.metric
WITH "closing_balances_days" AS MATERIALIZED (
  SELECT
    "products"."name" AS "product",
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") AS "aum"
  FROM "dw"."fact_balances" AS "balances"
  LEFT JOIN "dw"."dim_product" AS "products"
    ON "balances"."product_id" = "products"."product_id"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2027-01-01' AS DATE)
  GROUP BY
    "products"."name",
    "balances"."snapshot_date"
), "closing_balances" AS (
  SELECT
    "time_quarter",
    "product",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "aum" END) AS "aum"
  FROM (
    SELECT
      CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE) AS "time_quarter",
      "product" AS "product",
      "balance_day",
      "aum",
      MAX("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE)) AS "balance_edge"
    FROM "closing_balances_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_quarter",
    "product"
), "opening_balances_2_days" AS MATERIALIZED (
  SELECT
    "products"."name" AS "product",
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") AS "aum_2"
  FROM "dw"."fact_balances" AS "balances"
  LEFT JOIN "dw"."dim_product" AS "products"
    ON "balances"."product_id" = "products"."product_id"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2027-01-01' AS DATE)
  GROUP BY
    "products"."name",
    "balances"."snapshot_date"
), "opening_balances_2" AS (
  SELECT
    "time_quarter",
    "product",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "aum_2" END) AS "aum_2"
  FROM (
    SELECT
      CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE) AS "time_quarter",
      "product" AS "product",
      "balance_day",
      "aum_2",
      MIN("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE)) AS "balance_edge"
    FROM "opening_balances_2_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_quarter",
    "product"
), "scan_balances_3" AS (
  SELECT
    CAST(DATE_TRUNC('QUARTER', "balances"."snapshot_date") AS DATE) AS "time_quarter",
    "products"."name" AS "product",
    SUM("balances"."balance") AS "aum_3",
    COUNT(DISTINCT "balances"."snapshot_date") AS "aum_daily_avg"
  FROM "dw"."fact_balances" AS "balances"
  LEFT JOIN "dw"."dim_product" AS "products"
    ON "balances"."product_id" = "products"."product_id"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2027-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', "balances"."snapshot_date") AS DATE),
    "products"."name"
), "closing_balances_4_days" AS MATERIALIZED (
  SELECT
    "products"."name" AS "product",
    "balances"."snapshot_date" AS "balance_day",
    COUNT(*) AS "accounts_close"
  FROM "dw"."fact_balances" AS "balances"
  LEFT JOIN "dw"."dim_product" AS "products"
    ON "balances"."product_id" = "products"."product_id"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2027-01-01' AS DATE)
  GROUP BY
    "products"."name",
    "balances"."snapshot_date"
), "closing_balances_4" AS (
  SELECT
    "time_quarter",
    "product",
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "accounts_close" END) AS "accounts_close"
  FROM (
    SELECT
      CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE) AS "time_quarter",
      "product" AS "product",
      "balance_day",
      "accounts_close",
      MAX("balance_day") OVER (PARTITION BY CAST(DATE_TRUNC('QUARTER', "balance_day") AS DATE)) AS "balance_edge"
    FROM "closing_balances_4_days" AS "balance_days"
  ) AS "balance_edges"
  GROUP BY
    "time_quarter",
    "product"
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
    "product",
    "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3",
    CAST(NULL AS BIGINT) AS "aum_daily_avg",
    CAST(NULL AS BIGINT) AS "accounts_close"
  FROM "closing_balances"
  UNION ALL
  SELECT
    "time_quarter",
    "product",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3",
    CAST(NULL AS BIGINT) AS "aum_daily_avg",
    CAST(NULL AS BIGINT) AS "accounts_close"
  FROM "opening_balances_2"
  UNION ALL
  SELECT
    "time_quarter",
    "product",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    "aum_3",
    "aum_daily_avg",
    CAST(NULL AS BIGINT) AS "accounts_close"
  FROM "scan_balances_3"
  UNION ALL
  SELECT
    "time_quarter",
    "product",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3",
    CAST(NULL AS BIGINT) AS "aum_daily_avg",
    "accounts_close"
  FROM "closing_balances_4"
), "filled" AS (
  SELECT
    "time_quarter",
    "product",
    "aum",
    "aum_2",
    "aum_3",
    "aum_daily_avg",
    "accounts_close"
  FROM "combined"
  UNION ALL
  SELECT
    "calendar"."time_quarter",
    "present"."product",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3",
    CAST(NULL AS BIGINT) AS "aum_daily_avg",
    CAST(NULL AS BIGINT) AS "accounts_close"
  FROM "calendar"
  CROSS JOIN (
    SELECT DISTINCT
      "product"
    FROM "combined"
  ) AS "present"
), "grouped" AS (
  SELECT
    "time_quarter",
    "product",
    MAX("aum") AS "aum",
    MAX("aum_2") AS "aum_2",
    MAX("aum_3") AS "aum_3",
    MAX("aum_daily_avg") AS "aum_daily_avg",
    MAX("accounts_close") AS "accounts_close"
  FROM "filled"
  GROUP BY
    "time_quarter",
    "product"
)
SELECT
  "time_quarter" AS "time_quarter",
  "product" AS "product",
  COALESCE("aum", 0) AS "aum_close",
  COALESCE("aum_2", 0) AS "aum_open",
  CAST(COALESCE("aum_3", 0) AS DOUBLE) / NULLIF(COALESCE("aum_daily_avg", 0), 0) AS "aum_daily_avg",
  COALESCE("accounts_close", 0) AS "accounts_close"
FROM "grouped"
ORDER BY
  "time_quarter" ASC,
  "aum_close" DESC,
  "product" ASC
LIMIT 10;
