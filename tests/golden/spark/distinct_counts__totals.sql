-- metricdsl query: totals (spark)
-- from: tests/golden/projects/distinct_counts/spec.metric
WITH `scan_sales` AS (
  SELECT
    COUNT(DISTINCT `sales`.`customer_id`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `buyers`,
    COUNT(DISTINCT `sales`.`customer_id`) AS `all_buyers`,
    COUNT(DISTINCT `sales`.`product_id`) AS `products_sold`,
    COUNT(DISTINCT `sales`.`product_id`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `paid_products`,
    SUM(`sales`.`amount`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `revenue`
  FROM `dc`.`sales` AS `sales`
), `scan_sales_having` AS (
  SELECT
    COUNT(DISTINCT `distinct_key`) FILTER(WHERE
      `passes`) AS `repeat_buyers`
  FROM (
    SELECT
      `sales`.`customer_id` AS `distinct_key`,
      COUNT(*) >= 2 AS `passes`
    FROM `dc`.`sales` AS `sales`
    WHERE
      (
        `sales`.`status` = 'paid'
      )
    GROUP BY
      `sales`.`customer_id`
  ) AS `per_key`
), `combined` AS (
  SELECT
    `buyers`,
    `all_buyers`,
    `products_sold`,
    `paid_products`,
    `revenue`,
    CAST(NULL AS BIGINT) AS `repeat_buyers`
  FROM `scan_sales`
  UNION ALL
  SELECT
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `all_buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    CAST(NULL AS BIGINT) AS `paid_products`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    `repeat_buyers`
  FROM `scan_sales_having`
), `grouped` AS (
  SELECT
    MAX(`buyers`) AS `buyers`,
    MAX(`all_buyers`) AS `all_buyers`,
    MAX(`products_sold`) AS `products_sold`,
    MAX(`paid_products`) AS `paid_products`,
    MAX(`revenue`) AS `revenue`,
    MAX(`repeat_buyers`) AS `repeat_buyers`
  FROM `combined`
)
SELECT
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`all_buyers`, 0) AS `all_buyers`,
  COALESCE(`products_sold`, 0) AS `products_sold`,
  COALESCE(`paid_products`, 0) AS `paid_products`,
  COALESCE(`repeat_buyers`, 0) AS `repeat_buyers`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`buyers`, 0), 0) AS `aov`
FROM `grouped`;
