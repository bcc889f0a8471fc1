-- metricdsl query: by_shop (postgres)
-- from: tests/corpus/having/spec.metric
WITH "scan_orders" AS (
  SELECT
    "orders"."shop" AS "shop",
    COUNT(DISTINCT "orders"."customer_id") FILTER(WHERE
      "orders"."status" = 'paid') AS "buyers"
  FROM "hv_orders" AS "orders"
  WHERE
    (
      "orders"."status" = 'paid'
    )
  GROUP BY
    "orders"."shop"
), "scan_orders_having" AS (
  SELECT
    "shop",
    COUNT(DISTINCT "distinct_key") FILTER(WHERE
      "passes") AS "repeat_buyers"
  FROM (
    SELECT
      "orders"."shop" AS "shop",
      "orders"."customer_id" AS "distinct_key",
      COUNT(*) >= 2 AS "passes"
    FROM "hv_orders" AS "orders"
    WHERE
      (
        "orders"."status" = 'paid'
      )
    GROUP BY
      "orders"."shop",
      "orders"."customer_id"
  ) AS "per_key"
  GROUP BY
    "shop"
), "scan_orders_having_2" AS (
  SELECT
    "shop",
    COUNT(DISTINCT "distinct_key") FILTER(WHERE
      "passes") AS "big_spenders"
  FROM (
    SELECT
      "orders"."shop" AS "shop",
      "orders"."customer_id" AS "distinct_key",
      SUM("orders"."amount") > 100 AS "passes"
    FROM "hv_orders" AS "orders"
    WHERE
      (
        "orders"."status" = 'paid'
      )
    GROUP BY
      "orders"."shop",
      "orders"."customer_id"
  ) AS "per_key"
  GROUP BY
    "shop"
), "combined" AS (
  SELECT
    "shop",
    "buyers",
    CAST(NULL AS BIGINT) AS "repeat_buyers",
    CAST(NULL AS BIGINT) AS "big_spenders"
  FROM "scan_orders"
  UNION ALL
  SELECT
    "shop",
    CAST(NULL AS BIGINT) AS "buyers",
    "repeat_buyers",
    CAST(NULL AS BIGINT) AS "big_spenders"
  FROM "scan_orders_having"
  UNION ALL
  SELECT
    "shop",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "repeat_buyers",
    "big_spenders"
  FROM "scan_orders_having_2"
), "grouped" AS (
  SELECT
    "shop",
    MAX("buyers") AS "buyers",
    MAX("repeat_buyers") AS "repeat_buyers",
    MAX("big_spenders") AS "big_spenders"
  FROM "combined"
  GROUP BY
    "shop"
)
SELECT
  "shop" AS "shop",
  COALESCE("buyers", 0) AS "buyers",
  COALESCE("repeat_buyers", 0) AS "repeat_buyers",
  COALESCE("big_spenders", 0) AS "big_spenders",
  CAST(COALESCE("repeat_buyers", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("buyers", 0), 0) AS "repeat_rate"
FROM "grouped"
ORDER BY
  "shop" COLLATE "C" ASC;
