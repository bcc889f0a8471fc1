-- metricdsl query: asia_only (spark)
-- from: tests/corpus/join_chain/b_model.metric
WITH `scan_lineitem` AS (
  SELECT
    `nation`.`n_name` AS `nation`,
    SUM(`lineitem`.`l_quantity`) AS `quantity`
  FROM `jc`.`lineitem` AS `lineitem`
  LEFT JOIN `jc`.`orders` AS `orders`
    ON `lineitem`.`l_orderkey` = `orders`.`o_orderkey`
  LEFT JOIN `jc`.`customer` AS `customer`
    ON `orders`.`o_custkey` = `customer`.`c_custkey`
  LEFT JOIN `jc`.`nation` AS `nation`
    ON `customer`.`c_nationkey` = `nation`.`n_nationkey`
  LEFT JOIN `jc`.`region` AS `region`
    ON `nation`.`n_regionkey` = `region`.`r_regionkey`
  WHERE
    (
      `region`.`r_name` = 'ASIA'
    )
  GROUP BY
    `nation`.`n_name`
), `scan_orders` AS (
  SELECT
    `nation`.`n_name` AS `nation`,
    COUNT(DISTINCT `orders`.`o_custkey`) AS `customers_ordering`
  FROM `jc`.`orders` AS `orders`
  LEFT JOIN `jc`.`customer` AS `customer`
    ON `orders`.`o_custkey` = `customer`.`c_custkey`
  LEFT JOIN `jc`.`nation` AS `nation`
    ON `customer`.`c_nationkey` = `nation`.`n_nationkey`
  LEFT JOIN `jc`.`region` AS `region`
    ON `nation`.`n_regionkey` = `region`.`r_regionkey`
  WHERE
    (
      `region`.`r_name` = 'ASIA'
    )
  GROUP BY
    `nation`.`n_name`
), `combined` AS (
  SELECT
    `nation`,
    `quantity`,
    CAST(NULL AS BIGINT) AS `customers_ordering`
  FROM `scan_lineitem`
  UNION ALL
  SELECT
    `nation`,
    CAST(NULL AS BIGINT) AS `quantity`,
    `customers_ordering`
  FROM `scan_orders`
), `grouped` AS (
  SELECT
    `nation`,
    MAX(`quantity`) AS `quantity`,
    MAX(`customers_ordering`) AS `customers_ordering`
  FROM `combined`
  GROUP BY
    `nation`
)
SELECT
  `nation` AS `nation`,
  COALESCE(`quantity`, 0) AS `quantity`,
  COALESCE(`customers_ordering`, 0) AS `customers_ordering`
FROM `grouped`
ORDER BY
  `nation` ASC NULLS LAST;
