-- metricdsl query: best_team (spark)
-- from: tests/corpus/order_limit/spec.metric
WITH `scan_scores` AS (
  SELECT
    `scores`.`team` AS `team`,
    SUM(`scores`.`points`) AS `points`
  FROM `ol_scores` AS `scores`
  GROUP BY
    `scores`.`team`
)
SELECT
  `team` AS `team`,
  COALESCE(`points`, 0) AS `points`
FROM `scan_scores`
ORDER BY
  `points` DESC,
  `team` ASC NULLS LAST
LIMIT 1;
