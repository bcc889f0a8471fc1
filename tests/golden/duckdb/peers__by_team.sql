-- metricdsl query: by_team (duckdb)
-- from: tests/corpus/peers/spec.metric
WITH "scan_sales" AS (
  SELECT
    "sales"."team" AS "team",
    SUM("sales"."amount") AS "revenue",
    COUNT(DISTINCT "sales"."customer_id") AS "buyers"
  FROM "pe_sales" AS "sales"
  WHERE
    (
      "sales"."amount" > 5
    )
  GROUP BY
    "sales"."team"
), "total_buyer_share_scan_sales" AS (
  SELECT
    COUNT(DISTINCT "sales"."customer_id") AS "buyers"
  FROM "pe_sales" AS "sales"
  WHERE
    (
      "sales"."amount" > 5
    )
), "total_buyer_share" AS (
  SELECT
    COALESCE("buyers", 0) AS "total_buyer_share"
  FROM "total_buyer_share_scan_sales"
), "with_totals" AS (
  SELECT
    "scan_sales".*,
    SUM(COALESCE("revenue", 0)) OVER () AS "total_revenue_share",
    "total_buyer_share"."total_buyer_share" AS "total_buyer_share"
  FROM "scan_sales"
  CROSS JOIN "total_buyer_share"
)
SELECT
  "team" AS "team",
  COALESCE("revenue", 0) AS "revenue",
  CAST(COALESCE("revenue", 0) AS DOUBLE) / NULLIF(COALESCE("total_revenue_share", 0), 0) AS "revenue_share",
  COALESCE("buyers", 0) AS "buyers",
  CAST(COALESCE("buyers", 0) AS DOUBLE) / NULLIF(COALESCE("total_buyer_share", 0), 0) AS "buyer_share"
FROM "with_totals"
ORDER BY
  "team" ASC;
