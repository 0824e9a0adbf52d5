"""Projections, arithmetic, comparisons, literals, SELECT without FROM, WHERE on every type."""

from .model import Q

QUERIES = [
    # --- projections ---------------------------------------------------------------------------
    Q("proj_star", "SELECT * FROM nums"),
    Q("proj_columns", "SELECT id, g, i FROM nums"),
    Q("proj_reordered_twice", "SELECT flag, id, e, d FROM nums"),
    Q("proj_alias_case", "SELECT ID AS Ident, G AS grp FROM nums"),
    Q("proj_bool_not", "SELECT id, flag, NOT flag AS nf FROM nums"),

    # --- integer arithmetic --------------------------------------------------------------------
    Q("arith_int_add_sub_mul", "SELECT id, i + j AS s, i - j AS diff, i * j AS prod FROM nums"),
    # `/` is DOUBLE division in Spark; NULLIF keeps ANSI mode's division by zero away.
    Q("arith_int_divide", "SELECT id, i, j, i / NULLIF(j, 0) AS q FROM nums"),
    # `%` keeps the sign of the dividend (Java remainder), as DuckDB's does.
    Q("arith_int_remainder", "SELECT id, i, j, i % NULLIF(j, 0) AS r FROM nums"),
    Q("arith_int_div_operator", "SELECT id, i div NULLIF(j, 0) AS q FROM nums",
      "SELECT id, i // NULLIF(j, 0) AS q FROM nums"),
    Q("arith_unary_minus", "SELECT id, -i AS ni, -d AS nd, -big AS nb, -(i + j) AS nij FROM nums"),
    Q("arith_precedence", "SELECT id, i + j * 2 - 1 AS a, (i + j) * 2 AS b, i - j - 1 AS c, 100 / 8 / 2 AS d, -i * j AS e FROM nums"),
    Q("arith_bigint_exact", "SELECT id, big, big + 1 AS up, big - 1 AS down, big * 2 AS twice FROM nums WHERE big IS NOT NULL"),
    Q("arith_bigint_mixed", "SELECT id, big + i AS a, big - j AS b, big / 3 AS q FROM nums"),
    Q("arith_bigint_remainder", "SELECT id, big % 1000 AS r, big % -7 AS r7 FROM nums"),

    # --- double arithmetic ---------------------------------------------------------------------
    Q("arith_double_ops", "SELECT id, d + e AS a, d - e AS b, d * e AS c, d / e AS q FROM nums"),
    Q("arith_double_remainder", "SELECT id, d, e, d % e AS r FROM nums"),
    Q("arith_mixed_int_double", "SELECT id, i + d AS a, i * e AS b, i * 2.5 AS c, j - 0.5 AS e2 FROM nums"),
    Q("arith_in_where", "SELECT id, i, j FROM nums WHERE i * j > 100 OR i - j < -60"),

    # --- comparisons ---------------------------------------------------------------------------
    Q("cmp_int_all_ops", "SELECT id, i = j AS eq, i <> j AS ne, i < j AS lt, i <= j AS le, i > j AS gt, i >= j AS ge FROM nums"),
    Q("cmp_bang_equals", "SELECT id FROM nums WHERE i != 0 AND j != 0"),
    Q("cmp_null_safe", "SELECT id, i <=> j AS nseq, g <=> 'a' AS g_is_a FROM nums",
      "SELECT id, i IS NOT DISTINCT FROM j AS nseq, g IS NOT DISTINCT FROM 'a' AS g_is_a FROM nums"),
    Q("cmp_double_int", "SELECT id, d, i FROM nums WHERE d > i"),
    Q("cmp_string_bytes", "SELECT id, s, s < 'b' AS lt_b, s = 'apple' AS is_apple, s >= 'Z' AS ge_z, s > 'z' AS gt_z FROM strs"),
    Q("cmp_bool", "SELECT id, flag, flag = true AS t, flag < true AS lt FROM nums"),

    # --- WHERE on every type ---------------------------------------------------------------------
    Q("where_int", "SELECT id, i FROM nums WHERE i > 10 AND i <= 40"),
    Q("where_int_negative", "SELECT id, i FROM nums WHERE i < -45 OR i = 0"),
    Q("where_bigint_near_2_53", "SELECT id, big FROM nums WHERE big > 9007199254740000"),
    Q("where_bigint_negative", "SELECT id, big FROM nums WHERE big < -9007199254740000"),
    Q("where_double", "SELECT id, d FROM nums WHERE d < -500.5 OR d = 2.5"),
    Q("where_double_exact", "SELECT id, d FROM nums WHERE d = 0.1 OR d = 0.3 OR d = -2.675"),
    Q("where_string", "SELECT id, s FROM strs WHERE s = 'é' OR s = '中文' OR s = '😀' OR s = 'NULL'"),
    Q("where_string_spaces", "SELECT id, s FROM strs WHERE s = ' padded ' OR s = '  both  '"),
    Q("where_bool", "SELECT id FROM nums WHERE flag"),
    Q("where_not_bool", "SELECT id FROM nums WHERE NOT flag"),
    Q("where_bool_eq_false", "SELECT id FROM nums WHERE flag = false"),
    Q("where_date", "SELECT id, d FROM times WHERE d >= DATE '2000-01-01' AND d < DATE '2010-01-01'"),
    Q("where_date_vs_string", "SELECT id, d FROM times WHERE d = '2024-02-29' OR d < '1971-01-01'"),
    Q("where_timestamp", "SELECT id, ts FROM times WHERE ts >= TIMESTAMP '2024-01-01 00:00:00' AND ts < TIMESTAMP '2024-07-01 00:00:00'"),
    Q("where_timestamp_micros", "SELECT id, ts FROM times WHERE ts > TIMESTAMP '1969-12-31 23:59:59.999998' AND ts < TIMESTAMP '1970-01-01 00:00:00.000001'"),
    Q("where_false", "SELECT id FROM nums WHERE 1 = 0", empty=True),
    Q("where_no_match", "SELECT id, i FROM nums WHERE i > 1000", empty=True),

    # --- SELECT without FROM -----------------------------------------------------------------------
    Q("nofrom_literals", "SELECT 1 AS a, 2.5 AS b, 'x' AS c, true AS d, NULL AS e, -3 AS f"),
    Q("nofrom_arith", "SELECT 7 / 2 AS a, 7 % 3 AS b, -7 % 3 AS c, 7 % -3 AS d, 7 div 2 AS e, -7 div 2 AS f, 2 * 3 + 4 AS g",
      "SELECT 7 / 2 AS a, 7 % 3 AS b, -7 % 3 AS c, 7 % -3 AS d, 7 // 2 AS e, -7 // 2 AS f, 2 * 3 + 4 AS g"),
    Q("nofrom_bigint_literals", "SELECT 9007199254740993 AS big, -9223372036854775807 AS near_min, 2147483648 AS past_int"),
    Q("nofrom_double_literals", "SELECT 1e3 AS a, 1.5e-3 AS b, 1E10 AS c, 0.1 + 0.2 AS d"),
    Q("nofrom_dates", "SELECT DATE '2024-02-29' AS d, TIMESTAMP '2024-03-04 10:11:12.5' AS ts, DATE '2024-02-28' + 1 AS next_day, TIMESTAMP '2024-03-04 00:00:00' AS midnight"),
    Q("nofrom_functions", "SELECT upper('abc') AS u, length('héllo') AS n, abs(-3) AS a, coalesce(NULL, 7) AS c, concat('a', 'b', 'c') AS s",
      "SELECT upper('abc') AS u, length('héllo') AS n, abs(-3) AS a, coalesce(NULL, 7) AS c, 'a' || 'b' || 'c' AS s"),
    Q("nofrom_case", "SELECT CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' ELSE 'c' END AS r"),

    # --- math functions -----------------------------------------------------------------------------
    Q("math_abs", "SELECT id, abs(i) AS ai, abs(d) AS ad, abs(big) AS ab FROM nums"),
    # Spark's round rounds the decimal value of the double half up (round(2.675, 2) = 2.68,
    # round(1.005, 2) = 1.01); spark_round does the same in DuckDB.
    Q("math_round_digits", "SELECT id, d, round(d, 2) AS r2, round(d, 1) AS r1, round(e, 2) AS re FROM nums",
      "SELECT id, d, spark_round(d, 2) AS r2, spark_round(d, 1) AS r1, spark_round(e, 2) AS re FROM nums"),
    Q("math_round_whole", "SELECT id, d, round(d) AS r0, round(d, 0) AS r00, round(d, -1) AS rm1 FROM nums",
      "SELECT id, d, spark_round(d, 0) AS r0, spark_round(d, 0) AS r00, spark_round(d, -1) AS rm1 FROM nums"),
    Q("math_round_int", "SELECT id, i, round(i, -1) AS r, round(i) AS same FROM nums"),
    Q("math_round_halves", "SELECT round(2.5) AS a, round(-2.5) AS b, round(0.5) AS c, round(1.5) AS e, round(-0.5) AS f",
      "SELECT spark_round(2.5, 0) AS a, spark_round(-2.5, 0) AS b, spark_round(0.5, 0) AS c, spark_round(1.5, 0) AS e, spark_round(-0.5, 0) AS f"),
    # floor and ceil of a DOUBLE are BIGINT in Spark.
    Q("math_floor_ceil", "SELECT id, d, floor(d) AS fl, ceil(d) AS ce, ceiling(e) AS ce2 FROM nums",
      "SELECT id, d, CAST(floor(d) AS BIGINT) AS fl, CAST(ceil(d) AS BIGINT) AS ce, CAST(ceil(e) AS BIGINT) AS ce2 FROM nums"),
    Q("math_floor_ceil_int", "SELECT id, floor(i) AS fl, ceil(j) AS ce FROM nums",
      "SELECT id, CAST(floor(i) AS BIGINT) AS fl, CAST(ceil(j) AS BIGINT) AS ce FROM nums"),
    Q("math_sqrt_power", "SELECT id, sqrt(e) AS r, power(i, 2) AS p, pow(e, 0.5) AS q FROM nums",
      "SELECT id, sqrt(e) AS r, power(CAST(i AS DOUBLE), 2) AS p, power(e, 0.5) AS q FROM nums"),
    Q("math_greatest_least", "SELECT id, greatest(i, j) AS g, least(i, j) AS l, greatest(d, e, 0.0) AS gd FROM nums"),
]
