"""Three-valued logic, IS [NOT] NULL, IN / NOT IN, BETWEEN, LIKE, CASE, COALESCE, IF."""

from .model import Q

NB = "CAST(NULL AS BOOLEAN)"

QUERIES = [
    # --- AND / OR / NOT with NULLs ---------------------------------------------------------------
    Q("logic_truth_table", "SELECT id, b, c, b AND c AS a, b OR c AS o, NOT b AS nb FROM flags"),
    Q("logic_where_and", "SELECT id, b, c FROM flags WHERE b AND c"),
    Q("logic_where_or", "SELECT id, b, c FROM flags WHERE b OR c"),
    Q("logic_where_not_and", "SELECT id, b, c FROM flags WHERE NOT (b AND c)"),
    Q("logic_where_not_or", "SELECT id, b, c FROM flags WHERE NOT (b OR c)"),
    Q("logic_where_not_null_cond", "SELECT id FROM flags WHERE NOT (x > 2)"),
    Q("logic_literals", f"SELECT true AND {NB} AS a, false AND {NB} AS b, true OR {NB} AS c, false OR {NB} AS d, NOT {NB} AS e"),
    Q("logic_compare_null", "SELECT id, x, x = NULL AS eq_null, x > 2 AS gt, x > 2 OR x IS NULL AS gt_or_null FROM flags"),
    Q("logic_mixed_and_or", "SELECT id FROM nums WHERE (i > 0 AND flag) OR (d < 0 AND NOT flag) OR g IS NULL"),

    # --- IS [NOT] NULL -------------------------------------------------------------------------
    Q("null_is_null_each_type", "SELECT id, i IS NULL AS a, d IS NULL AS b, g IS NOT NULL AS c, flag IS NULL AS f, big IS NOT NULL AS h FROM nums"),
    Q("null_where_is_null", "SELECT id, i, j FROM nums WHERE i IS NULL OR j IS NULL"),
    Q("null_dates", "SELECT id, d, ts FROM times WHERE d IS NULL OR ts IS NULL"),
    Q("null_strings_not_null", "SELECT id, s FROM strs WHERE s IS NOT NULL AND s <> 'x'"),
    # A quoted empty field ("") is NULL under Spark's default nullValue.
    Q("null_quoted_empty_is_null", "SELECT count(*) AS n, count(s) AS non_null FROM strs"),
    Q("null_functions", "SELECT id, isnull(i) AS a, isnotnull(g) AS b FROM nums",
      "SELECT id, i IS NULL AS a, g IS NOT NULL AS b FROM nums"),

    # --- IN / NOT IN ---------------------------------------------------------------------------
    Q("in_ints", "SELECT id, i FROM nums WHERE i IN (1, 2, 3, -5, 0)"),
    Q("in_with_null_projected", "SELECT id, i, i IN (1, 2, NULL) AS r FROM nums"),
    Q("not_in_with_null_filters_all", "SELECT count(*) AS n FROM nums WHERE i NOT IN (1, 2, NULL)"),
    Q("not_in_ints", "SELECT id, i FROM nums WHERE i NOT IN (1, 2, 3)"),
    Q("not_in_null_projected", "SELECT id, g, g NOT IN ('a', 'b', NULL) AS r FROM nums"),
    Q("in_strings", "SELECT id, s FROM strs WHERE s IN ('apple', 'Apple', '中文', 'NULL', '😀')"),
    Q("in_doubles", "SELECT id, d FROM nums WHERE d IN (2.5, -2.5, 0.0, 0.1)"),
    Q("in_dates", "SELECT id, d FROM times WHERE d IN (DATE '2000-02-29', DATE '2024-02-29', DATE '1970-01-01')"),
    Q("in_bigints", "SELECT id FROM nums WHERE big IN (0, 9007199254740992, -9007199254740992)"),

    # --- BETWEEN -------------------------------------------------------------------------------
    Q("between_ints", "SELECT id, i FROM nums WHERE i BETWEEN -5 AND 5"),
    Q("not_between_ints", "SELECT id, i FROM nums WHERE i NOT BETWEEN -40 AND 40"),
    Q("between_projected_null", "SELECT id, i, j, i BETWEEN j AND 10 AS r FROM nums"),
    Q("between_doubles", "SELECT id, d FROM nums WHERE d BETWEEN -2.675 AND 2.675"),
    Q("between_dates", "SELECT id, d FROM times WHERE d BETWEEN DATE '1999-12-31' AND DATE '2000-03-01'"),
    Q("between_strings", "SELECT id, s FROM strs WHERE s BETWEEN 'a' AND 'b'"),
    Q("between_timestamps", "SELECT id, ts FROM times WHERE ts BETWEEN TIMESTAMP '2021-06-01 00:00:00' AND TIMESTAMP '2021-12-31 23:59:59.999999'"),

    # --- LIKE ----------------------------------------------------------------------------------
    Q("like_prefix", "SELECT id, s FROM strs WHERE s LIKE 'a%'"),
    Q("like_case_sensitive", "SELECT id, s FROM strs WHERE s LIKE 'A%'"),
    Q("like_underscores", "SELECT id, s FROM strs WHERE s LIKE '_____'"),
    Q("like_single_char", "SELECT id, s FROM strs WHERE s LIKE '_'"),
    Q("like_inner", "SELECT id, s FROM strs WHERE s LIKE '%p_e%'"),
    Q("like_not", "SELECT id, s FROM strs WHERE s NOT LIKE '%a%'"),
    Q("like_escape_underscore", "SELECT id, s FROM strs WHERE s LIKE '%!_%' ESCAPE '!'"),
    Q("like_escape_percent", "SELECT id, s FROM strs WHERE s LIKE '%!%%' ESCAPE '!'"),
    # Spark's default LIKE escape is the backslash, and '\_' in a literal keeps it.
    Q("like_default_escape", "SELECT id, s FROM strs WHERE s LIKE '%\\_%'",
      "SELECT id, s FROM strs WHERE s LIKE '%\\_%' ESCAPE '\\'"),
    Q("like_non_ascii", "SELECT id, s FROM strs WHERE s LIKE '中%' OR s LIKE '%é' OR s LIKE '%😀%'"),
    Q("like_projected_null", "SELECT id, s, s LIKE '%a%' AS has_a FROM strs"),
    Q("like_quotes_and_commas", "SELECT id, s FROM strs WHERE s LIKE '%\"%' OR s LIKE '%,%'"),

    # --- CASE ----------------------------------------------------------------------------------
    Q("case_searched_else", "SELECT id, i, CASE WHEN i < 0 THEN 'neg' WHEN i = 0 THEN 'zero' ELSE 'pos' END AS sign FROM nums"),
    Q("case_searched_no_else", "SELECT id, CASE WHEN d > 100 THEN 'big' WHEN d < -100 THEN 'small' END AS c FROM nums"),
    Q("case_simple_else", "SELECT id, g, CASE g WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END AS c FROM nums"),
    Q("case_simple_no_else", "SELECT id, i, CASE i WHEN 0 THEN 'zero' WHEN 1 THEN 'one' END AS c FROM nums"),
    Q("case_simple_null_never_matches", "SELECT id, CASE g WHEN NULL THEN 'null' ELSE 'other' END AS c FROM nums"),
    Q("case_numeric_widening", "SELECT id, CASE WHEN flag THEN i ELSE d END AS v FROM nums"),
    Q("case_nested", "SELECT id, CASE WHEN i IS NULL THEN 'none' ELSE CASE WHEN i % 2 = 0 THEN 'even' ELSE 'odd' END END AS parity FROM nums"),
    Q("case_dates", "SELECT id, CASE WHEN d < DATE '2000-01-01' THEN 'old' WHEN d IS NULL THEN 'unknown' ELSE 'new' END AS era FROM times"),
    Q("case_in_where", "SELECT id FROM nums WHERE CASE WHEN g = 'a' THEN i > 0 WHEN g = 'b' THEN i < 0 ELSE false END"),

    # --- COALESCE / IF / NVL / NULLIF ----------------------------------------------------------
    Q("coalesce_ints_strings", "SELECT id, coalesce(i, j, 0) AS c, coalesce(g, 'none') AS cg FROM nums"),
    Q("coalesce_widening", "SELECT id, coalesce(i, d) AS c, coalesce(big, i) AS b FROM nums"),
    Q("coalesce_dates", "SELECT id, coalesce(d, DATE '1999-01-01') AS d2, coalesce(ts, TIMESTAMP '2000-01-01 12:00:00') AS t2 FROM times"),
    Q("if_basic", "SELECT id, if(i > 0, 'pos', 'nonpos') AS r, if(flag, 1, 0) AS f FROM nums"),
    Q("if_widening", "SELECT id, if(i IS NULL, d, CAST(i AS DOUBLE)) AS v FROM nums"),
    Q("nvl_nullif", "SELECT id, nvl(g, '-') AS a, nullif(i, 0) AS b, nullif(g, 'a') AS c FROM nums",
      "SELECT id, coalesce(g, '-') AS a, nullif(i, 0) AS b, nullif(g, 'a') AS c FROM nums"),
]
