-- metricdsl query: by_month (spark)
-- from: tests/corpus/having/spec.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
    COUNT(DISTINCT `orders`.`customer_id`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `buyers`
  FROM `hv_orders` AS `orders`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2026-04-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE)
), `scan_orders_having` AS (
  SELECT
    `time_month`,
    COUNT(DISTINCT `distinct_key`) FILTER(WHERE
      `passes`) AS `repeat_buyers`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
      `orders`.`customer_id` AS `distinct_key`,
      COUNT(*) >= 2 AS `passes`
    FROM `hv_orders` AS `orders`
    WHERE
      `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
      AND `orders`.`order_date` < CAST('2026-04-01' AS DATE)
      AND (
        `orders`.`status` = 'paid'
      )
    GROUP BY
      CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE),
      `orders`.`customer_id`
  ) AS `per_key`
  GROUP BY
    `time_month`
), `scan_orders_having_2` AS (
  SELECT
    `time_month`,
    COUNT(DISTINCT `distinct_key`) FILTER(WHERE
      `passes`) AS `big_spenders`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
      `orders`.`customer_id` AS `distinct_key`,
      SUM(`orders`.`amount`) > 100 AS `passes`
    FROM `hv_orders` AS `orders`
    WHERE
      `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
      AND `orders`.`order_date` < CAST('2026-04-01' AS DATE)
      AND (
        `orders`.`status` = 'paid'
      )
    GROUP BY
      CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE),
      `orders`.`customer_id`
  ) AS `per_key`
  GROUP BY
    `time_month`
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_month`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-03-01' AS DATE)
      THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-03-01' AS DATE), INTERVAL '1' MONTH)
    END
  ) AS `series`(`bucket`)
), `combined` AS (
  SELECT
    `time_month`,
    `buyers`,
    CAST(NULL AS BIGINT) AS `repeat_buyers`,
    CAST(NULL AS BIGINT) AS `big_spenders`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    `repeat_buyers`,
    CAST(NULL AS BIGINT) AS `big_spenders`
  FROM `scan_orders_having`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `repeat_buyers`,
    `big_spenders`
  FROM `scan_orders_having_2`
), `filled` AS (
  SELECT
    `time_month`,
    `buyers`,
    `repeat_buyers`,
    `big_spenders`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `repeat_buyers`,
    CAST(NULL AS BIGINT) AS `big_spenders`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_month`,
    MAX(`buyers`) AS `buyers`,
    MAX(`repeat_buyers`) AS `repeat_buyers`,
    MAX(`big_spenders`) AS `big_spenders`
  FROM `filled`
  GROUP BY
    `time_month`
)
SELECT
  `time_month` AS `time_month`,
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`repeat_buyers`, 0) AS `repeat_buyers`,
  COALESCE(`big_spenders`, 0) AS `big_spenders`,
  CAST(COALESCE(`repeat_buyers`, 0) AS DOUBLE) / NULLIF(COALESCE(`buyers`, 0), 0) AS `repeat_rate`
FROM `grouped`
ORDER BY
  `time_month` ASC NULLS LAST;
