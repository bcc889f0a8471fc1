-- metricdsl query: between_precedence (spark)
-- from: tests/corpus/literals_unicode/spec.metric
WITH `scan_items` AS (
  SELECT
    SUM(`items`.`price` * `items`.`qty`) FILTER(WHERE
      (
        `items`.`price` BETWEEN (
          2 + 3
        ) AND (
          10 * 5
        )
      )
      AND (
        `items`.`qty` < 4
      )) AS `mid_sales`,
    SUM(`items`.`price` * `items`.`qty`) AS `sales`
  FROM `lu`.`items` AS `items`
)
SELECT
  COALESCE(`mid_sales`, 0) AS `mid_sales`,
  COALESCE(`sales`, 0) AS `sales`
FROM `scan_items`;
