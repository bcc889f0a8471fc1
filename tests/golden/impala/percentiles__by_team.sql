-- metricdsl query: by_team (impala 3.4)
-- from: tests/corpus/percentiles/spec.metric
WITH `scan_tickets` AS (
  SELECT
    `tickets`.`team` AS `team`,
    COUNT(*) AS `ticket_count`
  FROM `pc_tickets` AS `tickets`
  GROUP BY
    `tickets`.`team`
), `scan_tickets_percentile2` AS (
  SELECT
    `team`,
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
      `tickets`.`team` AS `team`,
      CAST(`tickets`.`minutes` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (PARTITION BY `tickets`.`team` ORDER BY CAST(`tickets`.`minutes` AS DOUBLE) ASC) AS `percentile_row`,
      0.5 * (
        COUNT(CAST(`tickets`.`minutes` AS DOUBLE)) OVER (PARTITION BY `tickets`.`team`) - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
  ) AS `ranked`
  GROUP BY
    `team`
), `scan_tickets_percentile3` AS (
  SELECT
    `team`,
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
      `tickets`.`team` AS `team`,
      CAST(`tickets`.`minutes` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (PARTITION BY `tickets`.`team` ORDER BY CAST(`tickets`.`minutes` AS DOUBLE) ASC) AS `percentile_row`,
      0.9 * (
        COUNT(CAST(`tickets`.`minutes` AS DOUBLE)) OVER (PARTITION BY `tickets`.`team`) - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
  ) AS `ranked`
  GROUP BY
    `team`
), `scan_tickets_percentile4` AS (
  SELECT
    `team`,
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
    ) AS `p25_minutes`
  FROM (
    SELECT
      `tickets`.`team` AS `team`,
      CAST(`tickets`.`minutes` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (PARTITION BY `tickets`.`team` ORDER BY CAST(`tickets`.`minutes` AS DOUBLE) ASC) AS `percentile_row`,
      0.25 * (
        COUNT(CAST(`tickets`.`minutes` AS DOUBLE)) OVER (PARTITION BY `tickets`.`team`) - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
  ) AS `ranked`
  GROUP BY
    `team`
), `scan_tickets_percentile5` AS (
  SELECT
    `team`,
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
    ) AS `fastest`
  FROM (
    SELECT
      `tickets`.`team` AS `team`,
      CAST(`tickets`.`minutes` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (PARTITION BY `tickets`.`team` ORDER BY CAST(`tickets`.`minutes` AS DOUBLE) ASC) AS `percentile_row`,
      0 * (
        COUNT(CAST(`tickets`.`minutes` AS DOUBLE)) OVER (PARTITION BY `tickets`.`team`) - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
  ) AS `ranked`
  GROUP BY
    `team`
), `scan_tickets_percentile6` AS (
  SELECT
    `team`,
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
    ) AS `slowest`
  FROM (
    SELECT
      `tickets`.`team` AS `team`,
      CAST(`tickets`.`minutes` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (PARTITION BY `tickets`.`team` ORDER BY CAST(`tickets`.`minutes` AS DOUBLE) ASC) AS `percentile_row`,
      1 * (
        COUNT(CAST(`tickets`.`minutes` AS DOUBLE)) OVER (PARTITION BY `tickets`.`team`) - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
  ) AS `ranked`
  GROUP BY
    `team`
), `scan_tickets_percentile7` AS (
  SELECT
    `team`,
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
    ) AS `urgent_median`
  FROM (
    SELECT
      `tickets`.`team` AS `team`,
      CAST(`tickets`.`minutes` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (PARTITION BY `tickets`.`team` ORDER BY CAST(`tickets`.`minutes` AS DOUBLE) ASC) AS `percentile_row`,
      0.5 * (
        COUNT(CAST(`tickets`.`minutes` AS DOUBLE)) OVER (PARTITION BY `tickets`.`team`) - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
    WHERE
      (
        `tickets`.`priority` = 'urgent'
      )
  ) AS `ranked`
  GROUP BY
    `team`
), `scan_tickets_percentile8` AS (
  SELECT
    `team`,
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
      `tickets`.`team` AS `team`,
      CAST(`tickets`.`score` AS DOUBLE) AS `percentile_value`,
      ROW_NUMBER() OVER (PARTITION BY `tickets`.`team` ORDER BY CAST(`tickets`.`score` AS DOUBLE) ASC) AS `percentile_row`,
      0.5 * (
        COUNT(CAST(`tickets`.`score` AS DOUBLE)) OVER (PARTITION BY `tickets`.`team`) - 1
      ) AS `percentile_position`
    FROM `pc_tickets` AS `tickets`
  ) AS `ranked`
  GROUP BY
    `team`
), `combined` AS (
  SELECT
    `team`,
    `ticket_count`,
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `p25_minutes`,
    CAST(NULL AS DOUBLE) AS `fastest`,
    CAST(NULL AS DOUBLE) AS `slowest`,
    CAST(NULL AS DOUBLE) AS `urgent_median`,
    CAST(NULL AS DOUBLE) AS `median_score`
  FROM `scan_tickets`
  UNION ALL
  SELECT
    `team`,
    CAST(NULL AS BIGINT) AS `ticket_count`,
    `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `p25_minutes`,
    CAST(NULL AS DOUBLE) AS `fastest`,
    CAST(NULL AS DOUBLE) AS `slowest`,
    CAST(NULL AS DOUBLE) AS `urgent_median`,
    CAST(NULL AS DOUBLE) AS `median_score`
  FROM `scan_tickets_percentile2`
  UNION ALL
  SELECT
    `team`,
    CAST(NULL AS BIGINT) AS `ticket_count`,
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `p25_minutes`,
    CAST(NULL AS DOUBLE) AS `fastest`,
    CAST(NULL AS DOUBLE) AS `slowest`,
    CAST(NULL AS DOUBLE) AS `urgent_median`,
    CAST(NULL AS DOUBLE) AS `median_score`
  FROM `scan_tickets_percentile3`
  UNION ALL
  SELECT
    `team`,
    CAST(NULL AS BIGINT) AS `ticket_count`,
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    `p25_minutes`,
    CAST(NULL AS DOUBLE) AS `fastest`,
    CAST(NULL AS DOUBLE) AS `slowest`,
    CAST(NULL AS DOUBLE) AS `urgent_median`,
    CAST(NULL AS DOUBLE) AS `median_score`
  FROM `scan_tickets_percentile4`
  UNION ALL
  SELECT
    `team`,
    CAST(NULL AS BIGINT) AS `ticket_count`,
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `p25_minutes`,
    `fastest`,
    CAST(NULL AS DOUBLE) AS `slowest`,
    CAST(NULL AS DOUBLE) AS `urgent_median`,
    CAST(NULL AS DOUBLE) AS `median_score`
  FROM `scan_tickets_percentile5`
  UNION ALL
  SELECT
    `team`,
    CAST(NULL AS BIGINT) AS `ticket_count`,
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `p25_minutes`,
    CAST(NULL AS DOUBLE) AS `fastest`,
    `slowest`,
    CAST(NULL AS DOUBLE) AS `urgent_median`,
    CAST(NULL AS DOUBLE) AS `median_score`
  FROM `scan_tickets_percentile6`
  UNION ALL
  SELECT
    `team`,
    CAST(NULL AS BIGINT) AS `ticket_count`,
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `p25_minutes`,
    CAST(NULL AS DOUBLE) AS `fastest`,
    CAST(NULL AS DOUBLE) AS `slowest`,
    `urgent_median`,
    CAST(NULL AS DOUBLE) AS `median_score`
  FROM `scan_tickets_percentile7`
  UNION ALL
  SELECT
    `team`,
    CAST(NULL AS BIGINT) AS `ticket_count`,
    CAST(NULL AS DOUBLE) AS `median_minutes`,
    CAST(NULL AS DOUBLE) AS `p90_minutes`,
    CAST(NULL AS DOUBLE) AS `p25_minutes`,
    CAST(NULL AS DOUBLE) AS `fastest`,
    CAST(NULL AS DOUBLE) AS `slowest`,
    CAST(NULL AS DOUBLE) AS `urgent_median`,
    `median_score`
  FROM `scan_tickets_percentile8`
), `grouped` AS (
  SELECT
    `team`,
    MAX(`ticket_count`) AS `ticket_count`,
    MAX(`median_minutes`) AS `median_minutes`,
    MAX(`p90_minutes`) AS `p90_minutes`,
    MAX(`p25_minutes`) AS `p25_minutes`,
    MAX(`fastest`) AS `fastest`,
    MAX(`slowest`) AS `slowest`,
    MAX(`urgent_median`) AS `urgent_median`,
    MAX(`median_score`) AS `median_score`
  FROM `combined`
  GROUP BY
    `team`
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
FROM `grouped`
ORDER BY
  `team` ASC;
