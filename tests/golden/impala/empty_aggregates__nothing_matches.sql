-- metricdsl query: nothing_matches (impala 3.4)
-- from: tests/corpus/empty_aggregates/spec.metric
WITH `scan_tickets` AS (
  SELECT
    COUNT(*) AS `total`,
    COUNT(IF(`tickets`.`status` = 'solved', 1, NULL)) AS `solved`,
    SUM(IF(`tickets`.`status` = 'solved', `tickets`.`minutes`, NULL)) AS `solved_minutes`,
    AVG(IF(`tickets`.`status` = 'solved', `tickets`.`minutes`, NULL)) AS `avg_solved_minutes`,
    MIN(IF(`tickets`.`status` = 'solved', `tickets`.`minutes`, NULL)) AS `min_solved_minutes`,
    COUNT(DISTINCT IF(`tickets`.`status` = 'solved', `tickets`.`agent`, NULL)) AS `solvers`
  FROM `ea_tickets` AS `tickets`
  WHERE
    (
      `tickets`.`team` = 'delta'
    )
)
SELECT
  COALESCE(`total`, 0) AS `total`,
  COALESCE(`solved`, 0) AS `solved`,
  CAST(COALESCE(`solved`, 0) AS DOUBLE) / NULLIF(COALESCE(`total`, 0), 0) AS `solve_rate`,
  COALESCE(`solved_minutes`, 0) AS `solved_minutes`,
  `avg_solved_minutes` AS `avg_solved_minutes`,
  `min_solved_minutes` AS `min_solved_minutes`,
  COALESCE(`solvers`, 0) AS `solvers`
FROM `scan_tickets`;
