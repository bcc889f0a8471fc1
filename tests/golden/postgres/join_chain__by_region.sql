-- metricdsl query: by_region (postgres)
-- from: tests/corpus/join_chain/b_model.metric
WITH "scan_lineitem" AS (
  SELECT
    "region"."r_name" AS "region",
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
    "region"."r_name"
)
SELECT
  "region" AS "region",
  COALESCE("quantity", 0) AS "quantity",
  COALESCE("lines", 0) AS "lines"
FROM "scan_lineitem"
ORDER BY
  "region" COLLATE "C" ASC;
