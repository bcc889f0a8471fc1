-- metricdsl query: null_city (spark)
-- from: tests/corpus/literals_unicode/spec.metric
WITH `scan_items` AS (
  SELECT
    `items`.`product` AS `product`,
    SUM(`items`.`price` * `items`.`qty`) AS `sales`
  FROM `lu`.`items` AS `items`
  WHERE
    (
      `items`.`city` IS NULL
    )
  GROUP BY
    `items`.`product`
)
SELECT
  `product` AS `product`,
  COALESCE(`sales`, 0) AS `sales`
FROM `scan_items`
ORDER BY
  `product` ASC NULLS LAST;
