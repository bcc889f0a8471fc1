-- metricdsl query: product_mix (impala 3.4)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
    `products`.`name` AS `product`,
    SUM(IF(`orders`.`status` = 'paid', `orders`.`amount`, NULL)) AS `revenue`
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
), `scan_orders_percentile2` AS (
  SELECT
    `time_month`,
    `product`,
    MAX(
      CASE
        WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
        THEN `percentile_value`
      END
    ) + MAX(`percentile_position` - FLOOR(`percentile_position`)) * (
      MAX(
        CASE
          WHEN `percentile_row` = CEIL(`percentile_position`) + 1
          THEN `percentile_value`
        END
      ) - MAX(
        CASE
          WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
          THEN `percentile_value`
        END
      )
    ) AS `median_order_value`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
      `products`.`name` AS `product`,
      CAST(`orders`.`amount` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (
        PARTITION BY CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE), `products`.`name`
        ORDER BY CAST(`orders`.`amount` AS DOUBLE) ASC
      ) AS `percentile_row`,
      0.5 * (
        COUNT(CAST(`orders`.`amount` AS DOUBLE)) OVER (
          PARTITION BY CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE), `products`.`name`
        ) - 1
      ) AS `percentile_position`
    FROM `dw`.`fact_orders` AS `orders`
    LEFT JOIN `dw`.`dim_product` AS `products`
      ON `orders`.`product_id` = `products`.`product_id`
    WHERE
      `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
      AND `orders`.`order_date` < CAST('2026-04-01' AS DATE)
      AND (
        `orders`.`status` = 'paid'
      )
  ) AS `ranked`
  GROUP BY
    `time_month`,
    `product`
), `calendar` AS (
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-02-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-03-01' AS DATE) AS `time_month`
), `combined` AS (
  SELECT
    `time_month`,
    `product`,
    `revenue`,
    CAST(NULL AS DOUBLE) AS `median_order_value`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `time_month`,
    `product`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    `median_order_value`
  FROM `scan_orders_percentile2`
), `filled` AS (
  SELECT
    `time_month`,
    `product`,
    `revenue`,
    `median_order_value`
  FROM `combined`
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
    FROM `combined`
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
  `time_month` ASC,
  `revenue` DESC NULLS LAST,
  `product` ASC;
