-- metricdsl query: by_band (spark)
-- from: tests/corpus/case_dimensions/spec.metric
WITH `scan_accounts` AS (
  SELECT
    CASE
      WHEN `accounts`.`balance` >= 1000
      THEN 'large'
      WHEN `accounts`.`balance` >= 100
      THEN 'medium'
      ELSE 'small'
    END AS `balance_band`,
    COUNT(*) AS `accounts`,
    SUM(`accounts`.`balance`) AS `balance`
  FROM `cd_accounts` AS `accounts`
  GROUP BY
    CASE
      WHEN `accounts`.`balance` >= 1000
      THEN 'large'
      WHEN `accounts`.`balance` >= 100
      THEN 'medium'
      ELSE 'small'
    END
)
SELECT
  `balance_band` AS `balance_band`,
  COALESCE(`accounts`, 0) AS `accounts`,
  COALESCE(`balance`, 0) AS `balance`
FROM `scan_accounts`
ORDER BY
  `balance_band` ASC NULLS LAST;
