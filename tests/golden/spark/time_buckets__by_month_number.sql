-- metricdsl query: by_month_number (spark)
-- from: tests/corpus/time_buckets/spec.metric
WITH `scan_events` AS (
  SELECT
    EXTRACT(MONTH FROM `events`.`event_date`) AS `event_month_no`,
    COUNT(*) AS `events`,
    SUM(`events`.`value`) AS `total`
  FROM `tb_events` AS `events`
  WHERE
    (
      EXTRACT(YEAR FROM `events`.`event_date`) = 2025
    )
  GROUP BY
    EXTRACT(MONTH FROM `events`.`event_date`)
)
SELECT
  `event_month_no` AS `event_month_no`,
  COALESCE(`events`, 0) AS `events`,
  COALESCE(`total`, 0) AS `total`
FROM `scan_events`
ORDER BY
  `event_month_no` ASC NULLS LAST;
