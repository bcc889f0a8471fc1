-- metricdsl query: year_to_date (spark)
-- from: tests/golden/projects/distinct_counts/spec.metric
WITH `scan_sales` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE) AS `time_month`,
    COUNT(DISTINCT `sales`.`customer_id`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `buyers_2`
  FROM `dc`.`sales` AS `sales`
  WHERE
    `sales`.`sold_on` >= CAST('2026-01-01' AS DATE)
    AND `sales`.`sold_on` < CAST('2026-07-01' AS DATE)
    AND (
      `sales`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_month`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-06-01' AS DATE)
      THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-06-01' AS DATE), INTERVAL '1' MONTH)
    END
  ) AS `series`(`bucket`)
), `scan_sales_cumyear` AS (
  SELECT
    `calendar`.`time_month` AS `time_month`,
    COUNT(DISTINCT `sales`.`customer_id`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `buyers`,
    COUNT(DISTINCT `sales`.`product_id`) AS `products_sold`
  FROM `calendar`
  INNER JOIN `dc`.`sales` AS `sales`
    ON `sales`.`sold_on` >= CAST(DATE_TRUNC('YEAR', `calendar`.`time_month`) AS DATE)
    AND `sales`.`sold_on` < CAST(ADD_MONTHS(`calendar`.`time_month`, 1) AS DATE)
  GROUP BY
    `calendar`.`time_month`
), `combined` AS (
  SELECT
    `time_month`,
    `buyers`,
    `products_sold`,
    CAST(NULL AS BIGINT) AS `buyers_2`
  FROM `scan_sales_cumyear`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    `buyers_2`
  FROM `scan_sales`
), `filled` AS (
  SELECT
    `time_month`,
    `buyers`,
    `products_sold`,
    `buyers_2`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    CAST(NULL AS BIGINT) AS `buyers_2`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_month`,
    MAX(`buyers`) AS `buyers`,
    MAX(`products_sold`) AS `products_sold`,
    MAX(`buyers_2`) AS `buyers_2`
  FROM `filled`
  GROUP BY
    `time_month`
)
SELECT
  `time_month` AS `time_month`,
  COALESCE(`buyers`, 0) AS `buyers_ytd`,
  COALESCE(`products_sold`, 0) AS `products_ytd`,
  COALESCE(`buyers_2`, 0) AS `buyers`
FROM `grouped`
ORDER BY
  `time_month` ASC NULLS LAST;
