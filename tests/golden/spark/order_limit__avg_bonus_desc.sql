-- metricdsl query: avg_bonus_desc (spark)
-- from: tests/corpus/order_limit/spec.metric
WITH `scan_scores` AS (
  SELECT
    `scores`.`player` AS `player`,
    AVG(CAST(`scores`.`bonus` AS DOUBLE)) AS `avg_bonus`
  FROM `ol_scores` AS `scores`
  GROUP BY
    `scores`.`player`
)
SELECT
  `player` AS `player`,
  `avg_bonus` AS `avg_bonus`
FROM `scan_scores`
ORDER BY
  `avg_bonus` DESC,
  `player` ASC NULLS LAST;
