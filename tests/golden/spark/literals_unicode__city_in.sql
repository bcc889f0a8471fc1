-- metricdsl query: city_in (spark)
-- from: tests/corpus/literals_unicode/spec.metric
WITH `scan_items` AS (
  SELECT
    `items`.`city` AS `city`,
    COUNT(*) AS `lines`,
    SUM(`items`.`qty`) AS `units`
  FROM `lu`.`items` AS `items`
  WHERE
    (
      (
        `items`.`city` IN ('北京', '深圳')
      )
      AND (
        NOT (
          `items`.`product` IN ('O\'Brien', 'Plain')
        )
      )
    )
  GROUP BY
    `items`.`city`
)
SELECT
  `city` AS `city`,
  COALESCE(`lines`, 0) AS `lines`,
  COALESCE(`units`, 0) AS `units`
FROM `scan_items`
ORDER BY
  `city` ASC NULLS LAST;
