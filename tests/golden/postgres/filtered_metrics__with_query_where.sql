-- metricdsl query: with_query_where (postgres)
-- from: tests/corpus/filtered_metrics/spec.metric
WITH "scan_sales" AS (
  SELECT
    "sales"."region" AS "region",
    SUM("sales"."amount") FILTER(WHERE
      "sales"."status" = 'paid') AS "revenue",
    SUM("sales"."amount") FILTER(WHERE
      (
        "sales"."channel" = 'phone'
      ) AND (
        "sales"."status" = 'paid'
      )) AS "phone_revenue",
    SUM("sales"."amount") AS "gross"
  FROM "fm_sales" AS "sales"
  WHERE
    (
      "sales"."channel" <> 'web'
    )
  GROUP BY
    "sales"."region"
)
SELECT
  "region" AS "region",
  COALESCE("revenue", 0) AS "revenue",
  COALESCE("phone_revenue", 0) AS "phone_revenue",
  COALESCE("gross", 0) AS "gross"
FROM "scan_sales"
ORDER BY
  "region" COLLATE "C" ASC;
