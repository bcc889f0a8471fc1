-- metricdsl query: by_month (impala 3.4)
-- from: tests/corpus/percentiles/spec.metric
WITH `scan_tickets` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE) AS `time_month`,
    COUNT(*) AS `ticket_count`
  FROM `pc_tickets` AS `tickets`
  WHERE
    `tickets`.`opened` >= CAST('2026-01-01' AS DATE)
    AND `tickets`.`opened` < CAST('2026-04-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE)
), `scan_tickets_percentile2` AS (
  SELECT
    `time_month`,
    MAX(
      CASE
        WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
        THEN `percentile_value`
      END
    ) + MAX(`percentile_position` - FLOOR(`percentile_position`)) * (
      MAX(
        CASE
          WHEN `percentile_row` = CEIL(`percentile_position`) + 1
          THEN `percentile_value`
        END
      ) - MAX(
        CASE
          WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
          THEN `percentile_value`
        END
      )
    ) AS `median_minutes`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE) AS `time_month`,
      CAST(`tickets`.`minutes` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (
        PARTITION BY CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE)
        ORDER BY CAST(`tickets`.`minutes` AS DOUBLE) ASC
      ) AS `percentile_row`,
      0.5 * (
        COUNT(CAST(`tickets`.`minutes` AS DOUBLE)) OVER (PARTITION BY CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE)) - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
    WHERE
      `tickets`.`opened` >= CAST('2026-01-01' AS DATE)
      AND `tickets`.`opened` < CAST('2026-04-01' AS DATE)
  ) AS `ranked`
  GROUP BY
    `time_month`
), `scan_tickets_percentile3` AS (
  SELECT
    `time_month`,
    MAX(
      CASE
        WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
        THEN `percentile_value`
      END
    ) + MAX(`percentile_position` - FLOOR(`percentile_position`)) * (
      MAX(
        CASE
          WHEN `percentile_row` = CEIL(`percentile_position`) + 1
          THEN `percentile_value`
        END
      ) - MAX(
        CASE
          WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
          THEN `percentile_value`
        END
      )
    ) AS `p90_minutes`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE) AS `time_month`,
      CAST(`tickets`.`minutes` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (
        PARTITION BY CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE)
        ORDER BY CAST(`tickets`.`minutes` AS DOUBLE) ASC
      ) AS `percentile_row`,
      0.9 * (
        COUNT(CAST(`tickets`.`minutes` AS DOUBLE)) OVER (PARTITION BY CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE)) - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
    WHERE
      `tickets`.`opened` >= CAST('2026-01-01' AS DATE)
      AND `tickets`.`opened` < CAST('2026-04-01' AS DATE)
  ) AS `ranked`
  GROUP BY
    `time_month`
), `scan_tickets_percentile4` AS (
  SELECT
    `time_month`,
    MAX(
      CASE
        WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
        THEN `percentile_value`
      END
    ) + MAX(`percentile_position` - FLOOR(`percentile_position`)) * (
      MAX(
        CASE
          WHEN `percentile_row` = CEIL(`percentile_position`) + 1
          THEN `percentile_value`
        END
      ) - MAX(
        CASE
          WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
          THEN `percentile_value`
        END
      )
    ) AS `urgent_median`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE) AS `time_month`,
      CAST(`tickets`.`minutes` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (
        PARTITION BY CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE)
        ORDER BY CAST(`tickets`.`minutes` AS DOUBLE) ASC
      ) AS `percentile_row`,
      0.5 * (
        COUNT(CAST(`tickets`.`minutes` AS DOUBLE)) OVER (PARTITION BY CAST(DATE_TRUNC('MONTH', `tickets`.`opened`) AS DATE)) - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
    WHERE
      `tickets`.`opened` >= CAST('2026-01-01' AS DATE)
      AND `tickets`.`opened` < CAST('2026-04-01' AS DATE)
      AND (
        `tickets`.`priority` = 'urgent'
      )
  ) AS `ranked`
  GROUP BY
    `time_month`
), `calendar` AS (
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-02-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-03-01' AS DATE) AS `time_month`
), `combined` AS (
  SELECT
    `time_month`,
    `ticket_count`,
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `urgent_median`
  FROM `scan_tickets`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `ticket_count`,
    `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `urgent_median`
  FROM `scan_tickets_percentile2`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `ticket_count`,
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `urgent_median`
  FROM `scan_tickets_percentile3`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `ticket_count`,
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    `urgent_median`
  FROM `scan_tickets_percentile4`
), `filled` AS (
  SELECT
    `time_month`,
    `ticket_count`,
    `median_minutes`,
    `p90_minutes`,
    `urgent_median`
  FROM `combined`
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
  `time_month` ASC;
