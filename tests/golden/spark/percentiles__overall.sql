-- metricdsl query: overall (spark)
-- from: tests/corpus/percentiles/spec.metric
WITH `scan_tickets` AS (
  SELECT
    PERCENTILE(CAST(`tickets`.`minutes` AS DOUBLE), 0.5) AS `median_minutes`,
    PERCENTILE(CAST(`tickets`.`minutes` AS DOUBLE), 0.9) AS `p90_minutes`,
    PERCENTILE(CAST(`tickets`.`score` AS DOUBLE), 0.5) AS `median_score`
  FROM `pc_tickets` AS `tickets`
  WHERE
    (
      `tickets`.`team` <> 'A'
    )
)
SELECT
  `median_minutes` AS `median_minutes`,
  `p90_minutes` AS `p90_minutes`,
  `median_score` AS `median_score`
FROM `scan_tickets`;
