-- metricdsl query: top_cities (postgres)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH "scan_orders" AS (
  SELECT
    "customers"."city" AS "city",
    SUM("orders"."amount") FILTER(WHERE
      "orders"."status" = 'paid') AS "revenue",
    COUNT(DISTINCT "orders"."customer_id") FILTER(WHERE
      "orders"."status" = 'paid') AS "buyers"
  FROM "dw"."fact_orders" AS "orders"
  LEFT JOIN "dw"."dim_customer" AS "customers"
    ON "orders"."customer_id" = "customers"."customer_id"
  WHERE
    (
      (
        "orders"."channel" IN ('phone', 'wechat')
      )
      AND (
        "customers"."segment" <> '新客'
      )
    )
    AND (
      "orders"."status" = 'paid'
    )
  GROUP BY
    "customers"."city"
)
SELECT
  "city" AS "city",
  COALESCE("revenue", 0) AS "revenue",
  COALESCE("buyers", 0) AS "buyers",
  CAST(COALESCE("revenue", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("buyers", 0), 0) AS "aov"
FROM "scan_orders"
ORDER BY
  "revenue" DESC NULLS LAST,
  "city" COLLATE "C" ASC
LIMIT 5;
