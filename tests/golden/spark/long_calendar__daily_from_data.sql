-- metricdsl query: daily_from_data (spark)
-- from: tests/golden/projects/long_calendar/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('DAY', `events`.`event_date`) AS DATE) AS `time_day`,
    SUM(`events`.`amount`) AS `total`
  FROM `lc_events` AS `events`
  GROUP BY
    CAST(DATE_TRUNC('DAY', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_day`
  FROM (
    SELECT
      MIN(`first_bucket`) AS `first_bucket`,
      MAX(`last_bucket`) AS `last_bucket`
    FROM (
      SELECT
        MIN(`time_day`) AS `first_bucket`,
        MAX(`time_day`) AS `last_bucket`
      FROM `scan_events`
    ) AS `ranges`
  ) AS `bounds`
  LATERAL VIEW
  EXPLODE(
    CASE
      WHEN CAST(`bounds`.`first_bucket` AS DATE) <= CAST(`bounds`.`last_bucket` AS DATE)
      THEN SEQUENCE(
        CAST(`bounds`.`first_bucket` AS DATE),
        CAST(`bounds`.`last_bucket` AS DATE),
        INTERVAL '1' DAY
      )
    END
  ) series AS `bucket`
), `filled` AS (
  SELECT
    `time_day`,
    `total`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_day`,
    CAST(NULL AS BIGINT) AS `total`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_day`,
    MAX(`total`) AS `total`
  FROM `filled`
  GROUP BY
    `time_day`
)
SELECT
  `time_day` AS `time_day`,
  COALESCE(`total`, 0) AS `total`
FROM `grouped`
ORDER BY
  `time_day` ASC NULLS LAST;
