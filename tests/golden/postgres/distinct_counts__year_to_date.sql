-- metricdsl query: year_to_date (postgres)
-- from: tests/golden/projects/distinct_counts/spec.metric
WITH "scan_sales" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "sales"."sold_on") AS DATE) AS "time_month",
    COUNT(DISTINCT "sales"."customer_id") FILTER(WHERE
      "sales"."status" = 'paid') AS "buyers_2"
  FROM "dc"."sales" AS "sales"
  WHERE
    "sales"."sold_on" >= CAST('2026-01-01' AS DATE)
    AND "sales"."sold_on" < CAST('2026-07-01' AS DATE)
    AND (
      "sales"."status" = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "sales"."sold_on") AS DATE)
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_month"
  FROM GENERATE_SERIES(
    CAST(CAST('2026-01-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2026-06-01' AS DATE) AS TIMESTAMP),
    INTERVAL '1 MONTH'
  ) AS "series"("bucket")
), "scan_sales_cumyear_parts" AS (
  SELECT
    "time_month",
    "buyers_first" AS "buyers_first",
    CAST(NULL AS BIGINT) AS "products_sold_first"
  FROM (
    SELECT
      "time_month",
      COUNT("distinct_key") AS "buyers_first"
    FROM (
      SELECT
        MIN(CAST(DATE_TRUNC('MONTH', "sales"."sold_on") AS DATE)) AS "time_month",
        "sales"."customer_id" AS "distinct_key"
      FROM "dc"."sales" AS "sales"
      WHERE
        "sales"."sold_on" >= CAST('2026-01-01' AS DATE)
        AND "sales"."sold_on" < CAST('2026-07-01' AS DATE)
        AND (
          "sales"."status" = 'paid'
        )
      GROUP BY
        "sales"."customer_id"
    ) AS "firsts"
    GROUP BY
      "time_month"
  ) AS "counts"
  UNION ALL
  SELECT
    "time_month",
    CAST(NULL AS BIGINT) AS "buyers_first",
    "products_sold_first" AS "products_sold_first"
  FROM (
    SELECT
      "time_month",
      COUNT("distinct_key_2") AS "products_sold_first"
    FROM (
      SELECT
        MIN(CAST(DATE_TRUNC('MONTH', "sales"."sold_on") AS DATE)) AS "time_month",
        "sales"."product_id" AS "distinct_key_2"
      FROM "dc"."sales" AS "sales"
      WHERE
        "sales"."sold_on" >= CAST('2026-01-01' AS DATE)
        AND "sales"."sold_on" < CAST('2026-07-01' AS DATE)
      GROUP BY
        "sales"."product_id"
    ) AS "firsts"
    GROUP BY
      "time_month"
  ) AS "counts"
), "scan_sales_cumyear_grid" AS (
  SELECT
    "time_month",
    SUM("buyers_first") AS "buyers_first",
    SUM("products_sold_first") AS "products_sold_first",
    SUM("rows_in_window") AS "rows_in_window"
  FROM (
    SELECT
      "time_month",
      "buyers_first",
      "products_sold_first",
      1 AS "rows_in_window"
    FROM "scan_sales_cumyear_parts"
    WHERE
      "time_month" >= CAST('2026-01-01' AS DATE)
      AND "time_month" <= CAST('2026-06-01' AS DATE)
    UNION ALL
    SELECT
      "grid_buckets"."time_month",
      CAST(NULL AS BIGINT) AS "buyers_first",
      CAST(NULL AS BIGINT) AS "products_sold_first",
      0 AS "rows_in_window"
    FROM (
      SELECT
        CAST("series"."bucket" AS DATE) AS "time_month"
      FROM GENERATE_SERIES(
        CAST(CAST('2026-01-01' AS DATE) AS TIMESTAMP),
        CAST(CAST('2026-06-01' AS DATE) AS TIMESTAMP),
        INTERVAL '1 MONTH'
      ) AS "series"("bucket")
    ) AS "grid_buckets"
  ) AS "framed"
  GROUP BY
    "time_month"
), "scan_sales_cumyear" AS (
  SELECT
    "time_month",
    "buyers",
    "products_sold"
  FROM (
    SELECT
      "time_month",
      CAST(SUM("buyers_first") OVER (
        PARTITION BY CAST(DATE_TRUNC('YEAR', "time_month") AS DATE)
        ORDER BY "time_month"
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS BIGINT) AS "buyers",
      CAST(SUM("products_sold_first") OVER (
        PARTITION BY CAST(DATE_TRUNC('YEAR', "time_month") AS DATE)
        ORDER BY "time_month"
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS BIGINT) AS "products_sold",
      SUM("rows_in_window") OVER (
        PARTITION BY CAST(DATE_TRUNC('YEAR', "time_month") AS DATE)
        ORDER BY "time_month"
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
      ) AS "rows_in_window"
    FROM "scan_sales_cumyear_grid"
  ) AS "framed"
  WHERE
    "rows_in_window" > 0 AND "time_month" >= CAST('2026-01-01' AS DATE)
), "combined" AS MATERIALIZED (
  SELECT
    "time_month",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "products_sold",
    "buyers_2"
  FROM "scan_sales"
  UNION ALL
  SELECT
    "time_month",
    "buyers",
    "products_sold",
    CAST(NULL AS BIGINT) AS "buyers_2"
  FROM "scan_sales_cumyear"
), "filled" AS (
  SELECT
    "time_month",
    "buyers",
    "products_sold",
    "buyers_2"
  FROM "combined"
  UNION ALL
  SELECT
    "calendar"."time_month",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "products_sold",
    CAST(NULL AS BIGINT) AS "buyers_2"
  FROM "calendar"
), "grouped" AS (
  SELECT
    "time_month",
    MAX("buyers") AS "buyers",
    MAX("products_sold") AS "products_sold",
    MAX("buyers_2") AS "buyers_2"
  FROM "filled"
  GROUP BY
    "time_month"
)
SELECT
  "time_month" AS "time_month",
  COALESCE("buyers", 0) AS "buyers_ytd",
  COALESCE("products_sold", 0) AS "products_ytd",
  COALESCE("buyers_2", 0) AS "buyers"
FROM "grouped"
ORDER BY
  "time_month" ASC;
