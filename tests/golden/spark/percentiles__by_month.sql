-- metricdsl query: by_month (spark)
-- from: tests/corpus/percentiles/spec.metric
WITH `scan_tickets` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE) AS `time_month`,
    COUNT(*) AS `ticket_count`,
    PERCENTILE(CAST(`tickets`.`minutes` AS DOUBLE), 0.5) AS `median_minutes`,
    PERCENTILE(CAST(`tickets`.`minutes` AS DOUBLE), 0.9) AS `p90_minutes`,
    PERCENTILE(CAST(`tickets`.`minutes` AS DOUBLE), 0.5) FILTER(WHERE
      `tickets`.`priority` = 'urgent') AS `urgent_median`
  FROM `pc_tickets` AS `tickets`
  WHERE
    `tickets`.`opened` >= CAST('2026-01-01' AS DATE)
    AND `tickets`.`opened` < CAST('2026-04-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_month`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-03-01' AS DATE)
      THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-03-01' AS DATE), INTERVAL '1' MONTH)
    END
  ) AS `series`(`bucket`)
), `filled` AS (
  SELECT
    `time_month`,
    `ticket_count`,
    `median_minutes`,
    `p90_minutes`,
    `urgent_median`
  FROM `scan_tickets`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    CAST(NULL AS BIGINT) AS `ticket_count`,
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `urgent_median`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_month`,
    MAX(`ticket_count`) AS `ticket_count`,
    MAX(`median_minutes`) AS `median_minutes`,
    MAX(`p90_minutes`) AS `p90_minutes`,
    MAX(`urgent_median`) AS `urgent_median`
  FROM `filled`
  GROUP BY
    `time_month`
)
SELECT
  `time_month` AS `time_month`,
  COALESCE(`ticket_count`, 0) AS `ticket_count`,
  `median_minutes` AS `median_minutes`,
  `p90_minutes` AS `p90_minutes`,
  `urgent_median` AS `urgent_median`
FROM `grouped`
ORDER BY
  `time_month` ASC NULLS LAST;
