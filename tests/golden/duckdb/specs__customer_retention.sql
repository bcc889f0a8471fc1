-- metricdsl query: customer_retention (duckdb)
-- from: specs/customers.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH "scan_orders" AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE) AS "time_year",
    COUNT(DISTINCT "orders"."customer_id") FILTER(WHERE
      "orders"."status" = 'paid') AS "buyers"
  FROM "dw"."fact_orders" AS "orders"
  WHERE
    "orders"."order_date" >= CAST('2025-01-01' AS DATE)
    AND "orders"."order_date" < CAST('2027-01-01' AS DATE)
    AND (
      "orders"."status" = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE)
), "retained_orders_keys" AS MATERIALIZED (
  SELECT
    CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE) AS "time_year",
    "orders"."customer_id" AS "cohort_key",
    MAX(CASE WHEN "orders"."order_date" >= CAST('2025-01-01' AS DATE) THEN 1 ELSE 0 END) AS "counted_now",
    MAX(
      CASE
        WHEN "orders"."order_date" >= CAST('2024-01-01' AS DATE)
        AND "orders"."order_date" < CAST('2026-01-01' AS DATE)
        THEN 1
        ELSE 0
      END
    ) AS "counted_before"
  FROM "dw"."fact_orders" AS "orders"
  WHERE
    NOT "orders"."customer_id" IS NULL
    AND "orders"."order_date" >= CAST('2024-01-01' AS DATE)
    AND "orders"."order_date" < CAST('2027-01-01' AS DATE)
    AND (
      "orders"."status" = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE),
    "orders"."customer_id"
), "retained_orders" AS (
  SELECT
    "earlier"."time_year" AS "time_year",
    SUM(CASE WHEN NOT "current"."cohort_key" IS NULL THEN 1 ELSE 0 END) AS "retained_buyers"
  FROM (
    SELECT
      CAST("time_year" + INTERVAL 12 MONTH AS DATE) AS "time_year",
      "cohort_key"
    FROM "retained_orders_keys"
    WHERE
      "counted_before" = 1
  ) AS "earlier"
  LEFT JOIN (
    SELECT
      "time_year",
      "cohort_key"
    FROM "retained_orders_keys"
    WHERE
      "counted_now" = 1
  ) AS "current"
    ON "earlier"."time_year" = "current"."time_year"
    AND "earlier"."cohort_key" = "current"."cohort_key"
  GROUP BY
    "earlier"."time_year"
), "scan_orders_lag12m" AS (
  SELECT
    CAST("time_year" + INTERVAL 12 MONTH AS DATE) AS "time_year",
    "buyers_2"
  FROM (
    SELECT
      CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE) AS "time_year",
      COUNT(DISTINCT "orders"."customer_id") FILTER(WHERE
        "orders"."status" = 'paid') AS "buyers_2"
    FROM "dw"."fact_orders" AS "orders"
    WHERE
      "orders"."order_date" >= CAST('2024-01-01' AS DATE)
      AND "orders"."order_date" < CAST('2026-01-01' AS DATE)
      AND (
        "orders"."status" = 'paid'
      )
    GROUP BY
      CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE)
  ) AS "unmoved"
), "churned_orders" AS (
  SELECT
    "earlier"."time_year" AS "time_year",
    SUM(CASE WHEN "current"."cohort_key" IS NULL THEN 1 ELSE 0 END) AS "churned_buyers"
  FROM (
    SELECT
      CAST("time_year" + INTERVAL 12 MONTH AS DATE) AS "time_year",
      "cohort_key"
    FROM "retained_orders_keys"
    WHERE
      "counted_before" = 1
  ) AS "earlier"
  LEFT JOIN (
    SELECT
      "time_year",
      "cohort_key"
    FROM "retained_orders_keys"
    WHERE
      "counted_now" = 1
  ) AS "current"
    ON "earlier"."time_year" = "current"."time_year"
    AND "earlier"."cohort_key" = "current"."cohort_key"
  GROUP BY
    "earlier"."time_year"
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
        MIN(
          CASE
            WHEN "orders"."order_date" >= CAST('2025-01-01' AS DATE)
            THEN "orders"."order_date"
          END
        ) AS "time_year"
      FROM "dw"."fact_orders" AS "orders"
      WHERE
        NOT "orders"."customer_id" IS NULL
        AND "orders"."order_date" < CAST('2027-01-01' AS DATE)
        AND (
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
  FROM GENERATE_SERIES(
    CAST(CAST('2025-01-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2026-01-01' AS DATE) AS TIMESTAMP),
    INTERVAL '12' MONTH
  ) AS "series"("bucket")
), "combined" AS MATERIALIZED (
  SELECT
    "time_year",
    "buyers",
    CAST(NULL AS BIGINT) AS "retained_buyers",
    CAST(NULL AS BIGINT) AS "buyers_2",
    CAST(NULL AS BIGINT) AS "churned_buyers",
    CAST(NULL AS BIGINT) AS "new_buyers"
  FROM "scan_orders"
  UNION ALL
  SELECT
    "time_year",
    CAST(NULL AS BIGINT) AS "buyers",
    "retained_buyers",
    CAST(NULL AS BIGINT) AS "buyers_2",
    CAST(NULL AS BIGINT) AS "churned_buyers",
    CAST(NULL AS BIGINT) AS "new_buyers"
  FROM "retained_orders"
  UNION ALL
  SELECT
    "time_year",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "retained_buyers",
    "buyers_2",
    CAST(NULL AS BIGINT) AS "churned_buyers",
    CAST(NULL AS BIGINT) AS "new_buyers"
  FROM "scan_orders_lag12m"
  UNION ALL
  SELECT
    "time_year",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "retained_buyers",
    CAST(NULL AS BIGINT) AS "buyers_2",
    "churned_buyers",
    CAST(NULL AS BIGINT) AS "new_buyers"
  FROM "churned_orders"
  UNION ALL
  SELECT
    "time_year",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "retained_buyers",
    CAST(NULL AS BIGINT) AS "buyers_2",
    CAST(NULL AS BIGINT) AS "churned_buyers",
    "new_buyers"
  FROM "new_orders"
), "filled" AS (
  SELECT
    "time_year",
    "buyers",
    "retained_buyers",
    "buyers_2",
    "churned_buyers",
    "new_buyers"
  FROM "combined"
  UNION ALL
  SELECT
    "calendar"."time_year",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "retained_buyers",
    CAST(NULL AS BIGINT) AS "buyers_2",
    CAST(NULL AS BIGINT) AS "churned_buyers",
    CAST(NULL AS BIGINT) AS "new_buyers"
  FROM "calendar"
), "grouped" AS (
  SELECT
    "time_year",
    MAX("buyers") AS "buyers",
    MAX("retained_buyers") AS "retained_buyers",
    MAX("buyers_2") AS "buyers_2",
    MAX("churned_buyers") AS "churned_buyers",
    MAX("new_buyers") AS "new_buyers"
  FROM "filled"
  GROUP BY
    "time_year"
)
SELECT
  "time_year" AS "time_year",
  COALESCE("buyers", 0) AS "buyers",
  COALESCE("retained_buyers", 0) AS "retained_buyers",
  CAST(COALESCE("retained_buyers", 0) AS DOUBLE) / NULLIF(COALESCE("buyers_2", 0), 0) AS "retention_rate",
  COALESCE("churned_buyers", 0) AS "churned_buyers",
  COALESCE("new_buyers", 0) AS "new_buyers",
  COALESCE("buyers", 0) - COALESCE("new_buyers", 0) AS "returning_buyers"
FROM "grouped"
ORDER BY
  "time_year" ASC;
