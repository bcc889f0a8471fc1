-- metricdsl query: price_band_quarterly (spark)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('QUARTER', `orders`.`order_date`) AS DATE) AS `time_quarter`,
    CASE
      WHEN `products`.`price` >= 5000
      THEN '高端'
      WHEN `products`.`price` >= 1000
      THEN '中端'
      ELSE '入门'
    END AS `price_band`,
    SUM(`orders`.`amount`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `revenue`,
    COUNT(*) FILTER(WHERE
      `orders`.`status` = 'paid') AS `order_count`,
    SUM(`orders`.`cost`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `cost`
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
    CAST(DATE_TRUNC('QUARTER', `orders`.`order_date`) AS DATE),
    CASE
      WHEN `products`.`price` >= 5000
      THEN '高端'
      WHEN `products`.`price` >= 1000
      THEN '中端'
      ELSE '入门'
    END
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_quarter`
  FROM EXPLODE(
    CASE
      WHEN CAST('2025-01-01' AS DATE) <= CAST('2026-10-01' AS DATE)
      THEN SEQUENCE(CAST('2025-01-01' AS DATE), CAST('2026-10-01' AS DATE), INTERVAL '3' MONTH)
    END
  ) AS `series`(`bucket`)
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
  `time_quarter` ASC NULLS LAST,
  `revenue` DESC,
  `price_band` ASC NULLS LAST;
