-- metricdsl query: daily (spark)
-- from: tests/corpus/time_buckets/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('DAY', `events`.`event_date`) AS DATE) AS `time_day`,
    COUNT(*) AS `events`,
    SUM(`events`.`value`) AS `total`,
    AVG(CAST(`events`.`value` AS DOUBLE)) AS `avg_value`
  FROM `tb_events` AS `events`
  WHERE
    `events`.`event_date` >= CAST('2025-12-28' AS DATE)
    AND `events`.`event_date` < CAST('2026-01-03' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('DAY', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_day`
  FROM EXPLODE(
    CASE
      WHEN CAST('2025-12-28' AS DATE) <= CAST('2026-01-02' AS DATE)
      THEN SEQUENCE(CAST('2025-12-28' AS DATE), CAST('2026-01-02' AS DATE), INTERVAL '1' DAY)
    END
  ) AS `series`(`bucket`)
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
  `time_day` ASC NULLS LAST;
