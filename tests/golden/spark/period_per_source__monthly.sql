-- metricdsl query: monthly (spark)
-- from: tests/corpus/period_per_source/spec.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
    SUM(`orders`.`amount`) AS `revenue`,
    COUNT(*) AS `order_count`
  FROM `pp`.`orders` AS `orders`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2026-03-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE)
), `scan_shipments` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `shipments`.`shipped_on`) AS DATE) AS `time_month`,
    SUM(`shipments`.`boxes`) AS `boxes`,
    COUNT(*) AS `shipment_count`
  FROM `pp`.`shipments` AS `shipments`
  WHERE
    `shipments`.`shipped_on` >= CAST('2026-01-01' AS DATE)
    AND `shipments`.`shipped_on` < CAST('2026-03-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `shipments`.`shipped_on`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_month`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-02-01' AS DATE)
      THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-02-01' AS DATE), INTERVAL '1' MONTH)
    END
  ) AS `series`(`bucket`)
), `combined` AS (
  SELECT
    `time_month`,
    `revenue`,
    `order_count`,
    CAST(NULL AS BIGINT) AS `boxes`,
    CAST(NULL AS BIGINT) AS `shipment_count`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `order_count`,
    `boxes`,
    `shipment_count`
  FROM `scan_shipments`
), `filled` AS (
  SELECT
    `time_month`,
    `revenue`,
    `order_count`,
    `boxes`,
    `shipment_count`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `order_count`,
    CAST(NULL AS BIGINT) AS `boxes`,
    CAST(NULL AS BIGINT) AS `shipment_count`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_month`,
    MAX(`revenue`) AS `revenue`,
    MAX(`order_count`) AS `order_count`,
    MAX(`boxes`) AS `boxes`,
    MAX(`shipment_count`) AS `shipment_count`
  FROM `filled`
  GROUP BY
    `time_month`
)
SELECT
  `time_month` AS `time_month`,
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`order_count`, 0) AS `order_count`,
  COALESCE(`boxes`, 0) AS `boxes`,
  COALESCE(`shipment_count`, 0) AS `shipment_count`
FROM `grouped`
ORDER BY
  `time_month` ASC NULLS LAST;
