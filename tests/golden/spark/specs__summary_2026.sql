-- metricdsl query: summary_2026 (spark)
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_orders` AS (
  SELECT
    SUM(`orders`.`amount`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `revenue`,
    SUM(`orders`.`cost`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `cost`,
    COUNT(DISTINCT `orders`.`customer_id`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `buyers`
  FROM `dw`.`fact_orders` AS `orders`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
), `scan_orders_having` AS (
  SELECT
    COUNT(DISTINCT `distinct_key`) FILTER(WHERE
      `passes`) AS `repeat_buyers`
  FROM (
    SELECT
      `orders`.`customer_id` AS `distinct_key`,
      COUNT(*) >= 2 AS `passes`
    FROM `dw`.`fact_orders` AS `orders`
    WHERE
      `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
      AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
      AND (
        `orders`.`status` = 'paid'
      )
    GROUP BY
      `orders`.`customer_id`
  ) AS `per_key`
), `scan_calls` AS (
  SELECT
    COUNT(*) AS `call_count`,
    COUNT(*) FILTER(WHERE
      `calls`.`connected` = TRUE) AS `connected_calls`
  FROM `dw`.`fact_calls` AS `calls`
  WHERE
    `calls`.`call_date` >= CAST('2026-01-01' AS DATE)
    AND `calls`.`call_date` < CAST('2027-01-01' AS DATE)
), `combined` AS (
  SELECT
    `revenue`,
    `cost`,
    `buyers`,
    CAST(NULL AS BIGINT) AS `repeat_buyers`,
    CAST(NULL AS BIGINT) AS `call_count`,
    CAST(NULL AS BIGINT) AS `connected_calls`
  FROM `scan_orders`
  UNION ALL
  SELECT
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS DECIMAL(38, 2)) AS `cost`,
    CAST(NULL AS BIGINT) AS `buyers`,
    `repeat_buyers`,
    CAST(NULL AS BIGINT) AS `call_count`,
    CAST(NULL AS BIGINT) AS `connected_calls`
  FROM `scan_orders_having`
  UNION ALL
  SELECT
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS DECIMAL(38, 2)) AS `cost`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `repeat_buyers`,
    `call_count`,
    `connected_calls`
  FROM `scan_calls`
), `grouped` AS (
  SELECT
    MAX(`revenue`) AS `revenue`,
    MAX(`cost`) AS `cost`,
    MAX(`buyers`) AS `buyers`,
    MAX(`repeat_buyers`) AS `repeat_buyers`,
    MAX(`call_count`) AS `call_count`,
    MAX(`connected_calls`) AS `connected_calls`
  FROM `combined`
)
SELECT
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`revenue`, 0) - COALESCE(`cost`, 0) AS `profit`,
  CAST((
    COALESCE(`revenue`, 0) - COALESCE(`cost`, 0)
  ) AS DOUBLE) / NULLIF(COALESCE(`revenue`, 0), 0) AS `margin_rate`,
  COALESCE(`buyers`, 0) AS `buyers`,
  CAST(COALESCE(`repeat_buyers`, 0) AS DOUBLE) / NULLIF(COALESCE(`buyers`, 0), 0) AS `repeat_rate`,
  COALESCE(`call_count`, 0) AS `call_count`,
  CAST(COALESCE(`connected_calls`, 0) AS DOUBLE) / NULLIF(COALESCE(`call_count`, 0), 0) AS `connect_rate`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`call_count`, 0), 0) AS `revenue_per_call`
FROM `grouped`;
