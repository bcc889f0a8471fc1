-- metricdsl query: by_score_bucket_vip (postgres)
-- from: tests/corpus/case_dimensions/spec.metric
WITH "scan_accounts" AS (
  SELECT
    CASE
      WHEN "accounts"."score" IS NULL
      THEN 'unscored'
      WHEN "accounts"."score" BETWEEN 700 AND 850
      THEN 'prime'
      ELSE 'subprime'
    END AS "score_bucket",
    CASE WHEN "accounts"."balance" > 5000 THEN TRUE ELSE FALSE END AS "is_vip",
    COUNT(*) AS "accounts"
  FROM "cd_accounts" AS "accounts"
  GROUP BY
    CASE
      WHEN "accounts"."score" IS NULL
      THEN 'unscored'
      WHEN "accounts"."score" BETWEEN 700 AND 850
      THEN 'prime'
      ELSE 'subprime'
    END,
    CASE WHEN "accounts"."balance" > 5000 THEN TRUE ELSE FALSE END
)
SELECT
  "score_bucket" AS "score_bucket",
  "is_vip" AS "is_vip",
  COALESCE("accounts", 0) AS "accounts"
FROM "scan_accounts"
ORDER BY
  "score_bucket" COLLATE "C" ASC,
  "is_vip" ASC;
