-- metricdsl query: quarterly (postgres)
-- from: tests/corpus/time_buckets/spec.metric
WITH "scan_events" AS MATERIALIZED (
  SELECT
    CAST(DATE_TRUNC('QUARTER', "events"."event_date") AS DATE) AS "time_quarter",
    "events"."kind" AS "kind",
    COUNT(*) AS "events",
    SUM("events"."value") AS "total"
  FROM "tb_events" AS "events"
  WHERE
    "events"."event_date" >= CAST('2025-01-01' AS DATE)
    AND "events"."event_date" < CAST('2026-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', "events"."event_date") AS DATE),
    "events"."kind"
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_quarter"
  FROM GENERATE_SERIES(
    CAST(CAST('2025-01-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2025-10-01' AS DATE) AS TIMESTAMP),
    INTERVAL '3 MONTH'
  ) AS "series"("bucket")
), "filled" AS (
  SELECT
    "time_quarter",
    "kind",
    "events",
    "total"
  FROM "scan_events"
  UNION ALL
  SELECT
    "calendar"."time_quarter",
    "present"."kind",
    CAST(NULL AS BIGINT) AS "events",
    CAST(NULL AS BIGINT) AS "total"
  FROM "calendar"
  CROSS JOIN (
    SELECT DISTINCT
      "kind"
    FROM "scan_events"
  ) AS "present"
), "grouped" AS (
  SELECT
    "time_quarter",
    "kind",
    MAX("events") AS "events",
    MAX("total") AS "total"
  FROM "filled"
  GROUP BY
    "time_quarter",
    "kind"
)
SELECT
  "time_quarter" AS "time_quarter",
  "kind" AS "kind",
  COALESCE("events", 0) AS "events",
  COALESCE("total", 0) AS "total"
FROM "grouped"
ORDER BY
  "time_quarter" ASC,
  "kind" COLLATE "C" ASC;
