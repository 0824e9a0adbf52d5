"""Joins with Spark's semantics: INNER, LEFT/RIGHT/FULL OUTER, LEFT SEMI, LEFT ANTI, CROSS
and comma joins; ON with equality keys and extra conditions on either side or across
sides; USING. NULL keys never match (only <=> matches them); a duplicated dimension key
duplicates fact rows; keys present on one side only survive as NULLs in outer joins.

The tables are orders (the facts: cust INT and the two-column key (code, k2)), customers
(keyed by cust BIGINT: 7 twice, 3 and 11 missing, 40 and 41 without orders, NULL keys),
codes (keyed by (code, k2): (c, 0) twice, x and y without orders, NULLs in either key),
tags (many per item) and links (edges with repeated ends); see tests/gen_data.py. The
larger clicks (4000 rows, uid BIGINT) and users (1527 rows, uid INT, duplicated and NULL
keys) give build sides that outgrow a run's memory budget, for the shuffled joins of
``test_join_modes`` in tests/test_differential.py.

On the DuckDB side LEFT SEMI and LEFT ANTI joins are written as [NOT] EXISTS, <=> as IS
NOT DISTINCT FROM, and ``SELECT *`` over USING with the columns in Spark's order: the
join columns once (from the left side, the right side for RIGHT JOIN, coalesced for FULL
JOIN), then the left side's other columns, then the right side's.
"""

from .model import Q

ORDERS_COLS = "o.id, o.code, o.k2, o.qty, o.amount, o.odate"
CUSTOMER_COLS = "c.cname, c.tier, c.city"

QUERIES = [
    # --- INNER ---------------------------------------------------------------------------------
    # orders.cust is INT, customers.cust BIGINT; 7 is in customers twice.
    Q("join_inner_basic", "SELECT o.id, o.cust, c.cname FROM orders o JOIN customers c ON o.cust = c.cust"),
    Q("join_inner_keyword_grouped",
      "SELECT c.tier, count(*) AS n, sum(o.amount) AS total, avg(o.qty) AS aq FROM orders o INNER JOIN customers c "
      "ON o.cust = c.cust GROUP BY c.tier"),
    Q("join_inner_duplicate_dimension_key",
      "SELECT o.id, o.cust, c.cname FROM orders o JOIN customers c ON o.cust = c.cust WHERE o.cust = 7"),
    # NULL keys on both sides: no row of the result has one.
    Q("join_inner_null_keys_never_match",
      "SELECT o.id, c.cname FROM orders o JOIN customers c ON o.cust = c.cust WHERE o.cust IS NULL OR c.cust IS NULL",
      empty=True),
    Q("join_inner_swapped_sides",
      "SELECT c.cust, c.cname, o.id FROM customers c JOIN orders o ON c.cust = o.cust"),
    Q("join_inner_key_order_in_on",
      "SELECT o.id, c.cname FROM orders o JOIN customers c ON c.cust = o.cust AND o.amount > 100"),
    Q("join_many_to_many", "SELECT o.id, o.cust, t.tag FROM orders o JOIN tags t ON o.cust = t.item"),
    Q("join_many_to_many_grouped",
      "SELECT t.tag, count(*) AS n, count(DISTINCT o.id) AS orders_n, sum(o.qty) AS q FROM orders o "
      "JOIN tags t ON o.cust = t.item GROUP BY t.tag"),
    Q("join_many_to_many_self", "SELECT a.src, a.dst, b.dst AS dst2, a.w + b.w AS w FROM links a JOIN links b ON a.dst = b.src"),
    Q("join_multi_key_inner",
      "SELECT o.id, o.code, o.k2, d.label, d.weight FROM orders o JOIN codes d ON o.code = d.code AND o.k2 = d.k2"),
    Q("join_multi_key_grouped",
      "SELECT d.region, count(*) AS n, sum(o.amount * d.weight) AS weighted FROM orders o JOIN codes d "
      "ON o.code = d.code AND o.k2 = d.k2 GROUP BY d.region"),
    Q("join_inner_on_left_condition",
      "SELECT o.id, c.cname FROM orders o JOIN customers c ON o.cust = c.cust AND o.qty > 5"),
    Q("join_inner_on_right_condition",
      "SELECT o.id, c.cname, c.tier FROM orders o JOIN customers c ON o.cust = c.cust AND c.tier = 'gold'"),
    Q("join_inner_on_cross_condition",
      "SELECT o.id, o.k2, d.k2 AS dk2, d.label FROM orders o JOIN codes d ON o.code = d.code AND o.k2 <= d.k2"),
    Q("join_inner_on_or_condition",
      "SELECT o.id, c.cname FROM orders o JOIN customers c ON o.cust = c.cust AND (o.qty > 7 OR c.tier = 'gold')"),
    Q("join_where_or_across_sides",
      "SELECT o.id, c.tier FROM orders o JOIN customers c ON o.cust = c.cust WHERE o.qty > 8 OR c.tier = 'silver'"),
    Q("join_expression_keys",
      "SELECT o.id, d.label FROM orders o JOIN codes d ON upper(o.code) = upper(d.code) AND o.k2 + 1 = d.k2"),
    # INT against DOUBLE: both sides compare as DOUBLE (links.w holds some whole numbers).
    Q("join_key_int_double", "SELECT o.id, o.qty, l.src, l.w FROM orders o JOIN links l ON o.qty = l.w"),
    Q("join_date_key_self",
      "SELECT a.id, b.id AS id2, a.odate FROM orders a JOIN orders b ON a.odate = b.odate AND a.id < b.id"),
    # '' (the empty string) matches itself; NULL matches nothing.
    Q("join_empty_string_keys",
      "SELECT a.id, b.id AS id2, a.s FROM texts a JOIN texts b ON a.s = b.s AND a.id < b.id"),
    Q("join_existing_tables", "SELECT n.id, n.g, n.j, d.label FROM nums n JOIN codes d ON n.g = d.code AND n.j = d.k2"),
    Q("join_partitioned_table",
      "SELECT s.dt, s.region, count(*) AS n, sum(o.qty) AS q FROM sales s JOIN orders o ON s.id = o.id "
      "GROUP BY s.dt, s.region"),
    Q("join_null_safe_keys",
      "SELECT o.id, o.code, o.k2, d.label FROM orders o JOIN codes d ON o.code <=> d.code AND o.k2 <=> d.k2",
      "SELECT o.id, o.code, o.k2, d.label FROM orders o JOIN codes d "
      "ON o.code IS NOT DISTINCT FROM d.code AND o.k2 IS NOT DISTINCT FROM d.k2"),
    Q("join_distinct_output", "SELECT DISTINCT c.tier, o.code FROM orders o JOIN customers c ON o.cust = c.cust"),
    Q("join_having", "SELECT c.cname, count(*) AS n FROM orders o JOIN customers c ON o.cust = c.cust "
                     "GROUP BY c.cname HAVING count(*) >= 6"),
    Q("join_order_limit",
      "SELECT o.id, o.amount, c.cname FROM orders o JOIN customers c ON o.cust = c.cust "
      "ORDER BY o.amount DESC NULLS LAST, o.id LIMIT 10", order=[0]),
    Q("join_order_by_right_column",
      "SELECT c.cname, o.id FROM orders o JOIN customers c ON o.cust = c.cust ORDER BY c.cname, o.id", order=[0, 1]),

    # --- empty sides (a filter that leaves nothing) -----------------------------------------------
    Q("join_inner_empty_left",
      "SELECT o.id, c.cname FROM orders o JOIN customers c ON o.cust = c.cust WHERE o.id < 0", empty=True),
    Q("join_inner_empty_right",
      "SELECT o.id, c.cname FROM orders o JOIN (SELECT * FROM customers WHERE cust > 1000) c ON o.cust = c.cust",
      empty=True),
    Q("join_left_empty_right",
      "SELECT o.id, c.cname FROM orders o LEFT JOIN (SELECT * FROM customers WHERE cust > 1000) c ON o.cust = c.cust"),
    Q("join_right_empty_left",
      "SELECT c.cust, c.cname, o.id FROM (SELECT * FROM orders WHERE id < 0) o RIGHT JOIN customers c ON o.cust = c.cust"),
    Q("join_full_empty_right",
      "SELECT o.id, c.cust FROM orders o FULL JOIN (SELECT * FROM customers WHERE cust > 1000) c ON o.cust = c.cust"),
    Q("join_aggregate_over_empty",
      "SELECT count(*) AS n, sum(o.amount) AS s, count(DISTINCT c.tier) AS tiers FROM orders o "
      "JOIN customers c ON o.cust = c.cust WHERE c.cust > 1000"),

    # --- LEFT -------------------------------------------------------------------------------------
    Q("join_left_basic", "SELECT o.id, o.cust, c.cname, c.tier FROM orders o LEFT JOIN customers c ON o.cust = c.cust"),
    Q("join_left_outer_matched_counts",
      "SELECT c.cust IS NULL AS unmatched, count(*) AS n, sum(o.qty) AS q FROM orders o "
      "LEFT OUTER JOIN customers c ON o.cust = c.cust GROUP BY c.cust IS NULL"),
    # The IS NULL anti-join pattern: orders whose customer is unknown, NULL keys included.
    Q("join_left_where_right_is_null",
      "SELECT o.id, o.cust FROM orders o LEFT JOIN customers c ON o.cust = c.cust WHERE c.cust IS NULL"),
    Q("join_left_where_right_value",
      "SELECT o.id, c.tier FROM orders o LEFT JOIN customers c ON o.cust = c.cust WHERE c.tier = 'gold'"),
    Q("join_left_where_left_value",
      "SELECT o.id, c.cname FROM orders o LEFT JOIN customers c ON o.cust = c.cust WHERE o.amount > 400"),
    # A condition on the left side in ON does not drop left rows: it leaves them unmatched.
    Q("join_left_on_left_condition",
      "SELECT o.id, o.qty, c.cname FROM orders o LEFT JOIN customers c ON o.cust = c.cust AND o.qty > 5"),
    Q("join_left_on_right_condition",
      "SELECT o.id, c.cname FROM orders o LEFT JOIN customers c ON o.cust = c.cust AND c.tier = 'gold'"),
    Q("join_left_on_cross_condition",
      "SELECT o.id, d.label FROM orders o LEFT JOIN codes d ON o.code = d.code AND o.amount / 100 > d.weight"),
    Q("join_left_on_false",
      "SELECT o.id, c.cname FROM orders o LEFT JOIN customers c ON o.cust = c.cust AND 1 = 0"),
    Q("join_left_coalesce",
      "SELECT o.id, coalesce(c.cname, 'unknown') AS cname, coalesce(c.tier, 'none') AS tier FROM orders o "
      "LEFT JOIN customers c ON o.cust = c.cust"),
    Q("join_left_multi_key",
      "SELECT o.id, o.code, o.k2, d.label FROM orders o LEFT JOIN codes d ON o.code = d.code AND o.k2 = d.k2"),
    Q("join_left_dimension_first",
      "SELECT c.cust, c.cname, count(o.id) AS orders_n, sum(o.amount) AS total FROM customers c "
      "LEFT JOIN orders o ON c.cust = o.cust GROUP BY c.cust, c.cname"),

    # --- RIGHT and FULL -----------------------------------------------------------------------------
    Q("join_right_basic", "SELECT o.id, c.cust, c.cname FROM orders o RIGHT JOIN customers c ON o.cust = c.cust"),
    Q("join_right_outer_unmatched",
      "SELECT c.cust, c.cname FROM orders o RIGHT OUTER JOIN customers c ON o.cust = c.cust WHERE o.id IS NULL"),
    Q("join_right_on_left_condition",
      "SELECT o.id, c.cust FROM orders o RIGHT JOIN customers c ON o.cust = c.cust AND o.amount > 250"),
    Q("join_right_multi_key",
      "SELECT o.id, d.code, d.k2, d.label FROM orders o RIGHT JOIN codes d ON o.code = d.code AND o.k2 = d.k2"),
    Q("join_full_basic",
      "SELECT o.id, o.cust, c.cust AS ccust, c.cname FROM orders o FULL JOIN customers c ON o.cust = c.cust"),
    Q("join_full_outer_counts",
      "SELECT count(*) AS n, count(o.id) AS left_rows, count(c.cust) AS right_keys, count(c.cname) AS right_rows "
      "FROM orders o FULL OUTER JOIN customers c ON o.cust = c.cust"),
    Q("join_full_multi_key",
      "SELECT o.id, o.code, d.code AS dcode, d.k2 AS dk2, d.label FROM orders o FULL JOIN codes d "
      "ON o.code = d.code AND o.k2 = d.k2"),
    Q("join_full_on_right_condition",
      "SELECT o.id, c.cust, c.tier FROM orders o FULL JOIN customers c ON o.cust = c.cust AND c.tier = 'silver'"),
    Q("join_full_grouped",
      "SELECT coalesce(c.tier, 'none') AS tier, count(*) AS n, count(o.id) AS orders_n FROM orders o "
      "FULL JOIN customers c ON o.cust = c.cust GROUP BY coalesce(c.tier, 'none')"),

    # --- USING ------------------------------------------------------------------------------------
    # SELECT * lists the USING columns once, first, then the others of each side.
    Q("join_using_star", "SELECT * FROM orders JOIN customers USING (cust)",
      f"SELECT o.cust, {ORDERS_COLS}, {CUSTOMER_COLS} FROM orders o JOIN customers c ON o.cust = c.cust",
      names=["cust", "id", "code", "k2", "qty", "amount", "odate", "cname", "tier", "city"]),
    Q("join_using_two_columns", "SELECT * FROM orders JOIN codes USING (code, k2)",
      "SELECT o.code, o.k2, o.id, o.cust, o.qty, o.amount, o.odate, d.label, d.weight, d.region "
      "FROM orders o JOIN codes d ON o.code = d.code AND o.k2 = d.k2",
      names=["code", "k2", "id", "cust", "qty", "amount", "odate", "label", "weight", "region"]),
    Q("join_using_two_columns_reordered", "SELECT * FROM codes JOIN orders USING (k2, code)",
      "SELECT d.k2, d.code, d.label, d.weight, d.region, o.id, o.cust, o.qty, o.amount, o.odate "
      "FROM codes d JOIN orders o ON o.code = d.code AND o.k2 = d.k2",
      names=["k2", "code", "label", "weight", "region", "id", "cust", "qty", "amount", "odate"]),
    Q("join_using_left", "SELECT * FROM orders LEFT JOIN customers USING (cust)",
      f"SELECT o.cust, {ORDERS_COLS}, {CUSTOMER_COLS} FROM orders o LEFT JOIN customers c ON o.cust = c.cust",
      names=["cust", "id", "code", "k2", "qty", "amount", "odate", "cname", "tier", "city"]),
    Q("join_using_right", "SELECT * FROM orders RIGHT JOIN customers USING (cust)",
      f"SELECT c.cust, {ORDERS_COLS}, {CUSTOMER_COLS} FROM orders o RIGHT JOIN customers c ON o.cust = c.cust",
      names=["cust", "id", "code", "k2", "qty", "amount", "odate", "cname", "tier", "city"]),
    Q("join_using_full", "SELECT * FROM orders FULL JOIN customers USING (cust)",
      f"SELECT coalesce(o.cust, c.cust) AS cust, {ORDERS_COLS}, {CUSTOMER_COLS} FROM orders o "
      "FULL JOIN customers c ON o.cust = c.cust",
      names=["cust", "id", "code", "k2", "qty", "amount", "odate", "cname", "tier", "city"]),
    Q("join_using_key_grouped", "SELECT cust, count(*) AS n, max(cname) AS name FROM orders JOIN customers USING (cust) GROUP BY cust",
      "SELECT o.cust, count(*) AS n, max(c.cname) AS name FROM orders o JOIN customers c ON o.cust = c.cust GROUP BY o.cust"),
    Q("join_using_full_key_grouped",
      "SELECT cust, count(id) AS orders_n, count(cname) AS names FROM orders FULL JOIN customers USING (cust) GROUP BY cust",
      "SELECT coalesce(o.cust, c.cust) AS cust, count(o.id) AS orders_n, count(c.cname) AS names FROM orders o "
      "FULL JOIN customers c ON o.cust = c.cust GROUP BY 1"),
    # The right side's key stays reachable by its qualified name.
    Q("join_using_qualified_right_key",
      "SELECT o.id, c.cust AS ccust, cust FROM orders o LEFT JOIN customers c USING (cust)",
      "SELECT o.id, c.cust AS ccust, o.cust AS cust FROM orders o LEFT JOIN customers c ON o.cust = c.cust"),

    # --- LEFT SEMI and LEFT ANTI --------------------------------------------------------------------
    # A duplicated right key does not duplicate a left row.
    Q("join_left_semi", "SELECT * FROM orders o LEFT SEMI JOIN customers c ON o.cust = c.cust",
      "SELECT * FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE o.cust = c.cust)"),
    # NULL keys have no match, so they are in the anti join.
    Q("join_left_anti", "SELECT * FROM orders o LEFT ANTI JOIN customers c ON o.cust = c.cust",
      "SELECT * FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE o.cust = c.cust)"),
    Q("join_semi_multi_key_condition",
      "SELECT o.id, o.code, o.k2 FROM orders o LEFT SEMI JOIN codes d ON o.code = d.code AND o.k2 = d.k2 AND d.weight > 1.5",
      "SELECT o.id, o.code, o.k2 FROM orders o WHERE EXISTS "
      "(SELECT 1 FROM codes d WHERE o.code = d.code AND o.k2 = d.k2 AND d.weight > 1.5)"),
    Q("join_anti_multi_key",
      "SELECT o.id, o.code, o.k2 FROM orders o LEFT ANTI JOIN codes d ON o.code = d.code AND o.k2 = d.k2",
      "SELECT o.id, o.code, o.k2 FROM orders o WHERE NOT EXISTS (SELECT 1 FROM codes d WHERE o.code = d.code AND o.k2 = d.k2)"),
    Q("join_anti_left_condition",
      "SELECT o.id FROM orders o LEFT ANTI JOIN customers c ON o.cust = c.cust AND o.qty > 4",
      "SELECT o.id FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE o.cust = c.cust AND o.qty > 4)"),
    Q("join_semi_grouped",
      "SELECT code, count(*) AS n, sum(qty) AS q FROM orders LEFT SEMI JOIN tags ON orders.cust = tags.item GROUP BY code",
      "SELECT code, count(*) AS n, sum(qty) AS q FROM orders WHERE EXISTS (SELECT 1 FROM tags WHERE orders.cust = tags.item) "
      "GROUP BY code"),
    Q("join_semi_empty_right",
      "SELECT o.id FROM orders o LEFT SEMI JOIN (SELECT * FROM customers WHERE cust < 0) c ON o.cust = c.cust",
      "SELECT o.id FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE c.cust < 0 AND o.cust = c.cust)",
      empty=True),
    Q("join_anti_empty_right",
      "SELECT o.id, o.cust FROM orders o LEFT ANTI JOIN (SELECT * FROM customers WHERE cust < 0) c ON o.cust = c.cust",
      "SELECT o.id, o.cust FROM orders o"),
    Q("join_semi_dimension_side",
      "SELECT c.cust, c.cname FROM customers c LEFT SEMI JOIN orders o ON c.cust = o.cust AND o.amount > 300",
      "SELECT c.cust, c.cname FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE c.cust = o.cust AND o.amount > 300)"),

    # --- self-joins, three-way joins, joins of aggregates ----------------------------------------------
    Q("join_self_same_customer",
      "SELECT a.id, b.id AS other FROM orders a JOIN orders b ON a.cust = b.cust AND a.id < b.id"),
    Q("join_self_left_later_orders",
      "SELECT a.id, count(b.id) AS later FROM orders a LEFT JOIN orders b ON a.cust = b.cust AND b.odate > a.odate "
      "GROUP BY a.id"),
    Q("join_self_two_hops",
      "SELECT a.src, c.dst, count(*) AS paths FROM links a JOIN links b ON a.dst = b.src JOIN links c ON b.dst = c.src "
      "GROUP BY a.src, c.dst"),
    Q("join_three_way",
      "SELECT o.id, c.cname, d.label FROM orders o JOIN customers c ON o.cust = c.cust "
      "JOIN codes d ON o.code = d.code AND o.k2 = d.k2"),
    Q("join_three_way_left",
      "SELECT o.id, c.cname, d.label FROM orders o LEFT JOIN customers c ON o.cust = c.cust "
      "LEFT JOIN codes d ON o.code = d.code AND o.k2 = d.k2"),
    Q("join_three_way_grouped",
      "SELECT c.tier, d.region, count(*) AS n, sum(o.amount) AS total FROM orders o LEFT JOIN customers c "
      "ON o.cust = c.cust JOIN codes d ON o.code = d.code GROUP BY c.tier, d.region"),
    # The third table joins on a column of the second.
    Q("join_chain_on_second_table",
      "SELECT o.id, c.cust, t.tag FROM orders o JOIN customers c ON o.cust = c.cust JOIN tags t ON c.cust = t.item"),
    Q("join_aggregated_subqueries",
      "SELECT a.cust, a.n, b.tags FROM (SELECT cust, count(*) AS n FROM orders GROUP BY cust) a "
      "JOIN (SELECT item, count(*) AS tags FROM tags GROUP BY item) b ON a.cust = b.item"),
    Q("join_detail_to_aggregate",
      "SELECT o.id, o.amount, t.total, o.amount / t.total AS share FROM orders o "
      "JOIN (SELECT cust, sum(amount) AS total FROM orders GROUP BY cust) t ON o.cust = t.cust"),
    Q("join_full_of_aggregates",
      "SELECT a.code, a.n, b.code AS dcode, b.labels FROM (SELECT code, count(*) AS n FROM orders GROUP BY code) a "
      "FULL JOIN (SELECT code, count(*) AS labels FROM codes GROUP BY code) b ON a.code = b.code"),
    Q("join_aggregate_of_join_of_aggregate",
      "SELECT c.tier, sum(t.n) AS orders_n, max(t.total) AS best FROM customers c "
      "JOIN (SELECT cust, count(*) AS n, sum(amount) AS total FROM orders GROUP BY cust) t ON c.cust = t.cust "
      "GROUP BY c.tier"),

    # --- CROSS and comma joins ------------------------------------------------------------------------
    Q("join_cross_small", "SELECT d.code, d.k2, f.b FROM codes d CROSS JOIN flags f WHERE f.id <= 3"),
    Q("join_cross_grouped",
      "SELECT f.b, count(*) AS n, sum(d.weight) AS w FROM flags f CROSS JOIN codes d GROUP BY f.b"),
    Q("join_cross_with_scalar_aggregate",
      "SELECT o.id, o.amount - s.mean AS diff FROM orders o CROSS JOIN (SELECT avg(amount) AS mean FROM orders) s"),
    Q("join_cross_empty_side",
      "SELECT d.code, f.id FROM codes d CROSS JOIN (SELECT * FROM flags WHERE id < 0) f", empty=True),
    Q("join_comma", "SELECT o.id, c.cname FROM orders o, customers c WHERE o.cust = c.cust AND o.amount > 300"),
    Q("join_comma_three",
      "SELECT o.id, c.cname, d.label FROM orders o, customers c, codes d "
      "WHERE o.cust = c.cust AND o.code = d.code AND o.k2 = d.k2"),
    Q("join_comma_filters_only", "SELECT a.label AS a, b.label AS b FROM codes a, codes b WHERE a.k2 = 2 AND b.k2 = 2"),
    # Only a non-equality condition: every pair is tested.
    Q("join_non_equi_only",
      "SELECT o.id, d.label FROM orders o JOIN codes d ON o.amount / 100 < d.weight AND o.qty > 7"),

    # --- larger tables: shuffled, and spilling under a small --memory ------------------------------
    Q("join_large_inner", "SELECT c.id, c.uid, u.name, u.score FROM clicks c JOIN users u ON c.uid = u.uid"),
    Q("join_large_left", "SELECT c.id, c.page, u.name, u.grp FROM clicks c LEFT JOIN users u ON c.uid = u.uid"),
    # Built from clicks, the larger side: RIGHT is a LEFT join with the sides swapped.
    Q("join_large_right", "SELECT c.id, u.uid, u.name FROM clicks c RIGHT JOIN users u ON c.uid = u.uid"),
    Q("join_large_full",
      "SELECT c.id, c.uid, u.uid AS uuid, u.name FROM clicks c FULL JOIN users u ON c.uid = u.uid"),
    Q("join_large_full_condition",
      "SELECT c.id, u.uid AS uuid, u.name FROM clicks c FULL OUTER JOIN users u ON c.uid = u.uid AND c.ms > 2500"),
    Q("join_large_semi", "SELECT u.uid, u.name FROM users u LEFT SEMI JOIN clicks c ON u.uid = c.uid AND c.ms < 1000",
      "SELECT u.uid, u.name FROM users u WHERE EXISTS (SELECT 1 FROM clicks c WHERE u.uid = c.uid AND c.ms < 1000)"),
    Q("join_large_anti", "SELECT u.uid, u.name FROM users u LEFT ANTI JOIN clicks c ON u.uid = c.uid",
      "SELECT u.uid, u.name FROM users u WHERE NOT EXISTS (SELECT 1 FROM clicks c WHERE u.uid = c.uid)"),
    Q("join_large_grouped",
      "SELECT u.grp, count(*) AS n, sum(c.ms) AS ms, count(DISTINCT c.uid) AS uids FROM clicks c "
      "JOIN users u ON c.uid = u.uid GROUP BY u.grp"),
    # A key computed on each side (BIGINT and INT arithmetic), hashed alike on both.
    Q("join_large_expression_keys",
      "SELECT c.id, u.uid, u.name FROM clicks c JOIN users u ON c.uid + 1 = u.uid * 2"),
    Q("join_large_string_and_int_keys",
      "SELECT c.id, c.page, u.name FROM clicks c JOIN users u ON c.page = u.home AND c.uid = u.uid - 700"),
    Q("join_large_self_two_keys",
      "SELECT a.id, b.id AS id2, a.page FROM clicks a JOIN clicks b ON a.uid = b.uid AND a.page = b.page AND a.id < b.id"),
    Q("join_large_then_small",
      "SELECT u.grp, o.code, count(*) AS n FROM clicks c JOIN users u ON c.uid = u.uid "
      "LEFT JOIN orders o ON c.id = o.id GROUP BY u.grp, o.code"),

    # --- names and stars --------------------------------------------------------------------------------
    Q("join_names_qualified_expressions",
      "SELECT o.id, c.cust, o.amount * 2, upper(c.tier) FROM orders o JOIN customers c ON o.cust = c.cust",
      "SELECT o.id, c.cust, o.amount * 2 AS a, upper(c.tier) AS b FROM orders o JOIN customers c ON o.cust = c.cust",
      names=["id", "cust", "(amount * 2)", "upper(tier)"]),
    Q("join_star_duplicate_names",
      "SELECT * FROM codes a JOIN codes b ON a.code = b.code AND a.k2 = b.k2",
      names=["code", "k2", "label", "weight", "region", "code", "k2", "label", "weight", "region"]),
    Q("join_qualified_star", "SELECT c.*, o.id FROM orders o JOIN customers c ON o.cust = c.cust"),
]
