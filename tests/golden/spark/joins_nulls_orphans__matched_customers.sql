-- metricdsl query: matched_customers (spark)
-- from: tests/corpus/joins_nulls_orphans/spec.metric
WITH `scan_sales` AS (
  SELECT
    `stores`.`city` AS `city`,
    SUM(`sales`.`amount`) AS `revenue`
  FROM `jn`.`sales` AS `sales`
  LEFT JOIN `jn`.`customers` AS `customers`
    ON `sales`.`customer_id` = `customers`.`customer_id`
  LEFT JOIN `jn`.`stores` AS `stores`
    ON `sales`.`store_id` = `stores`.`store_id`
  WHERE
    (
      NOT `customers`.`name` IS NULL
    )
  GROUP BY
    `stores`.`city`
)
SELECT
  `city` AS `city`,
  COALESCE(`revenue`, 0) AS `revenue`
FROM `scan_sales`
ORDER BY
  `city` ASC NULLS LAST;
