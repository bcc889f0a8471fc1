-- metricdsl query: weekly_from_data (impala 3.4)
-- from: tests/golden/projects/long_calendar/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `events`.`event_date`) AS DATE) AS `time_week`,
    COUNT(*) AS `event_count`
  FROM `lc_events` AS `events`
  GROUP BY
    CAST(DATE_TRUNC('WEEK', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`bounds`.`first_bucket` + INTERVAL (
      `numbers`.`n` * 7
    ) DAY AS DATE) AS `time_week`
  FROM (
    SELECT
      `ones`.`d` + 0 + `tens`.`d` * 10 + `hundreds`.`d` * 100 + `thousands`.`d` * 1000 + `ten_thousands`.`d` * 10000 AS `n`
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
  ) AS `numbers`
  CROSS JOIN (
    SELECT
      MIN(`first_bucket`) AS `first_bucket`,
      MAX(`last_bucket`) AS `last_bucket`
    FROM (
      SELECT
        MIN(`time_week`) AS `first_bucket`,
        MAX(`time_week`) AS `last_bucket`
      FROM `scan_events`
    ) AS `ranges`
  ) AS `bounds`
  WHERE
    CAST(`bounds`.`first_bucket` + INTERVAL (
      `numbers`.`n` * 7
    ) DAY AS DATE) <= `bounds`.`last_bucket`
), `filled` AS (
  SELECT
    `time_week`,
    `event_count`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_week`,
    CAST(NULL AS BIGINT) AS `event_count`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_week`,
    MAX(`event_count`) AS `event_count`
  FROM `filled`
  GROUP BY
    `time_week`
)
SELECT
  `time_week` AS `time_week`,
  COALESCE(`event_count`, 0) AS `event_count`
FROM `grouped`
ORDER BY
  `time_week` ASC;
