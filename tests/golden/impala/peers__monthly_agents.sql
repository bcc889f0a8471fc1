-- metricdsl query: monthly_agents (impala 3.4)
-- from: tests/corpus/peers/spec.metric
WITH `scan_sales` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE) AS `time_month`,
    `sales`.`team` AS `team`,
    `sales`.`agent` AS `agent`,
    SUM(`sales`.`amount`) AS `revenue`,
    COUNT(DISTINCT `sales`.`customer_id`) AS `buyers`
  FROM `pe_sales` AS `sales`
  WHERE
    `sales`.`sold_on` >= CAST('2026-01-01' AS DATE)
    AND `sales`.`sold_on` < CAST('2026-03-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE),
    `sales`.`team`,
    `sales`.`agent`
), `calendar` AS (
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-02-01' AS DATE) AS `time_month`
), `filled` AS (
  SELECT
    `time_month`,
    `team`,
    `agent`,
    `revenue`,
    `buyers`
  FROM `scan_sales`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    `present`.`team`,
    `present`.`agent`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `buyers`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `team`,
      `agent`
    FROM `scan_sales`
  ) AS `present`
), `grouped` AS (
  SELECT
    `time_month`,
    `team`,
    `agent`,
    MAX(`revenue`) AS `revenue`,
    MAX(`buyers`) AS `buyers`
  FROM `filled`
  GROUP BY
    `time_month`,
    `team`,
    `agent`
), `total_buyer_share_scan_sales` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE) AS `time_month`,
    COUNT(DISTINCT `sales`.`customer_id`) AS `buyers`
  FROM `pe_sales` AS `sales`
  WHERE
    `sales`.`sold_on` >= CAST('2026-01-01' AS DATE)
    AND `sales`.`sold_on` < CAST('2026-03-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE)
), `total_buyer_share_calendar` AS (
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-02-01' AS DATE) AS `time_month`
), `total_buyer_share_filled` AS (
  SELECT
    `time_month`,
    `buyers`
  FROM `total_buyer_share_scan_sales`
  UNION ALL
  SELECT
    `total_buyer_share_calendar`.`time_month`,
    CAST(NULL AS BIGINT) AS `buyers`
  FROM `total_buyer_share_calendar`
), `total_buyer_share_grouped` AS (
  SELECT
    `time_month`,
    MAX(`buyers`) AS `buyers`
  FROM `total_buyer_share_filled`
  GROUP BY
    `time_month`
), `total_buyer_share` AS (
  SELECT
    `time_month` AS `time_month`,
    COALESCE(`buyers`, 0) AS `total_buyer_share`
  FROM `total_buyer_share_grouped`
), `total_all_buyers_scan_sales` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE) AS `time_month`,
    COUNT(DISTINCT `sales`.`customer_id`) AS `buyers`
  FROM `pe_sales` AS `sales`
  WHERE
    `sales`.`sold_on` >= CAST('2026-01-01' AS DATE)
    AND `sales`.`sold_on` < CAST('2026-03-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE)
), `total_all_buyers_calendar` AS (
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-02-01' AS DATE) AS `time_month`
), `total_all_buyers_filled` AS (
  SELECT
    `time_month`,
    `buyers`
  FROM `total_all_buyers_scan_sales`
  UNION ALL
  SELECT
    `total_all_buyers_calendar`.`time_month`,
    CAST(NULL AS BIGINT) AS `buyers`
  FROM `total_all_buyers_calendar`
), `total_all_buyers_grouped` AS (
  SELECT
    `time_month`,
    MAX(`buyers`) AS `buyers`
  FROM `total_all_buyers_filled`
  GROUP BY
    `time_month`
), `total_all_buyers` AS (
  SELECT
    `time_month` AS `time_month`,
    COALESCE(`buyers`, 0) AS `total_all_buyers`
  FROM `total_all_buyers_grouped`
), `total_team_buyers_scan_sales` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE) AS `time_month`,
    `sales`.`team` AS `team`,
    COUNT(DISTINCT `sales`.`customer_id`) AS `buyers`
  FROM `pe_sales` AS `sales`
  WHERE
    `sales`.`sold_on` >= CAST('2026-01-01' AS DATE)
    AND `sales`.`sold_on` < CAST('2026-03-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE),
    `sales`.`team`
), `total_team_buyers_calendar` AS (
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-02-01' AS DATE) AS `time_month`
), `total_team_buyers_filled` AS (
  SELECT
    `time_month`,
    `team`,
    `buyers`
  FROM `total_team_buyers_scan_sales`
  UNION ALL
  SELECT
    `total_team_buyers_calendar`.`time_month`,
    `present`.`team`,
    CAST(NULL AS BIGINT) AS `buyers`
  FROM `total_team_buyers_calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `team`
    FROM `total_team_buyers_scan_sales`
  ) AS `present`
), `total_team_buyers_grouped` AS (
  SELECT
    `time_month`,
    `team`,
    MAX(`buyers`) AS `buyers`
  FROM `total_team_buyers_filled`
  GROUP BY
    `time_month`,
    `team`
), `total_team_buyers` AS (
  SELECT
    `time_month` AS `time_month`,
    `team` AS `team`,
    COALESCE(`buyers`, 0) AS `total_team_buyers`
  FROM `total_team_buyers_grouped`
), `with_totals` AS (
  SELECT
    `grouped`.*,
    SUM(COALESCE(`revenue`, 0)) OVER (PARTITION BY `grouped`.`time_month`) AS `total_revenue_share`,
    SUM(COALESCE(`revenue`, 0)) OVER (PARTITION BY `grouped`.`time_month`, `grouped`.`team`) AS `total_team_share`,
    `total_buyer_share`.`total_buyer_share` AS `total_buyer_share`,
    `total_all_buyers`.`total_all_buyers` AS `total_all_buyers`,
    `total_team_buyers`.`total_team_buyers` AS `total_team_buyers`
  FROM `grouped`
  LEFT JOIN `total_buyer_share`
    ON `grouped`.`time_month` IS NOT DISTINCT FROM `total_buyer_share`.`time_month`
  LEFT JOIN `total_all_buyers`
    ON `grouped`.`time_month` IS NOT DISTINCT FROM `total_all_buyers`.`time_month`
  LEFT JOIN `total_team_buyers`
    ON `grouped`.`time_month` IS NOT DISTINCT FROM `total_team_buyers`.`time_month`
    AND `grouped`.`team` IS NOT DISTINCT FROM `total_team_buyers`.`team`
)
SELECT
  `time_month` AS `time_month`,
  `team` AS `team`,
  `agent` AS `agent`,
  COALESCE(`revenue`, 0) AS `revenue`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`total_revenue_share`, 0), 0) AS `revenue_share`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`total_team_share`, 0), 0) AS `team_share`,
  COALESCE(`buyers`, 0) AS `buyers`,
  CAST(COALESCE(`buyers`, 0) AS DOUBLE) / NULLIF(COALESCE(`total_buyer_share`, 0), 0) AS `buyer_share`,
  COALESCE(`total_all_buyers`, 0) AS `all_buyers`,
  COALESCE(`total_team_buyers`, 0) AS `team_buyers`,
  RANK() OVER (PARTITION BY `time_month`, `team` ORDER BY COALESCE(`revenue`, 0) DESC NULLS LAST) AS `revenue_rank`,
  RANK() OVER (PARTITION BY `time_month` ORDER BY COALESCE(`revenue`, 0) DESC NULLS LAST) AS `overall_rank`,
  RANK() OVER (PARTITION BY `time_month`, `team` ORDER BY COALESCE(`revenue`, 0) ASC) AS `low_rank`
FROM `with_totals`
ORDER BY
  `time_month` ASC,
  `team` ASC,
  `agent` ASC;
