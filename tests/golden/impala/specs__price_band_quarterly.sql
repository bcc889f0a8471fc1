-- metricdsl query: price_band_quarterly (impala 3.4)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_orders` AS (
  SELECT
    CAST(TRUNC(`orders`.`order_date`, 'Q') AS DATE) AS `time_quarter`,
    CASE
      WHEN `products`.`price` >= 5000
      THEN '高端'
      WHEN `products`.`price` >= 1000
      THEN '中端'
      ELSE '入门'
    END AS `price_band`,
    SUM(IF(`orders`.`status` = 'paid', `orders`.`amount`, NULL)) AS `revenue`,
    COUNT(IF(`orders`.`status` = 'paid', 1, NULL)) AS `order_count`,
    SUM(IF(`orders`.`status` = 'paid', `orders`.`cost`, NULL)) AS `cost`
  FROM `dw`.`fact_orders` AS `orders`
  LEFT JOIN `dw`.`dim_product` AS `products`
    ON `orders`.`product_id` = `products`.`product_id`
  WHERE
    `orders`.`order_date` >= CAST('2025-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(TRUNC(`orders`.`order_date`, 'Q') AS DATE),
    CASE
      WHEN `products`.`price` >= 5000
      THEN '高端'
      WHEN `products`.`price` >= 1000
      THEN '中端'
      ELSE '入门'
    END
), `calendar` AS (
  SELECT
    CAST('2025-01-01' AS DATE) AS `time_quarter`
  UNION ALL
  SELECT
    CAST('2025-04-01' AS DATE) AS `time_quarter`
  UNION ALL
  SELECT
    CAST('2025-07-01' AS DATE) AS `time_quarter`
  UNION ALL
  SELECT
    CAST('2025-10-01' AS DATE) AS `time_quarter`
  UNION ALL
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
), `filled` AS (
  SELECT
    `time_quarter`,
    `price_band`,
    `revenue`,
    `order_count`,
    `cost`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `calendar`.`time_quarter`,
    `present`.`price_band`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `order_count`,
    CAST(NULL AS DECIMAL(38, 2)) AS `cost`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `price_band`
    FROM `scan_orders`
  ) AS `present`
), `grouped` AS (
  SELECT
    `time_quarter`,
    `price_band`,
    MAX(`revenue`) AS `revenue`,
    MAX(`order_count`) AS `order_count`,
    MAX(`cost`) AS `cost`
  FROM `filled`
  GROUP BY
    `time_quarter`,
    `price_band`
)
SELECT
  `time_quarter` AS `time_quarter`,
  `price_band` AS `price_band`,
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`order_count`, 0) AS `order_count`,
  CAST((
    COALESCE(`revenue`, 0) - COALESCE(`cost`, 0)
  ) AS DOUBLE) / NULLIF(COALESCE(`revenue`, 0), 0) AS `margin_rate`
FROM `grouped`
ORDER BY
  `time_quarter` ASC,
  `revenue` DESC NULLS LAST,
  `price_band` ASC;
