-- metricdsl query: unmatched_only (spark)
-- from: tests/corpus/joins_nulls_orphans/spec.metric
WITH `scan_sales` AS (
  SELECT
    SUM(`sales`.`amount`) AS `revenue`,
    COUNT(*) AS `sales_count`
  FROM `jn`.`sales` AS `sales`
  LEFT JOIN `jn`.`customers` AS `customers`
    ON `sales`.`customer_id` = `customers`.`customer_id`
  WHERE
    (
      `customers`.`tier` IS NULL
    )
)
SELECT
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`sales_count`, 0) AS `sales_count`
FROM `scan_sales`;
