-- metricdsl query: by_channel (spark)
-- from: tests/golden/projects/distinct_counts/spec.metric
WITH `scan_sales` AS (
  SELECT
    `sales`.`channel` AS `channel`,
    COUNT(DISTINCT `sales`.`customer_id`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `buyers`,
    COUNT(DISTINCT `sales`.`customer_id`) AS `all_buyers`,
    COUNT(DISTINCT `sales`.`customer_id`) FILTER(WHERE
      (
        `sales`.`channel` = 'phone'
      ) AND (
        `sales`.`status` = 'paid'
      )) AS `phone_buyers`,
    COUNT(DISTINCT `sales`.`product_id`) AS `products_sold`,
    COUNT(DISTINCT `sales`.`product_id`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `paid_products`,
    SUM(`sales`.`amount`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `revenue`,
    COUNT(*) AS `orders`
  FROM `dc`.`sales` AS `sales`
  GROUP BY
    `sales`.`channel`
)
SELECT
  `channel` AS `channel`,
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`all_buyers`, 0) AS `all_buyers`,
  COALESCE(`phone_buyers`, 0) AS `phone_buyers`,
  COALESCE(`products_sold`, 0) AS `products_sold`,
  COALESCE(`paid_products`, 0) AS `paid_products`,
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`orders`, 0) AS `orders`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`buyers`, 0), 0) AS `aov`
FROM `scan_sales`
ORDER BY
  `channel` ASC NULLS LAST;
