-- metricdsl query: weekly_target (spark)
-- from: tests/golden/projects/planned/planned.metric
WITH `planned_revenue_2026` AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `saved_plan`.`start`) AS DATE) AS `time_week`,
    `saved_plan`.`member` AS `product`,
    SUM(`saved_plan`.`target`) AS `revenue_target`
  FROM `kpi`.`plan_revenue_2026` AS `saved_plan`
  WHERE
    `saved_plan`.`grain` = 'week'
    AND NOT `saved_plan`.`member` IS NULL
    AND CAST(DATE_TRUNC('WEEK', `saved_plan`.`start`) AS DATE) >= CAST('2026-03-30' AS DATE)
    AND CAST(DATE_TRUNC('WEEK', `saved_plan`.`start`) AS DATE) < CAST('2026-07-01' AS DATE)
    AND (
      `saved_plan`.`member` = 'A'
    )
  GROUP BY
    CAST(DATE_TRUNC('WEEK', `saved_plan`.`start`) AS DATE),
    `saved_plan`.`member`
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_week`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-03-30' AS DATE) <= CAST('2026-06-29' AS DATE)
      THEN SEQUENCE(CAST('2026-03-30' AS DATE), CAST('2026-06-29' AS DATE), INTERVAL '7' DAY)
    END
  ) AS `series`(`bucket`)
), `filled` AS (
  SELECT
    `time_week`,
    `product`,
    `revenue_target`
  FROM `planned_revenue_2026`
  UNION ALL
  SELECT
    `calendar`.`time_week`,
    `present`.`product`,
    CAST(NULL AS DOUBLE) AS `revenue_target`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `product`
    FROM `planned_revenue_2026`
  ) AS `present`
), `grouped` AS (
  SELECT
    `time_week`,
    `product`,
    MAX(`revenue_target`) AS `revenue_target`
  FROM `filled`
  GROUP BY
    `time_week`,
    `product`
)
SELECT
  `time_week` AS `time_week`,
  `product` AS `product`,
  COALESCE(`revenue_target`, 0) AS `revenue_target`
FROM `grouped`
ORDER BY
  `time_week` ASC NULLS LAST,
  `product` ASC NULLS LAST;
