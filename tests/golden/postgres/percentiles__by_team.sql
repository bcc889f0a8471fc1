-- metricdsl query: by_team (postgres)
-- from: tests/corpus/percentiles/spec.metric
WITH "scan_tickets" AS (
  SELECT
    "tickets"."team" AS "team",
    COUNT(*) AS "ticket_count",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      CAST("tickets"."minutes" AS DOUBLE PRECISION)) AS "median_minutes",
    PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY
      CAST("tickets"."minutes" AS DOUBLE PRECISION)) AS "p90_minutes",
    PERCENTILE_CONT(0.25) WITHIN GROUP (ORDER BY
      CAST("tickets"."minutes" AS DOUBLE PRECISION)) AS "p25_minutes",
    PERCENTILE_CONT(0) WITHIN GROUP (ORDER BY
      CAST("tickets"."minutes" AS DOUBLE PRECISION)) AS "fastest",
    PERCENTILE_CONT(1) WITHIN GROUP (ORDER BY
      CAST("tickets"."minutes" AS DOUBLE PRECISION)) AS "slowest",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      CAST("tickets"."minutes" AS DOUBLE PRECISION)) FILTER(WHERE
      "tickets"."priority" = 'urgent') AS "urgent_median",
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY
      CAST("tickets"."score" AS DOUBLE PRECISION)) AS "median_score"
  FROM "pc_tickets" AS "tickets"
  GROUP BY
    "tickets"."team"
)
SELECT
  "team" AS "team",
  COALESCE("ticket_count", 0) AS "ticket_count",
  "median_minutes" AS "median_minutes",
  "p90_minutes" AS "p90_minutes",
  "p25_minutes" AS "p25_minutes",
  "fastest" AS "fastest",
  "slowest" AS "slowest",
  "urgent_median" AS "urgent_median",
  "median_score" AS "median_score",
  CAST("median_minutes" AS DOUBLE PRECISION) / NULLIF("median_score", 0) AS "minutes_per_score"
FROM "scan_tickets"
ORDER BY
  "team" COLLATE "C" ASC;
