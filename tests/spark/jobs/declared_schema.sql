-- The sample events read with a declared schema (the `schema` option) instead of
-- inferred types: the columns must have the declared types on Spark too, so that
-- max(user_id) compares numbers and the result holds numbers, not strings.
CREATE TEMPORARY VIEW events USING csv
  OPTIONS (path 'data/events', header 'true',
           schema 'ts TIMESTAMP, user_id BIGINT, country STRING, event_type STRING, amount DOUBLE, device STRING, url STRING');

SELECT
  event_type,
  count(*)                AS events,
  min(user_id)            AS first_user,
  max(user_id)            AS last_user,
  round(sum(amount), 2)   AS amount,
  max(ts)                 AS latest
FROM events
GROUP BY event_type
ORDER BY event_type;
