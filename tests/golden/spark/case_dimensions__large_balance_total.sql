-- metricdsl query: large_balance_total (spark)
-- from: tests/corpus/case_dimensions/spec.metric
WITH `scan_accounts` AS (
  SELECT
    SUM(CASE WHEN `accounts`.`balance` >= 1000 THEN `accounts`.`balance` ELSE 0 END) AS `large_balance`,
    SUM(`accounts`.`balance`) AS `balance`
  FROM `cd_accounts` AS `accounts`
)
SELECT
  COALESCE(`large_balance`, 0) AS `large_balance`,
  COALESCE(`balance`, 0) AS `balance`
FROM `scan_accounts`;
