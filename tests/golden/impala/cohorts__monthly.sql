-- metricdsl query: monthly (impala 3.4)
-- from: tests/corpus/cohorts/spec.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
    COUNT(DISTINCT IF(`orders`.`status` = 'paid', `orders`.`customer_id`, NULL)) AS `buyers`
  FROM `co_orders` AS `orders`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE)
), `new_orders` AS (
  SELECT
    `time_month`,
    SUM(CASE WHEN `time_month` = `first_bucket` THEN 1 ELSE 0 END) AS `new_buyers`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `first_bucket`) AS DATE) AS `first_bucket`,
      CAST(DATE_TRUNC('MONTH', `time_month`) AS DATE) AS `time_month`
    FROM (
      SELECT
        `orders`.`customer_id` AS `cohort_key`,
        MIN(`orders`.`order_date`) AS `first_bucket`,
        MIN(
          CASE
            WHEN `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
            THEN `orders`.`order_date`
          END
        ) AS `time_month`
      FROM `co_orders` AS `orders`
      WHERE
        NOT `orders`.`customer_id` IS NULL
        AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
        AND (
          `orders`.`status` = 'paid'
        )
      GROUP BY
        `orders`.`customer_id`
    ) AS `cohort_flags`
  ) AS `cohort_flags`
  WHERE
    NOT `time_month` IS NULL
  GROUP BY
    `time_month`
), `scan_calls` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `calls`.`called_on`) AS DATE) AS `time_month`,
    COUNT(DISTINCT `calls`.`customer_id`) AS `callers`
  FROM `co_calls` AS `calls`
  WHERE
    `calls`.`called_on` >= CAST('2026-01-01' AS DATE)
    AND `calls`.`called_on` < CAST('2027-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `calls`.`called_on`) AS DATE)
), `converted_calls` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `a_rows`.`cohort_time`) AS DATE) AS `time_month`,
    COUNT(DISTINCT `b_rows`.`cohort_key`) AS `call_to_order_7d`
  FROM (
    SELECT DISTINCT
      `calls`.`called_on` AS `cohort_time`,
      `calls`.`customer_id` AS `cohort_key`
    FROM `co_calls` AS `calls`
    WHERE
      NOT `calls`.`customer_id` IS NULL
      AND `calls`.`called_on` >= CAST('2026-01-01' AS DATE)
      AND `calls`.`called_on` < CAST('2027-01-01' AS DATE)
  ) AS `a_rows`
  LEFT JOIN (
    SELECT DISTINCT
      `orders`.`order_date` AS `cohort_time`,
      `orders`.`customer_id` AS `cohort_key`
    FROM `co_orders` AS `orders`
    WHERE
      NOT `orders`.`customer_id` IS NULL
      AND `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
      AND `orders`.`order_date` < CAST('2027-01-01' AS DATE) + INTERVAL 7 DAY
      AND (
        `orders`.`status` = 'paid'
      )
  ) AS `b_rows`
    ON `b_rows`.`cohort_key` = `a_rows`.`cohort_key`
    AND `b_rows`.`cohort_time` >= `a_rows`.`cohort_time`
    AND `b_rows`.`cohort_time` <= `a_rows`.`cohort_time` + INTERVAL 7 DAY
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `a_rows`.`cohort_time`) AS DATE)
), `churned_orders_keys` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
    `orders`.`customer_id` AS `cohort_key`,
    MAX(CASE WHEN `orders`.`order_date` >= CAST('2026-01-01' AS DATE) THEN 1 ELSE 0 END) AS `counted_now`,
    MAX(
      CASE
        WHEN `orders`.`order_date` >= CAST('2025-12-01' AS DATE)
        AND `orders`.`order_date` < CAST('2026-12-01' AS DATE)
        THEN 1
        ELSE 0
      END
    ) AS `counted_before`
  FROM `co_orders` AS `orders`
  WHERE
    NOT `orders`.`customer_id` IS NULL
    AND `orders`.`order_date` >= CAST('2025-12-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE),
    `orders`.`customer_id`
), `churned_orders` AS (
  SELECT
    `earlier`.`time_month` AS `time_month`,
    SUM(CASE WHEN `current`.`cohort_key` IS NULL THEN 1 ELSE 0 END) AS `churned_last_month`
  FROM (
    SELECT
      CAST(`time_month` + INTERVAL 1 MONTH AS DATE) AS `time_month`,
      `cohort_key`
    FROM `churned_orders_keys`
    WHERE
      `counted_before` = 1
  ) AS `earlier`
  LEFT JOIN (
    SELECT
      `time_month`,
      `cohort_key`
    FROM `churned_orders_keys`
    WHERE
      `counted_now` = 1
  ) AS `current`
    ON `earlier`.`time_month` = `current`.`time_month`
    AND `earlier`.`cohort_key` = `current`.`cohort_key`
  GROUP BY
    `earlier`.`time_month`
), `calendar` AS (
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-02-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-03-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-04-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-05-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-06-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-07-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-08-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-09-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-10-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-11-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-12-01' AS DATE) AS `time_month`
), `combined` AS (
  SELECT
    `time_month`,
    `buyers`,
    CAST(NULL AS BIGINT) AS `new_buyers`,
    CAST(NULL AS BIGINT) AS `callers`,
    CAST(NULL AS BIGINT) AS `call_to_order_7d`,
    CAST(NULL AS BIGINT) AS `churned_last_month`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    `new_buyers`,
    CAST(NULL AS BIGINT) AS `callers`,
    CAST(NULL AS BIGINT) AS `call_to_order_7d`,
    CAST(NULL AS BIGINT) AS `churned_last_month`
  FROM `new_orders`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `new_buyers`,
    `callers`,
    CAST(NULL AS BIGINT) AS `call_to_order_7d`,
    CAST(NULL AS BIGINT) AS `churned_last_month`
  FROM `scan_calls`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `new_buyers`,
    CAST(NULL AS BIGINT) AS `callers`,
    `call_to_order_7d`,
    CAST(NULL AS BIGINT) AS `churned_last_month`
  FROM `converted_calls`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `new_buyers`,
    CAST(NULL AS BIGINT) AS `callers`,
    CAST(NULL AS BIGINT) AS `call_to_order_7d`,
    `churned_last_month`
  FROM `churned_orders`
), `filled` AS (
  SELECT
    `time_month`,
    `buyers`,
    `new_buyers`,
    `callers`,
    `call_to_order_7d`,
    `churned_last_month`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `new_buyers`,
    CAST(NULL AS BIGINT) AS `callers`,
    CAST(NULL AS BIGINT) AS `call_to_order_7d`,
    CAST(NULL AS BIGINT) AS `churned_last_month`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_month`,
    MAX(`buyers`) AS `buyers`,
    MAX(`new_buyers`) AS `new_buyers`,
    MAX(`callers`) AS `callers`,
    MAX(`call_to_order_7d`) AS `call_to_order_7d`,
    MAX(`churned_last_month`) AS `churned_last_month`
  FROM `filled`
  GROUP BY
    `time_month`
)
SELECT
  `time_month` AS `time_month`,
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`new_buyers`, 0) AS `new_buyers`,
  COALESCE(`buyers`, 0) - COALESCE(`new_buyers`, 0) AS `returning_buyers`,
  COALESCE(`callers`, 0) AS `callers`,
  COALESCE(`call_to_order_7d`, 0) AS `call_to_order_7d`,
  CAST(COALESCE(`call_to_order_7d`, 0) AS DOUBLE) / NULLIF(COALESCE(`callers`, 0), 0) AS `call_conversion`,
  COALESCE(`churned_last_month`, 0) AS `churned_last_month`
FROM `grouped`
ORDER BY
  `time_month` ASC;
