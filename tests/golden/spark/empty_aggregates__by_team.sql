-- metricdsl query: by_team (spark)
-- from: tests/corpus/empty_aggregates/spec.metric
WITH `scan_tickets` AS (
  SELECT
    `tickets`.`team` AS `team`,
    COUNT(*) AS `total`,
    COUNT(*) FILTER(WHERE
      `tickets`.`status` = 'solved') AS `solved`,
    SUM(`tickets`.`minutes`) FILTER(WHERE
      `tickets`.`status` = 'solved') AS `solved_minutes`,
    AVG(CAST(`tickets`.`minutes` AS DOUBLE)) FILTER(WHERE
      `tickets`.`status` = 'solved') AS `avg_solved_minutes`,
    MIN(`tickets`.`minutes`) FILTER(WHERE
      `tickets`.`status` = 'solved') AS `min_solved_minutes`,
    MAX(`tickets`.`minutes`) FILTER(WHERE
      `tickets`.`status` = 'solved') AS `max_solved_minutes`,
    COUNT(DISTINCT `tickets`.`agent`) FILTER(WHERE
      `tickets`.`status` = 'solved') AS `solvers`
  FROM `ea_tickets` AS `tickets`
  GROUP BY
    `tickets`.`team`
)
SELECT
  `team` AS `team`,
  COALESCE(`total`, 0) AS `total`,
  COALESCE(`solved`, 0) AS `solved`,
  CAST(COALESCE(`solved`, 0) AS DOUBLE) / NULLIF(COALESCE(`total`, 0), 0) AS `solve_rate`,
  COALESCE(`solved_minutes`, 0) AS `solved_minutes`,
  `avg_solved_minutes` AS `avg_solved_minutes`,
  `min_solved_minutes` AS `min_solved_minutes`,
  `max_solved_minutes` AS `max_solved_minutes`,
  COALESCE(`solvers`, 0) AS `solvers`
FROM `scan_tickets`
ORDER BY
  `team` ASC NULLS LAST;
