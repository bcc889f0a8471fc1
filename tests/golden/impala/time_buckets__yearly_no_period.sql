-- metricdsl query: yearly_no_period (impala 3.4)
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
    CAST(`bounds`.`first_bucket` + INTERVAL (
      `numbers`.`n` * 12
    ) MONTH AS DATE) AS `time_year`
  FROM (
    SELECT
      `ones`.`d` + 0 + `tens`.`d` * 10 + `hundreds`.`d` * 100 + `thousands`.`d` * 1000 AS `n`
    FROM (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `ones`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `tens`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `hundreds`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `thousands`
  ) AS `numbers`
  CROSS JOIN (
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
  WHERE
    CAST(`bounds`.`first_bucket` + INTERVAL (
      `numbers`.`n` * 12
    ) MONTH AS DATE) <= `bounds`.`last_bucket`
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
  `time_year` ASC;
