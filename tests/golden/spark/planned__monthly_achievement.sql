-- metricdsl query: monthly_achievement (spark)
-- from: tests/golden/projects/planned/planned.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
    `orders`.`product` AS `product`,
    SUM(`orders`.`amount`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `revenue`
  FROM `dw`.`fact_orders` AS `orders`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE),
    `orders`.`product`
), `planned_revenue_2026` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `saved_plan`.`start`) AS DATE) AS `time_month`,
    `saved_plan`.`member` AS `product`,
    SUM(`saved_plan`.`target`) AS `revenue_target`
  FROM `kpi`.`plan_revenue_2026` AS `saved_plan`
  WHERE
    `saved_plan`.`grain` = 'month'
    AND NOT `saved_plan`.`member` IS NULL
    AND CAST(DATE_TRUNC('MONTH', `saved_plan`.`start`) AS DATE) >= CAST('2026-01-01' AS DATE)
    AND CAST(DATE_TRUNC('MONTH', `saved_plan`.`start`) AS DATE) < CAST('2027-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `saved_plan`.`start`) AS DATE),
    `saved_plan`.`member`
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_month`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-12-01' AS DATE)
      THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-12-01' AS DATE), INTERVAL '1' MONTH)
    END
  ) AS `series`(`bucket`)
), `combined` AS (
  SELECT
    `time_month`,
    `product`,
    `revenue`,
    CAST(NULL AS DOUBLE) AS `revenue_target`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `time_month`,
    `product`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    `revenue_target`
  FROM `planned_revenue_2026`
), `filled` AS (
  SELECT
    `time_month`,
    `product`,
    `revenue`,
    `revenue_target`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    `present`.`product`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS DOUBLE) AS `revenue_target`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `product`
    FROM `combined`
  ) AS `present`
), `grouped` AS (
  SELECT
    `time_month`,
    `product`,
    MAX(`revenue`) AS `revenue`,
    MAX(`revenue_target`) AS `revenue_target`
  FROM `filled`
  GROUP BY
    `time_month`,
    `product`
)
SELECT
  `time_month` AS `time_month`,
  `product` AS `product`,
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`revenue_target`, 0) AS `revenue_target`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`revenue_target`, 0), 0) AS `achievement`
FROM `grouped`
ORDER BY
  `time_month` ASC NULLS LAST,
  `product` ASC NULLS LAST;
