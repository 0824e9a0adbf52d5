"""The Hive-partitioned table sales/dt=.../region=.../part-*.csv: partition columns come
after the data columns, dt is a DATE, region a STRING, __HIVE_DEFAULT_PARTITION__ is NULL;
_SUCCESS and hidden files are not data. Filters on partition columns prune directories,
and must give the same rows as without pruning."""

from .model import Q

QUERIES = [
    Q("part_star", "SELECT * FROM sales"),
    Q("part_count", "SELECT count(*) AS n, count(DISTINCT id) AS ids FROM sales"),
    Q("part_filter_dt", "SELECT id, product, dt FROM sales WHERE dt = DATE '2024-01-02'"),
    Q("part_filter_dt_string", "SELECT count(*) AS n FROM sales WHERE dt = '2024-01-02'"),
    Q("part_filter_dt_range", "SELECT dt, region, count(*) AS n FROM sales WHERE dt BETWEEN DATE '2024-01-02' AND DATE '2024-01-03' GROUP BY dt, region"),
    Q("part_filter_dt_greater", "SELECT id, dt FROM sales WHERE dt > DATE '2024-01-02'"),
    Q("part_filter_region", "SELECT id, region FROM sales WHERE region = 'eu'"),
    Q("part_filter_region_in", "SELECT region, count(*) AS n FROM sales WHERE region IN ('us', 'apac') GROUP BY region"),
    Q("part_filter_region_not_in", "SELECT region, count(*) AS n FROM sales WHERE region NOT IN ('us') GROUP BY region"),
    Q("part_default_partition_is_null", "SELECT id, dt, region FROM sales WHERE region IS NULL"),
    Q("part_region_not_null", "SELECT count(*) AS n FROM sales WHERE region IS NOT NULL"),
    Q("part_both_columns", "SELECT id, qty FROM sales WHERE dt = DATE '2024-01-01' AND region = 'us'"),
    Q("part_and_data_column", "SELECT id, price FROM sales WHERE dt >= DATE '2024-01-02' AND price > 20"),
    Q("part_or_data_column", "SELECT id, region, qty FROM sales WHERE region = 'apac' OR qty > 8"),
    Q("part_function_of_partition", "SELECT year(dt) AS y, month(dt) AS m, day(dt) AS d, count(*) AS n FROM sales GROUP BY 1, 2, 3"),
    Q("part_filter_function", "SELECT id FROM sales WHERE dayofmonth(dt) = 3 AND upper(region) = 'EU'"),
    Q("part_group_all", "SELECT dt, region, count(*) AS n, sum(qty) AS q, round(sum(qty * price), 2) AS revenue FROM sales GROUP BY dt, region",
      "SELECT dt, region, count(*) AS n, sum(qty) AS q, spark_round(sum(qty * price), 2) AS revenue FROM sales GROUP BY dt, region"),
    Q("part_empty_partition", "SELECT count(*) AS n, sum(qty) AS q FROM sales WHERE dt = DATE '2024-01-03' AND region = 'apac'"),
    Q("part_no_matching_partition", "SELECT id FROM sales WHERE dt = DATE '2023-12-31'", empty=True),
    Q("part_ordered", "SELECT dt, region, id FROM sales ORDER BY dt DESC, region, id", order=[0, 1, 2]),
    Q("part_distinct", "SELECT DISTINCT dt, region FROM sales"),
    Q("part_minmax", "SELECT min(dt) AS a, max(dt) AS b, min(region) AS c, max(region) AS e FROM sales"),
    Q("part_concat_path", "SELECT concat(coalesce(region, 'none'), '/', CAST(dt AS STRING)) AS p, count(*) AS n FROM sales GROUP BY 1",
      "SELECT coalesce(region, 'none') || '/' || CAST(dt AS VARCHAR) AS p, count(*) AS n FROM sales GROUP BY 1"),
    # The same layout read with inferSchema 'true'.
    Q("part_inferred_star", "SELECT * FROM sales_inf"),
    Q("part_inferred_group", "SELECT dt, region, count(*) AS n, sum(qty) AS q, max(price) AS mx FROM sales_inf GROUP BY dt, region"),
    Q("part_inferred_filter", "SELECT id, dt, region FROM sales_inf WHERE dt > DATE '2024-01-01' AND region <> 'us'"),
]
