-- metricdsl query: revenue_by_product (impala 3.4)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_orders` AS (
  SELECT
    `products`.`category` AS `category`,
    `products`.`name` AS `product`,
    SUM(IF(`orders`.`status` = 'paid', `orders`.`amount`, NULL)) AS `revenue`,
    COUNT(IF(`orders`.`status` = 'paid', 1, NULL)) AS `order_count`,
    COUNT(DISTINCT IF(`orders`.`status` = 'paid', `orders`.`customer_id`, NULL)) AS `buyers`,
    SUM(IF(`orders`.`status` = 'paid', `orders`.`cost`, NULL)) AS `cost`
  FROM `dw`.`fact_orders` AS `orders`
  LEFT JOIN `dw`.`dim_product` AS `products`
    ON `orders`.`product_id` = `products`.`product_id`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    `products`.`category`,
    `products`.`name`
)
SELECT
  `category` AS `category`,
  `product` AS `product`,
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`order_count`, 0) AS `order_count`,
  COALESCE(`buyers`, 0) AS `buyers`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`buyers`, 0), 0) AS `aov`,
  CAST((
    COALESCE(`revenue`, 0) - COALESCE(`cost`, 0)
  ) AS DOUBLE) / NULLIF(COALESCE(`revenue`, 0), 0) AS `margin_rate`
FROM `scan_orders`
ORDER BY
  `revenue` DESC NULLS LAST,
  `category` ASC,
  `product` ASC;
