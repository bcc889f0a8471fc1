-- metricdsl query: weekly_53 (impala 3.4)
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
    CAST(CAST('2026-12-21' AS DATE) + INTERVAL (
      `numbers`.`n` * 7
    ) DAY AS DATE) AS `time_week`
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
  WHERE
    CAST(CAST('2026-12-21' AS DATE) + INTERVAL (
      `numbers`.`n` * 7
    ) DAY AS DATE) <= CAST('2026-12-28' AS DATE)
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
  `time_week` ASC;
