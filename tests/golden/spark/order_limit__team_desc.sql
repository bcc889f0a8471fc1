-- metricdsl query: team_desc (spark)
-- from: tests/corpus/order_limit/spec.metric
WITH `scan_scores` AS (
  SELECT
    `scores`.`team` AS `team`,
    SUM(`scores`.`points`) AS `points`,
    COUNT(*) AS `games`
  FROM `ol_scores` AS `scores`
  GROUP BY
    `scores`.`team`
)
SELECT
  `team` AS `team`,
  COALESCE(`points`, 0) AS `points`,
  COALESCE(`games`, 0) AS `games`
FROM `scan_scores`
ORDER BY
  `team` DESC;
