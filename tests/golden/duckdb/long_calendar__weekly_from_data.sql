-- metricdsl query: weekly_from_data (duckdb)
-- from: tests/golden/projects/long_calendar/spec.metric
WITH "scan_events" AS MATERIALIZED (
  SELECT
    CAST(DATE_TRUNC('WEEK', "events"."event_date") AS DATE) AS "time_week",
    COUNT(*) AS "event_count"
  FROM "lc_events" AS "events"
  GROUP BY
    CAST(DATE_TRUNC('WEEK', "events"."event_date") AS DATE)
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_week"
  FROM (
    SELECT
      MIN("first_bucket") AS "first_bucket",
      MAX("last_bucket") AS "last_bucket"
    FROM (
      SELECT
        MIN("time_week") AS "first_bucket",
        MAX("time_week") AS "last_bucket"
      FROM "scan_events"
    ) AS "ranges"
  ) AS "bounds"
  CROSS JOIN GENERATE_SERIES(
    CAST("bounds"."first_bucket" AS TIMESTAMP),
    CAST("bounds"."last_bucket" AS TIMESTAMP),
    INTERVAL '7' DAY
  ) AS "series"("bucket")
), "filled" AS (
  SELECT
    "time_week",
    "event_count"
  FROM "scan_events"
  UNION ALL
  SELECT
    "calendar"."time_week",
    CAST(NULL AS BIGINT) AS "event_count"
  FROM "calendar"
), "grouped" AS (
  SELECT
    "time_week",
    MAX("event_count") AS "event_count"
  FROM "filled"
  GROUP BY
    "time_week"
)
SELECT
  "time_week" AS "time_week",
  COALESCE("event_count", 0) AS "event_count"
FROM "grouped"
ORDER BY
  "time_week" ASC;
