-- metricdsl query: all_years (spark)
-- from: tests/corpus/cohorts/spec.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE) AS `time_year`,
    COUNT(DISTINCT `orders`.`customer_id`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `buyers`
  FROM `co_orders` AS `orders`
  WHERE
    (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE)
), `churned_orders` AS (
  SELECT
    `time_year`,
    SUM(CASE WHEN `counted_now` = 0 AND `counted_before` = 1 THEN 1 ELSE 0 END) AS `churned_last_month`
  FROM (
    SELECT
      `time_year`,
      `cohort_key`,
      `counted_now`,
      `counted_before`,
      MAX(CASE WHEN `counted_now` = 1 THEN `time_year` END) OVER () AS `last_bucket`
    FROM (
      SELECT
        `time_year`,
        `cohort_key`,
        MAX(`counted_now`) AS `counted_now`,
        MAX(`counted_before`) AS `counted_before`
      FROM (
        SELECT
          `time_year`,
          `cohort_key`,
          1 AS `counted_now`,
          0 AS `counted_before`
        FROM (
          SELECT
            CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE) AS `time_year`,
            `orders`.`customer_id` AS `cohort_key`
          FROM `co_orders` AS `orders`
          WHERE
            NOT `orders`.`customer_id` IS NULL AND (
              `orders`.`status` = 'paid'
            )
          GROUP BY
            CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE),
            `orders`.`customer_id`
        ) AS `cohort_keys`
        UNION ALL
        SELECT
          CAST(ADD_MONTHS(`time_year`, 12) AS DATE) AS `time_year`,
          `cohort_key`,
          0 AS `counted_now`,
          1 AS `counted_before`
        FROM (
          SELECT
            CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE) AS `time_year`,
            `orders`.`customer_id` AS `cohort_key`
          FROM `co_orders` AS `orders`
          WHERE
            NOT `orders`.`customer_id` IS NULL AND (
              `orders`.`status` = 'paid'
            )
          GROUP BY
            CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE),
            `orders`.`customer_id`
        ) AS `cohort_keys`
      ) AS `cohort_keys`
      GROUP BY
        `time_year`,
        `cohort_key`
    ) AS `cohort_flags`
  ) AS `cohort_flags`
  WHERE
    `time_year` <= `last_bucket`
  GROUP BY
    `time_year`
), `new_orders` AS (
  SELECT
    `time_year`,
    SUM(CASE WHEN `time_year` = `first_bucket` THEN 1 ELSE 0 END) AS `new_buyers`
  FROM (
    SELECT
      `orders`.`customer_id` AS `cohort_key`,
      MIN(CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE)) AS `first_bucket`,
      MIN(CAST(DATE_TRUNC('YEAR', `orders`.`order_date`) AS DATE)) AS `time_year`
    FROM `co_orders` AS `orders`
    WHERE
      NOT `orders`.`customer_id` IS NULL AND (
        `orders`.`status` = 'paid'
      )
    GROUP BY
      `orders`.`customer_id`
  ) AS `cohort_flags`
  WHERE
    NOT `time_year` IS NULL
  GROUP BY
    `time_year`
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_year`
  FROM (
    SELECT
      MIN(`first_bucket`) AS `first_bucket`,
      MAX(`last_bucket`) AS `last_bucket`
    FROM (
      SELECT
        MIN(`time_year`) AS `first_bucket`,
        MAX(`time_year`) AS `last_bucket`
      FROM `scan_orders`
      UNION ALL
      SELECT
        MIN(`time_year`) AS `first_bucket`,
        MAX(`time_year`) AS `last_bucket`
      FROM `churned_orders`
      UNION ALL
      SELECT
        MIN(`time_year`) AS `first_bucket`,
        MAX(`time_year`) AS `last_bucket`
      FROM `new_orders`
    ) AS `ranges`
  ) AS `bounds`
  LATERAL VIEW
  EXPLODE(
    CASE
      WHEN CAST(`bounds`.`first_bucket` AS DATE) <= CAST(`bounds`.`last_bucket` AS DATE)
      THEN SEQUENCE(
        CAST(`bounds`.`first_bucket` AS DATE),
        CAST(`bounds`.`last_bucket` AS DATE),
        INTERVAL '12' MONTH
      )
    END
  ) series AS `bucket`
), `combined` AS (
  SELECT
    `time_year`,
    `buyers`,
    CAST(NULL AS BIGINT) AS `churned_last_month`,
    CAST(NULL AS BIGINT) AS `new_buyers`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `time_year`,
    CAST(NULL AS BIGINT) AS `buyers`,
    `churned_last_month`,
    CAST(NULL AS BIGINT) AS `new_buyers`
  FROM `churned_orders`
  UNION ALL
  SELECT
    `time_year`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `churned_last_month`,
    `new_buyers`
  FROM `new_orders`
), `filled` AS (
  SELECT
    `time_year`,
    `buyers`,
    `churned_last_month`,
    `new_buyers`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_year`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `churned_last_month`,
    CAST(NULL AS BIGINT) AS `new_buyers`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_year`,
    MAX(`buyers`) AS `buyers`,
    MAX(`churned_last_month`) AS `churned_last_month`,
    MAX(`new_buyers`) AS `new_buyers`
  FROM `filled`
  GROUP BY
    `time_year`
)
SELECT
  `time_year` AS `time_year`,
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`churned_last_month`, 0) AS `churned_last_month`,
  COALESCE(`new_buyers`, 0) AS `new_buyers`
FROM `grouped`
ORDER BY
  `time_year` ASC NULLS LAST;
