-- metricdsl query: by_channel (impala 3.0)
-- from: tests/golden/projects/distinct_counts/spec.metric
WITH `scan_sales` AS (
  SELECT
    `sales`.`channel` AS `channel`,
    COUNT(DISTINCT IF(`sales`.`status` = 'paid', `sales`.`customer_id`, NULL)) AS `buyers`,
    SUM(IF(`sales`.`status` = 'paid', `sales`.`amount`, NULL)) AS `revenue`,
    COUNT(*) AS `orders`
  FROM `dc`.`sales` AS `sales`
  GROUP BY
    `sales`.`channel`
), `scan_sales_distinct2` AS (
  SELECT
    `sales`.`channel` AS `channel`,
    COUNT(DISTINCT `sales`.`customer_id`) AS `all_buyers`
  FROM `dc`.`sales` AS `sales`
  GROUP BY
    `sales`.`channel`
), `scan_sales_distinct3` AS (
  SELECT
    `sales`.`channel` AS `channel`,
    COUNT(
      DISTINCT IF(
        (
          `sales`.`channel` = 'phone'
        ) AND (
          `sales`.`status` = 'paid'
        ),
        `sales`.`customer_id`,
        NULL
      )
    ) AS `phone_buyers`
  FROM `dc`.`sales` AS `sales`
  WHERE
    (
      (
        `sales`.`channel` = 'phone'
      ) AND (
        `sales`.`status` = 'paid'
      )
    )
  GROUP BY
    `sales`.`channel`
), `scan_sales_distinct4` AS (
  SELECT
    `sales`.`channel` AS `channel`,
    COUNT(DISTINCT `sales`.`product_id`) AS `products_sold`
  FROM `dc`.`sales` AS `sales`
  GROUP BY
    `sales`.`channel`
), `scan_sales_distinct5` AS (
  SELECT
    `sales`.`channel` AS `channel`,
    COUNT(DISTINCT IF(`sales`.`status` = 'paid', `sales`.`product_id`, NULL)) AS `paid_products`
  FROM `dc`.`sales` AS `sales`
  WHERE
    (
      `sales`.`status` = 'paid'
    )
  GROUP BY
    `sales`.`channel`
), `combined` AS (
  SELECT
    `channel`,
    `buyers`,
    `revenue`,
    `orders`,
    CAST(NULL AS BIGINT) AS `all_buyers`,
    CAST(NULL AS BIGINT) AS `phone_buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    CAST(NULL AS BIGINT) AS `paid_products`
  FROM `scan_sales`
  UNION ALL
  SELECT
    `channel`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `orders`,
    `all_buyers`,
    CAST(NULL AS BIGINT) AS `phone_buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    CAST(NULL AS BIGINT) AS `paid_products`
  FROM `scan_sales_distinct2`
  UNION ALL
  SELECT
    `channel`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `orders`,
    CAST(NULL AS BIGINT) AS `all_buyers`,
    `phone_buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    CAST(NULL AS BIGINT) AS `paid_products`
  FROM `scan_sales_distinct3`
  UNION ALL
  SELECT
    `channel`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `orders`,
    CAST(NULL AS BIGINT) AS `all_buyers`,
    CAST(NULL AS BIGINT) AS `phone_buyers`,
    `products_sold`,
    CAST(NULL AS BIGINT) AS `paid_products`
  FROM `scan_sales_distinct4`
  UNION ALL
  SELECT
    `channel`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `orders`,
    CAST(NULL AS BIGINT) AS `all_buyers`,
    CAST(NULL AS BIGINT) AS `phone_buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    `paid_products`
  FROM `scan_sales_distinct5`
), `grouped` AS (
  SELECT
    `channel`,
    MAX(`buyers`) AS `buyers`,
    MAX(`revenue`) AS `revenue`,
    MAX(`orders`) AS `orders`,
    MAX(`all_buyers`) AS `all_buyers`,
    MAX(`phone_buyers`) AS `phone_buyers`,
    MAX(`products_sold`) AS `products_sold`,
    MAX(`paid_products`) AS `paid_products`
  FROM `combined`
  GROUP BY
    `channel`
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
FROM `grouped`
ORDER BY
  `channel` ASC;
