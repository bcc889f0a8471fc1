-- metricdsl query: daily_target (duckdb)
-- from: tests/golden/projects/planned/planned.metric
WITH "plan_days" AS (
  SELECT
    "calendar_days"."day",
    "calendar_days"."workday"
  FROM (VALUES
    (CAST('2026-03-01' AS DATE), 0),
    (CAST('2026-03-02' AS DATE), 1),
    (CAST('2026-03-03' AS DATE), 1),
    (CAST('2026-03-04' AS DATE), 1),
    (CAST('2026-03-05' AS DATE), 1),
    (CAST('2026-03-06' AS DATE), 1),
    (CAST('2026-03-07' AS DATE), 0),
    (CAST('2026-03-08' AS DATE), 0),
    (CAST('2026-03-09' AS DATE), 1),
    (CAST('2026-03-10' AS DATE), 1),
    (CAST('2026-03-11' AS DATE), 1),
    (CAST('2026-03-12' AS DATE), 1),
    (CAST('2026-03-13' AS DATE), 1),
    (CAST('2026-03-14' AS DATE), 0),
    (CAST('2026-03-15' AS DATE), 0),
    (CAST('2026-03-16' AS DATE), 1),
    (CAST('2026-03-17' AS DATE), 1),
    (CAST('2026-03-18' AS DATE), 1),
    (CAST('2026-03-19' AS DATE), 1),
    (CAST('2026-03-20' AS DATE), 1),
    (CAST('2026-03-21' AS DATE), 0),
    (CAST('2026-03-22' AS DATE), 0),
    (CAST('2026-03-23' AS DATE), 1),
    (CAST('2026-03-24' AS DATE), 1),
    (CAST('2026-03-25' AS DATE), 1),
    (CAST('2026-03-26' AS DATE), 1),
    (CAST('2026-03-27' AS DATE), 1),
    (CAST('2026-03-28' AS DATE), 0),
    (CAST('2026-03-29' AS DATE), 0),
    (CAST('2026-03-30' AS DATE), 1),
    (CAST('2026-03-31' AS DATE), 1)) AS "calendar_days"("day", "workday")
), "plan_months" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "plan_days"."day") AS DATE) AS "bucket",
    SUM("plan_days"."workday") AS "workdays"
  FROM "plan_days"
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "plan_days"."day") AS DATE)
), "planned_revenue_2026" AS MATERIALIZED (
  SELECT
    "plan_days"."day" AS "time_day",
    SUM(
      CAST("saved_plan"."target" * "plan_days"."workday" AS DOUBLE) / NULLIF("plan_months"."workdays", 0)
    ) AS "revenue_target"
  FROM "kpi"."plan_revenue_2026" AS "saved_plan"
  INNER JOIN "plan_days"
    ON CAST(DATE_TRUNC('MONTH', "plan_days"."day") AS DATE) = "saved_plan"."start"
  INNER JOIN "plan_months"
    ON "plan_months"."bucket" = "saved_plan"."start"
  WHERE
    "saved_plan"."grain" = 'month'
    AND "saved_plan"."member" IS NULL
    AND "plan_days"."day" >= CAST('2026-03-01' AS DATE)
    AND "plan_days"."day" < CAST('2026-04-01' AS DATE)
  GROUP BY
    "plan_days"."day"
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_day"
  FROM GENERATE_SERIES(
    CAST(CAST('2026-03-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2026-03-31' AS DATE) AS TIMESTAMP),
    INTERVAL '1' DAY
  ) AS "series"("bucket")
), "filled" AS (
  SELECT
    "time_day",
    "revenue_target"
  FROM "planned_revenue_2026"
  UNION ALL
  SELECT
    "calendar"."time_day",
    CAST(NULL AS DOUBLE) AS "revenue_target"
  FROM "calendar"
), "grouped" AS (
  SELECT
    "time_day",
    MAX("revenue_target") AS "revenue_target"
  FROM "filled"
  GROUP BY
    "time_day"
)
SELECT
  "time_day" AS "time_day",
  COALESCE("revenue_target", 0) AS "revenue_target"
FROM "grouped"
ORDER BY
  "time_day" ASC;
