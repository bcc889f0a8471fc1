-- metricdsl query: quarterly_with_last_year (spark)
-- from: tests/golden/projects/distinct_counts/spec.metric
WITH `scan_sales` AS (
  SELECT
    CAST(DATE_TRUNC('QUARTER', `sales`.`sold_on`) AS DATE) AS `time_quarter`,
    COUNT(DISTINCT `sales`.`customer_id`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `buyers`,
    COUNT(DISTINCT `sales`.`product_id`) AS `products_sold`
  FROM `dc`.`sales` AS `sales`
  GROUP BY
    CAST(DATE_TRUNC('QUARTER', `sales`.`sold_on`) AS DATE)
), `scan_sales_lag12m` AS (
  SELECT
    CAST(ADD_MONTHS(`time_quarter`, 12) AS DATE) AS `time_quarter`,
    `buyers_2`,
    `products_sold_2`
  FROM (
    SELECT
      CAST(DATE_TRUNC('QUARTER', `sales`.`sold_on`) AS DATE) AS `time_quarter`,
      COUNT(DISTINCT `sales`.`customer_id`) FILTER(WHERE
        `sales`.`status` = 'paid') AS `buyers_2`,
      COUNT(DISTINCT `sales`.`product_id`) AS `products_sold_2`
    FROM `dc`.`sales` AS `sales`
    GROUP BY
      CAST(DATE_TRUNC('QUARTER', `sales`.`sold_on`) AS DATE)
  ) AS `unmoved`
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_quarter`
  FROM (
    SELECT
      MIN(`first_bucket`) AS `first_bucket`,
      MAX(`last_bucket`) AS `last_bucket`
    FROM (
      SELECT
        MIN(`time_quarter`) AS `first_bucket`,
        MAX(`time_quarter`) AS `last_bucket`
      FROM `scan_sales`
    ) AS `ranges`
  ) AS `bounds`
  LATERAL VIEW
  EXPLODE(
    CASE
      WHEN CAST(`bounds`.`first_bucket` AS DATE) <= CAST(`bounds`.`last_bucket` AS DATE)
      THEN SEQUENCE(
        CAST(`bounds`.`first_bucket` AS DATE),
        CAST(`bounds`.`last_bucket` AS DATE),
        INTERVAL '3' MONTH
      )
    END
  ) series AS `bucket`
), `combined` AS (
  SELECT
    `time_quarter`,
    `buyers`,
    `products_sold`,
    CAST(NULL AS BIGINT) AS `buyers_2`,
    CAST(NULL AS BIGINT) AS `products_sold_2`
  FROM `scan_sales`
  UNION ALL
  SELECT
    `time_quarter`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    `buyers_2`,
    `products_sold_2`
  FROM `scan_sales_lag12m`
), `filled` AS (
  SELECT
    `time_quarter`,
    `buyers`,
    `products_sold`,
    `buyers_2`,
    `products_sold_2`
  FROM `combined`
  WHERE
    `time_quarter` IS NULL
    OR `time_quarter` <= (
      SELECT
        MAX(`time_quarter`)
      FROM `calendar`
    )
  UNION ALL
  SELECT
    `calendar`.`time_quarter`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    CAST(NULL AS BIGINT) AS `buyers_2`,
    CAST(NULL AS BIGINT) AS `products_sold_2`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_quarter`,
    MAX(`buyers`) AS `buyers`,
    MAX(`products_sold`) AS `products_sold`,
    MAX(`buyers_2`) AS `buyers_2`,
    MAX(`products_sold_2`) AS `products_sold_2`
  FROM `filled`
  GROUP BY
    `time_quarter`
)
SELECT
  `time_quarter` AS `time_quarter`,
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`products_sold`, 0) AS `products_sold`,
  COALESCE(`buyers_2`, 0) AS `buyers_ly`,
  COALESCE(`products_sold_2`, 0) AS `products_ly`
FROM `grouped`
ORDER BY
  `time_quarter` ASC NULLS LAST;
