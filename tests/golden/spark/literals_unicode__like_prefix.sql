-- metricdsl query: like_prefix (spark)
-- from: tests/corpus/literals_unicode/spec.metric
WITH `scan_items` AS (
  SELECT
    `items`.`product` AS `product`,
    COUNT(*) AS `lines`
  FROM `lu`.`items` AS `items`
  WHERE
    (
      `items`.`product` LIKE 'O\'%'
    )
  GROUP BY
    `items`.`product`
)
SELECT
  `product` AS `product`,
  COALESCE(`lines`, 0) AS `lines`
FROM `scan_items`
ORDER BY
  `product` ASC NULLS LAST;
