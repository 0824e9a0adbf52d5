-- Revenue per country and event type over the sample week (2024-03-04 .. 2024-03-10).
-- Purchases carry positive amounts and refunds negative ones, so `net` per country is
-- the sum over both rows. Rows without a country are reported as '??'.
--
--   sluice run data/jobs/weekly_revenue.sql            (a table on a terminal)
--   spark-sql -f data/jobs/weekly_revenue.sql          (the same result on Spark)
SET spark.sql.shuffle.partitions=4;

CREATE TEMPORARY VIEW events USING csv
  OPTIONS (path 'data/events', header 'true', inferSchema 'true');

SELECT
  coalesce(country, '??')        AS country,
  event_type,
  count(*)                       AS events,
  count(DISTINCT user_id)        AS users,
  round(sum(amount), 2)          AS amount,
  round(avg(amount), 2)          AS avg_amount,
  min(dt)                        AS first_day,
  max(dt)                        AS last_day
FROM events
WHERE event_type IN ('purchase', 'refund')
GROUP BY coalesce(country, '??'), event_type
HAVING count(*) >= 3
ORDER BY country, event_type;
