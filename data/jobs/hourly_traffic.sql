-- Traffic by part of the day and device, over the whole week: when do people buy?
CREATE TEMPORARY VIEW events USING csv
  OPTIONS (path 'data/events', header 'true', inferSchema 'true');

SELECT
  CASE
    WHEN hour(ts) < 6  THEN '1 night'
    WHEN hour(ts) < 12 THEN '2 morning'
    WHEN hour(ts) < 18 THEN '3 afternoon'
    ELSE '4 evening'
  END                                                        AS part_of_day,
  coalesce(device, 'unknown')                                AS device,
  count(*)                                                   AS events,
  sum(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END)   AS purchases,
  round(100 * sum(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) / count(*), 2) AS purchase_pct
FROM events
GROUP BY 1, 2
ORDER BY part_of_day, device;
