-- metricdsl query: overall (impala 3.4)
-- from: tests/corpus/percentiles/spec.metric
WITH `scan_tickets` AS (
  SELECT
    MAX(
      CASE
        WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
        THEN `percentile_value`
      END
    ) + MAX(`percentile_position` - FLOOR(`percentile_position`)) * (
      MAX(
        CASE
          WHEN `percentile_row` = CEIL(`percentile_position`) + 1
          THEN `percentile_value`
        END
      ) - MAX(
        CASE
          WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
          THEN `percentile_value`
        END
      )
    ) AS `median_minutes`
  FROM (
    SELECT
      CAST(`tickets`.`minutes` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (ORDER BY CAST(`tickets`.`minutes` AS DOUBLE) ASC) AS `percentile_row`,
      0.5 * (
        COUNT(CAST(`tickets`.`minutes` AS DOUBLE)) OVER () - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
    WHERE
      (
        `tickets`.`team` <> 'A'
      )
  ) AS `ranked`
), `scan_tickets_percentile2` AS (
  SELECT
    MAX(
      CASE
        WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
        THEN `percentile_value`
      END
    ) + MAX(`percentile_position` - FLOOR(`percentile_position`)) * (
      MAX(
        CASE
          WHEN `percentile_row` = CEIL(`percentile_position`) + 1
          THEN `percentile_value`
        END
      ) - MAX(
        CASE
          WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
          THEN `percentile_value`
        END
      )
    ) AS `p90_minutes`
  FROM (
    SELECT
      CAST(`tickets`.`minutes` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (ORDER BY CAST(`tickets`.`minutes` AS DOUBLE) ASC) AS `percentile_row`,
      0.9 * (
        COUNT(CAST(`tickets`.`minutes` AS DOUBLE)) OVER () - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
    WHERE
      (
        `tickets`.`team` <> 'A'
      )
  ) AS `ranked`
), `scan_tickets_percentile3` AS (
  SELECT
    MAX(
      CASE
        WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
        THEN `percentile_value`
      END
    ) + MAX(`percentile_position` - FLOOR(`percentile_position`)) * (
      MAX(
        CASE
          WHEN `percentile_row` = CEIL(`percentile_position`) + 1
          THEN `percentile_value`
        END
      ) - MAX(
        CASE
          WHEN `percentile_row` = FLOOR(`percentile_position`) + 1
          THEN `percentile_value`
        END
      )
    ) AS `median_score`
  FROM (
    SELECT
      CAST(`tickets`.`score` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (ORDER BY CAST(`tickets`.`score` AS DOUBLE) ASC) AS `percentile_row`,
      0.5 * (
        COUNT(CAST(`tickets`.`score` AS DOUBLE)) OVER () - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
    WHERE
      (
        `tickets`.`team` <> 'A'
      )
  ) AS `ranked`
), `combined` AS (
  SELECT
    `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `median_score`
  FROM `scan_tickets`
  UNION ALL
  SELECT
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `median_score`
  FROM `scan_tickets_percentile2`
  UNION ALL
  SELECT
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    `median_score`
  FROM `scan_tickets_percentile3`
), `grouped` AS (
  SELECT
    MAX(`median_minutes`) AS `median_minutes`,
    MAX(`p90_minutes`) AS `p90_minutes`,
    MAX(`median_score`) AS `median_score`
  FROM `combined`
)
SELECT
  `median_minutes` AS `median_minutes`,
  `p90_minutes` AS `p90_minutes`,
  `median_score` AS `median_score`
FROM `grouped`;
