-- metricdsl query: daily_36_years (spark)
-- from: tests/golden/projects/long_calendar/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('DAY', `events`.`event_date`) AS DATE) AS `time_day`,
    SUM(`events`.`amount`) AS `total`,
    COUNT(*) AS `event_count`
  FROM `lc_events` AS `events`
  WHERE
    `events`.`event_date` >= CAST('1990-01-01' AS DATE)
    AND `events`.`event_date` < CAST('2026-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('DAY', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_day`
  FROM EXPLODE(
    CASE
      WHEN CAST('1990-01-01' AS DATE) <= CAST('2025-12-31' AS DATE)
      THEN SEQUENCE(CAST('1990-01-01' AS DATE), CAST('2025-12-31' AS DATE), INTERVAL '1' DAY)
    END
  ) AS `series`(`bucket`)
), `filled` AS (
  SELECT
    `time_day`,
    `total`,
    `event_count`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_day`,
    CAST(NULL AS BIGINT) AS `total`,
    CAST(NULL AS BIGINT) AS `event_count`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_day`,
    MAX(`total`) AS `total`,
    MAX(`event_count`) AS `event_count`
  FROM `filled`
  GROUP BY
    `time_day`
)
SELECT
  `time_day` AS `time_day`,
  COALESCE(`total`, 0) AS `total`,
  COALESCE(`event_count`, 0) AS `event_count`
FROM `grouped`
ORDER BY
  `time_day` ASC NULLS LAST;
