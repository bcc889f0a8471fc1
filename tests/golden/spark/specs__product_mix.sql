-- metricdsl query: product_mix (spark)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
    `products`.`name` AS `product`,
    SUM(`orders`.`amount`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `revenue`,
    PERCENTILE(CAST(`orders`.`amount` AS DOUBLE), 0.5) FILTER(WHERE
      `orders`.`status` = 'paid') AS `median_order_value`
  FROM `dw`.`fact_orders` AS `orders`
  LEFT JOIN `dw`.`dim_product` AS `products`
    ON `orders`.`product_id` = `products`.`product_id`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2026-04-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE),
    `products`.`name`
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
    `product`,
    `revenue`,
    `median_order_value`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    `present`.`product`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS DOUBLE) AS `median_order_value`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `product`
    FROM `scan_orders`
  ) AS `present`
), `grouped` AS (
  SELECT
    `time_month`,
    `product`,
    MAX(`revenue`) AS `revenue`,
    MAX(`median_order_value`) AS `median_order_value`
  FROM `filled`
  GROUP BY
    `time_month`,
    `product`
), `with_totals` AS (
  SELECT
    `grouped`.*,
    SUM(COALESCE(`revenue`, 0)) OVER (PARTITION BY `grouped`.`time_month`) AS `total_product_share`
  FROM `grouped`
)
SELECT
  `time_month` AS `time_month`,
  `product` AS `product`,
  COALESCE(`revenue`, 0) AS `revenue`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`total_product_share`, 0), 0) AS `product_share`,
  `median_order_value` AS `median_order_value`
FROM `with_totals`
ORDER BY
  `time_month` ASC NULLS LAST,
  `revenue` DESC,
  `product` ASC NULLS LAST;
