-- metricdsl query: ratings (postgres)
-- from: tests/corpus/peers/spec.metric
WITH "scan_sales" AS (
  SELECT
    "sales"."agent" AS "agent",
    AVG("sales"."rating") AS "avg_rating",
    SUM("sales"."amount") AS "revenue"
  FROM "pe_sales" AS "sales"
  GROUP BY
    "sales"."agent"
), "total_revenue_share_scan_sales" AS (
  SELECT
    SUM("sales"."amount") AS "revenue"
  FROM "pe_sales" AS "sales"
), "total_revenue_share" AS (
  SELECT
    COALESCE("revenue", 0) AS "total_revenue_share"
  FROM "total_revenue_share_scan_sales"
), "with_totals" AS (
  SELECT
    "scan_sales".*,
    "total_revenue_share"."total_revenue_share" AS "total_revenue_share"
  FROM "scan_sales"
  CROSS JOIN "total_revenue_share"
)
SELECT
  "agent" AS "agent",
  "avg_rating" AS "avg_rating",
  RANK() OVER (ORDER BY "avg_rating" DESC NULLS LAST) AS "rating_rank",
  CAST(COALESCE("revenue", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("total_revenue_share", 0), 0) AS "revenue_share"
FROM "with_totals"
ORDER BY
  "agent" COLLATE "C" ASC;
