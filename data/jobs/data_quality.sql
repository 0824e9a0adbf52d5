-- Checks a data engineer runs before trusting a day of events: missing values, zero or
-- odd amounts, timestamps outside their partition, and urls that needed CSV quoting.
CREATE TEMPORARY VIEW events USING csv
  OPTIONS (path 'data/events', header 'true', inferSchema 'true');
CREATE TEMPORARY VIEW countries USING csv
  OPTIONS (path 'data/countries.csv', header 'true', inferSchema 'true');

SELECT
  dt,
  count(*)                                                                   AS events,
  sum(CASE WHEN country IS NULL THEN 1 ELSE 0 END)                          AS no_country,
  sum(CASE WHEN device IS NULL THEN 1 ELSE 0 END)                           AS no_device,
  sum(CASE WHEN amount IS NULL AND event_type IN ('purchase', 'refund') THEN 1 ELSE 0 END) AS sale_without_amount,
  sum(CASE WHEN amount = 0 THEN 1 ELSE 0 END)                               AS zero_amount,
  sum(CASE WHEN event_type = 'refund' AND amount > 0 THEN 1 ELSE 0 END)     AS positive_refund,
  sum(CASE WHEN to_date(ts) <> dt THEN 1 ELSE 0 END)                        AS outside_partition,
  sum(CASE WHEN url LIKE '%,%' OR url LIKE '%"%' THEN 1 ELSE 0 END)         AS quoted_url,
  min(ts)                                                                    AS first_ts,
  max(ts)                                                                    AS last_ts
FROM events
GROUP BY dt
ORDER BY dt;

-- Country names that hold commas must come back whole.
SELECT code, name, region
FROM countries
WHERE name LIKE '%,%'
ORDER BY code;
