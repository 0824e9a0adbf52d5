-- Purchases and refunds per country side by side, from one common table expression read
-- twice (a FULL JOIN keeps a country that only refunded), then a long-format summary of
-- the week stacked with UNION ALL.
SET spark.sql.shuffle.partitions=4;

CREATE TEMPORARY VIEW events USING csv
  OPTIONS (path 'data/events', header 'true', inferSchema 'true');

CREATE TEMPORARY VIEW sales AS
SELECT coalesce(country, '??') AS country, event_type, amount, user_id
FROM events
WHERE event_type IN ('purchase', 'refund') AND amount IS NOT NULL;

WITH purchases AS (
  SELECT country, count(*) AS n, count(DISTINCT user_id) AS buyers, sum(amount) AS total
  FROM sales WHERE event_type = 'purchase' GROUP BY country
), refunds AS (
  SELECT country, count(*) AS n, sum(amount) AS total
  FROM sales WHERE event_type = 'refund' GROUP BY country
)
SELECT
  coalesce(p.country, r.country)                         AS country,
  coalesce(p.n, 0)                                       AS purchases,
  coalesce(p.buyers, 0)                                  AS buyers,
  coalesce(r.n, 0)                                       AS refunds,
  round(coalesce(p.total, 0) + coalesce(r.total, 0), 2)  AS net
FROM purchases p
FULL OUTER JOIN refunds r ON p.country = r.country
ORDER BY net DESC, country;

-- Events per device, per event type and per day, as (dimension, value, events) rows.
SELECT 'device' AS dimension, coalesce(device, 'unknown') AS value, count(*) AS events
FROM events GROUP BY coalesce(device, 'unknown')
UNION ALL
SELECT 'event_type', event_type, count(*) FROM events GROUP BY event_type
UNION ALL
SELECT 'day', CAST(dt AS STRING), count(*) FROM events GROUP BY dt
ORDER BY dimension, value;
