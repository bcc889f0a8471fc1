-- metricdsl query: daily (impala 3.4)
-- from: tests/corpus/time_buckets/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('DAY', `events`.`event_date`) AS DATE) AS `time_day`,
    COUNT(*) AS `events`,
    SUM(`events`.`value`) AS `total`,
    AVG(`events`.`value`) AS `avg_value`
  FROM `tb_events` AS `events`
  WHERE
    `events`.`event_date` >= CAST('2025-12-28' AS DATE)
    AND `events`.`event_date` < CAST('2026-01-03' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('DAY', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST('2025-12-28' AS DATE) AS `time_day`
  UNION ALL
  SELECT
    CAST('2025-12-29' AS DATE) AS `time_day`
  UNION ALL
  SELECT
    CAST('2025-12-30' AS DATE) AS `time_day`
  UNION ALL
  SELECT
    CAST('2025-12-31' AS DATE) AS `time_day`
  UNION ALL
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_day`
  UNION ALL
  SELECT
    CAST('2026-01-02' AS DATE) AS `time_day`
), `filled` AS (
  SELECT
    `time_day`,
    `events`,
    `total`,
    `avg_value`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_day`,
    CAST(NULL AS BIGINT) AS `events`,
    CAST(NULL AS BIGINT) AS `total`,
    CAST(NULL AS DOUBLE) AS `avg_value`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_day`,
    MAX(`events`) AS `events`,
    MAX(`total`) AS `total`,
    MAX(`avg_value`) AS `avg_value`
  FROM `filled`
  GROUP BY
    `time_day`
)
SELECT
  `time_day` AS `time_day`,
  COALESCE(`events`, 0) AS `events`,
  COALESCE(`total`, 0) AS `total`,
  `avg_value` AS `avg_value`
FROM `grouped`
ORDER BY
  `time_day` ASC;
