-- metricdsl query: all_years (duckdb)
-- from: tests/corpus/cohorts/spec.metric
WITH "scan_orders" AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE) AS "time_year",
    COUNT(DISTINCT "orders"."customer_id") FILTER(WHERE
      "orders"."status" = 'paid') AS "buyers"
  FROM "co_orders" AS "orders"
  WHERE
    (
      "orders"."status" = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE)
), "churned_orders_keys" AS MATERIALIZED (
  SELECT
    CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE) AS "time_year",
    "orders"."customer_id" AS "cohort_key"
  FROM "co_orders" AS "orders"
  WHERE
    NOT "orders"."customer_id" IS NULL AND (
      "orders"."status" = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE),
    "orders"."customer_id"
), "churned_orders" AS (
  SELECT
    "time_year",
    MAX("churned_last_month") AS "churned_last_month"
  FROM (
    SELECT
      "earlier"."time_year" AS "time_year",
      SUM(CASE WHEN "current"."cohort_key" IS NULL THEN 1 ELSE 0 END) AS "churned_last_month"
    FROM (
      SELECT
        CAST("time_year" + INTERVAL 12 MONTH AS DATE) AS "time_year",
        "cohort_key"
      FROM "churned_orders_keys"
    ) AS "earlier"
    LEFT JOIN (
      SELECT
        "time_year",
        "cohort_key"
      FROM "churned_orders_keys"
    ) AS "current"
      ON "earlier"."time_year" = "current"."time_year"
      AND "earlier"."cohort_key" = "current"."cohort_key"
    CROSS JOIN (
      SELECT
        MAX("time_year") AS "last_bucket"
      FROM "churned_orders_keys"
    ) AS "last_bucket"
    WHERE
      "earlier"."time_year" <= "last_bucket"."last_bucket"
    GROUP BY
      "earlier"."time_year"
    UNION ALL
    SELECT
      "time_year",
      0 AS "churned_last_month"
    FROM "churned_orders_keys"
    GROUP BY
      "time_year"
  ) AS "counted"
  GROUP BY
    "time_year"
), "new_orders" AS (
  SELECT
    "time_year",
    SUM(CASE WHEN "time_year" = "first_bucket" THEN 1 ELSE 0 END) AS "new_buyers"
  FROM (
    SELECT
      CAST(DATE_TRUNC('YEAR', "first_bucket") AS DATE) AS "first_bucket",
      CAST(DATE_TRUNC('YEAR', "time_year") AS DATE) AS "time_year"
    FROM (
      SELECT
        "orders"."customer_id" AS "cohort_key",
        MIN("orders"."order_date") AS "first_bucket",
        MIN("orders"."order_date") AS "time_year"
      FROM "co_orders" AS "orders"
      WHERE
        NOT "orders"."customer_id" IS NULL AND (
          "orders"."status" = 'paid'
        )
      GROUP BY
        "orders"."customer_id"
    ) AS "cohort_flags"
  ) AS "cohort_flags"
  WHERE
    NOT "time_year" IS NULL
  GROUP BY
    "time_year"
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_year"
  FROM (
    SELECT
      MIN("first_bucket") AS "first_bucket",
      MAX("last_bucket") AS "last_bucket"
    FROM (
      SELECT
        MIN("time_year") AS "first_bucket",
        MAX("time_year") AS "last_bucket"
      FROM "scan_orders"
      UNION ALL
      SELECT
        MIN("time_year") AS "first_bucket",
        MAX("time_year") AS "last_bucket"
      FROM "churned_orders"
      UNION ALL
      SELECT
        MIN("time_year") AS "first_bucket",
        MAX("time_year") AS "last_bucket"
      FROM "new_orders"
    ) AS "ranges"
  ) AS "bounds"
  CROSS JOIN GENERATE_SERIES(
    CAST("bounds"."first_bucket" AS TIMESTAMP),
    CAST("bounds"."last_bucket" AS TIMESTAMP),
    INTERVAL '12' MONTH
  ) AS "series"("bucket")
), "combined" AS MATERIALIZED (
  SELECT
    "time_year",
    "buyers",
    CAST(NULL AS BIGINT) AS "churned_last_month",
    CAST(NULL AS BIGINT) AS "new_buyers"
  FROM "scan_orders"
  UNION ALL
  SELECT
    "time_year",
    CAST(NULL AS BIGINT) AS "buyers",
    "churned_last_month",
    CAST(NULL AS BIGINT) AS "new_buyers"
  FROM "churned_orders"
  UNION ALL
  SELECT
    "time_year",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "churned_last_month",
    "new_buyers"
  FROM "new_orders"
), "filled" AS (
  SELECT
    "time_year",
    "buyers",
    "churned_last_month",
    "new_buyers"
  FROM "combined"
  UNION ALL
  SELECT
    "calendar"."time_year",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "churned_last_month",
    CAST(NULL AS BIGINT) AS "new_buyers"
  FROM "calendar"
), "grouped" AS (
  SELECT
    "time_year",
    MAX("buyers") AS "buyers",
    MAX("churned_last_month") AS "churned_last_month",
    MAX("new_buyers") AS "new_buyers"
  FROM "filled"
  GROUP BY
    "time_year"
)
SELECT
  "time_year" AS "time_year",
  COALESCE("buyers", 0) AS "buyers",
  COALESCE("churned_last_month", 0) AS "churned_last_month",
  COALESCE("new_buyers", 0) AS "new_buyers"
FROM "grouped"
ORDER BY
  "time_year" ASC;
