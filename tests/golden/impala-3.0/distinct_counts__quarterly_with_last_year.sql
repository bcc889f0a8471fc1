-- metricdsl query: quarterly_with_last_year (impala 3.0)
-- from: tests/golden/projects/distinct_counts/spec.metric
WITH `scan_sales` AS (
  SELECT
    CAST(TRUNC(`sales`.`sold_on`, 'Q') AS TIMESTAMP) AS `time_quarter`,
    COUNT(DISTINCT IF(`sales`.`status` = 'paid', `sales`.`customer_id`, NULL)) AS `buyers`
  FROM `dc`.`sales` AS `sales`
  WHERE
    (
      `sales`.`status` = 'paid'
    )
  GROUP BY
    CAST(TRUNC(`sales`.`sold_on`, 'Q') AS TIMESTAMP)
), `scan_sales_distinct2` AS (
  SELECT
    CAST(TRUNC(`sales`.`sold_on`, 'Q') AS TIMESTAMP) AS `time_quarter`,
    COUNT(DISTINCT `sales`.`product_id`) AS `products_sold`
  FROM `dc`.`sales` AS `sales`
  GROUP BY
    CAST(TRUNC(`sales`.`sold_on`, 'Q') AS TIMESTAMP)
), `scan_sales_lag12m` AS (
  SELECT
    CAST(`time_quarter` + INTERVAL 12 MONTH AS TIMESTAMP) AS `time_quarter`,
    `buyers_2`
  FROM (
    SELECT
      CAST(TRUNC(`sales`.`sold_on`, 'Q') AS TIMESTAMP) AS `time_quarter`,
      COUNT(DISTINCT IF(`sales`.`status` = 'paid', `sales`.`customer_id`, NULL)) AS `buyers_2`
    FROM `dc`.`sales` AS `sales`
    WHERE
      (
        `sales`.`status` = 'paid'
      )
    GROUP BY
      CAST(TRUNC(`sales`.`sold_on`, 'Q') AS TIMESTAMP)
  ) AS `unmoved`
), `scan_sales_lag12m_distinct2` AS (
  SELECT
    CAST(`time_quarter` + INTERVAL 12 MONTH AS TIMESTAMP) AS `time_quarter`,
    `products_sold_2`
  FROM (
    SELECT
      CAST(TRUNC(`sales`.`sold_on`, 'Q') AS TIMESTAMP) AS `time_quarter`,
      COUNT(DISTINCT `sales`.`product_id`) AS `products_sold_2`
    FROM `dc`.`sales` AS `sales`
    GROUP BY
      CAST(TRUNC(`sales`.`sold_on`, 'Q') AS TIMESTAMP)
  ) AS `unmoved`
), `calendar` AS (
  SELECT
    CAST(`bounds`.`first_bucket` + INTERVAL (
      `numbers`.`n` * 3
    ) MONTH AS TIMESTAMP) AS `time_quarter`
  FROM (
    SELECT
      `ones`.`d` + 0 + `tens`.`d` * 10 + `hundreds`.`d` * 100 + `thousands`.`d` * 1000 AS `n`
    FROM (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `ones`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `tens`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `hundreds`
    CROSS JOIN (
      SELECT
        0 AS `d`
      UNION ALL
      SELECT
        1 AS `d`
      UNION ALL
      SELECT
        2 AS `d`
      UNION ALL
      SELECT
        3 AS `d`
      UNION ALL
      SELECT
        4 AS `d`
      UNION ALL
      SELECT
        5 AS `d`
      UNION ALL
      SELECT
        6 AS `d`
      UNION ALL
      SELECT
        7 AS `d`
      UNION ALL
      SELECT
        8 AS `d`
      UNION ALL
      SELECT
        9 AS `d`
    ) AS `thousands`
  ) AS `numbers`
  CROSS JOIN (
    SELECT
      MIN(`first_bucket`) AS `first_bucket`,
      MAX(`last_bucket`) AS `last_bucket`
    FROM (
      SELECT
        MIN(`time_quarter`) AS `first_bucket`,
        MAX(`time_quarter`) AS `last_bucket`
      FROM `scan_sales`
      UNION ALL
      SELECT
        MIN(`time_quarter`) AS `first_bucket`,
        MAX(`time_quarter`) AS `last_bucket`
      FROM `scan_sales_distinct2`
    ) AS `ranges`
  ) AS `bounds`
  WHERE
    CAST(`bounds`.`first_bucket` + INTERVAL (
      `numbers`.`n` * 3
    ) MONTH AS TIMESTAMP) <= `bounds`.`last_bucket`
), `combined` AS (
  SELECT
    `time_quarter`,
    `buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    CAST(NULL AS BIGINT) AS `buyers_2`,
    CAST(NULL AS BIGINT) AS `products_sold_2`
  FROM `scan_sales`
  UNION ALL
  SELECT
    `time_quarter`,
    CAST(NULL AS BIGINT) AS `buyers`,
    `products_sold`,
    CAST(NULL AS BIGINT) AS `buyers_2`,
    CAST(NULL AS BIGINT) AS `products_sold_2`
  FROM `scan_sales_distinct2`
  UNION ALL
  SELECT
    `time_quarter`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    `buyers_2`,
    CAST(NULL AS BIGINT) AS `products_sold_2`
  FROM `scan_sales_lag12m`
  UNION ALL
  SELECT
    `time_quarter`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    CAST(NULL AS BIGINT) AS `buyers_2`,
    `products_sold_2`
  FROM `scan_sales_lag12m_distinct2`
), `filled` AS (
  SELECT
    `time_quarter`,
    `buyers`,
    `products_sold`,
    `buyers_2`,
    `products_sold_2`
  FROM `combined`
  CROSS JOIN (
    SELECT
      MAX(`time_quarter`) AS `scalar_value`
    FROM `calendar`
  ) AS `scalar_subquery`
  WHERE
    `time_quarter` IS NULL OR `time_quarter` <= `scalar_subquery`.`scalar_value`
  UNION ALL
  SELECT
    `calendar`.`time_quarter`,
    CAST(NULL AS BIGINT) AS `buyers`,
    CAST(NULL AS BIGINT) AS `products_sold`,
    CAST(NULL AS BIGINT) AS `buyers_2`,
    CAST(NULL AS BIGINT) AS `products_sold_2`
  FROM `calendar`
), `grouped` AS (
  SELECT
    `time_quarter`,
    MAX(`buyers`) AS `buyers`,
    MAX(`products_sold`) AS `products_sold`,
    MAX(`buyers_2`) AS `buyers_2`,
    MAX(`products_sold_2`) AS `products_sold_2`
  FROM `filled`
  GROUP BY
    `time_quarter`
)
SELECT
  `time_quarter` AS `time_quarter`,
  COALESCE(`buyers`, 0) AS `buyers`,
  COALESCE(`products_sold`, 0) AS `products_sold`,
  COALESCE(`buyers_2`, 0) AS `buyers_ly`,
  COALESCE(`products_sold_2`, 0) AS `products_ly`
FROM `grouped`
ORDER BY
  `time_quarter` ASC;
