-- metricdsl query: with_visits (impala 3.4)
-- from: tests/corpus/peers/spec.metric
WITH `scan_sales` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE) AS `time_month`,
    SUM(`sales`.`amount`) AS `revenue`
  FROM `pe_sales` AS `sales`
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE)
), `scan_visits` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `visits`.`visited_on`) AS DATE) AS `time_month`,
    COUNT(`visits`.`visit_id`) AS `visit_count`
  FROM `pe_visits` AS `visits`
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `visits`.`visited_on`) AS DATE)
), `calendar` AS (
  SELECT
    CAST(`bounds`.`first_bucket` + INTERVAL `numbers`.`n` MONTH AS DATE) AS `time_month`
  FROM (
    SELECT
      `ones`.`d` + 0 + `tens`.`d` * 10 + `hundreds`.`d` * 100 + `thousands`.`d` * 1000 AS `n`
    FROM (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `ones`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `tens`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `hundreds`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `thousands`
  ) AS `numbers`
  CROSS JOIN (
    SELECT
      MIN(`first_bucket`) AS `first_bucket`,
      MAX(`last_bucket`) AS `last_bucket`
    FROM (
      SELECT
        MIN(`time_month`) AS `first_bucket`,
        MAX(`time_month`) AS `last_bucket`
      FROM `scan_sales`
      UNION ALL
      SELECT
        MIN(`time_month`) AS `first_bucket`,
        MAX(`time_month`) AS `last_bucket`
      FROM `scan_visits`
    ) AS `ranges`
  ) AS `bounds`
  WHERE
    CAST(`bounds`.`first_bucket` + INTERVAL `numbers`.`n` MONTH AS DATE) <= `bounds`.`last_bucket`
), `combined` AS (
  SELECT
    `time_month`,
    `revenue`,
    CAST(NULL AS BIGINT) AS `visit_count`
  FROM `scan_sales`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    `visit_count`
  FROM `scan_visits`
), `filled` AS (
  SELECT
    `time_month`,
    `revenue`,
    `visit_count`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `visit_count`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_month`,
    MAX(`revenue`) AS `revenue`,
    MAX(`visit_count`) AS `visit_count`
  FROM `filled`
  GROUP BY
    `time_month`
), `total_all_revenue_plus_scan_sales` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE) AS `time_month`,
    SUM(`sales`.`amount`) AS `revenue`,
    AVG(`sales`.`rating`) AS `avg_rating`
  FROM `pe_sales` AS `sales`
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE)
), `total_all_revenue_plus_calendar` AS (
  SELECT
    CAST(`bounds`.`first_bucket` + INTERVAL `numbers`.`n` MONTH AS DATE) AS `time_month`
  FROM (
    SELECT
      `ones`.`d` + 0 + `tens`.`d` * 10 + `hundreds`.`d` * 100 + `thousands`.`d` * 1000 AS `n`
    FROM (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `ones`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `tens`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `hundreds`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `thousands`
  ) AS `numbers`
  CROSS JOIN (
    SELECT
      MIN(`first_bucket`) AS `first_bucket`,
      MAX(`last_bucket`) AS `last_bucket`
    FROM (
      SELECT
        MIN(`time_month`) AS `first_bucket`,
        MAX(`time_month`) AS `last_bucket`
      FROM `total_all_revenue_plus_scan_sales`
    ) AS `ranges`
  ) AS `bounds`
  WHERE
    CAST(`bounds`.`first_bucket` + INTERVAL `numbers`.`n` MONTH AS DATE) <= `bounds`.`last_bucket`
), `total_all_revenue_plus_filled` AS (
  SELECT
    `time_month`,
    `revenue`,
    `avg_rating`
  FROM `total_all_revenue_plus_scan_sales`
  UNION ALL
  SELECT
    `total_all_revenue_plus_calendar`.`time_month`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS DOUBLE) AS `avg_rating`
  FROM `total_all_revenue_plus_calendar`
), `total_all_revenue_plus_grouped` AS (
  SELECT
    `time_month`,
    MAX(`revenue`) AS `revenue`,
    MAX(`avg_rating`) AS `avg_rating`
  FROM `total_all_revenue_plus_filled`
  GROUP BY
    `time_month`
), `total_all_revenue_plus` AS (
  SELECT
    `time_month` AS `time_month`,
    COALESCE(`revenue`, 0) + (
      0 * `avg_rating`
    ) AS `total_all_revenue_plus`
  FROM `total_all_revenue_plus_grouped`
), `total_all_buyers_scan_sales` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE) AS `time_month`,
    COUNT(DISTINCT `sales`.`customer_id`) AS `buyers`
  FROM `pe_sales` AS `sales`
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE)
), `total_all_buyers_calendar` AS (
  SELECT
    CAST(`bounds`.`first_bucket` + INTERVAL `numbers`.`n` MONTH AS DATE) AS `time_month`
  FROM (
    SELECT
      `ones`.`d` + 0 + `tens`.`d` * 10 + `hundreds`.`d` * 100 + `thousands`.`d` * 1000 AS `n`
    FROM (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `ones`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `tens`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `hundreds`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `thousands`
  ) AS `numbers`
  CROSS JOIN (
    SELECT
      MIN(`first_bucket`) AS `first_bucket`,
      MAX(`last_bucket`) AS `last_bucket`
    FROM (
      SELECT
        MIN(`time_month`) AS `first_bucket`,
        MAX(`time_month`) AS `last_bucket`
      FROM `total_all_buyers_scan_sales`
    ) AS `ranges`
  ) AS `bounds`
  WHERE
    CAST(`bounds`.`first_bucket` + INTERVAL `numbers`.`n` MONTH AS DATE) <= `bounds`.`last_bucket`
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
), `with_totals` AS (
  SELECT
    `grouped`.*,
    SUM(COALESCE(`revenue`, 0)) OVER (PARTITION BY `grouped`.`time_month`) AS `total_revenue_share`,
    SUM(COALESCE(`revenue`, 0)) OVER (PARTITION BY `grouped`.`time_month`) AS `total_all_revenue`,
    `total_all_revenue_plus`.`total_all_revenue_plus` AS `total_all_revenue_plus`,
    `total_all_buyers`.`total_all_buyers` AS `total_all_buyers`
  FROM `grouped`
  LEFT JOIN `total_all_revenue_plus`
    ON `grouped`.`time_month` IS NOT DISTINCT FROM `total_all_revenue_plus`.`time_month`
  LEFT JOIN `total_all_buyers`
    ON `grouped`.`time_month` IS NOT DISTINCT FROM `total_all_buyers`.`time_month`
)
SELECT
  `time_month` AS `time_month`,
  COALESCE(`revenue`, 0) AS `revenue`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`total_revenue_share`, 0), 0) AS `revenue_share`,
  COALESCE(`total_all_revenue`, 0) AS `all_revenue`,
  `total_all_revenue_plus` AS `all_revenue_plus`,
  COALESCE(`total_all_buyers`, 0) AS `all_buyers`,
  COALESCE(`visit_count`, 0) AS `visit_count`
FROM `with_totals`
ORDER BY
  `time_month` ASC;
