-- metricdsl query: new_and_returning (postgres)
-- from: specs/customers.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH "scan_orders" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "orders"."order_date") AS DATE) AS "time_month",
    COUNT(DISTINCT "orders"."customer_id") FILTER(WHERE
      "orders"."status" = 'paid') AS "buyers"
  FROM "dw"."fact_orders" AS "orders"
  WHERE
    "orders"."order_date" >= CAST('2026-01-01' AS DATE)
    AND "orders"."order_date" < CAST('2027-01-01' AS DATE)
    AND (
      "orders"."status" = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "orders"."order_date") AS DATE)
), "new_orders" AS (
  SELECT
    "time_month",
    SUM(CASE WHEN "time_month" = "first_bucket" THEN 1 ELSE 0 END) AS "new_buyers"
  FROM (
    SELECT
      CAST(DATE_TRUNC('MONTH', "first_bucket") AS DATE) AS "first_bucket",
      CAST(DATE_TRUNC('MONTH', "time_month") AS DATE) AS "time_month"
    FROM (
      SELECT
        "orders"."customer_id" AS "cohort_key",
        MIN("orders"."order_date") AS "first_bucket",
        MIN(
          CASE
            WHEN "orders"."order_date" >= CAST('2026-01-01' AS DATE)
            THEN "orders"."order_date"
          END
        ) AS "time_month"
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
    NOT "time_month" IS NULL
  GROUP BY
    "time_month"
), "scan_calls" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "calls"."call_date") AS DATE) AS "time_month",
    COUNT(DISTINCT "calls"."customer_id") FILTER(WHERE
      "calls"."connected" = TRUE) AS "called_customers"
  FROM "dw"."fact_calls" AS "calls"
  WHERE
    "calls"."call_date" >= CAST('2026-01-01' AS DATE)
    AND "calls"."call_date" < CAST('2027-01-01' AS DATE)
    AND (
      "calls"."connected" = TRUE
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "calls"."call_date") AS DATE)
), "converted_calls" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "a_rows"."cohort_time") AS DATE) AS "time_month",
    COUNT(DISTINCT "b_rows"."cohort_key") AS "call_to_order_7d"
  FROM (
    SELECT DISTINCT
      "calls"."call_date" AS "cohort_time",
      "calls"."customer_id" AS "cohort_key"
    FROM "dw"."fact_calls" AS "calls"
    WHERE
      NOT "calls"."customer_id" IS NULL
      AND "calls"."call_date" >= CAST('2026-01-01' AS DATE)
      AND "calls"."call_date" < CAST('2027-01-01' AS DATE)
      AND (
        "calls"."connected" = TRUE
      )
  ) AS "a_rows"
  LEFT JOIN (
    SELECT DISTINCT
      "orders"."order_date" AS "cohort_time",
      "orders"."customer_id" AS "cohort_key"
    FROM "dw"."fact_orders" AS "orders"
    WHERE
      NOT "orders"."customer_id" IS NULL
      AND "orders"."order_date" >= CAST('2026-01-01' AS DATE)
      AND "orders"."order_date" < CAST('2027-01-01' AS DATE) + INTERVAL '7 DAY'
      AND (
        "orders"."status" = 'paid'
      )
  ) AS "b_rows"
    ON "b_rows"."cohort_key" = "a_rows"."cohort_key"
    AND "b_rows"."cohort_time" >= "a_rows"."cohort_time"
    AND "b_rows"."cohort_time" <= "a_rows"."cohort_time" + INTERVAL '7 DAY'
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "a_rows"."cohort_time") AS DATE)
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_month"
  FROM GENERATE_SERIES(
    CAST(CAST('2026-01-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2026-12-01' AS DATE) AS TIMESTAMP),
    INTERVAL '1 MONTH'
  ) AS "series"("bucket")
), "combined" AS MATERIALIZED (
  SELECT
    "time_month",
    "buyers",
    CAST(NULL AS BIGINT) AS "new_buyers",
    CAST(NULL AS BIGINT) AS "called_customers",
    CAST(NULL AS BIGINT) AS "call_to_order_7d"
  FROM "scan_orders"
  UNION ALL
  SELECT
    "time_month",
    CAST(NULL AS BIGINT) AS "buyers",
    "new_buyers",
    CAST(NULL AS BIGINT) AS "called_customers",
    CAST(NULL AS BIGINT) AS "call_to_order_7d"
  FROM "new_orders"
  UNION ALL
  SELECT
    "time_month",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "new_buyers",
    "called_customers",
    CAST(NULL AS BIGINT) AS "call_to_order_7d"
  FROM "scan_calls"
  UNION ALL
  SELECT
    "time_month",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "new_buyers",
    CAST(NULL AS BIGINT) AS "called_customers",
    "call_to_order_7d"
  FROM "converted_calls"
), "filled" AS (
  SELECT
    "time_month",
    "buyers",
    "new_buyers",
    "called_customers",
    "call_to_order_7d"
  FROM "combined"
  UNION ALL
  SELECT
    "calendar"."time_month",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "new_buyers",
    CAST(NULL AS BIGINT) AS "called_customers",
    CAST(NULL AS BIGINT) AS "call_to_order_7d"
  FROM "calendar"
), "grouped" AS (
  SELECT
    "time_month",
    MAX("buyers") AS "buyers",
    MAX("new_buyers") AS "new_buyers",
    MAX("called_customers") AS "called_customers",
    MAX("call_to_order_7d") AS "call_to_order_7d"
  FROM "filled"
  GROUP BY
    "time_month"
)
SELECT
  "time_month" AS "time_month",
  COALESCE("buyers", 0) AS "buyers",
  COALESCE("new_buyers", 0) AS "new_buyers",
  COALESCE("buyers", 0) - COALESCE("new_buyers", 0) AS "returning_buyers",
  COALESCE("called_customers", 0) AS "called_customers",
  COALESCE("call_to_order_7d", 0) AS "call_to_order_7d",
  CAST(COALESCE("call_to_order_7d", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("called_customers", 0), 0) AS "call_conversion_7d"
FROM "grouped"
ORDER BY
  "time_month" ASC;
