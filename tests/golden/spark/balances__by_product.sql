-- metricdsl query: by_product (spark)
-- from: tests/corpus/balances/spec.metric
WITH `closing_balances_days` AS (
  SELECT
    `balances`.`product` AS `product`,
    `balances`.`snapshot_date` AS `balance_day`,
    SUM(`balances`.`balance`) AS `aum`
  FROM `bl_balances` AS `balances`
  WHERE
    (
      `balances`.`account_id` <> 'A1'
    )
  GROUP BY
    `balances`.`product`,
    `balances`.`snapshot_date`
), `closing_balances` AS (
  SELECT
    `product`,
    SUM(CASE WHEN `balance_day` = `balance_edge` THEN `aum` END) AS `aum`
  FROM (
    SELECT
      `product` AS `product`,
      `balance_day`,
      `aum`,
      MAX(`balance_day`) OVER () AS `balance_edge`
    FROM `closing_balances_days` AS `balance_days`
  ) AS `balance_edges`
  GROUP BY
    `product`
), `opening_balances_2_days` AS (
  SELECT
    `balances`.`product` AS `product`,
    `balances`.`snapshot_date` AS `balance_day`,
    SUM(`balances`.`balance`) AS `aum_2`
  FROM `bl_balances` AS `balances`
  WHERE
    (
      `balances`.`account_id` <> 'A1'
    )
  GROUP BY
    `balances`.`product`,
    `balances`.`snapshot_date`
), `opening_balances_2` AS (
  SELECT
    `product`,
    SUM(CASE WHEN `balance_day` = `balance_edge` THEN `aum_2` END) AS `aum_2`
  FROM (
    SELECT
      `product` AS `product`,
      `balance_day`,
      `aum_2`,
      MIN(`balance_day`) OVER () AS `balance_edge`
    FROM `opening_balances_2_days` AS `balance_days`
  ) AS `balance_edges`
  GROUP BY
    `product`
), `combined` AS (
  SELECT
    `product`,
    `aum`,
    CAST(NULL AS DECIMAL(38, 2)) AS `aum_2`
  FROM `closing_balances`
  UNION ALL
  SELECT
    `product`,
    CAST(NULL AS DECIMAL(38, 2)) AS `aum`,
    `aum_2`
  FROM `opening_balances_2`
), `grouped` AS (
  SELECT
    `product`,
    MAX(`aum`) AS `aum`,
    MAX(`aum_2`) AS `aum_2`
  FROM `combined`
  GROUP BY
    `product`
)
SELECT
  `product` AS `product`,
  COALESCE(`aum`, 0) AS `aum_close`,
  COALESCE(`aum_2`, 0) AS `aum_open`
FROM `grouped`
ORDER BY
  `product` ASC NULLS LAST;
