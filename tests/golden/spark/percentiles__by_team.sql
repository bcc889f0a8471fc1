-- metricdsl query: by_team (spark)
-- from: tests/corpus/percentiles/spec.metric
WITH `scan_tickets` AS (
  SELECT
    `tickets`.`team` AS `team`,
    COUNT(*) AS `ticket_count`,
    PERCENTILE(CAST(`tickets`.`minutes` AS DOUBLE), 0.5) AS `median_minutes`,
    PERCENTILE(CAST(`tickets`.`minutes` AS DOUBLE), 0.9) AS `p90_minutes`,
    PERCENTILE(CAST(`tickets`.`minutes` AS DOUBLE), 0.25) AS `p25_minutes`,
    PERCENTILE(CAST(`tickets`.`minutes` AS DOUBLE), 0) AS `fastest`,
    PERCENTILE(CAST(`tickets`.`minutes` AS DOUBLE), 1) AS `slowest`,
    PERCENTILE(CAST(`tickets`.`minutes` AS DOUBLE), 0.5) FILTER(WHERE
      `tickets`.`priority` = 'urgent') AS `urgent_median`,
    PERCENTILE(CAST(`tickets`.`score` AS DOUBLE), 0.5) AS `median_score`
  FROM `pc_tickets` AS `tickets`
  GROUP BY
    `tickets`.`team`
)
SELECT
  `team` AS `team`,
  COALESCE(`ticket_count`, 0) AS `ticket_count`,
  `median_minutes` AS `median_minutes`,
  `p90_minutes` AS `p90_minutes`,
  `p25_minutes` AS `p25_minutes`,
  `fastest` AS `fastest`,
  `slowest` AS `slowest`,
  `urgent_median` AS `urgent_median`,
  `median_score` AS `median_score`,
  CAST(`median_minutes` AS DOUBLE) / NULLIF(`median_score`, 0) AS `minutes_per_score`
FROM `scan_tickets`
ORDER BY
  `team` ASC NULLS LAST;
