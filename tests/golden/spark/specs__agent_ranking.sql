-- metricdsl query: agent_ranking (spark)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('QUARTER', `orders`.`order_date`) AS DATE) AS `time_quarter`,
    `agents`.`team` AS `team`,
    `agents`.`name` AS `agent`,
    SUM(`orders`.`amount`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `revenue`,
    PERCENTILE(CAST(`orders`.`amount` AS DOUBLE), 0.5) FILTER(WHERE
      `orders`.`status` = 'paid') AS `median_order_value`
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
    CAST(DATE_TRUNC('QUARTER', `orders`.`order_date`) AS DATE),
    `agents`.`team`,
    `agents`.`name`
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_quarter`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-10-01' AS DATE)
      THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-10-01' AS DATE), INTERVAL '3' MONTH)
    END
  ) AS `series`(`bucket`)
), `filled` AS (
  SELECT
    `time_quarter`,
    `team`,
    `agent`,
    `revenue`,
    `median_order_value`
  FROM `scan_orders`
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
    FROM `scan_orders`
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
  RANK() OVER (PARTITION BY `time_quarter`, `team` ORDER BY COALESCE(`revenue`, 0) DESC) AS `agent_rank`,
  `median_order_value` AS `median_order_value`
FROM `grouped`
ORDER BY
  `time_quarter` ASC NULLS LAST,
  `team` ASC NULLS LAST,
  `agent_rank` ASC NULLS LAST,
  `agent` ASC NULLS LAST;
