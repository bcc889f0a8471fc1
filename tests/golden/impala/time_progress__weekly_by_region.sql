-- metricdsl query: weekly_by_region (impala 3.4)
-- from: tests/golden/projects/time_progress/spec.metric
WITH `scan_sales` AS (
  SELECT
    `sales`.`region` AS `region`,
    CAST(DATE_TRUNC('WEEK', `sales`.`sale_date`) AS DATE) AS `time_week`,
    SUM(`sales`.`amount`) AS `revenue`
  FROM `tp_sales` AS `sales`
  WHERE
    `sales`.`sale_date` >= CAST('2026-09-01' AS DATE)
    AND `sales`.`sale_date` < CAST('2026-11-01' AS DATE)
  GROUP BY
    `sales`.`region`,
    CAST(DATE_TRUNC('WEEK', `sales`.`sale_date`) AS DATE)
), `calendar` AS (
  SELECT
    CAST('2026-08-31' AS DATE) AS `time_week`
  UNION ALL
  SELECT
    CAST('2026-09-07' AS DATE) AS `time_week`
  UNION ALL
  SELECT
    CAST('2026-09-14' AS DATE) AS `time_week`
  UNION ALL
  SELECT
    CAST('2026-09-21' AS DATE) AS `time_week`
  UNION ALL
  SELECT
    CAST('2026-09-28' AS DATE) AS `time_week`
  UNION ALL
  SELECT
    CAST('2026-10-05' AS DATE) AS `time_week`
  UNION ALL
  SELECT
    CAST('2026-10-12' AS DATE) AS `time_week`
  UNION ALL
  SELECT
    CAST('2026-10-19' AS DATE) AS `time_week`
  UNION ALL
  SELECT
    CAST('2026-10-26' AS DATE) AS `time_week`
), `filled` AS (
  SELECT
    `region`,
    `time_week`,
    `revenue`
  FROM `scan_sales`
  UNION ALL
  SELECT
    `present`.`region`,
    `calendar`.`time_week`,
    CAST(NULL AS BIGINT) AS `revenue`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `region`
    FROM `scan_sales`
  ) AS `present`
), `grouped` AS (
  SELECT
    `region`,
    `time_week`,
    MAX(`revenue`) AS `revenue`
  FROM `filled`
  GROUP BY
    `region`,
    `time_week`
), `time_progress_cn2026_days` AS (
  SELECT
    CAST('2026-08-31' AS DATE) AS `day`,
    1 AS `workday`
  UNION ALL
  SELECT
    CAST('2026-09-01' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-02' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-03' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-04' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-05' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-09-06' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-09-07' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-08' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-09' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-10' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-11' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-12' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-09-13' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-09-14' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-15' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-16' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-17' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-18' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-19' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-09-20' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-21' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-22' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-23' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-24' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-25' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-09-26' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-09-27' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-09-28' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-29' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-09-30' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-01' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-02' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-03' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-04' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-05' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-06' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-07' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-08' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-09' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-10' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-11' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-12' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-13' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-14' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-15' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-16' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-17' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-18' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-19' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-20' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-21' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-22' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-23' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-24' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-25' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-10-26' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-27' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-28' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-29' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-30' AS DATE),
    1
  UNION ALL
  SELECT
    CAST('2026-10-31' AS DATE),
    0
  UNION ALL
  SELECT
    CAST('2026-11-01' AS DATE),
    0
), `time_progress_cn2026_counts` AS (
  SELECT
    CAST(DATE_TRUNC('WEEK', `time_progress_cn2026_days`.`day`) AS DATE) AS `bucket`,
    SUM(`time_progress_cn2026_days`.`workday`) AS `workdays`,
    SUM(
      CASE
        WHEN `time_progress_cn2026_days`.`day` <= CAST(CURRENT_DATE AS DATE)
        THEN `time_progress_cn2026_days`.`workday`
        ELSE 0
      END
    ) AS `workdays_through`
  FROM `time_progress_cn2026_days`
  GROUP BY
    CAST(DATE_TRUNC('WEEK', `time_progress_cn2026_days`.`day`) AS DATE)
), `with_progress` AS (
  SELECT
    `grouped`.*,
    CAST(CASE
      WHEN `grouped`.`time_week` > CAST(CURRENT_DATE AS DATE)
      THEN 0
      WHEN CAST(`grouped`.`time_week` + INTERVAL 7 DAY AS DATE) <= CAST(CAST(CURRENT_DATE AS DATE) + INTERVAL 1 DAY AS DATE)
      THEN 1
      WHEN `time_progress_cn2026_counts`.`workdays` > 0
      THEN CAST(`time_progress_cn2026_counts`.`workdays_through` AS DOUBLE) / NULLIF(`time_progress_cn2026_counts`.`workdays`, 0)
      WHEN `time_progress_cn2026_counts`.`workdays` = 0
      THEN 1
    END AS DOUBLE) AS `time_progress_cn2026`
  FROM `grouped`
  LEFT JOIN `time_progress_cn2026_counts`
    ON `time_progress_cn2026_counts`.`bucket` = `grouped`.`time_week`
)
SELECT
  `region` AS `region`,
  `time_week` AS `time_week`,
  COALESCE(`revenue`, 0) AS `revenue`,
  `time_progress_cn2026` AS `progress`
FROM `with_progress`
ORDER BY
  `region` ASC,
  `time_week` ASC;
