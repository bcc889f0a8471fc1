-- metricdsl query: avg_bonus_asc_limit (postgres)
-- from: tests/corpus/order_limit/spec.metric
WITH "scan_scores" AS (
  SELECT
    "scores"."player" AS "player",
    AVG("scores"."bonus") AS "avg_bonus",
    SUM("scores"."points") AS "points"
  FROM "ol_scores" AS "scores"
  GROUP BY
    "scores"."player"
)
SELECT
  "player" AS "player",
  "avg_bonus" AS "avg_bonus",
  COALESCE("points", 0) AS "points"
FROM "scan_scores"
ORDER BY
  "avg_bonus" ASC,
  "points" DESC NULLS LAST,
  "player" COLLATE "C" ASC
LIMIT 5;
