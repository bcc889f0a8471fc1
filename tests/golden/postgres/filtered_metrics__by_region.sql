-- metricdsl query: by_region (postgres)
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
    SUM("sales"."amount") FILTER(WHERE
      (
        (
          "sales"."region" = 'north'
        ) AND (
          "sales"."channel" = 'phone'
        )
      )
      AND (
        "sales"."status" = 'paid'
      )) AS "phone_north_revenue",
    SUM("sales"."amount") AS "gross"
  FROM "fm_sales" AS "sales"
  GROUP BY
    "sales"."region"
)
SELECT
  "region" AS "region",
  COALESCE("revenue", 0) AS "revenue",
  COALESCE("phone_revenue", 0) AS "phone_revenue",
  COALESCE("phone_north_revenue", 0) AS "phone_north_revenue",
  CAST(COALESCE("phone_revenue", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("revenue", 0), 0) AS "phone_share",
  COALESCE("gross", 0) AS "gross",
  CAST(COALESCE("revenue", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("gross", 0), 0) AS "paid_share"
FROM "scan_sales"
ORDER BY
  "region" COLLATE "C" ASC;
