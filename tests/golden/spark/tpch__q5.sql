-- metricdsl query: q5 (spark)
-- from: tests/corpus/tpch/spec.metric
WITH `scan_lineitem` AS (
  SELECT
    `nation`.`n_name` AS `nation`,
    SUM(`lineitem`.`l_extendedprice` * (
      1 - `lineitem`.`l_discount`
    )) AS `sum_disc_price`
  FROM `tpch`.`lineitem` AS `lineitem`
  LEFT JOIN `tpch`.`orders` AS `orders`
    ON `lineitem`.`l_orderkey` = `orders`.`o_orderkey`
  LEFT JOIN `tpch`.`customer` AS `customer`
    ON `orders`.`o_custkey` = `customer`.`c_custkey`
  LEFT JOIN `tpch`.`nation` AS `nation`
    ON `customer`.`c_nationkey` = `nation`.`n_nationkey`
  LEFT JOIN `tpch`.`region` AS `region`
    ON `nation`.`n_regionkey` = `region`.`r_regionkey`
  WHERE
    (
      (
        `region`.`r_name` = 'ASIA'
      )
      AND (
        EXTRACT(YEAR FROM `orders`.`o_orderdate`) = 1994
      )
    )
  GROUP BY
    `nation`.`n_name`
)
SELECT
  `nation` AS `nation`,
  COALESCE(`sum_disc_price`, 0) AS `revenue`
FROM `scan_lineitem`
ORDER BY
  `revenue` DESC,
  `nation` ASC NULLS LAST;
