-- metricdsl query: weekly_year_boundary (spark)
-- from: tests/corpus/time_buckets/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `events`.`event_date`) AS DATE) AS `time_week`,
    COUNT(*) AS `events`,
    SUM(`events`.`value`) AS `total`,
    MIN(`events`.`value`) AS `min_value`
  FROM `tb_events` AS `events`
  WHERE
    `events`.`event_date` >= CAST('2025-12-27' AS DATE)
    AND `events`.`event_date` < CAST('2026-01-12' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('WEEK', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_week`
  FROM EXPLODE(
    CASE
      WHEN CAST('2025-12-22' AS DATE) <= CAST('2026-01-05' AS DATE)
      THEN SEQUENCE(CAST('2025-12-22' AS DATE), CAST('2026-01-05' AS DATE), INTERVAL '7' DAY)
    END
  ) AS `series`(`bucket`)
), `filled` AS (
  SELECT
    `time_week`,
    `events`,
    `total`,
    `min_value`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_week`,
    CAST(NULL AS BIGINT) AS `events`,
    CAST(NULL AS BIGINT) AS `total`,
    CAST(NULL AS BIGINT) AS `min_value`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_week`,
    MAX(`events`) AS `events`,
    MAX(`total`) AS `total`,
    MAX(`min_value`) AS `min_value`
  FROM `filled`
  GROUP BY
    `time_week`
)
SELECT
  `time_week` AS `time_week`,
  COALESCE(`events`, 0) AS `events`,
  COALESCE(`total`, 0) AS `total`,
  `min_value` AS `min_value`
FROM `grouped`
ORDER BY
  `time_week` ASC NULLS LAST;
