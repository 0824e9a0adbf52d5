"""UNION ALL and UNION (distinct): columns matched by position and named after the first
branch; types widened as Spark does (INT with BIGINT is BIGINT, INT with DOUBLE is DOUBLE,
NULL takes the other branch's type, DATE with TIMESTAMP is TIMESTAMP); UNION removes
duplicates across and within branches, NULLs equal; A UNION ALL B UNION C groups as
(A UNION ALL B) UNION C; ORDER BY and LIMIT after the last branch apply to the whole union.
"""

from .model import Q

QUERIES = [
    Q("union_all_basic",
      "SELECT id, code FROM orders WHERE id <= 10 UNION ALL SELECT cust, cname FROM customers WHERE cust <= 5"),
    Q("union_all_keeps_duplicates", "SELECT code, k2 FROM orders UNION ALL SELECT code, k2 FROM orders"),
    Q("union_distinct_across_branches", "SELECT code, k2 FROM orders UNION SELECT code, k2 FROM codes"),
    Q("union_distinct_within_branch", "SELECT g FROM nums UNION SELECT g FROM nums WHERE id < 0"),
    Q("union_three_branches_counts",
      "SELECT 'orders' AS src, count(*) AS n FROM orders UNION ALL SELECT 'customers', count(*) FROM customers "
      "UNION ALL SELECT 'codes', count(*) FROM codes"),
    # A UNION ALL B UNION C: the final UNION removes the duplicates of all three.
    Q("union_all_then_distinct",
      "SELECT code FROM orders UNION ALL SELECT code FROM codes UNION SELECT tier FROM customers"),
    # A UNION B UNION ALL C: the duplicates of C stay.
    Q("union_distinct_then_all",
      "SELECT code FROM orders UNION SELECT code FROM codes UNION ALL SELECT code FROM codes"),

    # --- type widening ---------------------------------------------------------------------------
    Q("union_int_with_double",
      "SELECT id, i AS v FROM nums WHERE id <= 20 UNION ALL SELECT id, d FROM nums WHERE id > 380"),
    Q("union_double_with_int",
      "SELECT id, d AS v FROM nums WHERE id <= 20 UNION ALL SELECT id, i FROM nums WHERE id > 380"),
    Q("union_int_with_bigint", "SELECT i AS v FROM nums UNION ALL SELECT big FROM nums"),
    # 0 (INT) and 0.0 (DOUBLE) are one value after widening.
    Q("union_distinct_int_double",
      "SELECT i AS v FROM nums WHERE i BETWEEN -3 AND 3 UNION SELECT d FROM nums WHERE d IN (0.0, 2.5, -2.5, 15.0)"),
    Q("union_null_first_branch",
      "SELECT NULL AS v, id FROM nums WHERE id <= 3 UNION ALL SELECT i, id FROM nums WHERE id > 390"),
    Q("union_null_later_branch",
      "SELECT id, s FROM strs WHERE id <= 10 UNION ALL SELECT id, NULL FROM strs WHERE id > 150"),
    Q("union_null_both_types",
      "SELECT NULL AS a, d AS b FROM nums WHERE id <= 2 UNION ALL SELECT i, NULL FROM nums WHERE id BETWEEN 3 AND 5 "
      "UNION ALL SELECT j, e FROM nums WHERE id BETWEEN 6 AND 8"),
    Q("union_date_with_timestamp",
      "SELECT id, d AS t FROM times WHERE id <= 12 UNION ALL SELECT id, ts FROM times WHERE id <= 12"),
    Q("union_int_bigint_distinct_count",
      "SELECT count(*) AS n, count(cust) AS nn FROM (SELECT cust FROM orders UNION SELECT cust FROM customers) u"),
    Q("union_widened_sum",
      "SELECT sum(v) AS s, count(v) AS n, max(v) AS mx FROM (SELECT i AS v FROM nums UNION ALL SELECT e FROM nums) u"),

    # --- names, NULLs and empty branches -------------------------------------------------------------
    Q("union_names_from_first_branch",
      "SELECT id AS first_id, code AS label FROM orders WHERE id < 4 UNION ALL SELECT cust AS other, cname FROM customers WHERE cust < 4",
      names=["first_id", "label"]),
    Q("union_unaliased_names", "SELECT id, qty + 1 FROM orders WHERE id < 4 UNION ALL SELECT id, n FROM strs WHERE id < 4",
      "SELECT id, qty + 1 AS x FROM orders WHERE id < 4 UNION ALL SELECT id, n FROM strs WHERE id < 4",
      names=["id", "(qty + 1)"]),
    # '' and NULL are different values; NULLs are one value.
    Q("union_distinct_empty_and_null", "SELECT s FROM texts UNION SELECT k FROM texts"),
    Q("union_booleans", "SELECT b FROM flags UNION SELECT flag FROM nums"),
    Q("union_empty_branch", "SELECT id FROM orders WHERE id < 0 UNION ALL SELECT cust FROM customers"),
    Q("union_both_branches_empty",
      "SELECT id FROM orders WHERE id < 0 UNION SELECT cust FROM customers WHERE cust < 0", empty=True),
    Q("union_partitioned_tables", "SELECT dt, region FROM sales UNION SELECT dt, region FROM sales_inf"),

    # --- ORDER BY and LIMIT over a union ------------------------------------------------------------
    Q("union_order_by",
      "SELECT id, amount FROM orders WHERE cust = 7 UNION ALL SELECT id, amount FROM orders WHERE cust = 8 "
      "ORDER BY amount DESC, id", order=[1, 0]),
    Q("union_order_limit",
      "SELECT code AS c, k2 FROM orders UNION SELECT code, k2 FROM codes ORDER BY c NULLS LAST, k2 LIMIT 7",
      order=[0, 1]),
    Q("union_order_by_position",
      "SELECT tier AS k, count(*) AS n FROM customers GROUP BY tier UNION ALL "
      "SELECT code, count(*) FROM orders GROUP BY code ORDER BY 2 DESC, 1", order=[1, 0]),
    Q("union_limit_without_order", "SELECT id FROM orders UNION ALL SELECT id FROM nums LIMIT 20", count_only=True),
    Q("union_order_by_expression",
      "SELECT id, qty AS v FROM orders WHERE id <= 15 UNION ALL SELECT id, n FROM strs WHERE id <= 15 ORDER BY v DESC NULLS LAST, id",
      order=[1, 0]),

    # --- unions of aggregates, and unions in larger queries ------------------------------------------
    Q("union_of_aggregates",
      "SELECT code AS k, sum(qty) AS total FROM orders GROUP BY code UNION ALL SELECT tier, count(*) FROM customers GROUP BY tier"),
    Q("union_of_whole_table_aggregates",
      "SELECT min(amount) AS v FROM orders UNION ALL SELECT max(amount) FROM orders UNION ALL SELECT avg(weight) FROM codes"),
    Q("union_then_aggregate",
      "SELECT src, count(*) AS n, sum(v) AS s FROM (SELECT 'orders' AS src, qty AS v FROM orders "
      "UNION ALL SELECT 'strs', n FROM strs) u GROUP BY src"),
    Q("union_then_filter", "SELECT * FROM (SELECT id, qty AS v FROM orders UNION ALL SELECT id, i FROM nums) u WHERE v > 7"),
    Q("union_then_distinct", "SELECT DISTINCT v FROM (SELECT qty AS v FROM orders UNION ALL SELECT j FROM nums) u"),
    Q("union_then_join",
      "SELECT u.code, u.k2, d.label FROM (SELECT code, k2 FROM orders WHERE id <= 20 UNION SELECT code, k2 FROM codes "
      "WHERE weight > 2) u JOIN codes d ON u.code = d.code AND u.k2 = d.k2"),
    Q("union_grouped_ordered",
      "SELECT k, sum(v) AS s FROM (SELECT code AS k, qty AS v FROM orders UNION ALL SELECT code, k2 FROM codes) u "
      "GROUP BY k ORDER BY s DESC, k", order=[0]),
    Q("union_distinct_doubles", "SELECT d FROM nums WHERE id <= 50 UNION SELECT d FROM nums WHERE id <= 100"),
    Q("union_in_cte",
      "WITH u AS (SELECT cust AS k FROM orders UNION ALL SELECT item FROM tags) SELECT k, count(*) AS n FROM u GROUP BY k"),
]
