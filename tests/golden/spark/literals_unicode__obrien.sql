-- metricdsl query: obrien (spark)
-- from: tests/corpus/literals_unicode/spec.metric
WITH `scan_items` AS (
  SELECT
    `items`.`city` AS `city`,
    SUM(`items`.`price` * `items`.`qty`) AS `sales`,
    COUNT(*) AS `lines`
  FROM `lu`.`items` AS `items`
  WHERE
    (
      `items`.`product` = 'O\'Brien 理财'
    )
  GROUP BY
    `items`.`city`
)
SELECT
  `city` AS `city`,
  COALESCE(`sales`, 0) AS `sales`,
  COALESCE(`lines`, 0) AS `lines`
FROM `scan_items`
ORDER BY
  `city` ASC NULLS LAST;
