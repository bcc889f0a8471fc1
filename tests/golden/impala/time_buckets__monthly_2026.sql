-- metricdsl query: monthly_2026 (impala 3.4)
-- from: tests/corpus/time_buckets/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `events`.`event_date`) AS DATE) AS `time_month`,
    COUNT(*) AS `events`,
    SUM(`events`.`value`) AS `total`,
    AVG(`events`.`value`) AS `avg_value`,
    MAX(`events`.`value`) AS `max_value`,
    MIN(`events`.`event_date`) AS `first_day`
  FROM `tb_events` AS `events`
  WHERE
    `events`.`event_date` >= CAST('2026-01-01' AS DATE)
    AND `events`.`event_date` < CAST('2027-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-02-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-03-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-04-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-05-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-06-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-07-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-08-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-09-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-10-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-11-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-12-01' AS DATE) AS `time_month`
), `filled` AS (
  SELECT
    `time_month`,
    `events`,
    `total`,
    `avg_value`,
    `max_value`,
    `first_day`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    CAST(NULL AS BIGINT) AS `events`,
    CAST(NULL AS BIGINT) AS `total`,
    CAST(NULL AS DOUBLE) AS `avg_value`,
    CAST(NULL AS BIGINT) AS `max_value`,
    CAST(NULL AS DATE) AS `first_day`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_month`,
    MAX(`events`) AS `events`,
    MAX(`total`) AS `total`,
    MAX(`avg_value`) AS `avg_value`,
    MAX(`max_value`) AS `max_value`,
    MAX(`first_day`) AS `first_day`
  FROM `filled`
  GROUP BY
    `time_month`
)
SELECT
  `time_month` AS `time_month`,
  COALESCE(`events`, 0) AS `events`,
  COALESCE(`total`, 0) AS `total`,
  `avg_value` AS `avg_value`,
  `max_value` AS `max_value`,
  `first_day` AS `first_day`
FROM `grouped`
ORDER BY
  `time_month` ASC;
