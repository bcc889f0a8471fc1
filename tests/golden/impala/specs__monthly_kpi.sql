-- metricdsl query: monthly_kpi (impala 3.4)
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
    SUM(IF(`orders`.`status` = 'paid', `orders`.`amount`, NULL)) AS `revenue`,
    SUM(IF(`orders`.`status` = 'paid', `orders`.`cost`, NULL)) AS `cost`,
    COUNT(DISTINCT IF(`orders`.`status` = 'paid', `orders`.`customer_id`, NULL)) AS `buyers`,
    COUNT(IF(`orders`.`status` = 'paid', 1, NULL)) AS `order_count`
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
    COUNT(DISTINCT IF(`passes`, `distinct_key`, NULL)) AS `repeat_buyers`
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
    CAST(CAST('2026-01-01' AS DATE) + INTERVAL `numbers`.`n` MONTH AS DATE) AS `time_month`
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
    CAST(CAST('2026-01-01' AS DATE) + INTERVAL `numbers`.`n` MONTH AS DATE) <= CAST('2026-12-01' AS DATE)
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
  `time_month` ASC;
