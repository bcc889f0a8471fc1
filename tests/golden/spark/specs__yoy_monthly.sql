-- metricdsl query: yoy_monthly (spark)
-- from: specs/metrics.metric
-- from: specs/sources.metric
-- from: specs/time_intelligence.metric
WITH `scan_orders` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
    SUM(`orders`.`amount`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `revenue`,
    COUNT(DISTINCT `orders`.`customer_id`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `buyers`
  FROM `dw`.`fact_orders` AS `orders`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE)
), `scan_orders_lag12m` AS (
  SELECT
    CAST(ADD_MONTHS(`time_month`, 12) AS DATE) AS `time_month`,
    `revenue_2`,
    `buyers_3`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
      SUM(`orders`.`amount`) FILTER(WHERE
        `orders`.`status` = 'paid') AS `revenue_2`,
      COUNT(DISTINCT `orders`.`customer_id`) FILTER(WHERE
        `orders`.`status` = 'paid') AS `buyers_3`
    FROM `dw`.`fact_orders` AS `orders`
    WHERE
      `orders`.`order_date` >= CAST('2025-01-01' AS DATE)
      AND `orders`.`order_date` < CAST('2026-01-01' AS DATE)
      AND (
        `orders`.`status` = 'paid'
      )
    GROUP BY
      CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE)
  ) AS `unmoved`
), `scan_orders_lag1m` AS (
  SELECT
    CAST(ADD_MONTHS(`time_month`, 1) AS DATE) AS `time_month`,
    `revenue_3`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
      SUM(`orders`.`amount`) FILTER(WHERE
        `orders`.`status` = 'paid') AS `revenue_3`
    FROM `dw`.`fact_orders` AS `orders`
    WHERE
      `orders`.`order_date` >= CAST('2025-12-01' AS DATE)
      AND `orders`.`order_date` < CAST('2026-12-01' AS DATE)
      AND (
        `orders`.`status` = 'paid'
      )
    GROUP BY
      CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE)
  ) AS `unmoved`
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_month`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-12-01' AS DATE)
      THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-12-01' AS DATE), INTERVAL '1' MONTH)
    END
  ) AS `series`(`bucket`)
), `scan_orders_cumyear_buckets` AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE) AS `time_month`,
    SUM(`orders`.`amount`) FILTER(WHERE
      `orders`.`status` = 'paid') AS `revenue_4_sum`
  FROM `dw`.`fact_orders` AS `orders`
  WHERE
    `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
    AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
    AND (
      `orders`.`status` = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE)
), `scan_orders_cumyear_parts` AS (
  SELECT
    `time_month` AS `time_month`,
    `revenue_4_sum` AS `revenue_4_sum`,
    CAST(NULL AS BIGINT) AS `buyers_2_first`
  FROM `scan_orders_cumyear_buckets`
  UNION ALL
  SELECT
    `time_month`,
    NULL,
    `buyers_2_first` AS `buyers_2_first`
  FROM (
    SELECT
      `time_month`,
      COUNT(`distinct_key`) AS `buyers_2_first`
    FROM (
      SELECT
        MIN(CAST(DATE_TRUNC('MONTH', `orders`.`order_date`) AS DATE)) AS `time_month`,
        `orders`.`customer_id` AS `distinct_key`
      FROM `dw`.`fact_orders` AS `orders`
      WHERE
        `orders`.`order_date` >= CAST('2026-01-01' AS DATE)
        AND `orders`.`order_date` < CAST('2027-01-01' AS DATE)
        AND (
          `orders`.`status` = 'paid'
        )
      GROUP BY
        `orders`.`customer_id`
    ) AS `firsts`
    GROUP BY
      `time_month`
  ) AS `counts`
), `scan_orders_cumyear_grid` AS (
  SELECT
    `time_month`,
    SUM(`revenue_4_sum`) AS `revenue_4_sum`,
    SUM(`buyers_2_first`) AS `buyers_2_first`,
    SUM(`rows_in_window`) AS `rows_in_window`
  FROM (
    SELECT
      `time_month`,
      `revenue_4_sum`,
      `buyers_2_first`,
      1 AS `rows_in_window`
    FROM `scan_orders_cumyear_parts`
    WHERE
      `time_month` >= CAST('2026-01-01' AS DATE)
      AND `time_month` <= CAST('2026-12-01' AS DATE)
    UNION ALL
    SELECT
      `grid_buckets`.`time_month`,
      CAST(NULL AS DECIMAL(38, 2)) AS `revenue_4_sum`,
      CAST(NULL AS BIGINT) AS `buyers_2_first`,
      0 AS `rows_in_window`
    FROM (
      SELECT
        CAST(`series`.`bucket` AS DATE) AS `time_month`
      FROM EXPLODE(
        CASE
          WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-12-01' AS DATE)
          THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-12-01' AS DATE), INTERVAL '1' MONTH)
        END
      ) AS `series`(`bucket`)
    ) AS `grid_buckets`
  ) AS `framed`
  GROUP BY
    `time_month`
), `scan_orders_cumyear` AS (
  SELECT
    `time_month`,
    `revenue_4`,
    `buyers_2`
  FROM (
    SELECT
      `time_month`,
      SUM(`revenue_4_sum`) OVER (
        PARTITION BY CAST(DATE_TRUNC('YEAR', `time_month`) AS DATE)
        ORDER BY `time_month` NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS `revenue_4`,
      CAST(SUM(`buyers_2_first`) OVER (
        PARTITION BY CAST(DATE_TRUNC('YEAR', `time_month`) AS DATE)
        ORDER BY `time_month` NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS BIGINT) AS `buyers_2`,
      SUM(`rows_in_window`) OVER (
        PARTITION BY CAST(DATE_TRUNC('YEAR', `time_month`) AS DATE)
        ORDER BY `time_month` NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS `rows_in_window`
    FROM `scan_orders_cumyear_grid`
  ) AS `framed`
  WHERE
    `rows_in_window` > 0 AND `time_month` >= CAST('2026-01-01' AS DATE)
), `combined` AS (
  SELECT
    `time_month`,
    `revenue`,
    `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_2`,
    CAST(NULL AS BIGINT) AS `buyers_3`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_3`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_4`,
    CAST(NULL AS BIGINT) AS `buyers_2`
  FROM `scan_orders`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `buyers`,
    `revenue_2`,
    `buyers_3`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_3`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_4`,
    CAST(NULL AS BIGINT) AS `buyers_2`
  FROM `scan_orders_lag12m`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_2`,
    CAST(NULL AS BIGINT) AS `buyers_3`,
    `revenue_3`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_4`,
    CAST(NULL AS BIGINT) AS `buyers_2`
  FROM `scan_orders_lag1m`
  UNION ALL
  SELECT
    `time_month`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_2`,
    CAST(NULL AS BIGINT) AS `buyers_3`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_3`,
    `revenue_4`,
    `buyers_2`
  FROM `scan_orders_cumyear`
), `filled` AS (
  SELECT
    `time_month`,
    `revenue`,
    `buyers`,
    `revenue_2`,
    `buyers_3`,
    `revenue_3`,
    `revenue_4`,
    `buyers_2`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_2`,
    CAST(NULL AS BIGINT) AS `buyers_3`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_3`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_4`,
    CAST(NULL AS BIGINT) AS `buyers_2`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_month`,
    MAX(`revenue`) AS `revenue`,
    MAX(`buyers`) AS `buyers`,
    MAX(`revenue_2`) AS `revenue_2`,
    MAX(`buyers_3`) AS `buyers_3`,
    MAX(`revenue_3`) AS `revenue_3`,
    MAX(`revenue_4`) AS `revenue_4`,
    MAX(`buyers_2`) AS `buyers_2`
  FROM `filled`
  GROUP BY
    `time_month`
)
SELECT
  `time_month` AS `time_month`,
  COALESCE(`revenue`, 0) AS `revenue`,
  COALESCE(`revenue_2`, 0) AS `revenue_ly`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`revenue_2`, 0), 0) - 1 AS `revenue_yoy`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`revenue_3`, 0), 0) - 1 AS `revenue_mom`,
  COALESCE(`revenue_4`, 0) AS `revenue_ytd`,
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`buyers_2`, 0) AS `buyers_ytd`,
  CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`buyers`, 0), 0) AS `aov`,
  CAST((
    CAST(COALESCE(`revenue`, 0) AS DOUBLE) / NULLIF(COALESCE(`buyers`, 0), 0)
  ) AS DOUBLE) / NULLIF(
    (
      CAST(COALESCE(`revenue_2`, 0) AS DOUBLE) / NULLIF(COALESCE(`buyers_3`, 0), 0)
    ),
    0
  ) - 1 AS `aov_yoy`
FROM `grouped`
ORDER BY
  `time_month` ASC NULLS LAST;
