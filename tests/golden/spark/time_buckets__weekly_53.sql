-- metricdsl query: weekly_53 (spark)
-- from: tests/corpus/time_buckets/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `events`.`event_date`) AS DATE) AS `time_week`,
    COUNT(*) AS `events`,
    SUM(`events`.`value`) AS `total`
  FROM `tb_events` AS `events`
  WHERE
    `events`.`event_date` >= CAST('2026-12-21' AS DATE)
    AND `events`.`event_date` < CAST('2027-01-04' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('WEEK', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_week`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-12-21' AS DATE) <= CAST('2026-12-28' AS DATE)
      THEN SEQUENCE(CAST('2026-12-21' AS DATE), CAST('2026-12-28' AS DATE), INTERVAL '7' DAY)
    END
  ) AS `series`(`bucket`)
), `filled` AS (
  SELECT
    `time_week`,
    `events`,
    `total`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_week`,
    CAST(NULL AS BIGINT) AS `events`,
    CAST(NULL AS BIGINT) AS `total`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_week`,
    MAX(`events`) AS `events`,
    MAX(`total`) AS `total`
  FROM `filled`
  GROUP BY
    `time_week`
)
SELECT
  `time_week` AS `time_week`,
  COALESCE(`events`, 0) AS `events`,
  COALESCE(`total`, 0) AS `total`
FROM `grouped`
ORDER BY
  `time_week` ASC NULLS LAST;
