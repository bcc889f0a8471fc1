-- metricdsl query: agent_ranking (impala 3.4)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_orders` AS (
  SELECT
    CAST(TRUNC(`orders`.`order_date`, 'Q') AS DATE) AS `time_quarter`,
    `agents`.`team` AS `team`,
    `agents`.`name` AS `agent`,
    SUM(IF(`orders`.`status` = 'paid', `orders`.`amount`, NULL)) AS `revenue`
  FROM `dw`.`fact_orders` AS `orders`
  LEFT JOIN `dw`.`dim_agent` AS `agents`
    ON `orders`.`agent_id` = `agents`.`agent_id`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(TRUNC(`orders`.`order_date`, 'Q') AS DATE),
    `agents`.`team`,
    `agents`.`name`
), `scan_orders_percentile2` AS (
  SELECT
    `time_quarter`,
    `team`,
    `agent`,
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
    ) AS `median_order_value`
  FROM (
    SELECT
      CAST(TRUNC(`orders`.`order_date`, 'Q') AS DATE) AS `time_quarter`,
      `agents`.`team` AS `team`,
      `agents`.`name` AS `agent`,
      CAST(`orders`.`amount` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (
        PARTITION BY CAST(TRUNC(`orders`.`order_date`, 'Q') AS DATE), `agents`.`team`, `agents`.`name`
        ORDER BY CAST(`orders`.`amount` AS DOUBLE) ASC
      ) AS `percentile_row`,
      0.5 * (
        COUNT(CAST(`orders`.`amount` AS DOUBLE)) OVER (
          PARTITION BY CAST(TRUNC(`orders`.`order_date`, 'Q') AS DATE), `agents`.`team`, `agents`.`name`
        ) - 1
      ) AS `percentile_position`
    FROM `dw`.`fact_orders` AS `orders`
    LEFT JOIN `dw`.`dim_agent` AS `agents`
      ON `orders`.`agent_id` = `agents`.`agent_id`
    WHERE
      `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
      AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
      AND (
        `orders`.`status` = 'paid'
      )
  ) AS `ranked`
  GROUP BY
    `time_quarter`,
    `team`,
    `agent`
), `calendar` AS (
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_quarter`
  UNION ALL
  SELECT
    CAST('2026-04-01' AS DATE) AS `time_quarter`
  UNION ALL
  SELECT
    CAST('2026-07-01' AS DATE) AS `time_quarter`
  UNION ALL
  SELECT
    CAST('2026-10-01' AS DATE) AS `time_quarter`
), `combined` AS (
  SELECT
    `time_quarter`,
    `team`,
    `agent`,
    `revenue`,
    CAST(NULL AS DOUBLE) AS `median_order_value`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `time_quarter`,
    `team`,
    `agent`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    `median_order_value`
  FROM `scan_orders_percentile2`
), `filled` AS (
  SELECT
    `time_quarter`,
    `team`,
    `agent`,
    `revenue`,
    `median_order_value`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_quarter`,
    `present`.`team`,
    `present`.`agent`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS DOUBLE) AS `median_order_value`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `team`,
      `agent`
    FROM `combined`
  ) AS `present`
), `grouped` AS (
  SELECT
    `time_quarter`,
    `team`,
    `agent`,
    MAX(`revenue`) AS `revenue`,
    MAX(`median_order_value`) AS `median_order_value`
  FROM `filled`
  GROUP BY
    `time_quarter`,
    `team`,
    `agent`
)
SELECT
  `time_quarter` AS `time_quarter`,
  `team` AS `team`,
  `agent` AS `agent`,
  COALESCE(`revenue`, 0) AS `revenue`,
  RANK() OVER (
    PARTITION BY `time_quarter`, `team`
    ORDER BY COALESCE(`revenue`, 0) DESC NULLS LAST
  ) AS `agent_rank`,
  `median_order_value` AS `median_order_value`
FROM `grouped`
ORDER BY
  `time_quarter` ASC,
  `team` ASC,
  `agent_rank` ASC,
  `agent` ASC;
