-- metricdsl query: quarterly (impala 3.4)
-- from: tests/corpus/time_buckets/spec.metric
WITH `scan_events` AS (
  SELECT
    CAST(TRUNC(`events`.`event_date`, 'Q') AS DATE) AS `time_quarter`,
    `events`.`kind` AS `kind`,
    COUNT(*) AS `events`,
    SUM(`events`.`value`) AS `total`
  FROM `tb_events` AS `events`
  WHERE
    `events`.`event_date` >= CAST('2025-01-01' AS DATE)
    AND `events`.`event_date` < CAST('2026-01-01' AS DATE)
  GROUP BY
    CAST(TRUNC(`events`.`event_date`, 'Q') AS DATE),
    `events`.`kind`
), `calendar` AS (
  SELECT
    CAST(CAST('2025-01-01' AS DATE) + INTERVAL (
      `numbers`.`n` * 3
    ) MONTH AS DATE) AS `time_quarter`
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
    CAST(CAST('2025-01-01' AS DATE) + INTERVAL (
      `numbers`.`n` * 3
    ) MONTH AS DATE) <= CAST('2025-10-01' AS DATE)
), `filled` AS (
  SELECT
    `time_quarter`,
    `kind`,
    `events`,
    `total`
  FROM `scan_events`
  UNION ALL
  SELECT
    `calendar`.`time_quarter`,
    `present`.`kind`,
    CAST(NULL AS BIGINT) AS `events`,
    CAST(NULL AS BIGINT) AS `total`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `kind`
    FROM `scan_events`
  ) AS `present`
), `grouped` AS (
  SELECT
    `time_quarter`,
    `kind`,
    MAX(`events`) AS `events`,
    MAX(`total`) AS `total`
  FROM `filled`
  GROUP BY
    `time_quarter`,
    `kind`
)
SELECT
  `time_quarter` AS `time_quarter`,
  `kind` AS `kind`,
  COALESCE(`events`, 0) AS `events`,
  COALESCE(`total`, 0) AS `total`
FROM `grouped`
ORDER BY
  `time_quarter` ASC,
  `kind` ASC;
