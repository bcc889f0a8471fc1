-- metricdsl query: overall (duckdb)
-- from: tests/corpus/peers/spec.metric
WITH "scan_sales" AS (
  SELECT
    SUM("sales"."amount") AS "revenue"
  FROM "pe_sales" AS "sales"
), "total_all_buyers_scan_sales" AS (
  SELECT
    COUNT(DISTINCT "sales"."customer_id") AS "buyers"
  FROM "pe_sales" AS "sales"
), "total_all_buyers" AS (
  SELECT
    COALESCE("buyers", 0) AS "total_all_buyers"
  FROM "total_all_buyers_scan_sales"
), "with_totals" AS (
  SELECT
    "scan_sales".*,
    SUM(COALESCE("revenue", 0)) OVER () AS "total_revenue_share",
    "total_all_buyers"."total_all_buyers" AS "total_all_buyers"
  FROM "scan_sales"
  CROSS JOIN "total_all_buyers"
)
SELECT
  CAST(COALESCE("revenue", 0) AS DOUBLE) / NULLIF(COALESCE("total_revenue_share", 0), 0) AS "revenue_share",
  COALESCE("total_all_buyers", 0) AS "all_buyers",
  RANK() OVER (ORDER BY COALESCE("revenue", 0) DESC) AS "overall_rank"
FROM "with_totals";
