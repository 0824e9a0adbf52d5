-- Per day and event type: how many events, and the sum, average, smallest and largest
-- amount. Most views carry no amount (NULL): count(amount) is smaller than count(*), and
-- sum, avg, min and max leave the NULLs out.
CREATE TEMPORARY VIEW events USING csv
  OPTIONS (path 'data/events', header 'true', inferSchema 'true');

SELECT
  dt,
  date_format(dt, 'EEE')   AS weekday,
  event_type,
  count(*)                 AS events,
  count(amount)            AS with_amount,
  round(sum(amount), 2)    AS total,
  round(avg(amount), 4)    AS average,
  min(amount)              AS smallest,
  max(amount)              AS largest
FROM events
GROUP BY dt, date_format(dt, 'EEE'), event_type
ORDER BY dt, event_type;
