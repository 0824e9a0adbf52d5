"""Derived tables: subqueries in FROM (nested, aggregated, cut by ORDER BY ... LIMIT), WITH
(one common table expression or several, one used twice), views defined AS SELECT (the
views of tests/gen_data.py: cust_totals, order_details, gold_details over order_details,
all_codes), and the DISTINCT aggregates these queries lean on: count(DISTINCT) several at
once beside other aggregates, sum(DISTINCT) and avg(DISTINCT), over NULLs and empty input.
"""

from .model import Q

QUERIES = [
    # --- subqueries in FROM --------------------------------------------------------------------
    Q("sub_simple", "SELECT t.id, t.amt FROM (SELECT id, amount * 2 AS amt FROM orders) t WHERE t.amt > 500"),
    Q("sub_star", "SELECT * FROM (SELECT id, code, qty FROM orders WHERE qty = 9) t"),
    Q("sub_unqualified_outer", "SELECT id, amt FROM (SELECT id, amount + qty AS amt FROM orders WHERE cust < 5) x"),
    Q("sub_without_alias", "SELECT count(*) AS n, sum(qty) AS q FROM (SELECT * FROM orders WHERE qty > 5)"),
    Q("sub_nested_two",
      "SELECT y.k, y.total FROM (SELECT k, sum(v) AS total FROM (SELECT code AS k, qty AS v FROM orders "
      "WHERE amount > 100) x GROUP BY k) y WHERE y.total > 20"),
    Q("sub_nested_three",
      "SELECT band, count(*) AS custs FROM (SELECT cust, CASE WHEN n >= 6 THEN 'many' ELSE 'few' END AS band "
      "FROM (SELECT cust, count(*) AS n FROM (SELECT cust FROM orders WHERE cust IS NOT NULL) a GROUP BY cust) b) c "
      "GROUP BY band"),
    Q("sub_aggregate_of_aggregate",
      "SELECT n, count(*) AS custs, min(cust) AS first_cust FROM (SELECT cust, count(*) AS n FROM orders GROUP BY cust) t GROUP BY n"),
    Q("sub_filter_on_aggregate_alias",
      "SELECT * FROM (SELECT cust, avg(amount) AS a, count(*) AS n FROM orders GROUP BY cust) t WHERE a > 250"),
    Q("sub_top_n_inside",
      "SELECT count(*) AS n, sum(amount) AS top_total, min(amount) AS cut FROM "
      "(SELECT amount FROM orders ORDER BY amount DESC NULLS LAST, id LIMIT 10) t", order=[0]),
    Q("sub_distinct_inside", "SELECT count(*) AS n FROM (SELECT DISTINCT code, k2 FROM orders) t"),
    Q("sub_expression_over_columns",
      "SELECT id, share * 100 AS pct FROM (SELECT id, amount / 500 AS share FROM orders WHERE amount IS NOT NULL) t "
      "WHERE share BETWEEN 0.2 AND 0.4"),
    Q("sub_ordered_outer",
      "SELECT code, n FROM (SELECT code, count(*) AS n FROM orders GROUP BY code) t ORDER BY n DESC, code", order=[0]),
    Q("sub_partitioned", "SELECT region, n FROM (SELECT region, count(*) AS n FROM sales WHERE dt > DATE '2024-01-01' "
                         "GROUP BY region) s WHERE n > 5"),

    # --- WITH ------------------------------------------------------------------------------------
    Q("cte_once",
      "WITH big AS (SELECT * FROM orders WHERE amount > 400) SELECT code, count(*) AS n, max(amount) AS mx FROM big GROUP BY code"),
    # One CTE on both sides of a join.
    Q("cte_twice_self_join",
      "WITH t AS (SELECT cust, count(*) AS n FROM orders WHERE cust IS NOT NULL GROUP BY cust) "
      "SELECT a.cust, b.cust AS other, a.n FROM t a JOIN t b ON a.n = b.n AND a.cust < b.cust"),
    Q("cte_twice_union",
      "WITH t AS (SELECT id, qty, amount FROM orders WHERE cust <= 10) "
      "SELECT 'low' AS part, count(*) AS n FROM t WHERE qty < 5 UNION ALL SELECT 'high', count(*) FROM t WHERE qty >= 5"),
    Q("cte_twice_cross",
      "WITH s AS (SELECT avg(amount) AS mean, max(amount) AS mx FROM orders) "
      "SELECT o.id FROM orders o, s WHERE o.amount > s.mean AND o.amount < s.mx / 1.2"),
    Q("cte_chain",
      "WITH a AS (SELECT cust, code, amount FROM orders WHERE amount > 50), "
      "b AS (SELECT code, sum(amount) AS total FROM a GROUP BY code), "
      "c AS (SELECT code, total FROM b WHERE total > 1000) SELECT * FROM c"),
    Q("cte_unused_definition",
      "WITH used AS (SELECT code FROM codes), unused AS (SELECT id FROM orders) SELECT count(*) AS n FROM used"),
    Q("cte_shadows_table",
      "WITH customers AS (SELECT cust FROM orders WHERE id <= 5) SELECT count(*) AS n FROM customers"),
    Q("cte_with_join",
      "WITH c AS (SELECT cust, tier FROM customers WHERE tier IS NOT NULL) "
      "SELECT c.tier, count(*) AS n, sum(o.qty) AS q FROM orders o JOIN c ON o.cust = c.cust GROUP BY c.tier"),
    Q("cte_with_left_join_of_two",
      "WITH per_cust AS (SELECT cust, count(*) AS n FROM orders GROUP BY cust), "
      "per_item AS (SELECT item, count(*) AS t FROM tags GROUP BY item) "
      "SELECT p.cust, p.n, i.t FROM per_cust p LEFT JOIN per_item i ON p.cust = i.item"),
    Q("cte_in_subquery",
      "SELECT * FROM (WITH x AS (SELECT code, qty FROM orders WHERE qty > 7) SELECT code, sum(qty) AS q FROM x GROUP BY code) t"),

    # --- views defined AS SELECT -------------------------------------------------------------------
    Q("view_aggregated", "SELECT * FROM cust_totals"),
    Q("view_joined_grouped", "SELECT tier, count(*) AS n, sum(amount) AS s, count(cname) AS named FROM order_details GROUP BY tier"),
    Q("view_over_view", "SELECT * FROM gold_details"),
    Q("view_union", "SELECT * FROM all_codes"),
    Q("view_joined_with_view",
      "SELECT g.id, g.cname, t.n, t.total FROM gold_details g JOIN order_details d ON g.id = d.id "
      "JOIN cust_totals t ON d.cust = t.cust"),
    Q("view_in_cte",
      "WITH x AS (SELECT * FROM cust_totals WHERE n >= 6) SELECT count(*) AS custs, sum(n) AS orders_n FROM x"),
    Q("view_filtered_twice", "SELECT cust, n FROM cust_totals WHERE last_day >= DATE '2024-02-15' AND n > 3"),

    # --- DISTINCT aggregates -----------------------------------------------------------------------
    Q("distinct_several_with_others",
      "SELECT count(DISTINCT code) AS codes, count(DISTINCT cust) AS custs, count(DISTINCT k2) AS k2s, count(*) AS n, "
      "sum(amount) AS total, avg(qty) AS aq, max(odate) AS last_day FROM orders"),
    Q("distinct_several_grouped",
      "SELECT code, count(DISTINCT cust) AS custs, count(DISTINCT odate) AS days, count(DISTINCT qty) AS qtys, "
      "sum(qty) AS q, max(amount) AS mx FROM orders GROUP BY code"),
    Q("distinct_sum_and_count",
      "SELECT sum(DISTINCT qty) AS sq, sum(qty) AS q, count(DISTINCT qty) AS cq, count(qty) AS c FROM orders"),
    Q("distinct_sum_grouped",
      "SELECT k2, sum(DISTINCT cust) AS sc, count(DISTINCT cust) AS cc, count(cust) AS c, avg(DISTINCT qty) AS aq "
      "FROM orders GROUP BY k2"),
    Q("distinct_same_column_twice",
      "SELECT code, count(DISTINCT qty) AS cq, sum(DISTINCT qty) AS sq, avg(DISTINCT qty) AS aq, max(qty) AS mx "
      "FROM orders GROUP BY code"),
    Q("distinct_over_nulls_only",
      "SELECT count(DISTINCT cust) AS c, sum(DISTINCT cust) AS s, count(*) AS n FROM orders WHERE cust IS NULL"),
    Q("distinct_over_empty_input",
      "SELECT count(DISTINCT cust) AS c, sum(DISTINCT qty) AS s, count(*) AS n FROM orders WHERE id < 0"),
    Q("distinct_grouped_null_groups",
      "SELECT cust, count(DISTINCT code) AS codes, count(code) AS c FROM orders WHERE cust IS NULL OR cust <= 3 GROUP BY cust"),
    Q("distinct_agg_expression",
      "SELECT count(DISTINCT concat(code, '-', CAST(k2 AS STRING))) AS pairs, count(DISTINCT qty % 3) AS m FROM orders",
      "SELECT count(DISTINCT code || '-' || CAST(k2 AS VARCHAR)) AS pairs, count(DISTINCT qty % 3) AS m FROM orders"),
    Q("distinct_doubles", "SELECT count(DISTINCT weight) AS w, sum(DISTINCT weight) AS sw, count(DISTINCT region) AS r FROM codes"),
    Q("distinct_empty_strings", "SELECT k, count(DISTINCT s) AS ds, count(s) AS cs FROM texts GROUP BY k"),
    Q("distinct_over_join",
      "SELECT d.region, count(DISTINCT o.cust) AS custs, count(DISTINCT t.tag) AS tags, count(*) AS n FROM orders o "
      "JOIN codes d ON o.code = d.code JOIN tags t ON o.cust = t.item GROUP BY d.region"),
    Q("distinct_having", "SELECT code, count(DISTINCT cust) AS custs FROM orders GROUP BY code HAVING count(DISTINCT cust) > 12"),
    Q("distinct_in_subquery",
      "SELECT max(c) AS most, min(c) AS least FROM (SELECT code, count(DISTINCT cust) AS c FROM orders GROUP BY code) t"),
    Q("distinct_names", "SELECT count(DISTINCT code), sum(DISTINCT qty), count(DISTINCT cust) FROM orders",
      "SELECT count(DISTINCT code) AS a, sum(DISTINCT qty) AS b, count(DISTINCT cust) AS c FROM orders",
      names=["count(DISTINCT code)", "sum(DISTINCT qty)", "count(DISTINCT cust)"]),
]
