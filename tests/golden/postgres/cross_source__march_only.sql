-- metricdsl query: march_only (postgres)
-- from: tests/corpus/cross_source/spec.metric
WITH "scan_visits" AS (
  SELECT
    "regions"."name" AS "region",
    COUNT(*) AS "visits",
    MAX("visits"."pages") AS "max_pages"
  FROM "cs_visits" AS "visits"
  LEFT JOIN "cs_regions" AS "regions"
    ON "visits"."region_id" = "regions"."region_id"
  WHERE
    "visits"."visit_date" >= CAST('2026-03-01' AS DATE)
    AND "visits"."visit_date" < CAST('2026-04-01' AS DATE)
  GROUP BY
    "regions"."name"
), "scan_orders" AS (
  SELECT
    "regions"."name" AS "region",
    AVG("orders"."amount") AS "avg_order"
  FROM "cs_orders" AS "orders"
  LEFT JOIN "cs_regions" AS "regions"
    ON "orders"."region_id" = "regions"."region_id"
  WHERE
    "orders"."order_date" >= CAST('2026-03-01' AS DATE)
    AND "orders"."order_date" < CAST('2026-04-01' AS DATE)
  GROUP BY
    "regions"."name"
), "combined" AS (
  SELECT
    "region",
    "visits",
    "max_pages",
    CAST(NULL AS DOUBLE PRECISION) AS "avg_order"
  FROM "scan_visits"
  UNION ALL
  SELECT
    "region",
    CAST(NULL AS BIGINT) AS "visits",
    CAST(NULL AS BIGINT) AS "max_pages",
    "avg_order"
  FROM "scan_orders"
), "grouped" AS (
  SELECT
    "region",
    MAX("visits") AS "visits",
    MAX("max_pages") AS "max_pages",
    MAX("avg_order") AS "avg_order"
  FROM "combined"
  GROUP BY
    "region"
)
SELECT
  "region" AS "region",
  COALESCE("visits", 0) AS "visits",
  "max_pages" AS "max_pages",
  "avg_order" AS "avg_order"
FROM "grouped"
ORDER BY
  "region" COLLATE "C" ASC;
