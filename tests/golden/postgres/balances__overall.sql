-- metricdsl query: overall (postgres)
-- from: tests/corpus/balances/spec.metric
WITH "closing_balances_days" AS MATERIALIZED (
  SELECT
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") AS "aum"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2026-02-16' AS DATE)
  GROUP BY
    "balances"."snapshot_date"
), "closing_balances" AS (
  SELECT
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "aum" END) AS "aum"
  FROM (
    SELECT
      "balance_day",
      "aum",
      MAX("balance_day") OVER () AS "balance_edge"
    FROM "closing_balances_days" AS "balance_days"
  ) AS "balance_edges"
), "opening_balances_2_days" AS MATERIALIZED (
  SELECT
    "balances"."snapshot_date" AS "balance_day",
    SUM("balances"."balance") AS "aum_2"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2026-02-16' AS DATE)
  GROUP BY
    "balances"."snapshot_date"
), "opening_balances_2" AS (
  SELECT
    SUM(CASE WHEN "balance_day" = "balance_edge" THEN "aum_2" END) AS "aum_2"
  FROM (
    SELECT
      "balance_day",
      "aum_2",
      MIN("balance_day") OVER () AS "balance_edge"
    FROM "opening_balances_2_days" AS "balance_days"
  ) AS "balance_edges"
), "scan_balances_3" AS (
  SELECT
    SUM("balances"."balance") AS "aum_3"
  FROM "bl_balances" AS "balances"
  WHERE
    "balances"."snapshot_date" >= CAST('2026-01-01' AS DATE)
    AND "balances"."snapshot_date" < CAST('2026-02-16' AS DATE)
), "combined" AS (
  SELECT
    "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3"
  FROM "closing_balances"
  UNION ALL
  SELECT
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    "aum_2",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_3"
  FROM "opening_balances_2"
  UNION ALL
  SELECT
    CAST(NULL AS DECIMAL(38, 2)) AS "aum",
    CAST(NULL AS DECIMAL(38, 2)) AS "aum_2",
    "aum_3"
  FROM "scan_balances_3"
), "grouped" AS (
  SELECT
    MAX("aum") AS "aum",
    MAX("aum_2") AS "aum_2",
    MAX("aum_3") AS "aum_3"
  FROM "combined"
)
SELECT
  COALESCE("aum", 0) AS "aum_close",
  COALESCE("aum_2", 0) AS "aum_open",
  COALESCE("aum_3", 0) AS "aum"
FROM "grouped";
