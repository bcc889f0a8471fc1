-- metricdsl query: yearly_channel (spark)
-- from: tests/corpus/cohorts/spec.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE) AS `time_year`,
    `orders`.`channel` AS `channel`,
    COUNT(DISTINCT `orders`.`customer_id`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `buyers`
  FROM `co_orders` AS `orders`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE),
    `orders`.`channel`
), `retained_orders_keys` AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE) AS `time_year`,
    `orders`.`channel` AS `channel`,
    `orders`.`customer_id` AS `cohort_key`,
    MAX(CASE WHEN `orders`.`order_date` >= CAST('2026-01-01' AS DATE) THEN 1 ELSE 0 END) AS `counted_now`,
    MAX(
      CASE
        WHEN `orders`.`order_date` >= CAST('2025-01-01' AS DATE)
        AND `orders`.`order_date` < CAST('2026-01-01' AS DATE)
        THEN 1
        ELSE 0
      END
    ) AS `counted_before`
  FROM `co_orders` AS `orders`
  WHERE
    NOT `orders`.`customer_id` IS NULL
    AND `orders`.`order_date` >= CAST('2025-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE),
    `orders`.`channel`,
    `orders`.`customer_id`
), `retained_orders` AS (
  SELECT
    `time_year`,
    `channel`,
    MAX(`retained_buyers`) AS `retained_buyers`
  FROM (
    SELECT
      `earlier`.`time_year` AS `time_year`,
      `earlier`.`channel` AS `channel`,
      SUM(CASE WHEN NOT `current`.`cohort_key` IS NULL THEN 1 ELSE 0 END) AS `retained_buyers`
    FROM (
      SELECT
        CAST(ADD_MONTHS(`time_year`, 12) AS DATE) AS `time_year`,
        `channel`,
        `cohort_key`
      FROM `retained_orders_keys`
      WHERE
        `counted_before` = 1
    ) AS `earlier`
    LEFT JOIN (
      SELECT
        `time_year`,
        `channel`,
        `cohort_key`
      FROM `retained_orders_keys`
      WHERE
        `counted_now` = 1
    ) AS `current`
      ON `earlier`.`time_year` = `current`.`time_year`
      AND `earlier`.`cohort_key` = `current`.`cohort_key`
      AND `earlier`.`channel` IS NOT DISTINCT FROM `current`.`channel`
    GROUP BY
      `earlier`.`time_year`,
      `earlier`.`channel`
    UNION ALL
    SELECT
      `time_year`,
      `channel`,
      0 AS `retained_buyers`
    FROM `retained_orders_keys`
    WHERE
      `counted_now` = 1
    GROUP BY
      `time_year`,
      `channel`
  ) AS `counted`
  GROUP BY
    `time_year`,
    `channel`
), `churned_orders` AS (
  SELECT
    `time_year`,
    `channel`,
    MAX(`churned_buyers`) AS `churned_buyers`
  FROM (
    SELECT
      `earlier`.`time_year` AS `time_year`,
      `earlier`.`channel` AS `channel`,
      SUM(CASE WHEN `current`.`cohort_key` IS NULL THEN 1 ELSE 0 END) AS `churned_buyers`
    FROM (
      SELECT
        CAST(ADD_MONTHS(`time_year`, 12) AS DATE) AS `time_year`,
        `channel`,
        `cohort_key`
      FROM `retained_orders_keys`
      WHERE
        `counted_before` = 1
    ) AS `earlier`
    LEFT JOIN (
      SELECT
        `time_year`,
        `channel`,
        `cohort_key`
      FROM `retained_orders_keys`
      WHERE
        `counted_now` = 1
    ) AS `current`
      ON `earlier`.`time_year` = `current`.`time_year`
      AND `earlier`.`cohort_key` = `current`.`cohort_key`
      AND `earlier`.`channel` IS NOT DISTINCT FROM `current`.`channel`
    GROUP BY
      `earlier`.`time_year`,
      `earlier`.`channel`
    UNION ALL
    SELECT
      `time_year`,
      `channel`,
      0 AS `churned_buyers`
    FROM `retained_orders_keys`
    WHERE
      `counted_now` = 1
    GROUP BY
      `time_year`,
      `channel`
  ) AS `counted`
  GROUP BY
    `time_year`,
    `channel`
), `new_orders` AS (
  SELECT
    `time_year`,
    `channel`,
    SUM(CASE WHEN `time_year` = `first_bucket` THEN 1 ELSE 0 END) AS `new_buyers`
  FROM (
    SELECT
      `channel`,
      CAST(DATE_TRUNC('YEAR', `first_bucket`) AS DATE) AS `first_bucket`,
      CAST(DATE_TRUNC('YEAR', `time_year`) AS DATE) AS `time_year`
    FROM (
      SELECT
        `orders`.`channel` AS `channel`,
        `orders`.`customer_id` AS `cohort_key`,
        MIN(`orders`.`order_date`) AS `first_bucket`,
        MIN(
          CASE
            WHEN `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
            THEN `orders`.`order_date`
          END
        ) AS `time_year`
      FROM `co_orders` AS `orders`
      WHERE
        NOT `orders`.`customer_id` IS NULL
        AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
        AND (
          `orders`.`status` = 'paid'
        )
      GROUP BY
        `orders`.`channel`,
        `orders`.`customer_id`
    ) AS `cohort_flags`
  ) AS `cohort_flags`
  WHERE
    NOT `time_year` IS NULL
  GROUP BY
    `time_year`,
    `channel`
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_year`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-01-01' AS DATE)
      THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-01-01' AS DATE), INTERVAL '12' MONTH)
    END
  ) AS `series`(`bucket`)
), `combined` AS (
  SELECT
    `time_year`,
    `channel`,
    `buyers`,
    CAST(NULL AS BIGINT) AS `retained_buyers`,
    CAST(NULL AS BIGINT) AS `churned_buyers`,
    CAST(NULL AS BIGINT) AS `new_buyers`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `time_year`,
    `channel`,
    CAST(NULL AS BIGINT) AS `buyers`,
    `retained_buyers`,
    CAST(NULL AS BIGINT) AS `churned_buyers`,
    CAST(NULL AS BIGINT) AS `new_buyers`
  FROM `retained_orders`
  UNION ALL
  SELECT
    `time_year`,
    `channel`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `retained_buyers`,
    `churned_buyers`,
    CAST(NULL AS BIGINT) AS `new_buyers`
  FROM `churned_orders`
  UNION ALL
  SELECT
    `time_year`,
    `channel`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `retained_buyers`,
    CAST(NULL AS BIGINT) AS `churned_buyers`,
    `new_buyers`
  FROM `new_orders`
), `filled` AS (
  SELECT
    `time_year`,
    `channel`,
    `buyers`,
    `retained_buyers`,
    `churned_buyers`,
    `new_buyers`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_year`,
    `present`.`channel`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `retained_buyers`,
    CAST(NULL AS BIGINT) AS `churned_buyers`,
    CAST(NULL AS BIGINT) AS `new_buyers`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `channel`
    FROM `combined`
  ) AS `present`
), `grouped` AS (
  SELECT
    `time_year`,
    `channel`,
    MAX(`buyers`) AS `buyers`,
    MAX(`retained_buyers`) AS `retained_buyers`,
    MAX(`churned_buyers`) AS `churned_buyers`,
    MAX(`new_buyers`) AS `new_buyers`
  FROM `filled`
  GROUP BY
    `time_year`,
    `channel`
)
SELECT
  `time_year` AS `time_year`,
  `channel` AS `channel`,
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`retained_buyers`, 0) AS `retained_buyers`,
  COALESCE(`churned_buyers`, 0) AS `churned_buyers`,
  COALESCE(`new_buyers`, 0) AS `new_buyers`
FROM `grouped`
ORDER BY
  `time_year` ASC NULLS LAST,
  `channel` ASC NULLS LAST;
