-- metricdsl query: revenue_by_product (spark)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_orders` AS (
  SELECT
    `products`.`category` AS `category`,
    `products`.`name` AS `product`,
    SUM(`orders`.`amount`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `revenue`,
    COUNT(*) FILTER(WHERE
      `orders`.`status` = 'paid') AS `order_count`,
    COUNT(DISTINCT `orders`.`customer_id`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `buyers`,
    SUM(`orders`.`cost`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `cost`
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
  `revenue` DESC,
  `category` ASC NULLS LAST,
  `product` ASC NULLS LAST;
