-- metricdsl query: by_city_tier (postgres)
-- from: tests/corpus/joins_nulls_orphans/spec.metric
WITH "scan_sales" AS (
  SELECT
    "stores"."city" AS "city",
    "customers"."tier" AS "tier",
    SUM("sales"."amount") AS "revenue",
    COUNT(*) AS "sales_count"
  FROM "jn"."sales" AS "sales"
  LEFT JOIN "jn"."customers" AS "customers"
    ON "sales"."customer_id" = "customers"."customer_id"
  LEFT JOIN "jn"."stores" AS "stores"
    ON "sales"."store_id" = "stores"."store_id"
  GROUP BY
    "stores"."city",
    "customers"."tier"
)
SELECT
  "city" AS "city",
  "tier" AS "tier",
  COALESCE("revenue", 0) AS "revenue",
  COALESCE("sales_count", 0) AS "sales_count"
FROM "scan_sales"
ORDER BY
  "city" COLLATE "C" ASC,
  "tier" COLLATE "C" ASC;
