-- metricdsl query: beijing (postgres)
-- from: tests/corpus/literals_unicode/spec.metric
WITH "scan_items" AS (
  SELECT
    "items"."product" AS "product",
    SUM("items"."qty") AS "units"
  FROM "lu"."items" AS "items"
  WHERE
    (
      "items"."city" = '北京'
    )
  GROUP BY
    "items"."product"
)
SELECT
  "product" AS "product",
  COALESCE("units", 0) AS "units"
FROM "scan_items"
ORDER BY
  "product" COLLATE "C" ASC;
