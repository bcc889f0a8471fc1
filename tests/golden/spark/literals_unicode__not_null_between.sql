-- metricdsl query: not_null_between (spark)
-- from: tests/corpus/literals_unicode/spec.metric
WITH `scan_items` AS (
  SELECT
    `items`.`city` AS `city`,
    COUNT(*) AS `lines`,
    SUM(`items`.`price` * `items`.`qty`) AS `sales`
  FROM `lu`.`items` AS `items`
  WHERE
    (
      (
        NOT `items`.`city` IS NULL
      ) AND (
        `items`.`price` BETWEEN 5 AND 50
      )
    )
  GROUP BY
    `items`.`city`
)
SELECT
  `city` AS `city`,
  COALESCE(`lines`, 0) AS `lines`,
  COALESCE(`sales`, 0) AS `sales`
FROM `scan_items`
ORDER BY
  `city` ASC NULLS LAST;
