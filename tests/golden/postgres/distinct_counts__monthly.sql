-- metricdsl query: monthly (postgres)
-- from: tests/golden/projects/distinct_counts/spec.metric
WITH "scan_sales" AS MATERIALIZED (
  SELECT
    CAST(DATE_TRUNC('MONTH', "sales"."sold_on") AS DATE) AS "time_month",
    "customers"."city" AS "city",
    COUNT(DISTINCT "sales"."customer_id") FILTER(WHERE
      "sales"."status" = 'paid') AS "buyers",
    COUNT(DISTINCT "sales"."product_id") AS "products_sold",
    COUNT(DISTINCT "sales"."customer_id") FILTER(WHERE
      (
        "sales"."channel" = 'phone'
      ) AND (
        "sales"."status" = 'paid'
      )) AS "phone_buyers",
    SUM("sales"."amount") FILTER(WHERE
      "sales"."status" = 'paid') AS "revenue"
  FROM "dc"."sales" AS "sales"
  LEFT JOIN "dc"."customers" AS "customers"
    ON "sales"."customer_id" = "customers"."customer_id"
  WHERE
    "sales"."sold_on" >= CAST('2026-01-01' AS DATE)
    AND "sales"."sold_on" < CAST('2027-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "sales"."sold_on") AS DATE),
    "customers"."city"
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_month"
  FROM GENERATE_SERIES(
    CAST(CAST('2026-01-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2026-12-01' AS DATE) AS TIMESTAMP),
    INTERVAL '1 MONTH'
  ) AS "series"("bucket")
), "filled" AS (
  SELECT
    "time_month",
    "city",
    "buyers",
    "products_sold",
    "phone_buyers",
    "revenue"
  FROM "scan_sales"
  UNION ALL
  SELECT
    "calendar"."time_month",
    "present"."city",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "products_sold",
    CAST(NULL AS BIGINT) AS "phone_buyers",
    CAST(NULL AS DECIMAL(38, 2)) AS "revenue"
  FROM "calendar"
  CROSS JOIN (
    SELECT DISTINCT
      "city"
    FROM "scan_sales"
  ) AS "present"
), "grouped" AS (
  SELECT
    "time_month",
    "city",
    MAX("buyers") AS "buyers",
    MAX("products_sold") AS "products_sold",
    MAX("phone_buyers") AS "phone_buyers",
    MAX("revenue") AS "revenue"
  FROM "filled"
  GROUP BY
    "time_month",
    "city"
)
SELECT
  "time_month" AS "time_month",
  "city" AS "city",
  COALESCE("buyers", 0) AS "buyers",
  COALESCE("products_sold", 0) AS "products_sold",
  COALESCE("phone_buyers", 0) AS "phone_buyers",
  COALESCE("revenue", 0) AS "revenue"
FROM "grouped"
ORDER BY
  "time_month" ASC,
  "city" COLLATE "C" ASC,
  "buyers" DESC NULLS LAST;
