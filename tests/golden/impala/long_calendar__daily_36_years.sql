-- metricdsl query: daily_36_years (impala 3.4)
-- from: tests/golden/projects/long_calendar/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(DATE_TRUNC('DAY', `events`.`event_date`) AS DATE) AS `time_day`,
    SUM(`events`.`amount`) AS `total`,
    COUNT(*) AS `event_count`
  FROM `lc_events` AS `events`
  WHERE
    `events`.`event_date` >= CAST('1990-01-01' AS DATE)
    AND `events`.`event_date` < CAST('2026-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('DAY', `events`.`event_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(CAST('1990-01-01' AS DATE) + INTERVAL `numbers`.`n` DAY AS DATE) AS `time_day`
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
  WHERE
    CAST(CAST('1990-01-01' AS DATE) + INTERVAL `numbers`.`n` DAY AS DATE) <= CAST('2025-12-31' AS DATE)
), `filled` AS (
  SELECT
    `time_day`,
    `total`,
    `event_count`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_day`,
    CAST(NULL AS BIGINT) AS `total`,
    CAST(NULL AS BIGINT) AS `event_count`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_day`,
    MAX(`total`) AS `total`,
    MAX(`event_count`) AS `event_count`
  FROM `filled`
  GROUP BY
    `time_day`
)
SELECT
  `time_day` AS `time_day`,
  COALESCE(`total`, 0) AS `total`,
  COALESCE(`event_count`, 0) AS `event_count`
FROM `grouped`
ORDER BY
  `time_day` ASC;
