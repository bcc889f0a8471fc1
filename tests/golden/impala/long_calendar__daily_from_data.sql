-- metricdsl query: daily_from_data (impala 3.4)
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
    CAST(`bounds`.`first_bucket` + INTERVAL `numbers`.`n` DAY AS DATE) AS `time_day`
  FROM (
    SELECT
      `ones`.`d` + 0 + `tens`.`d` * 10 + `hundreds`.`d` * 100 + `thousands`.`d` * 1000 + `ten_thousands`.`d` * 10000 + `hundred_thousands`.`d` * 100000 AS `n`
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
    ) AS `ten_thousands`
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
    ) AS `hundred_thousands`
  ) AS `numbers`
  CROSS JOIN (
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
  WHERE
    CAST(`bounds`.`first_bucket` + INTERVAL `numbers`.`n` DAY AS DATE) <= `bounds`.`last_bucket`
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
  `time_day` ASC;
