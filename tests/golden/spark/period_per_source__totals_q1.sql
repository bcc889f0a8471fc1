-- metricdsl query: totals_q1 (spark)
-- from: tests/corpus/period_per_source/spec.metric
WITH `scan_orders` AS (
  SELECT
    SUM(`orders`.`amount`) AS `revenue`
  FROM `pp`.`orders` AS `orders`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2026-04-01' AS DATE)
), `scan_shipments` AS (
  SELECT
    SUM(`shipments`.`boxes`) AS `boxes`,
    COUNT(*) AS `shipment_count`
  FROM `pp`.`shipments` AS `shipments`
  WHERE
    `shipments`.`shipped_on` >= CAST('2026-01-01' AS DATE)
    AND `shipments`.`shipped_on` < CAST('2026-04-01' AS DATE)
), `combined` AS (
  SELECT
    `revenue`,
    CAST(NULL AS BIGINT) AS `boxes`,
    CAST(NULL AS BIGINT) AS `shipment_count`
  FROM `scan_orders`
  UNION ALL
  SELECT
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    `boxes`,
    `shipment_count`
  FROM `scan_shipments`
), `grouped` AS (
  SELECT
    MAX(`revenue`) AS `revenue`,
    MAX(`boxes`) AS `boxes`,
    MAX(`shipment_count`) AS `shipment_count`
  FROM `combined`
)
SELECT
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`boxes`, 0) AS `boxes`,
  COALESCE(`shipment_count`, 0) AS `shipment_count`
FROM `grouped`;
