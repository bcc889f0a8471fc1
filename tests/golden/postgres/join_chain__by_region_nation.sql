-- metricdsl query: by_region_nation (postgres)
-- from: tests/corpus/join_chain/b_model.metric
WITH "scan_lineitem" AS (
  SELECT
    "region"."r_name" AS "region",
    "nation"."n_name" AS "nation",
    SUM("lineitem"."l_quantity") AS "quantity",
    COUNT(*) AS "lines"
  FROM "jc"."lineitem" AS "lineitem"
  LEFT JOIN "jc"."orders" AS "orders"
    ON "lineitem"."l_orderkey" = "orders"."o_orderkey"
  LEFT JOIN "jc"."customer" AS "customer"
    ON "orders"."o_custkey" = "customer"."c_custkey"
  LEFT JOIN "jc"."nation" AS "nation"
    ON "customer"."c_nationkey" = "nation"."n_nationkey"
  LEFT JOIN "jc"."region" AS "region"
    ON "nation"."n_regionkey" = "region"."r_regionkey"
  GROUP BY
    "region"."r_name",
    "nation"."n_name"
), "scan_orders" AS (
  SELECT
    "region"."r_name" AS "region",
    "nation"."n_name" AS "nation",
    COUNT(*) AS "order_count"
  FROM "jc"."orders" AS "orders"
  LEFT JOIN "jc"."customer" AS "customer"
    ON "orders"."o_custkey" = "customer"."c_custkey"
  LEFT JOIN "jc"."nation" AS "nation"
    ON "customer"."c_nationkey" = "nation"."n_nationkey"
  LEFT JOIN "jc"."region" AS "region"
    ON "nation"."n_regionkey" = "region"."r_regionkey"
  GROUP BY
    "region"."r_name",
    "nation"."n_name"
), "combined" AS (
  SELECT
    "region",
    "nation",
    "quantity",
    "lines",
    CAST(NULL AS BIGINT) AS "order_count"
  FROM "scan_lineitem"
  UNION ALL
  SELECT
    "region",
    "nation",
    CAST(NULL AS BIGINT) AS "quantity",
    CAST(NULL AS BIGINT) AS "lines",
    "order_count"
  FROM "scan_orders"
), "grouped" AS (
  SELECT
    "region",
    "nation",
    MAX("quantity") AS "quantity",
    MAX("lines") AS "lines",
    MAX("order_count") AS "order_count"
  FROM "combined"
  GROUP BY
    "region",
    "nation"
)
SELECT
  "region" AS "region",
  "nation" AS "nation",
  COALESCE("quantity", 0) AS "quantity",
  COALESCE("lines", 0) AS "lines",
  COALESCE("order_count", 0) AS "order_count"
FROM "grouped"
ORDER BY
  "region" COLLATE "C" ASC,
  "nation" COLLATE "C" ASC;
