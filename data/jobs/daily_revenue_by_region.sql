-- Revenue per day, region and event type: the events joined to the countries dimension
-- (code, name, region). A LEFT JOIN keeps the events whose country is NULL or missing from
-- countries.csv; they are reported under the region 'unknown', and listed by the second
-- query, so that no revenue silently disappears from the report.
SET spark.sql.shuffle.partitions=4;

CREATE TEMPORARY VIEW events USING csv
  OPTIONS (path 'data/events', header 'true', inferSchema 'true');
CREATE TEMPORARY VIEW countries USING csv
  OPTIONS (path 'data/countries.csv', header 'true', inferSchema 'true');

SELECT
  e.dt,
  coalesce(c.region, 'unknown')  AS region,
  e.event_type,
  count(*)                       AS events,
  count(DISTINCT e.user_id)      AS users,
  round(sum(e.amount), 2)        AS revenue
FROM events e
LEFT JOIN countries c ON e.country = c.code
WHERE e.event_type IN ('purchase', 'refund')
GROUP BY e.dt, coalesce(c.region, 'unknown'), e.event_type
ORDER BY dt, region, event_type;

-- The events no row of countries.csv describes, by country code.
SELECT
  coalesce(e.country, '(none)')  AS country,
  count(*)                       AS unmatched_events,
  round(sum(e.amount), 2)        AS unmatched_amount
FROM events e
LEFT ANTI JOIN countries c ON e.country = c.code
GROUP BY coalesce(e.country, '(none)')
ORDER BY country;
