"""Aggregates on every type, GROUP BY columns / expressions / aliases / positions, HAVING,
DISTINCT, empty input, NULL group keys, NaN and infinities, inferred schemas."""

from .model import Q

QUERIES = [
    # --- whole-table aggregates ----------------------------------------------------------------
    Q("agg_counts", "SELECT count(*) AS a, count(i) AS b, count(g) AS c, count(flag) AS f, count(DISTINCT g) AS dg, count(DISTINCT i) AS di, count(1) AS one FROM nums"),
    # sum of integers is BIGINT, avg is DOUBLE.
    Q("agg_sum_avg_ints", "SELECT sum(i) AS s, avg(i) AS a, sum(j) AS sj, avg(j) AS aj, min(i) AS mn, max(j) AS mx FROM nums"),
    Q("agg_bigint_exact", "SELECT sum(big) AS s, min(big) AS mn, max(big) AS mx, count(big) AS n FROM nums"),
    Q("agg_avg_bigint", "SELECT avg(big) AS a FROM nums WHERE big > 0"),
    Q("agg_doubles", "SELECT sum(d) AS s, avg(d) AS a, min(d) AS mn, max(d) AS mx, sum(e) AS se, avg(e) AS ae FROM nums"),
    Q("agg_minmax_strings", "SELECT min(s) AS a, max(s) AS b, min(t) AS c, max(k) AS e FROM strs"),
    Q("agg_minmax_bool", "SELECT min(flag) AS a, max(flag) AS b FROM nums"),
    Q("agg_sum_avg_distinct", "SELECT sum(DISTINCT i) AS a, avg(DISTINCT j) AS b, count(DISTINCT flag) AS c FROM nums"),
    Q("agg_conditional_counts", "SELECT count(CASE WHEN flag THEN 1 END) AS t, sum(CASE WHEN flag THEN 0 ELSE 1 END) AS not_t, sum(CASE WHEN i > 0 THEN i END) AS pos FROM nums"),

    # --- GROUP BY --------------------------------------------------------------------------------
    Q("group_string_null_key", "SELECT g, count(*) AS n, sum(i) AS s, avg(d) AS a, min(d) AS mn, max(d) AS mx FROM nums GROUP BY g"),
    Q("group_bool", "SELECT flag, count(*) AS n, sum(big) AS s FROM nums GROUP BY flag"),
    Q("group_int_expression", "SELECT i % 3 AS m, count(*) AS n FROM nums GROUP BY i % 3"),
    Q("group_alias", "SELECT i % 5 AS m, count(*) AS n, sum(d) AS s FROM nums GROUP BY m"),
    Q("group_positions", "SELECT g, flag, count(*) AS n FROM nums GROUP BY 1, 2"),
    Q("group_two_columns", "SELECT g, flag, count(*) AS n, count(i) AS ni, max(e) AS me FROM nums GROUP BY g, flag"),
    Q("group_case_expression", "SELECT CASE WHEN d < 0 THEN 'neg' WHEN d > 0 THEN 'pos' ELSE 'zero-or-null' END AS sign, count(*) AS n, sum(d) AS s FROM nums GROUP BY 1"),
    Q("group_key_not_selected", "SELECT count(*) AS n, sum(i) AS s FROM nums GROUP BY g"),
    Q("group_null_keys_only", "SELECT g, flag, count(*) AS n FROM nums WHERE g IS NULL OR flag IS NULL GROUP BY g, flag"),
    Q("group_strings_count_distinct", "SELECT k, count(DISTINCT s) AS ds, count(s) AS cs, count(*) AS n FROM strs GROUP BY k"),
    Q("group_expressions_of_aggregates", "SELECT g, sum(i) + count(*) AS a, max(d) - min(d) AS spread, sum(d) / count(d) AS mean FROM nums GROUP BY g"),
    Q("group_functions_of_aggregates", "SELECT g, round(avg(d), 2) AS a, abs(sum(i)) AS s FROM nums GROUP BY g",
      "SELECT g, spark_round(avg(d), 2) AS a, abs(sum(i)) AS s FROM nums GROUP BY g"),
    Q("group_bigint_key", "SELECT big, count(*) AS n FROM nums WHERE big > 9007199254740900 GROUP BY big"),
    Q("group_double_key", "SELECT d, count(*) AS n FROM nums WHERE d IN (2.5, -2.5, 0.0, 1.005) GROUP BY d"),

    # --- HAVING ----------------------------------------------------------------------------------
    Q("having_count", "SELECT g, count(*) AS n FROM nums GROUP BY g HAVING count(*) > 70"),
    Q("having_null_or", "SELECT g, flag, sum(i) AS s FROM nums GROUP BY g, flag HAVING sum(i) IS NULL OR sum(i) > 100"),
    Q("having_aggregates_not_selected", "SELECT g FROM nums GROUP BY g HAVING max(d) > 900 AND min(d) < -900"),
    Q("having_on_key", "SELECT k, avg(n) AS a FROM strs GROUP BY k HAVING k <> 'k1'"),

    # --- DISTINCT --------------------------------------------------------------------------------
    Q("distinct_one_column", "SELECT DISTINCT g FROM nums"),
    Q("distinct_two_columns", "SELECT DISTINCT g, flag FROM nums"),
    Q("distinct_expression", "SELECT DISTINCT i % 4 AS m FROM nums"),
    Q("distinct_strings", "SELECT DISTINCT s FROM strs"),
    Q("distinct_dates", "SELECT DISTINCT kind, year(d) AS y FROM times WHERE d < DATE '1995-01-01'"),

    # --- empty input ------------------------------------------------------------------------------
    Q("empty_input_aggregates", "SELECT count(*) AS n, count(i) AS ni, sum(i) AS s, avg(d) AS a, min(g) AS mn, max(d) AS mx FROM nums WHERE id < 0"),
    Q("empty_input_group_by", "SELECT g, count(*) AS n FROM nums WHERE id < 0 GROUP BY g", empty=True),
    Q("empty_input_having", "SELECT count(*) AS n FROM nums WHERE id < 0 HAVING count(*) > 0", empty=True),
    Q("all_null_input", "SELECT sum(i) AS s, avg(i) AS a, min(i) AS mn, max(i) AS mx, count(i) AS c, count(*) AS n FROM nums WHERE i IS NULL"),

    # --- NaN and infinities ----------------------------------------------------------------------
    Q("specials_values", "SELECT id, x FROM specials"),
    Q("specials_group_minmax", "SELECT g, count(*) AS n, max(x) AS mx, min(x) AS mn FROM specials GROUP BY g"),
    Q("specials_sum", "SELECT sum(x) AS s, avg(x) AS a FROM specials"),
    Q("specials_sum_finite", "SELECT sum(x) AS s FROM specials WHERE x > -1e308 AND x < 1e308"),
    # NaN is larger than every other value and equal to itself, in Spark and DuckDB.
    Q("specials_nan_compare", "SELECT id, x FROM specials WHERE x > 100"),
    Q("specials_nan_equal", "SELECT id FROM specials WHERE x = CAST('NaN' AS DOUBLE)"),
    Q("specials_group_by_value", "SELECT x, count(*) AS n FROM specials GROUP BY x"),
    Q("specials_ordered", "SELECT id, x FROM specials ORDER BY x, id", order=[0]),

    # --- a view read with inferSchema ----------------------------------------------------------
    Q("inferred_all", "SELECT * FROM inferred"),
    Q("inferred_group", "SELECT s, count(*) AS n, sum(n) AS total, max(ts) AS latest, avg(x) AS ax FROM inferred GROUP BY s"),
    Q("inferred_bool_bigint", "SELECT b, count(*) AS n, sum(big) AS s, min(big) AS mn FROM inferred GROUP BY b"),
    Q("inferred_filters", "SELECT n, x FROM inferred WHERE x > 0.5 AND n < 50 AND ts >= TIMESTAMP '2024-02-01 00:00:00'"),
]
