-- metricdsl query: monthly_partial_period (spark)
-- from: tests/corpus/time_buckets/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `events`.`event_date`) AS DATE) AS `time_month`,
    COUNT(*) AS `events`,
    SUM(`events`.`value`) AS `total`
  FROM `tb_events` AS `events`
  WHERE
    `events`.`event_date` >= CAST('2025-12-30' AS DATE)
    AND `events`.`event_date` < CAST('2026-03-15' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_month`
  FROM EXPLODE(
    CASE
      WHEN CAST('2025-12-01' AS DATE) <= CAST('2026-03-01' AS DATE)
      THEN SEQUENCE(CAST('2025-12-01' AS DATE), CAST('2026-03-01' AS DATE), INTERVAL '1' MONTH)
    END
  ) AS `series`(`bucket`)
), `filled` AS (
  SELECT
    `time_month`,
    `events`,
    `total`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    CAST(NULL AS BIGINT) AS `events`,
    CAST(NULL AS BIGINT) AS `total`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_month`,
    MAX(`events`) AS `events`,
    MAX(`total`) AS `total`
  FROM `filled`
  GROUP BY
    `time_month`
)
SELECT
  `time_month` AS `time_month`,
  COALESCE(`events`, 0) AS `events`,
  COALESCE(`total`, 0) AS `total`
FROM `grouped`
ORDER BY
  `time_month` ASC NULLS LAST;
