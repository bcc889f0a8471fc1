-- metricdsl query: only_solved_groups (spark)
-- from: tests/corpus/empty_aggregates/spec.metric
WITH `scan_tickets` AS (
  SELECT
    `tickets`.`team` AS `team`,
    AVG(CAST(`tickets`.`minutes` AS DOUBLE)) FILTER(WHERE
      `tickets`.`status` = 'solved') AS `avg_solved_minutes`
  FROM `ea_tickets` AS `tickets`
  WHERE
    (
      `tickets`.`status` = 'solved'
    )
  GROUP BY
    `tickets`.`team`
)
SELECT
  `team` AS `team`,
  `avg_solved_minutes` AS `avg_solved_minutes`
FROM `scan_tickets`
ORDER BY
  `team` ASC NULLS LAST;
