-- metricdsl query: north_totals (spark)
-- from: tests/corpus/filtered_metrics/spec.metric
WITH `scan_sales` AS (
  SELECT
    SUM(`sales`.`amount`) FILTER(WHERE
      (
        `sales`.`channel` = 'phone'
      ) AND (
        `sales`.`status` = 'paid'
      )) AS `phone_revenue`,
    SUM(`sales`.`amount`) FILTER(WHERE
      (
        `sales`.`channel` = 'web'
      ) OR (
        `sales`.`status` = 'refunded'
      )) AS `web_or_refund`,
    SUM(`sales`.`amount`) FILTER(WHERE
      `sales`.`status` = 'paid') AS `revenue`,
    SUM(`sales`.`amount`) FILTER(WHERE
      `sales`.`status` = 'refunded') AS `refunded`
  FROM `fm_sales` AS `sales`
  WHERE
    (
      `sales`.`region` = 'north'
    )
    AND (
      (
        (
          `sales`.`channel` = 'phone'
        ) AND (
          `sales`.`status` = 'paid'
        )
      )
      OR (
        (
          `sales`.`channel` = 'web'
        ) OR (
          `sales`.`status` = 'refunded'
        )
      )
      OR (
        `sales`.`status` = 'paid'
      )
      OR (
        `sales`.`status` = 'refunded'
      )
    )
)
SELECT
  COALESCE(`phone_revenue`, 0) AS `phone_revenue`,
  COALESCE(`web_or_refund`, 0) AS `web_or_refund`,
  COALESCE(`revenue`, 0) - COALESCE(`refunded`, 0) AS `net`
FROM `scan_sales`;
