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
), "with_totals" AS (
  SELECT
    "scan_sales".*,
    SUM(COALESCE("revenue", 0)) OVER () AS "total_revenue_share"
  FROM "scan_sales"
)
SELECT
  "agent" AS "agent",
  "avg_rating" AS "avg_rating",
  RANK() OVER (ORDER BY "avg_rating" DESC NULLS LAST) AS "rating_rank",
  CAST(COALESCE("revenue", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("total_revenue_share", 0), 0) AS "revenue_share"
FROM "with_totals"
ORDER BY
  "agent" COLLATE "C" ASC;
