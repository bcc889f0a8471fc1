-- metricdsl query: q1 (postgres)
-- from: tests/corpus/tpch/spec.metric
WITH "scan_lineitem" AS (
  SELECT
    "lineitem"."l_returnflag" AS "returnflag",
    "lineitem"."l_linestatus" AS "linestatus",
    SUM("lineitem"."l_quantity") AS "sum_qty",
    SUM("lineitem"."l_extendedprice") AS "sum_base_price",
    SUM("lineitem"."l_extendedprice" * (
      1 - "lineitem"."l_discount"
    )) AS "sum_disc_price",
    SUM(
      (
        "lineitem"."l_extendedprice" * (
          1 - "lineitem"."l_discount"
        )
      ) * (
        1 + "lineitem"."l_tax"
      )
    ) AS "sum_charge",
    AVG("lineitem"."l_quantity") AS "avg_qty",
    AVG("lineitem"."l_extendedprice") AS "avg_price",
    AVG("lineitem"."l_discount") AS "avg_disc",
    COUNT(*) AS "count_order"
  FROM "tpch"."lineitem" AS "lineitem"
  WHERE
    "lineitem"."l_shipdate" >= CAST('1992-01-01' AS DATE)
    AND "lineitem"."l_shipdate" < CAST('1998-09-03' AS DATE)
  GROUP BY
    "lineitem"."l_returnflag",
    "lineitem"."l_linestatus"
)
SELECT
  "returnflag" AS "returnflag",
  "linestatus" AS "linestatus",
  COALESCE("sum_qty", 0) AS "sum_qty",
  COALESCE("sum_base_price", 0) AS "sum_base_price",
  COALESCE("sum_disc_price", 0) AS "sum_disc_price",
  COALESCE("sum_charge", 0) AS "sum_charge",
  "avg_qty" AS "avg_qty",
  "avg_price" AS "avg_price",
  "avg_disc" AS "avg_disc",
  COALESCE("count_order", 0) AS "count_order"
FROM "scan_lineitem"
ORDER BY
  "returnflag" COLLATE "C" ASC,
  "linestatus" COLLATE "C" ASC;
