-- metricdsl query: overall (postgres)
-- from: tests/corpus/percentiles/spec.metric
WITH "scan_tickets" AS (
  SELECT
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      CAST("tickets"."minutes" AS DOUBLE PRECISION)) AS "median_minutes",
    PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY
      CAST("tickets"."minutes" AS DOUBLE PRECISION)) AS "p90_minutes",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      CAST("tickets"."score" AS DOUBLE PRECISION)) AS "median_score"
  FROM "pc_tickets" AS "tickets"
  WHERE
    (
      "tickets"."team" <> 'A'
    )
)
SELECT
  "median_minutes" AS "median_minutes",
  "p90_minutes" AS "p90_minutes",
  "median_score" AS "median_score"
FROM "scan_tickets";
