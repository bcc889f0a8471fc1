-- metricdsl query: by_kind_label (spark)
-- from: tests/corpus/case_dimensions/spec.metric
WITH `scan_accounts` AS (
  SELECT
    CASE
      WHEN `accounts`.`kind` = 'biz'
      THEN 'business'
      WHEN `accounts`.`kind` = 'per'
      THEN 'personal'
    END AS `kind_label`,
    COUNT(*) AS `accounts`,
    AVG(CAST(`accounts`.`balance` AS DOUBLE)) AS `avg_balance`
  FROM `cd_accounts` AS `accounts`
  GROUP BY
    CASE
      WHEN `accounts`.`kind` = 'biz'
      THEN 'business'
      WHEN `accounts`.`kind` = 'per'
      THEN 'personal'
    END
)
SELECT
  `kind_label` AS `kind_label`,
  COALESCE(`accounts`, 0) AS `accounts`,
  `avg_balance` AS `avg_balance`
FROM `scan_accounts`
ORDER BY
  `kind_label` DESC;
