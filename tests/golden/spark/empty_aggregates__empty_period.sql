-- metricdsl query: empty_period (spark)
-- from: tests/corpus/empty_aggregates/spec.metric
WITH `scan_tickets` AS (
  SELECT
    COUNT(*) AS `total`,
    SUM(`tickets`.`minutes`) FILTER(WHERE
      `tickets`.`status` = 'solved') AS `solved_minutes`,
    MAX(`tickets`.`minutes`) FILTER(WHERE
      `tickets`.`status` = 'solved') AS `max_solved_minutes`,
    SUM(`tickets`.`minutes`) AS `minutes_per_ticket`
  FROM `ea_tickets` AS `tickets`
  WHERE
    `tickets`.`opened` >= CAST('2026-06-01' AS DATE)
    AND `tickets`.`opened` < CAST('2026-07-01' AS DATE)
)
SELECT
  COALESCE(`total`, 0) AS `total`,
  COALESCE(`solved_minutes`, 0) AS `solved_minutes`,
  `max_solved_minutes` AS `max_solved_minutes`,
  CAST(COALESCE(`minutes_per_ticket`, 0) AS DOUBLE) / NULLIF(COALESCE(`total`, 0), 0) AS `minutes_per_ticket`
FROM `scan_tickets`;
