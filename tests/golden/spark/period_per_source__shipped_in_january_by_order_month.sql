-- metricdsl query: shipped_in_january_by_order_month (spark)
-- from: tests/corpus/period_per_source/spec.metric
WITH `scan_shipments` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `order_month`,
    SUM(`shipments`.`boxes`) AS `boxes`,
    COUNT(*) AS `shipment_count`
  FROM `pp`.`shipments` AS `shipments`
  LEFT JOIN `pp`.`orders` AS `orders`
    ON `shipments`.`order_id` = `orders`.`order_id`
  WHERE
    `shipments`.`shipped_on` >= CAST('2026-01-01' AS DATE)
    AND `shipments`.`shipped_on` < CAST('2026-02-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE)
)
SELECT
  `order_month` AS `order_month`,
  COALESCE(`boxes`, 0) AS `boxes`,
  COALESCE(`shipment_count`, 0) AS `shipment_count`
FROM `scan_shipments`
ORDER BY
  `order_month` ASC NULLS LAST;
