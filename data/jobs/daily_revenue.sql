-- Revenue per day, region and event type, written as a Hive-partitioned table (one
-- directory per day under out/daily_revenue). Re-running it replaces only the days the
-- input holds (dynamic partition overwrite); the other days' directories stay as they are.
SET spark.sql.sources.partitionOverwriteMode=dynamic;
SET hive.exec.max.dynamic.partitions.pernode=200;
CREATE TEMPORARY VIEW events USING csv
  OPTIONS (path 'data/events', header 'true', inferSchema 'true');
CREATE TEMPORARY VIEW countries USING csv
  OPTIONS (path 'data/countries.csv', header 'true');
CREATE TABLE IF NOT EXISTS daily_revenue (region STRING, event_type STRING, n BIGINT, total DOUBLE, dt DATE)
  USING csv PARTITIONED BY (dt) LOCATION 'out/daily_revenue' OPTIONS (header 'true');
INSERT OVERWRITE TABLE daily_revenue PARTITION (dt)
SELECT c.region, e.event_type, count(*), sum(e.amount), e.dt
FROM events e JOIN countries c ON e.country = c.code
WHERE e.amount > 0
GROUP BY e.dt, c.region, e.event_type;
