-- metricdsl query: group_seen_by_filtered (spark)
-- from: tests/corpus/filtered_metrics/spec.metric
WITH `scan_sales` AS (
  SELECT
    `sales`.`channel` AS `channel`,
    SUM(`sales`.`amount`) FILTER(WHERE
      (
        `sales`.`channel` = 'phone'
      ) AND (
        `sales`.`status` = 'paid'
      )) AS `phone_revenue`
  FROM `fm_sales` AS `sales`
  WHERE
    (
      (
        `sales`.`channel` = 'phone'
      ) AND (
        `sales`.`status` = 'paid'
      )
    )
  GROUP BY
    `sales`.`channel`
)
SELECT
  `channel` AS `channel`,
  COALESCE(`phone_revenue`, 0) AS `phone_revenue`
FROM `scan_sales`
ORDER BY
  `channel` ASC NULLS LAST;
