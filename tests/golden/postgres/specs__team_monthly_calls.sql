-- metricdsl query: team_monthly_calls (postgres)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH "scan_calls" AS MATERIALIZED (
  SELECT
    CAST(DATE_TRUNC('MONTH', "calls"."call_date") AS DATE) AS "time_month",
    "agents"."team" AS "team",
    COUNT(*) AS "call_count",
    COUNT(*) FILTER(WHERE
      "calls"."connected" = TRUE) AS "connected_calls"
  FROM "dw"."fact_calls" AS "calls"
  LEFT JOIN "dw"."dim_agent" AS "agents"
    ON "calls"."agent_id" = "agents"."agent_id"
  WHERE
    "calls"."call_date" >= CAST('2026-01-01' AS DATE)
    AND "calls"."call_date" < CAST('2027-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "calls"."call_date") AS DATE),
    "agents"."team"
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_month"
  FROM GENERATE_SERIES(
    CAST(CAST('2026-01-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2026-12-01' AS DATE) AS TIMESTAMP),
    INTERVAL '1 MONTH'
  ) AS "series"("bucket")
), "filled" AS (
  SELECT
    "time_month",
    "team",
    "call_count",
    "connected_calls"
  FROM "scan_calls"
  UNION ALL
  SELECT
    "calendar"."time_month",
    "present"."team",
    CAST(NULL AS BIGINT) AS "call_count",
    CAST(NULL AS BIGINT) AS "connected_calls"
  FROM "calendar"
  CROSS JOIN (
    SELECT DISTINCT
      "team"
    FROM "scan_calls"
  ) AS "present"
), "grouped" AS (
  SELECT
    "time_month",
    "team",
    MAX("call_count") AS "call_count",
    MAX("connected_calls") AS "connected_calls"
  FROM "filled"
  GROUP BY
    "time_month",
    "team"
)
SELECT
  "time_month" AS "time_month",
  "team" AS "team",
  COALESCE("call_count", 0) AS "call_count",
  COALESCE("connected_calls", 0) AS "connected_calls",
  CAST(COALESCE("connected_calls", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("call_count", 0), 0) AS "connect_rate"
FROM "grouped"
ORDER BY
  "time_month" ASC,
  "team" COLLATE "C" ASC;
