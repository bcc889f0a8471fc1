-- metricdsl query: top3 (spark)
-- from: tests/corpus/order_limit/spec.metric
WITH `scan_scores` AS (
  SELECT
    `scores`.`player` AS `player`,
    SUM(`scores`.`points`) AS `points`,
    COUNT(*) AS `games`,
    MAX(`scores`.`points`) AS `best`
  FROM `ol_scores` AS `scores`
  GROUP BY
    `scores`.`player`
)
SELECT
  `player` AS `player`,
  COALESCE(`points`, 0) AS `points`,
  COALESCE(`games`, 0) AS `games`,
  `best` AS `best`
FROM `scan_scores`
ORDER BY
  `points` DESC,
  `player` ASC NULLS LAST
LIMIT 3;
