-- metricdsl query: balances_by_product (spark)
-- from: tests/corpus/cohort_edges/spec.metric
WITH `closing_balances_days` AS (
  SELECT
    `balances`.`product` AS `product`,
    CAST(DATE_TRUNC('DAY', `balances`.`taken_at`) AS DATE) AS `balance_day`,
    SUM(`balances`.`balance`) AS `aum_close`
  FROM `ce_balances` AS `balances`
  WHERE
    `balances`.`taken_at` >= CAST('2026-01-01' AS DATE)
    AND `balances`.`taken_at` < CAST('2026-03-01' AS DATE)
  GROUP BY
    `balances`.`product`,
    CAST(DATE_TRUNC('DAY', `balances`.`taken_at`) AS DATE)
), `closing_balances` AS (
  SELECT
    `time_month`,
    `product`,
    SUM(CASE WHEN `balance_day` = `balance_edge` THEN `aum_close` END) AS `aum_close`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `balance_day`) AS DATE) AS `time_month`,
      `product` AS `product`,
      `balance_day`,
      `aum_close`,
      MAX(`balance_day`) OVER (PARTITION BY CAST(DATE_TRUNC('MONTH', `balance_day`) AS DATE)) AS `balance_edge`
    FROM `closing_balances_days` AS `balance_days`
  ) AS `balance_edges`
  GROUP BY
    `time_month`,
    `product`
), `opening_balances_2_days` AS (
  SELECT
    `balances`.`product` AS `product`,
    CAST(DATE_TRUNC('DAY', `balances`.`taken_at`) AS DATE) AS `balance_day`,
    SUM(`balances`.`balance`) AS `aum_open`
  FROM `ce_balances` AS `balances`
  WHERE
    `balances`.`taken_at` >= CAST('2026-01-01' AS DATE)
    AND `balances`.`taken_at` < CAST('2026-03-01' AS DATE)
  GROUP BY
    `balances`.`product`,
    CAST(DATE_TRUNC('DAY', `balances`.`taken_at`) AS DATE)
), `opening_balances_2` AS (
  SELECT
    `time_month`,
    `product`,
    SUM(CASE WHEN `balance_day` = `balance_edge` THEN `aum_open` END) AS `aum_open`
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', `balance_day`) AS DATE) AS `time_month`,
      `product` AS `product`,
      `balance_day`,
      `aum_open`,
      MIN(`balance_day`) OVER (PARTITION BY CAST(DATE_TRUNC('MONTH', `balance_day`) AS DATE)) AS `balance_edge`
    FROM `opening_balances_2_days` AS `balance_days`
  ) AS `balance_edges`
  GROUP BY
    `time_month`,
    `product`
), `calendar` AS (
  SELECT
    CAST(`series`.`bucket` AS DATE) AS `time_month`
  FROM EXPLODE(
    CASE
      WHEN CAST('2026-01-01' AS DATE) <= CAST('2026-02-01' AS DATE)
      THEN SEQUENCE(CAST('2026-01-01' AS DATE), CAST('2026-02-01' AS DATE), INTERVAL '1' MONTH)
    END
  ) AS `series`(`bucket`)
), `combined` AS (
  SELECT
    `time_month`,
    `product`,
    `aum_close`,
    CAST(NULL AS DECIMAL(38, 2)) AS `aum_open`
  FROM `closing_balances`
  UNION ALL
  SELECT
    `time_month`,
    `product`,
    CAST(NULL AS DECIMAL(38, 2)) AS `aum_close`,
    `aum_open`
  FROM `opening_balances_2`
), `filled` AS (
  SELECT
    `time_month`,
    `product`,
    `aum_close`,
    `aum_open`
  FROM `combined`
  UNION ALL
  SELECT
    `calendar`.`time_month`,
    `present`.`product`,
    CAST(NULL AS DECIMAL(38, 2)) AS `aum_close`,
    CAST(NULL AS DECIMAL(38, 2)) AS `aum_open`
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
    MAX(`aum_close`) AS `aum_close`,
    MAX(`aum_open`) AS `aum_open`
  FROM `filled`
  GROUP BY
    `time_month`,
    `product`
)
SELECT
  `time_month` AS `time_month`,
  `product` AS `product`,
  COALESCE(`aum_close`, 0) AS `aum_close`,
  COALESCE(`aum_open`, 0) AS `aum_open`
FROM `grouped`
ORDER BY
  `time_month` ASC NULLS LAST,
  `product` ASC NULLS LAST;
