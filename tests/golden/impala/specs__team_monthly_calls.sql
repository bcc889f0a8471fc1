-- metricdsl query: team_monthly_calls (impala 3.4)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_calls` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `calls`.`call_date`) AS DATE) AS `time_month`,
    `agents`.`team` AS `team`,
    COUNT(*) AS `call_count`,
    COUNT(IF(`calls`.`connected` = TRUE, 1, NULL)) AS `connected_calls`
  FROM `dw`.`fact_calls` AS `calls`
  LEFT JOIN `dw`.`dim_agent` AS `agents`
    ON `calls`.`agent_id` = `agents`.`agent_id`
  WHERE
    `calls`.`call_date` >= CAST('2026-01-01' AS DATE)
    AND `calls`.`call_date` < CAST('2027-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `calls`.`call_date`) AS DATE),
    `agents`.`team`
), `calendar` AS (
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-02-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-03-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-04-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-05-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-06-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-07-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-08-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-09-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-10-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-11-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-12-01' AS DATE) AS `time_month`
), `filled` AS (
  SELECT
    `time_month`,
    `team`,
    `call_count`,
    `connected_calls`
  FROM `scan_calls`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    `present`.`team`,
    CAST(NULL AS BIGINT) AS `call_count`,
    CAST(NULL AS BIGINT) AS `connected_calls`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `team`
    FROM `scan_calls`
  ) AS `present`
), `grouped` AS (
  SELECT
    `time_month`,
    `team`,
    MAX(`call_count`) AS `call_count`,
    MAX(`connected_calls`) AS `connected_calls`
  FROM `filled`
  GROUP BY
    `time_month`,
    `team`
)
SELECT
  `time_month` AS `time_month`,
  `team` AS `team`,
  COALESCE(`call_count`, 0) AS `call_count`,
  COALESCE(`connected_calls`, 0) AS `connected_calls`,
  CAST(COALESCE(`connected_calls`, 0) AS DOUBLE) / NULLIF(COALESCE(`call_count`, 0), 0) AS `connect_rate`
FROM `grouped`
ORDER BY
  `time_month` ASC,
  `team` ASC;
