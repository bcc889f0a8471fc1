-- metricdsl query: by_region (spark)
-- from: tests/corpus/cross_source/spec.metric
WITH `scan_orders` AS (
  SELECT
    `regions`.`name` AS `region`,
    SUM(`orders`.`amount`) AS `revenue`,
    COUNT(*) AS `order_count`,
    AVG(CAST(`orders`.`amount` AS DOUBLE)) AS `avg_order`
  FROM `cs_orders` AS `orders`
  LEFT JOIN `cs_regions` AS `regions`
    ON `orders`.`region_id` = `regions`.`region_id`
  GROUP BY
    `regions`.`name`
), `scan_visits` AS (
  SELECT
    `regions`.`name` AS `region`,
    COUNT(*) AS `visits`,
    SUM(`visits`.`pages`) AS `pages`
  FROM `cs_visits` AS `visits`
  LEFT JOIN `cs_regions` AS `regions`
    ON `visits`.`region_id` = `regions`.`region_id`
  GROUP BY
    `regions`.`name`
), `combined` AS (
  SELECT
    `region`,
    `revenue`,
    `order_count`,
    `avg_order`,
    CAST(NULL AS BIGINT) AS `visits`,
    CAST(NULL AS BIGINT) AS `pages`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `region`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `order_count`,
    CAST(NULL AS DOUBLE) AS `avg_order`,
    `visits`,
    `pages`
  FROM `scan_visits`
), `grouped` AS (
  SELECT
    `region`,
    MAX(`revenue`) AS `revenue`,
    MAX(`order_count`) AS `order_count`,
    MAX(`avg_order`) AS `avg_order`,
    MAX(`visits`) AS `visits`,
    MAX(`pages`) AS `pages`
  FROM `combined`
  GROUP BY
    `region`
)
SELECT
  `region` AS `region`,
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`order_count`, 0) AS `order_count`,
  `avg_order` AS `avg_order`,
  COALESCE(`visits`, 0) AS `visits`,
  COALESCE(`pages`, 0) AS `pages`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`visits`, 0), 0) AS `revenue_per_visit`
FROM `grouped`
ORDER BY
  `region` ASC NULLS LAST;
