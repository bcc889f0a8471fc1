-- metricdsl query: by_tier (postgres)
-- from: tests/corpus/joins_nulls_orphans/spec.metric
WITH "scan_sales" AS (
  SELECT
    "customers"."tier" AS "tier",
    SUM("sales"."amount") AS "revenue",
    COUNT(*) AS "sales_count",
    COUNT(DISTINCT "sales"."customer_id") AS "customers_seen"
  FROM "jn"."sales" AS "sales"
  LEFT JOIN "jn"."customers" AS "customers"
    ON "sales"."customer_id" = "customers"."customer_id"
  GROUP BY
    "customers"."tier"
)
SELECT
  "tier" AS "tier",
  COALESCE("revenue", 0) AS "revenue",
  COALESCE("sales_count", 0) AS "sales_count",
  COALESCE("customers_seen", 0) AS "customers_seen"
FROM "scan_sales"
ORDER BY
  "tier" COLLATE "C" ASC;
