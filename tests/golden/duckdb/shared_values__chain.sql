-- metricdsl query: chain (duckdb)
-- from: tests/golden/projects/shared_values/spec.metric
WITH "scan_orders" AS (
  SELECT
    CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE) AS "time_year",
    "orders"."channel" AS "channel",
    SUM("orders"."amount") AS "m0",
    SUM("orders"."amount") FILTER(WHERE
      "orders"."channel" = 'phone') AS "phone_m4"
  FROM "sv_orders" AS "orders"
  WHERE
    "orders"."order_date" >= CAST('2026-01-01' AS DATE)
    AND "orders"."order_date" < CAST('2027-01-01' AS DATE)
  GROUP BY
    CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE),
    "orders"."channel"
), "scan_orders_lag12m" AS (
  SELECT
    CAST("time_year" + INTERVAL 12 MONTH AS DATE) AS "time_year",
    "channel",
    "m0_2"
  FROM (
    SELECT
      CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE) AS "time_year",
      "orders"."channel" AS "channel",
      SUM("orders"."amount") AS "m0_2"
    FROM "sv_orders" AS "orders"
    WHERE
      "orders"."order_date" >= CAST('2025-01-01' AS DATE)
      AND "orders"."order_date" < CAST('2026-01-01' AS DATE)
    GROUP BY
      CAST(DATE_TRUNC('YEAR', "orders"."order_date") AS DATE),
      "orders"."channel"
  ) AS "unmoved"
), "calendar" AS (
  SELECT
    CAST("series"."bucket" AS DATE) AS "time_year"
  FROM GENERATE_SERIES(
    CAST(CAST('2026-01-01' AS DATE) AS TIMESTAMP),
    CAST(CAST('2026-01-01' AS DATE) AS TIMESTAMP),
    INTERVAL '12' MONTH
  ) AS "series"("bucket")
), "combined" AS MATERIALIZED (
  SELECT
    "time_year",
    "channel",
    "m0",
    "phone_m4",
    CAST(NULL AS DECIMAL(38, 2)) AS "m0_2"
  FROM "scan_orders"
  UNION ALL
  SELECT
    "time_year",
    "channel",
    CAST(NULL AS DECIMAL(38, 2)) AS "m0",
    CAST(NULL AS DECIMAL(38, 2)) AS "phone_m4",
    "m0_2"
  FROM "scan_orders_lag12m"
), "filled" AS (
  SELECT
    "time_year",
    "channel",
    "m0",
    "phone_m4",
    "m0_2"
  FROM "combined"
  UNION ALL
  SELECT
    "calendar"."time_year",
    "present"."channel",
    CAST(NULL AS DECIMAL(38, 2)) AS "m0",
    CAST(NULL AS DECIMAL(38, 2)) AS "phone_m4",
    CAST(NULL AS DECIMAL(38, 2)) AS "m0_2"
  FROM "calendar"
  CROSS JOIN (
    SELECT DISTINCT
      "channel"
    FROM "combined"
  ) AS "present"
), "grouped" AS (
  SELECT
    "time_year",
    "channel",
    MAX("m0") AS "m0",
    MAX("phone_m4") AS "phone_m4",
    MAX("m0_2") AS "m0_2"
  FROM "filled"
  GROUP BY
    "time_year",
    "channel"
), "computed" AS (
  SELECT
    *,
    (
      COALESCE("m0", 0) + (
        CAST(COALESCE("m0", 0) AS DOUBLE) / NULLIF(2, 0)
      )
    ) + (
      CAST((
        COALESCE("m0", 0) + (
          CAST(COALESCE("m0", 0) AS DOUBLE) / NULLIF(2, 0)
        )
      ) AS DOUBLE) / NULLIF(2, 0)
    ) AS "shared_1",
    (
      COALESCE("phone_m4", 0) + (
        CAST(COALESCE("phone_m4", 0) AS DOUBLE) / NULLIF(2, 0)
      )
    ) + (
      CAST((
        COALESCE("phone_m4", 0) + (
          CAST(COALESCE("phone_m4", 0) AS DOUBLE) / NULLIF(2, 0)
        )
      ) AS DOUBLE) / NULLIF(2, 0)
    ) AS "shared_2",
    (
      COALESCE("m0_2", 0) + (
        CAST(COALESCE("m0_2", 0) AS DOUBLE) / NULLIF(2, 0)
      )
    ) + (
      CAST((
        COALESCE("m0_2", 0) + (
          CAST(COALESCE("m0_2", 0) AS DOUBLE) / NULLIF(2, 0)
        )
      ) AS DOUBLE) / NULLIF(2, 0)
    ) AS "shared_3"
  FROM "grouped"
), "computed_2" AS (
  SELECT
    *,
    "shared_1" + (
      CAST("shared_1" AS DOUBLE) / NULLIF(2, 0)
    ) AS "shared_4",
    "shared_2" + (
      CAST("shared_2" AS DOUBLE) / NULLIF(2, 0)
    ) AS "shared_5",
    "shared_3" + (
      CAST("shared_3" AS DOUBLE) / NULLIF(2, 0)
    ) AS "shared_6"
  FROM "computed"
), "computed_3" AS (
  SELECT
    *,
    "shared_4" + (
      CAST("shared_4" AS DOUBLE) / NULLIF(2, 0)
    ) AS "shared_7"
  FROM "computed_2"
), "computed_4" AS (
  SELECT
    *,
    "shared_7" + (
      CAST("shared_7" AS DOUBLE) / NULLIF(2, 0)
    ) AS "shared_8"
  FROM "computed_3"
)
SELECT
  "time_year" AS "time_year",
  "channel" AS "channel",
  "shared_8" + (
    CAST("shared_8" AS DOUBLE) / NULLIF(2, 0)
  ) AS "m6",
  "shared_4" AS "m3",
  "shared_5" + (
    CAST("shared_5" AS DOUBLE) / NULLIF(2, 0)
  ) AS "phone_m4",
  "shared_6" + (
    CAST("shared_6" AS DOUBLE) / NULLIF(2, 0)
  ) AS "m4_ly"
FROM "computed_4"
ORDER BY
  "time_year" ASC,
  "channel" ASC;
