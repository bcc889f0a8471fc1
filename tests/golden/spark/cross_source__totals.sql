-- metricdsl query: totals (spark)
-- from: tests/corpus/cross_source/spec.metric
WITH `scan_orders` AS (
  SELECT
    SUM(`orders`.`amount`) AS `revenue`,
    COUNT(*) AS `order_count`
  FROM `cs_orders` AS `orders`
), `scan_visits` AS (
  SELECT
    COUNT(*) AS `visits`
  FROM `cs_visits` AS `visits`
), `combined` AS (
  SELECT
    `revenue`,
    `order_count`,
    CAST(NULL AS BIGINT) AS `visits`
  FROM `scan_orders`
  UNION ALL
  SELECT
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `order_count`,
    `visits`
  FROM `scan_visits`
), `grouped` AS (
  SELECT
    MAX(`revenue`) AS `revenue`,
    MAX(`order_count`) AS `order_count`,
    MAX(`visits`) AS `visits`
  FROM `combined`
)
SELECT
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`visits`, 0) AS `visits`,
  CAST(COALESCE(`order_count`, 0) AS DOUBLE) / NULLIF(COALESCE(`visits`, 0), 0) AS `conversion`
FROM `grouped`;
