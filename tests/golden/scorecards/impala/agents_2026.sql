-- metricdsl scorecard: agents_2026 (impala 3.4)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/scorecards.metric
-- from: specs/sources.metric
-- period: 2026-01-01 .. 2026-12-31
WITH `scan_orders` AS (
  SELECT
    `agents`.`name` AS `agent`,
    SUM(IF(`orders`.`status` = 'paid', `orders`.`amount`, NULL)) AS `revenue`,
    COUNT(IF(`orders`.`status` = 'refunded', 1, NULL)) AS `refunded_orders`,
    COUNT(*) AS `all_orders`
  FROM `dw`.`fact_orders` AS `orders`
  LEFT JOIN `dw`.`dim_agent` AS `agents`
    ON `orders`.`agent_id` = `agents`.`agent_id`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
  GROUP BY
    `agents`.`name`
), `scan_calls` AS (
  SELECT
    `agents`.`name` AS `agent`,
    COUNT(IF(`calls`.`connected` = TRUE, 1, NULL)) AS `connected_calls`,
    COUNT(*) AS `call_count`
  FROM `dw`.`fact_calls` AS `calls`
  LEFT JOIN `dw`.`dim_agent` AS `agents`
    ON `calls`.`agent_id` = `agents`.`agent_id`
  WHERE
    `calls`.`call_date` >= CAST('2026-01-01' AS DATE)
    AND `calls`.`call_date` < CAST('2027-01-01' AS DATE)
  GROUP BY
    `agents`.`name`
), `combined` AS (
  SELECT
    `agent`,
    `revenue`,
    `refunded_orders`,
    `all_orders`,
    CAST(NULL AS BIGINT) AS `connected_calls`,
    CAST(NULL AS BIGINT) AS `call_count`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `agent`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `refunded_orders`,
    CAST(NULL AS BIGINT) AS `all_orders`,
    `connected_calls`,
    `call_count`
  FROM `scan_calls`
), `grouped` AS (
  SELECT
    `agent`,
    MAX(`revenue`) AS `revenue`,
    MAX(`refunded_orders`) AS `refunded_orders`,
    MAX(`all_orders`) AS `all_orders`,
    MAX(`connected_calls`) AS `connected_calls`,
    MAX(`call_count`) AS `call_count`
  FROM `combined`
  GROUP BY
    `agent`
), `kpi_values` AS (
  SELECT
    `agent` AS `agent`,
    COALESCE(`revenue`, 0) AS `revenue`,
    CAST(COALESCE(`connected_calls`, 0) AS DOUBLE) / NULLIF(COALESCE(`call_count`, 0), 0) AS `connect_rate`,
    CAST(COALESCE(`refunded_orders`, 0) AS DOUBLE) / NULLIF(COALESCE(`all_orders`, 0), 0) AS `refund_rate`
  FROM `grouped`
), `planned_revenue_2026_agents` AS (
  SELECT
    `saved_plan`.`member` AS `agent`,
    SUM(`saved_plan`.`target`) AS `planned_revenue_2026_agents_2`
  FROM `kpi`.`plan_revenue_2026_agents` AS `saved_plan`
  WHERE
    `saved_plan`.`grain` = 'month'
    AND NOT `saved_plan`.`member` IS NULL
    AND CAST(DATE_TRUNC('MONTH', `saved_plan`.`start`) AS DATE) >= CAST('2026-01-01' AS DATE)
    AND CAST(DATE_TRUNC('MONTH', `saved_plan`.`start`) AS DATE) < CAST('2027-01-01' AS DATE)
  GROUP BY
    `saved_plan`.`member`
), `kpi_plan_2` AS (
  SELECT
    `agent` AS `agent`,
    COALESCE(`planned_revenue_2026_agents_2`, 0) AS `planned_revenue_2026_agents`
  FROM `planned_revenue_2026_agents`
), `kpi_points` AS (
  SELECT
    `kpi_values`.`agent` AS `agent`,
    CAST(`kpi_values`.`revenue` AS DOUBLE) / NULLIF(`kpi_plan_2`.`planned_revenue_2026_agents`, 0) AS `revenue_achievement`,
    COALESCE(
      LEAST(
        GREATEST(
          (
            CAST(`kpi_values`.`revenue` AS DOUBLE) / NULLIF(`kpi_plan_2`.`planned_revenue_2026_agents`, 0)
          ) * 100,
          0
        ),
        120
      ),
      0
    ) AS `revenue_points`,
    `kpi_values`.`connect_rate` AS `connect_rate`,
    COALESCE(
      LEAST(
        GREATEST(CAST((
          `kpi_values`.`connect_rate` - 0.3
        ) * 100 AS DOUBLE) / 0.3, 0),
        120
      ),
      0
    ) AS `connect_rate_points`,
    `kpi_values`.`refund_rate` AS `refund_rate`,
    COALESCE(
      LEAST(
        GREATEST(CAST((
          `kpi_values`.`refund_rate` - 0.15
        ) * 100 AS DOUBLE) / (
          -0.1
        ), 0),
        120
      ),
      0
    ) AS `refund_rate_points`
  FROM `kpi_values` AS `kpi_values`
  LEFT JOIN `kpi_plan_2` AS `kpi_plan_2`
    ON `kpi_values`.`agent` = `kpi_plan_2`.`agent`
)
SELECT
  `agent`,
  `revenue_achievement`,
  `revenue_points`,
  `revenue_points` * 0.4 AS `revenue_weighted`,
  `connect_rate`,
  `connect_rate_points`,
  `connect_rate_points` * 0.3 AS `connect_rate_weighted`,
  `refund_rate`,
  `refund_rate_points`,
  `refund_rate_points` * 0.3 AS `refund_rate_weighted`,
  `revenue_points` * 0.4 + `connect_rate_points` * 0.3 + `refund_rate_points` * 0.3 AS `score`
FROM `kpi_points`
ORDER BY
  `score` DESC NULLS LAST,
  `agent` ASC;
