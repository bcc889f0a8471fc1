-- metricdsl query: monthly (impala 3.0)
-- from: tests/golden/projects/distinct_counts/spec.metric
WITH `scan_sales` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS TIMESTAMP) AS `time_month`,
    `customers`.`city` AS `city`,
    COUNT(DISTINCT IF(`sales`.`status` = 'paid', `sales`.`customer_id`, NULL)) AS `buyers`,
    SUM(IF(`sales`.`status` = 'paid', `sales`.`amount`, NULL)) AS `revenue`
  FROM `dc`.`sales` AS `sales`
  LEFT JOIN `dc`.`customers` AS `customers`
    ON `sales`.`customer_id` = `customers`.`customer_id`
  WHERE
    `sales`.`sold_on` >= CAST('2026-01-01' AS TIMESTAMP)
    AND `sales`.`sold_on` < CAST('2027-01-01' AS TIMESTAMP)
    AND (
      `sales`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS TIMESTAMP),
    `customers`.`city`
), `scan_sales_distinct2` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS TIMESTAMP) AS `time_month`,
    `customers`.`city` AS `city`,
    COUNT(DISTINCT `sales`.`product_id`) AS `products_sold`
  FROM `dc`.`sales` AS `sales`
  LEFT JOIN `dc`.`customers` AS `customers`
    ON `sales`.`customer_id` = `customers`.`customer_id`
  WHERE
    `sales`.`sold_on` >= CAST('2026-01-01' AS TIMESTAMP)
    AND `sales`.`sold_on` < CAST('2027-01-01' AS TIMESTAMP)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS TIMESTAMP),
    `customers`.`city`
), `scan_sales_distinct3` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS TIMESTAMP) AS `time_month`,
    `customers`.`city` AS `city`,
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
  LEFT JOIN `dc`.`customers` AS `customers`
    ON `sales`.`customer_id` = `customers`.`customer_id`
  WHERE
    `sales`.`sold_on` >= CAST('2026-01-01' AS TIMESTAMP)
    AND `sales`.`sold_on` < CAST('2027-01-01' AS TIMESTAMP)
    AND (
      (
        `sales`.`channel` = 'phone'
      ) AND (
        `sales`.`status` = 'paid'
      )
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS TIMESTAMP),
    `customers`.`city`
), `calendar` AS (
  SELECT
    CAST('2026-01-01' AS TIMESTAMP) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-02-01' AS TIMESTAMP) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-03-01' AS TIMESTAMP) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-04-01' AS TIMESTAMP) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-05-01' AS TIMESTAMP) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-06-01' AS TIMESTAMP) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-07-01' AS TIMESTAMP) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-08-01' AS TIMESTAMP) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-09-01' AS TIMESTAMP) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-10-01' AS TIMESTAMP) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-11-01' AS TIMESTAMP) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-12-01' AS TIMESTAMP) AS `time_month`
), `combined` AS (
  SELECT
    `time_month`,
    `city`,
    `buyers`,
    `revenue`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    CAST(NULL AS BIGINT) AS `phone_buyers`
  FROM `scan_sales`
  UNION ALL
  SELECT
    `time_month`,
    `city`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    `products_sold`,
    CAST(NULL AS BIGINT) AS `phone_buyers`
  FROM `scan_sales_distinct2`
  UNION ALL
  SELECT
    `time_month`,
    `city`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    `phone_buyers`
  FROM `scan_sales_distinct3`
), `filled` AS (
  SELECT
    `time_month`,
    `city`,
    `buyers`,
    `revenue`,
    `products_sold`,
    `phone_buyers`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    `present`.`city`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    CAST(NULL AS BIGINT) AS `phone_buyers`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `city`
    FROM `combined`
  ) AS `present`
), `grouped` AS (
  SELECT
    `time_month`,
    `city`,
    MAX(`buyers`) AS `buyers`,
    MAX(`revenue`) AS `revenue`,
    MAX(`products_sold`) AS `products_sold`,
    MAX(`phone_buyers`) AS `phone_buyers`
  FROM `filled`
  GROUP BY
    `time_month`,
    `city`
)
SELECT
  `time_month` AS `time_month`,
  `city` AS `city`,
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`products_sold`, 0) AS `products_sold`,
  COALESCE(`phone_buyers`, 0) AS `phone_buyers`,
  COALESCE(`revenue`, 0) AS `revenue`
FROM `grouped`
ORDER BY
  `time_month` ASC,
  `city` ASC,
  `buyers` DESC NULLS LAST;
