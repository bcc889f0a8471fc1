-- metricdsl query: windows_by_channel (spark)
-- from: tests/golden/projects/distinct_counts/spec.metric
WITH `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_month`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-06-01' AS DATE)
      THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-06-01' AS DATE), INTERVAL '1' MONTH)
    END
  ) AS `series`(`bucket`)
), `scan_sales_cumyear_buckets` AS (
  SELECT
    `sales`.`channel` AS `channel`,
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE) AS `time_month`,
    SUM(`sales`.`amount`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `revenue_2_sum`
  FROM `dc`.`sales` AS `sales`
  WHERE
    `sales`.`sold_on` >= CAST('2026-01-01' AS DATE)
    AND `sales`.`sold_on` < CAST('2026-07-01' AS DATE)
    AND (
      `sales`.`status` = 'paid'
    )
  GROUP BY
    `sales`.`channel`,
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE)
), `scan_sales` AS (
  SELECT
    `channel`,
    `time_month`,
    `revenue_2_sum` AS `revenue_2`
  FROM `scan_sales_cumyear_buckets`
  WHERE
    `time_month` >= CAST('2026-01-01' AS DATE)
), `scan_sales_cumyear_parts` AS (
  SELECT
    `channel`,
    `time_month` AS `time_month`,
    CAST(NULL AS BIGINT) AS `buyers_first`
  FROM `scan_sales_cumyear_buckets`
  UNION ALL
  SELECT
    `channel`,
    `time_month`,
    `buyers_first` AS `buyers_first`
  FROM (
    SELECT
      `channel`,
      `time_month`,
      COUNT(`distinct_key`) AS `buyers_first`
    FROM (
      SELECT
        `sales`.`channel` AS `channel`,
        MIN(CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE)) AS `time_month`,
        `sales`.`customer_id` AS `distinct_key`
      FROM `dc`.`sales` AS `sales`
      WHERE
        `sales`.`sold_on` >= CAST('2026-01-01' AS DATE)
        AND `sales`.`sold_on` < CAST('2026-07-01' AS DATE)
        AND (
          `sales`.`status` = 'paid'
        )
      GROUP BY
        `sales`.`channel`,
        `sales`.`customer_id`
    ) AS `firsts`
    GROUP BY
      `channel`,
      `time_month`
  ) AS `counts`
), `scan_sales_cumyear_grid` AS (
  SELECT
    `channel`,
    `time_month`,
    SUM(`buyers_first`) AS `buyers_first`,
    SUM(`rows_in_window`) AS `rows_in_window`
  FROM (
    SELECT
      `channel`,
      `time_month`,
      `buyers_first`,
      1 AS `rows_in_window`
    FROM `scan_sales_cumyear_parts`
    WHERE
      `time_month` >= CAST('2026-01-01' AS DATE)
      AND `time_month` <= CAST('2026-06-01' AS DATE)
    UNION ALL
    SELECT
      `grid_groups`.`channel`,
      `grid_buckets`.`time_month`,
      CAST(NULL AS BIGINT) AS `buyers_first`,
      0 AS `rows_in_window`
    FROM (
      SELECT
        CAST(`series`.`bucket` AS DATE) AS `time_month`
      FROM EXPLODE(
        CASE
          WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-06-01' AS DATE)
          THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-06-01' AS DATE), INTERVAL '1' MONTH)
        END
      ) AS `series`(`bucket`)
    ) AS `grid_buckets`
    CROSS JOIN (
      SELECT DISTINCT
        `channel`
      FROM `scan_sales_cumyear_parts`
      WHERE
        `time_month` >= CAST('2026-01-01' AS DATE)
        AND `time_month` <= CAST('2026-06-01' AS DATE)
    ) AS `grid_groups`
  ) AS `framed`
  GROUP BY
    `channel`,
    `time_month`
), `scan_sales_cumyear` AS (
  SELECT
    `time_month`,
    `channel`,
    `buyers`
  FROM (
    SELECT
      `channel`,
      `time_month`,
      CAST(SUM(`buyers_first`) OVER (
        PARTITION BY `channel`, CAST(DATE_TRUNC('YEAR', `time_month`) AS DATE)
        ORDER BY `time_month` NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS BIGINT) AS `buyers`,
      SUM(`rows_in_window`) OVER (
        PARTITION BY `channel`, CAST(DATE_TRUNC('YEAR', `time_month`) AS DATE)
        ORDER BY `time_month` NULLS LAST
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS `rows_in_window`
    FROM `scan_sales_cumyear_grid`
  ) AS `framed`
  WHERE
    `rows_in_window` > 0 AND `time_month` >= CAST('2026-01-01' AS DATE)
), `scan_sales_cum3month_buckets` AS (
  SELECT
    `sales`.`channel` AS `channel`,
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE) AS `time_month`,
    SUM(`sales`.`amount`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `revenue_sum`
  FROM `dc`.`sales` AS `sales`
  WHERE
    `sales`.`sold_on` >= CAST('2025-11-01' AS DATE)
    AND `sales`.`sold_on` < CAST('2026-07-01' AS DATE)
    AND (
      `sales`.`status` = 'paid'
    )
  GROUP BY
    `sales`.`channel`,
    CAST(DATE_TRUNC('MONTH', `sales`.`sold_on`) AS DATE)
), `scan_sales_cum3month_parts` AS (
  SELECT
    `channel`,
    `time_month` AS `time_month`,
    `revenue_sum` AS `revenue_sum`
  FROM `scan_sales_cum3month_buckets`
), `scan_sales_cum3month_grid` AS (
  SELECT
    `channel`,
    `time_month`,
    SUM(`revenue_sum`) AS `revenue_sum`,
    SUM(`rows_in_window`) AS `rows_in_window`
  FROM (
    SELECT
      `channel`,
      `time_month`,
      `revenue_sum`,
      1 AS `rows_in_window`
    FROM `scan_sales_cum3month_parts`
    WHERE
      `time_month` >= CAST('2025-11-01' AS DATE)
      AND `time_month` <= CAST('2026-06-01' AS DATE)
    UNION ALL
    SELECT
      `grid_groups`.`channel`,
      `grid_buckets`.`time_month`,
      CAST(NULL AS DECIMAL(38, 2)) AS `revenue_sum`,
      0 AS `rows_in_window`
    FROM (
      SELECT
        CAST(`series`.`bucket` AS DATE) AS `time_month`
      FROM EXPLODE(
        CASE
          WHEN CAST('2025-11-01' AS DATE) <= CAST('2026-06-01' AS DATE)
          THEN SEQUENCE(CAST('2025-11-01' AS DATE), CAST('2026-06-01' AS DATE), INTERVAL '1' MONTH)
        END
      ) AS `series`(`bucket`)
    ) AS `grid_buckets`
    CROSS JOIN (
      SELECT DISTINCT
        `channel`
      FROM `scan_sales_cum3month_parts`
      WHERE
        `time_month` >= CAST('2025-11-01' AS DATE)
        AND `time_month` <= CAST('2026-06-01' AS DATE)
    ) AS `grid_groups`
  ) AS `framed`
  GROUP BY
    `channel`,
    `time_month`
), `scan_sales_cum3month` AS (
  SELECT
    `time_month`,
    `channel`,
    `revenue`
  FROM (
    SELECT
      `channel`,
      `time_month`,
      SUM(`revenue_sum`) OVER (
        PARTITION BY `channel`
        ORDER BY `time_month` NULLS LAST
        ROWS BETWEEN 2 PRECEDING AND CURRENT ROW
      ) AS `revenue`,
      SUM(`rows_in_window`) OVER (
        PARTITION BY `channel`
        ORDER BY `time_month` NULLS LAST
        ROWS BETWEEN 2 PRECEDING AND CURRENT ROW
      ) AS `rows_in_window`
    FROM `scan_sales_cum3month_grid`
  ) AS `framed`
  WHERE
    `rows_in_window` > 0 AND `time_month` >= CAST('2026-01-01' AS DATE)
), `combined` AS (
  SELECT
    `time_month`,
    `channel`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    `revenue_2`
  FROM `scan_sales`
  UNION ALL
  SELECT
    `time_month`,
    `channel`,
    `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_2`
  FROM `scan_sales_cumyear`
  UNION ALL
  SELECT
    `time_month`,
    `channel`,
    CAST(NULL AS BIGINT) AS `buyers`,
    `revenue`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_2`
  FROM `scan_sales_cum3month`
), `filled` AS (
  SELECT
    `time_month`,
    `channel`,
    `buyers`,
    `revenue`,
    `revenue_2`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    `present`.`channel`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue`,
    CAST(NULL AS DECIMAL(38, 2)) AS `revenue_2`
  FROM `calendar`
  CROSS JOIN (
    SELECT DISTINCT
      `channel`
    FROM `combined`
  ) AS `present`
), `grouped` AS (
  SELECT
    `time_month`,
    `channel`,
    MAX(`buyers`) AS `buyers`,
    MAX(`revenue`) AS `revenue`,
    MAX(`revenue_2`) AS `revenue_2`
  FROM `filled`
  GROUP BY
    `time_month`,
    `channel`
)
SELECT
  `time_month` AS `time_month`,
  `channel` AS `channel`,
  COALESCE(`buyers`, 0) AS `buyers_ytd`,
  COALESCE(`revenue`, 0) AS `revenue_3m`,
  COALESCE(`revenue_2`, 0) AS `revenue`
FROM `grouped`
ORDER BY
  `time_month` ASC NULLS LAST,
  `channel` ASC NULLS LAST;
