-- metricdsl query: calls_by_team (postgres)
-- from: specs/dimensions.metric
-- from: specs/metrics.metric
-- from: specs/sources.metric
WITH "scan_orders" AS (
  SELECT
    "agents"."team" AS "team",
    SUM("orders"."amount") FILTER(WHERE
      "orders"."status" = 'paid') AS "revenue"
  FROM "dw"."fact_orders" AS "orders"
  LEFT JOIN "dw"."dim_agent" AS "agents"
    ON "orders"."agent_id" = "agents"."agent_id"
  WHERE
    "orders"."order_date" >= CAST('2026-01-01' AS DATE)
    AND "orders"."order_date" < CAST('2027-01-01' AS DATE)
    AND (
      "orders"."status" = 'paid'
    )
  GROUP BY
    "agents"."team"
), "scan_calls" AS (
  SELECT
    "agents"."team" AS "team",
    COUNT(*) AS "call_count",
    COUNT(*) FILTER(WHERE
      "calls"."connected" = TRUE) AS "connected_calls"
  FROM "dw"."fact_calls" AS "calls"
  LEFT JOIN "dw"."dim_agent" AS "agents"
    ON "calls"."agent_id" = "agents"."agent_id"
  WHERE
    "calls"."call_date" >= CAST('2026-01-01' AS DATE)
    AND "calls"."call_date" < CAST('2027-01-01' AS DATE)
  GROUP BY
    "agents"."team"
), "combined" AS (
  SELECT
    "team",
    "revenue",
    CAST(NULL AS BIGINT) AS "call_count",
    CAST(NULL AS BIGINT) AS "connected_calls"
  FROM "scan_orders"
  UNION ALL
  SELECT
    "team",
    CAST(NULL AS DECIMAL(38, 2)) AS "revenue",
    "call_count",
    "connected_calls"
  FROM "scan_calls"
), "grouped" AS (
  SELECT
    "team",
    MAX("revenue") AS "revenue",
    MAX("call_count") AS "call_count",
    MAX("connected_calls") AS "connected_calls"
  FROM "combined"
  GROUP BY
    "team"
)
SELECT
  "team" AS "team",
  COALESCE("revenue", 0) AS "revenue",
  COALESCE("call_count", 0) AS "call_count",
  COALESCE("connected_calls", 0) AS "connected_calls",
  CAST(COALESCE("connected_calls", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("call_count", 0), 0) AS "connect_rate",
  CAST(COALESCE("revenue", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("call_count", 0), 0) AS "revenue_per_call"
FROM "grouped"
ORDER BY
  "team" COLLATE "C" ASC;
