-- metricdsl query: partial (impala 3.4)
-- from: tests/corpus/cohort_edges/spec.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`ordered_at`) AS DATE) AS `time_month`,
    COUNT(DISTINCT IF(`orders`.`status` = 'paid', `orders`.`customer_id`, NULL)) AS `buyers`
  FROM `ce_orders` AS `orders`
  WHERE
    `orders`.`ordered_at` >= CAST('2026-01-15' AS DATE)
    AND `orders`.`ordered_at` < CAST('2026-03-21' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`ordered_at`) AS DATE)
), `retained_orders_keys` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`ordered_at`) AS DATE) AS `time_month`,
    `orders`.`customer_id` AS `cohort_key`,
    MAX(CASE WHEN `orders`.`ordered_at` >= CAST('2026-01-15' AS DATE) THEN 1 ELSE 0 END) AS `counted_now`,
    MAX(
      CASE
        WHEN CAST(`orders`.`ordered_at` + INTERVAL 1 MONTH AS DATE) >= CAST('2026-01-15' AS DATE)
        AND CAST(`orders`.`ordered_at` + INTERVAL 1 MONTH AS DATE) < CAST('2026-03-21' AS DATE)
        THEN 1
        ELSE 0
      END
    ) AS `counted_before`
  FROM `ce_orders` AS `orders`
  WHERE
    NOT `orders`.`customer_id` IS NULL
    AND `orders`.`ordered_at` >= CAST('2025-12-01' AS DATE)
    AND `orders`.`ordered_at` < CAST('2026-03-21' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`ordered_at`) AS DATE),
    `orders`.`customer_id`
), `retained_orders` AS (
  SELECT
    `earlier`.`time_month` AS `time_month`,
    SUM(CASE WHEN NOT `current`.`cohort_key` IS NULL THEN 1 ELSE 0 END) AS `retained_last`
  FROM (
    SELECT
      CAST(`time_month` + INTERVAL 1 MONTH AS DATE) AS `time_month`,
      `cohort_key`
    FROM `retained_orders_keys`
    WHERE
      `counted_before` = 1
  ) AS `earlier`
  LEFT JOIN (
    SELECT
      `time_month`,
      `cohort_key`
    FROM `retained_orders_keys`
    WHERE
      `counted_now` = 1
  ) AS `current`
    ON `earlier`.`time_month` = `current`.`time_month`
    AND `earlier`.`cohort_key` = `current`.`cohort_key`
  GROUP BY
    `earlier`.`time_month`
), `churned_orders` AS (
  SELECT
    `earlier`.`time_month` AS `time_month`,
    SUM(CASE WHEN `current`.`cohort_key` IS NULL THEN 1 ELSE 0 END) AS `churned_last`
  FROM (
    SELECT
      CAST(`time_month` + INTERVAL 1 MONTH AS DATE) AS `time_month`,
      `cohort_key`
    FROM `retained_orders_keys`
    WHERE
      `counted_before` = 1
  ) AS `earlier`
  LEFT JOIN (
    SELECT
      `time_month`,
      `cohort_key`
    FROM `retained_orders_keys`
    WHERE
      `counted_now` = 1
  ) AS `current`
    ON `earlier`.`time_month` = `current`.`time_month`
    AND `earlier`.`cohort_key` = `current`.`cohort_key`
  GROUP BY
    `earlier`.`time_month`
), `scan_calls` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `calls`.`called_at`) AS DATE) AS `time_month`,
    COUNT(DISTINCT `calls`.`customer_id`) AS `callers`
  FROM `ce_calls` AS `calls`
  WHERE
    `calls`.`called_at` >= CAST('2026-01-15' AS DATE)
    AND `calls`.`called_at` < CAST('2026-03-21' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `calls`.`called_at`) AS DATE)
), `converted_calls` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `a_rows`.`cohort_time`) AS DATE) AS `time_month`,
    COUNT(DISTINCT `b_rows`.`cohort_key`) AS `call_to_order_2d`
  FROM (
    SELECT DISTINCT
      `calls`.`called_at` AS `cohort_time`,
      `calls`.`customer_id` AS `cohort_key`
    FROM `ce_calls` AS `calls`
    WHERE
      NOT `calls`.`customer_id` IS NULL
      AND `calls`.`called_at` >= CAST('2026-01-15' AS DATE)
      AND `calls`.`called_at` < CAST('2026-03-21' AS DATE)
  ) AS `a_rows`
  LEFT JOIN (
    SELECT DISTINCT
      `orders`.`ordered_at` AS `cohort_time`,
      `orders`.`customer_id` AS `cohort_key`
    FROM `ce_orders` AS `orders`
    WHERE
      NOT `orders`.`customer_id` IS NULL
      AND `orders`.`ordered_at` >= CAST('2026-01-15' AS DATE)
      AND `orders`.`ordered_at` < CAST('2026-03-21' AS DATE) + INTERVAL 2 DAY
      AND (
        `orders`.`status` = 'paid'
      )
  ) AS `b_rows`
    ON `b_rows`.`cohort_key` = `a_rows`.`cohort_key`
    AND `b_rows`.`cohort_time` >= `a_rows`.`cohort_time`
    AND `b_rows`.`cohort_time` <= `a_rows`.`cohort_time` + INTERVAL 2 DAY
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `a_rows`.`cohort_time`) AS DATE)
), `calendar` AS (
  SELECT
    CAST('2026-01-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-02-01' AS DATE) AS `time_month`
  UNION ALL
  SELECT
    CAST('2026-03-01' AS DATE) AS `time_month`
), `combined` AS (
  SELECT
    `time_month`,
    `buyers`,
    CAST(NULL AS BIGINT) AS `retained_last`,
    CAST(NULL AS BIGINT) AS `churned_last`,
    CAST(NULL AS BIGINT) AS `callers`,
    CAST(NULL AS BIGINT) AS `call_to_order_2d`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    `retained_last`,
    CAST(NULL AS BIGINT) AS `churned_last`,
    CAST(NULL AS BIGINT) AS `callers`,
    CAST(NULL AS BIGINT) AS `call_to_order_2d`
  FROM `retained_orders`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `retained_last`,
    `churned_last`,
    CAST(NULL AS BIGINT) AS `callers`,
    CAST(NULL AS BIGINT) AS `call_to_order_2d`
  FROM `churned_orders`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `retained_last`,
    CAST(NULL AS BIGINT) AS `churned_last`,
    `callers`,
    CAST(NULL AS BIGINT) AS `call_to_order_2d`
  FROM `scan_calls`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `retained_last`,
    CAST(NULL AS BIGINT) AS `churned_last`,
    CAST(NULL AS BIGINT) AS `callers`,
    `call_to_order_2d`
  FROM `converted_calls`
), `filled` AS (
  SELECT
    `time_month`,
    `buyers`,
    `retained_last`,
    `churned_last`,
    `callers`,
    `call_to_order_2d`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `retained_last`,
    CAST(NULL AS BIGINT) AS `churned_last`,
    CAST(NULL AS BIGINT) AS `callers`,
    CAST(NULL AS BIGINT) AS `call_to_order_2d`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_month`,
    MAX(`buyers`) AS `buyers`,
    MAX(`retained_last`) AS `retained_last`,
    MAX(`churned_last`) AS `churned_last`,
    MAX(`callers`) AS `callers`,
    MAX(`call_to_order_2d`) AS `call_to_order_2d`
  FROM `filled`
  GROUP BY
    `time_month`
)
SELECT
  `time_month` AS `time_month`,
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`retained_last`, 0) AS `retained_last`,
  COALESCE(`churned_last`, 0) AS `churned_last`,
  COALESCE(`callers`, 0) AS `callers`,
  COALESCE(`call_to_order_2d`, 0) AS `call_to_order_2d`
FROM `grouped`
ORDER BY
  `time_month` ASC;
