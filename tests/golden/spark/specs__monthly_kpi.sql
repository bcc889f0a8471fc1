-- metricdsl query: monthly_kpi (spark)
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
    SUM(`orders`.`amount`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `revenue`,
    SUM(`orders`.`cost`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `cost`,
    COUNT(DISTINCT `orders`.`customer_id`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `buyers`,
    COUNT(*) FILTER(WHERE
      `orders`.`status` = 'paid') AS `order_count`
  FROM `dw`.`fact_orders` AS `orders`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE)
), `scan_orders_having` AS (
  SELECT
    `time_month`,
    COUNT(DISTINCT `distinct_key`) FILTER(WHERE
      `passes`) AS `repeat_buyers`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
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
      CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE),
      `orders`.`customer_id`
  ) AS `per_key`
  GROUP BY
    `time_month`
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_month`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-12-01' AS DATE)
      THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-12-01' AS DATE), INTERVAL '1' MONTH)
    END
  ) AS `series`(`bucket`)
), `combined` AS (
  SELECT
    `time_month`,
    `revenue`,
    `cost`,
    `buyers`,
    `order_count`,
    CAST(NULL AS BIGINT) AS `repeat_buyers`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS DECIMAL(38, 2)) AS `cost`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `order_count`,
    `repeat_buyers`
  FROM `scan_orders_having`
), `filled` AS (
  SELECT
    `time_month`,
    `revenue`,
    `cost`,
    `buyers`,
    `order_count`,
    `repeat_buyers`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS DECIMAL(38, 2)) AS `cost`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `order_count`,
    CAST(NULL AS BIGINT) AS `repeat_buyers`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_month`,
    MAX(`revenue`) AS `revenue`,
    MAX(`cost`) AS `cost`,
    MAX(`buyers`) AS `buyers`,
    MAX(`order_count`) AS `order_count`,
    MAX(`repeat_buyers`) AS `repeat_buyers`
  FROM `filled`
  GROUP BY
    `time_month`
)
SELECT
  `time_month` AS `time_month`,
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`cost`, 0) AS `cost`,
  COALESCE(`revenue`, 0) - COALESCE(`cost`, 0) AS `profit`,
  CAST((
    COALESCE(`revenue`, 0) - COALESCE(`cost`, 0)
  ) AS DOUBLE) / NULLIF(COALESCE(`revenue`, 0), 0) AS `margin_rate`,
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`order_count`, 0) AS `order_count`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`buyers`, 0), 0) AS `aov`,
  COALESCE(`repeat_buyers`, 0) AS `repeat_buyers`,
  CAST(COALESCE(`repeat_buyers`, 0) AS DOUBLE) / NULLIF(COALESCE(`buyers`, 0), 0) AS `repeat_rate`
FROM `grouped`
ORDER BY
  `time_month` ASC NULLS LAST;
