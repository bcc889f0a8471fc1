-- metricdsl query: by_region_month (postgres)
-- from: tests/corpus/cross_source/spec.metric
WITH "scan_orders" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "orders"."order_date") AS DATE) AS "time_month",
    "regions"."name" AS "region",
    SUM("orders"."amount") AS "revenue"
  FROM "cs_orders" AS "orders"
  LEFT JOIN "cs_regions" AS "regions"
    ON "orders"."region_id" = "regions"."region_id"
  WHERE
    "orders"."order_date" >= CAST('2026-03-01' AS DATE)
    AND "orders"."order_date" < CAST('2026-05-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "orders"."order_date") AS DATE),
    "regions"."name"
), "scan_visits" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "visits"."visit_date") AS DATE) AS "time_month",
    "regions"."name" AS "region",
    COUNT(*) AS "visits"
  FROM "cs_visits" AS "visits"
  LEFT JOIN "cs_regions" AS "regions"
    ON "visits"."region_id" = "regions"."region_id"
  WHERE
    "visits"."visit_date" >= CAST('2026-03-01' AS DATE)
    AND "visits"."visit_date" < CAST('2026-05-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "visits"."visit_date") AS DATE),
    "regions"."name"
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_month"
  FROM GENERATE_SERIES(
    CAST(CAST('2026-03-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2026-04-01' AS DATE) AS TIMESTAMP),
    INTERVAL '1 MONTH'
  ) AS "series"("bucket")
), "combined" AS MATERIALIZED (
  SELECT
    "time_month",
    "region",
    "revenue",
    CAST(NULL AS BIGINT) AS "visits"
  FROM "scan_orders"
  UNION ALL
  SELECT
    "time_month",
    "region",
    CAST(NULL AS DECIMAL(38, 2)) AS "revenue",
    "visits"
  FROM "scan_visits"
), "filled" AS (
  SELECT
    "time_month",
    "region",
    "revenue",
    "visits"
  FROM "combined"
  UNION ALL
  SELECT
    "calendar"."time_month",
    "present"."region",
    CAST(NULL AS DECIMAL(38, 2)) AS "revenue",
    CAST(NULL AS BIGINT) AS "visits"
  FROM "calendar"
  CROSS JOIN (
    SELECT DISTINCT
      "region"
    FROM "combined"
  ) AS "present"
), "grouped" AS (
  SELECT
    "time_month",
    "region",
    MAX("revenue") AS "revenue",
    MAX("visits") AS "visits"
  FROM "filled"
  GROUP BY
    "time_month",
    "region"
)
SELECT
  "time_month" AS "time_month",
  "region" AS "region",
  COALESCE("revenue", 0) AS "revenue",
  COALESCE("visits", 0) AS "visits"
FROM "grouped"
ORDER BY
  "time_month" ASC,
  "region" COLLATE "C" ASC;
