-- metricdsl query: team_grade (postgres)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH "scan_orders" AS (
  SELECT
    "agents"."team" AS "team",
    "agents"."grade" AS "grade",
    SUM("orders"."amount") FILTER(WHERE
      "orders"."status" = 'paid') AS "revenue",
    SUM("orders"."amount") FILTER(WHERE
      (
        "orders"."channel" = 'phone'
      ) AND (
        "orders"."status" = 'paid'
      )) AS "phone_revenue",
    COUNT(*) FILTER(WHERE
      "orders"."status" = 'paid') AS "order_count",
    COUNT(DISTINCT "orders"."customer_id") FILTER(WHERE
      "orders"."status" = 'paid') AS "buyers"
  FROM "dw"."fact_orders" AS "orders"
  LEFT JOIN "dw"."dim_agent" AS "agents"
    ON "orders"."agent_id" = "agents"."agent_id"
  WHERE
    "orders"."order_date" >= CAST('2025-01-01' AS DATE)
    AND "orders"."order_date" < CAST('2026-01-01' AS DATE)
    AND (
      (
        "orders"."status" = 'paid'
      )
      OR (
        (
          "orders"."channel" = 'phone'
        ) AND (
          "orders"."status" = 'paid'
        )
      )
    )
  GROUP BY
    "agents"."team",
    "agents"."grade"
), "scan_orders_having" AS (
  SELECT
    "team",
    "grade",
    COUNT(DISTINCT "distinct_key") FILTER(WHERE
      "passes") AS "repeat_buyers"
  FROM (
    SELECT
      "agents"."team" AS "team",
      "agents"."grade" AS "grade",
      "orders"."customer_id" AS "distinct_key",
      COUNT(*) >= 2 AS "passes"
    FROM "dw"."fact_orders" AS "orders"
    LEFT JOIN "dw"."dim_agent" AS "agents"
      ON "orders"."agent_id" = "agents"."agent_id"
    WHERE
      "orders"."order_date" >= CAST('2025-01-01' AS DATE)
      AND "orders"."order_date" < CAST('2026-01-01' AS DATE)
      AND (
        "orders"."status" = 'paid'
      )
    GROUP BY
      "agents"."team",
      "agents"."grade",
      "orders"."customer_id"
  ) AS "per_key"
  GROUP BY
    "team",
    "grade"
), "combined" AS (
  SELECT
    "team",
    "grade",
    "revenue",
    "phone_revenue",
    "order_count",
    "buyers",
    CAST(NULL AS BIGINT) AS "repeat_buyers"
  FROM "scan_orders"
  UNION ALL
  SELECT
    "team",
    "grade",
    CAST(NULL AS DECIMAL(38, 2)) AS "revenue",
    CAST(NULL AS DECIMAL(38, 2)) AS "phone_revenue",
    CAST(NULL AS BIGINT) AS "order_count",
    CAST(NULL AS BIGINT) AS "buyers",
    "repeat_buyers"
  FROM "scan_orders_having"
), "grouped" AS (
  SELECT
    "team",
    "grade",
    MAX("revenue") AS "revenue",
    MAX("phone_revenue") AS "phone_revenue",
    MAX("order_count") AS "order_count",
    MAX("buyers") AS "buyers",
    MAX("repeat_buyers") AS "repeat_buyers"
  FROM "combined"
  GROUP BY
    "team",
    "grade"
)
SELECT
  "team" AS "team",
  "grade" AS "grade",
  COALESCE("revenue", 0) AS "revenue",
  COALESCE("phone_revenue", 0) AS "phone_revenue",
  COALESCE("order_count", 0) AS "order_count",
  COALESCE("buyers", 0) AS "buyers",
  COALESCE("repeat_buyers", 0) AS "repeat_buyers"
FROM "grouped"
ORDER BY
  "team" COLLATE "C" ASC,
  "grade" COLLATE "C" ASC;
