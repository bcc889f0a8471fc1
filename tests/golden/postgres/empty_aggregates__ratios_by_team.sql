-- metricdsl query: ratios_by_team (postgres)
-- from: tests/corpus/empty_aggregates/spec.metric
WITH "scan_tickets" AS (
  SELECT
    "tickets"."team" AS "team",
    SUM("tickets"."minutes") FILTER(WHERE
      "tickets"."status" = 'solved') AS "solved_minutes",
    COUNT(*) FILTER(WHERE
      "tickets"."status" = 'solved') AS "solved",
    COUNT(*) FILTER(WHERE
      "tickets"."status" = 'escalated') AS "escalations",
    SUM("tickets"."minutes") AS "minutes_per_ticket",
    COUNT(*) AS "minutes_per_ticket_2",
    SUM(CAST("tickets"."minutes" AS DOUBLE PRECISION) / NULLIF("tickets"."reopens", 0)) AS "minutes_per_reopen"
  FROM "ea_tickets" AS "tickets"
  GROUP BY
    "tickets"."team"
)
SELECT
  "team" AS "team",
  CAST(COALESCE("solved_minutes", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("solved", 0), 0) AS "minutes_per_solved",
  CAST(COALESCE("escalations", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("solved", 0), 0) AS "escalations_per_solved",
  CAST(COALESCE("minutes_per_ticket", 0) AS DOUBLE PRECISION) / NULLIF(COALESCE("minutes_per_ticket_2", 0), 0) AS "minutes_per_ticket",
  COALESCE("minutes_per_reopen", 0) AS "minutes_per_reopen"
FROM "scan_tickets"
ORDER BY
  "team" COLLATE "C" ASC;
