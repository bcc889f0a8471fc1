-- metricdsl query: north_totals (impala 3.4)
-- from: tests/corpus/filtered_metrics/spec.metric
WITH `scan_sales` AS (
  SELECT
    SUM(
      IF(
        (
          `sales`.`channel` = 'phone'
        ) AND (
          `sales`.`status` = 'paid'
        ),
        `sales`.`amount`,
        NULL
      )
    ) AS `phone_revenue`,
    SUM(
      IF(
        (
          `sales`.`channel` = 'web'
        ) OR (
          `sales`.`status` = 'refunded'
        ),
        `sales`.`amount`,
        NULL
      )
    ) AS `web_or_refund`,
    SUM(IF(`sales`.`status` = 'paid', `sales`.`amount`, NULL)) AS `revenue`,
    SUM(IF(`sales`.`status` = 'refunded', `sales`.`amount`, NULL)) AS `refunded`
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
