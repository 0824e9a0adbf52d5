-- The ten users who spent the most over the week (purchases only, free ones left out),
-- with their first and last purchase. Ties on spend are broken by user id.
CREATE TEMPORARY VIEW events USING csv
  OPTIONS (path 'data/events', header 'true', inferSchema 'true');

SELECT
  user_id,
  count(*)                                 AS purchases,
  round(sum(amount), 2)                    AS spent,
  round(max(amount), 2)                    AS biggest,
  min(ts)                                  AS first_purchase,
  max(ts)                                  AS last_purchase,
  datediff(max(dt), min(dt))               AS days_between
FROM events
WHERE event_type = 'purchase' AND amount > 0
GROUP BY user_id
HAVING count(*) >= 2
ORDER BY spent DESC, user_id
LIMIT 10;
