-- metricdsl query: avg_bonus_asc_limit (spark)
-- from: tests/corpus/order_limit/spec.metric
WITH `scan_scores` AS (
  SELECT
    `scores`.`player` AS `player`,
    AVG(CAST(`scores`.`bonus` AS DOUBLE)) AS `avg_bonus`,
    SUM(`scores`.`points`) AS `points`
  FROM `ol_scores` AS `scores`
  GROUP BY
    `scores`.`player`
)
SELECT
  `player` AS `player`,
  `avg_bonus` AS `avg_bonus`,
  COALESCE(`points`, 0) AS `points`
FROM `scan_scores`
ORDER BY
  `avg_bonus` ASC NULLS LAST,
  `points` DESC,
  `player` ASC NULLS LAST
LIMIT 5;
