-- metricdsl query: partial_channel (duckdb)
-- from: tests/corpus/cohort_edges/spec.metric
WITH "scan_orders" AS (
  SELECT
    CAST(DATE_TRUNC('MONTH', "orders"."ordered_at") AS DATE) AS "time_month",
    "orders"."channel" AS "channel",
    COUNT(DISTINCT "orders"."customer_id") FILTER(WHERE
      "orders"."status" = 'paid') AS "buyers"
  FROM "ce_orders" AS "orders"
  WHERE
    "orders"."ordered_at" >= CAST('2026-01-15' AS DATE)
    AND "orders"."ordered_at" < CAST('2026-03-21' AS DATE)
    AND (
      "orders"."status" = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "orders"."ordered_at") AS DATE),
    "orders"."channel"
), "retained_orders_keys" AS MATERIALIZED (
  SELECT
    CAST(DATE_TRUNC('MONTH', "orders"."ordered_at") AS DATE) AS "time_month",
    "orders"."channel" AS "channel",
    "orders"."customer_id" AS "cohort_key",
    MAX(CASE WHEN "orders"."ordered_at" >= CAST('2026-01-15' AS DATE) THEN 1 ELSE 0 END) AS "counted_now",
    MAX(
      CASE
        WHEN CAST("orders"."ordered_at" + INTERVAL 1 MONTH AS DATE) >= CAST('2026-01-15' AS DATE)
        AND CAST("orders"."ordered_at" + INTERVAL 1 MONTH AS DATE) < CAST('2026-03-21' AS DATE)
        THEN 1
        ELSE 0
      END
    ) AS "counted_before"
  FROM "ce_orders" AS "orders"
  WHERE
    NOT "orders"."customer_id" IS NULL
    AND "orders"."ordered_at" >= CAST('2025-12-01' AS DATE)
    AND "orders"."ordered_at" < CAST('2026-03-21' AS DATE)
    AND (
      "orders"."status" = 'paid'
    )
  GROUP BY
    CAST(DATE_TRUNC('MONTH', "orders"."ordered_at") AS DATE),
    "orders"."channel",
    "orders"."customer_id"
), "retained_orders" AS (
  SELECT
    "time_month",
    "channel",
    MAX("retained_last") AS "retained_last"
  FROM (
    SELECT
      "earlier"."time_month" AS "time_month",
      "earlier"."channel" AS "channel",
      SUM(CASE WHEN NOT "current"."cohort_key" IS NULL THEN 1 ELSE 0 END) AS "retained_last"
    FROM (
      SELECT
        CAST("time_month" + INTERVAL 1 MONTH AS DATE) AS "time_month",
        "channel",
        "cohort_key"
      FROM "retained_orders_keys"
      WHERE
        "counted_before" = 1
    ) AS "earlier"
    LEFT JOIN (
      SELECT
        "time_month",
        "channel",
        "cohort_key"
      FROM "retained_orders_keys"
      WHERE
        "counted_now" = 1
    ) AS "current"
      ON "earlier"."time_month" = "current"."time_month"
      AND "earlier"."cohort_key" = "current"."cohort_key"
      AND "earlier"."channel" IS NOT DISTINCT FROM "current"."channel"
    GROUP BY
      "earlier"."time_month",
      "earlier"."channel"
    UNION ALL
    SELECT
      "time_month",
      "channel",
      0 AS "retained_last"
    FROM "retained_orders_keys"
    WHERE
      "counted_now" = 1
    GROUP BY
      "time_month",
      "channel"
  ) AS "counted"
  GROUP BY
    "time_month",
    "channel"
), "churned_orders" AS (
  SELECT
    "time_month",
    "channel",
    MAX("churned_last") AS "churned_last"
  FROM (
    SELECT
      "earlier"."time_month" AS "time_month",
      "earlier"."channel" AS "channel",
      SUM(CASE WHEN "current"."cohort_key" IS NULL THEN 1 ELSE 0 END) AS "churned_last"
    FROM (
      SELECT
        CAST("time_month" + INTERVAL 1 MONTH AS DATE) AS "time_month",
        "channel",
        "cohort_key"
      FROM "retained_orders_keys"
      WHERE
        "counted_before" = 1
    ) AS "earlier"
    LEFT JOIN (
      SELECT
        "time_month",
        "channel",
        "cohort_key"
      FROM "retained_orders_keys"
      WHERE
        "counted_now" = 1
    ) AS "current"
      ON "earlier"."time_month" = "current"."time_month"
      AND "earlier"."cohort_key" = "current"."cohort_key"
      AND "earlier"."channel" IS NOT DISTINCT FROM "current"."channel"
    GROUP BY
      "earlier"."time_month",
      "earlier"."channel"
    UNION ALL
    SELECT
      "time_month",
      "channel",
      0 AS "churned_last"
    FROM "retained_orders_keys"
    WHERE
      "counted_now" = 1
    GROUP BY
      "time_month",
      "channel"
  ) AS "counted"
  GROUP BY
    "time_month",
    "channel"
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_month"
  FROM GENERATE_SERIES(
    CAST(CAST('2026-01-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2026-03-01' AS DATE) AS TIMESTAMP),
    INTERVAL '1' MONTH
  ) AS "series"("bucket")
), "combined" AS MATERIALIZED (
  SELECT
    "time_month",
    "channel",
    "buyers",
    CAST(NULL AS BIGINT) AS "retained_last",
    CAST(NULL AS BIGINT) AS "churned_last"
  FROM "scan_orders"
  UNION ALL
  SELECT
    "time_month",
    "channel",
    CAST(NULL AS BIGINT) AS "buyers",
    "retained_last",
    CAST(NULL AS BIGINT) AS "churned_last"
  FROM "retained_orders"
  UNION ALL
  SELECT
    "time_month",
    "channel",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "retained_last",
    "churned_last"
  FROM "churned_orders"
), "filled" AS (
  SELECT
    "time_month",
    "channel",
    "buyers",
    "retained_last",
    "churned_last"
  FROM "combined"
  UNION ALL
  SELECT
    "calendar"."time_month",
    "present"."channel",
    CAST(NULL AS BIGINT) AS "buyers",
    CAST(NULL AS BIGINT) AS "retained_last",
    CAST(NULL AS BIGINT) AS "churned_last"
  FROM "calendar"
  CROSS JOIN (
    SELECT DISTINCT
      "channel"
    FROM "combined"
  ) AS "present"
), "grouped" AS (
  SELECT
    "time_month",
    "channel",
    MAX("buyers") AS "buyers",
    MAX("retained_last") AS "retained_last",
    MAX("churned_last") AS "churned_last"
  FROM "filled"
  GROUP BY
    "time_month",
    "channel"
)
SELECT
  "time_month" AS "time_month",
  "channel" AS "channel",
  COALESCE("buyers", 0) AS "buyers",
  COALESCE("retained_last", 0) AS "retained_last",
  COALESCE("churned_last", 0) AS "churned_last"
FROM "grouped"
ORDER BY
  "time_month" ASC,
  "channel" ASC;
