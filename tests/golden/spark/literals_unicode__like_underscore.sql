-- metricdsl query: like_underscore (spark)
-- from: tests/corpus/literals_unicode/spec.metric
WITH `scan_items` AS (
  SELECT
    `items`.`product` AS `product`,
    COUNT(*) AS `lines`
  FROM `lu`.`items` AS `items`
  WHERE
    (
      (
        `items`.`product` LIKE 'A_b'
      ) OR (
        `items`.`product` LIKE '中文%'
      )
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
