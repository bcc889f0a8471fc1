-- metricdsl query: avg_bonus_desc (postgres)
-- from: tests/corpus/order_limit/spec.metric
WITH "scan_scores" AS (
  SELECT
    "scores"."player" AS "player",
    AVG("scores"."bonus") AS "avg_bonus"
  FROM "ol_scores" AS "scores"
  GROUP BY
    "scores"."player"
)
SELECT
  "player" AS "player",
  "avg_bonus" AS "avg_bonus"
FROM "scan_scores"
ORDER BY
  "avg_bonus" DESC NULLS LAST,
  "player" COLLATE "C" ASC;
