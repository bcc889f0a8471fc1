-- metricdsl query: yearly (impala 3.4)
-- from: tests/corpus/time_buckets/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', `events`.`event_date`) AS DATE) AS `time_year`,
    COUNT(*) AS `events`,
    SUM(`events`.`value`) AS `total`,
    MIN(`events`.`value`) AS `min_value`
  FROM `tb_events` AS `events`
  WHERE
    `events`.`event_date` >= CAST('2023-01-01' AS DATE)
    AND `events`.`event_date` < CAST('2028-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('YEAR', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST('2023-01-01' AS DATE) AS `time_year`
  UNION ALL
  SELECT
    CAST('2024-01-01' AS DATE) AS `time_year`
  UNION ALL
  SELECT
    CAST('2025-01-01' AS DATE) AS `time_year`
  UNION ALL
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_year`
  UNION ALL
  SELECT
    CAST('2027-01-01' AS DATE) AS `time_year`
), `filled` AS (
  SELECT
    `time_year`,
    `events`,
    `total`,
    `min_value`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_year`,
    CAST(NULL AS BIGINT) AS `events`,
    CAST(NULL AS BIGINT) AS `total`,
    CAST(NULL AS BIGINT) AS `min_value`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_year`,
    MAX(`events`) AS `events`,
    MAX(`total`) AS `total`,
    MAX(`min_value`) AS `min_value`
  FROM `filled`
  GROUP BY
    `time_year`
)
SELECT
  `time_year` AS `time_year`,
  COALESCE(`events`, 0) AS `events`,
  COALESCE(`total`, 0) AS `total`,
  `min_value` AS `min_value`
FROM `grouped`
ORDER BY
  `time_year` ASC;
