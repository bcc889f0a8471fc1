-- metricdsl query: yearly_no_period (spark)
-- from: tests/corpus/time_buckets/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', `events`.`event_date`) AS DATE) AS `time_year`,
    COUNT(*) AS `events`
  FROM `tb_events` AS `events`
  GROUP BY
    CAST(DATE_TRUNC('YEAR', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_year`
  FROM (
    SELECT
      MIN(`first_bucket`) AS `first_bucket`,
      MAX(`last_bucket`) AS `last_bucket`
    FROM (
      SELECT
        MIN(`time_year`) AS `first_bucket`,
        MAX(`time_year`) AS `last_bucket`
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
        INTERVAL '12' MONTH
      )
    END
  ) series AS `bucket`
), `filled` AS (
  SELECT
    `time_year`,
    `events`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_year`,
    CAST(NULL AS BIGINT) AS `events`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_year`,
    MAX(`events`) AS `events`
  FROM `filled`
  GROUP BY
    `time_year`
)
SELECT
  `time_year` AS `time_year`,
  COALESCE(`events`, 0) AS `events`
FROM `grouped`
ORDER BY
  `time_year` ASC NULLS LAST;
