"""String functions, on ASCII, non-ASCII (é, ü, 中文, emoji), quotes, commas, newlines,
empty strings and NULLs. Lengths and positions count Unicode code points, as Spark's do."""

from .model import Q

NL = "chr(10)"  # DuckDB spells a newline this way; Spark's literal '\n' is one

QUERIES = [
    Q("str_lower_upper", "SELECT id, s, lower(s) AS lo, upper(s) AS up FROM strs"),
    Q("str_lower_upper_aliases", "SELECT id, lcase(k) AS lo, ucase(t) AS up FROM strs",
      "SELECT id, lower(k) AS lo, upper(t) AS up FROM strs"),
    Q("str_length", "SELECT id, s, length(s) AS n, char_length(s) AS c FROM strs"),
    # trim removes spaces only, not tabs.
    Q("str_trim", "SELECT id, s, trim(s) AS t, ltrim(s) AS l, rtrim(s) AS r FROM strs"),
    Q("str_trim_length", "SELECT id, length(s) AS before, length(trim(s)) AS after FROM strs WHERE s LIKE ' %' OR s LIKE '% '"),
    Q("str_substr_positive", "SELECT id, s, substr(s, 2, 3) AS a, substr(s, 1) AS b, substring(s, 3) AS c, substr(s, 4, 100) AS e FROM strs",
      "SELECT id, s, spark_substr(s, 2, 3) AS a, spark_substr2(s, 1) AS b, spark_substr2(s, 3) AS c, spark_substr(s, 4, 100) AS e FROM strs"),
    # Negative positions count from the end; position 0 acts as 1; the window is clipped.
    Q("str_substr_negative_and_zero", "SELECT id, s, substr(s, -3, 2) AS a, substr(s, -3) AS b, substr(s, 0, 2) AS c, substr(s, -20, 22) AS e FROM strs",
      "SELECT id, s, spark_substr(s, -3, 2) AS a, spark_substr2(s, -3) AS b, spark_substr(s, 0, 2) AS c, spark_substr(s, -20, 22) AS e FROM strs"),
    Q("str_substr_columns", "SELECT id, s, n, m, substr(s, n, m) AS x FROM strs",
      "SELECT id, s, n, m, spark_substr(s, n, m) AS x FROM strs"),
    Q("str_substr_literals", "SELECT substr('hello', -3, 2) AS a, substr('hello', 0, 2) AS b, substr('hello', -7, 4) AS c, substr('hi', -5, 2) AS d, substr('中文字符', 2, 2) AS e, substr('hello', 2, -1) AS f",
      "SELECT 'll' AS a, 'he' AS b, 'he' AS c, '' AS d, '文字' AS e, '' AS f"),
    # concat is NULL when any argument is; concat_ws skips NULLs.
    Q("str_concat", "SELECT id, concat(s, '-', t) AS c, concat(k, t) AS d FROM strs",
      "SELECT id, s || '-' || t AS c, k || t AS d FROM strs"),
    Q("str_concat_operator", "SELECT id, k || '/' || t AS p FROM strs"),
    Q("str_concat_ws", "SELECT id, concat_ws('|', s, t, k) AS c, concat_ws(', ', k) AS d, concat_ws('', k, t) AS e FROM strs"),
    Q("str_null_arguments", "SELECT upper(CAST(NULL AS STRING)) AS u, length(CAST(NULL AS STRING)) AS n, concat('a', CAST(NULL AS STRING)) AS c, concat_ws('-', 'a', CAST(NULL AS STRING), 'b') AS w",
      "SELECT upper(CAST(NULL AS VARCHAR)) AS u, length(CAST(NULL AS VARCHAR)) AS n, 'a' || CAST(NULL AS VARCHAR) AS c, concat_ws('-', 'a', CAST(NULL AS VARCHAR), 'b') AS w"),
    Q("str_replace", "SELECT id, s, replace(s, 'a', 'A') AS r, replace(t, '-', '') AS r2, replace(s, 'p') AS r3, replace(s, 'é', 'e') AS r4 FROM strs",
      "SELECT id, s, replace(s, 'a', 'A') AS r, replace(t, '-', '') AS r2, replace(s, 'p', '') AS r3, replace(s, 'é', 'e') AS r4 FROM strs"),
    Q("str_split_part", "SELECT id, t, split_part(t, '-', 1) AS p1, split_part(t, '-', 2) AS p2, split_part(t, '-', -1) AS last, split_part(t, '-', 9) AS none FROM strs",
      "SELECT id, t, spark_split_part(t, '-', 1) AS p1, spark_split_part(t, '-', 2) AS p2, spark_split_part(t, '-', -1) AS last, spark_split_part(t, '-', 9) AS none FROM strs"),
    Q("str_split_part_edges", "SELECT id, split_part(s, ',', 2) AS p, split_part(t, '', 1) AS whole, split_part(t, '', 2) AS nothing, split_part(t, '--', 1) AS dd, split_part(t, '-', -9) AS far FROM strs",
      "SELECT id, spark_split_part(s, ',', 2) AS p, spark_split_part(t, '', 1) AS whole, spark_split_part(t, '', 2) AS nothing, spark_split_part(t, '--', 1) AS dd, spark_split_part(t, '-', -9) AS far FROM strs"),
    Q("str_lpad_rpad", "SELECT id, lpad(k, 5, '*') AS l, rpad(k, 4, 'xy') AS r, lpad(k, 1, '*') AS cut, rpad(s, 3, '.') AS rs FROM strs"),
    Q("str_instr", "SELECT id, s, instr(s, 'a') AS a, instr(s, 'é') AS e, instr(s, '') AS empty FROM strs"),
    Q("str_left_right", "SELECT id, s, left(s, 2) AS l, right(s, 2) AS r FROM strs"),
    Q("str_repeat", "SELECT id, repeat(k, 2) AS r, repeat(t, 0) AS z FROM strs"),
    Q("str_functions_in_where", "SELECT id, s FROM strs WHERE length(s) >= 5 AND upper(s) <> s AND lower(s) <> s"),
    Q("str_group_by_function", "SELECT upper(s) AS u, count(*) AS n FROM strs GROUP BY upper(s)"),
    Q("str_group_non_ascii", "SELECT s, count(*) AS n, min(id) AS first_id FROM strs GROUP BY s"),

    # --- empty strings next to NULLs (texts is read with nullValue 'NULL') ----------------------
    Q("str_empty_vs_null", "SELECT id, s, length(s) AS n, s = '' AS is_empty, s IS NULL AS is_null FROM texts"),
    Q("str_empty_where", "SELECT id FROM texts WHERE s = ''"),
    Q("str_empty_group", "SELECT k, count(*) AS n, count(s) AS non_null FROM texts GROUP BY k"),
    Q("str_empty_concat", "SELECT id, concat('[', s, ']') AS b, coalesce(s, '<null>') AS c FROM texts",
      "SELECT id, '[' || s || ']' AS b, coalesce(s, '<null>') AS c FROM texts"),
    Q("str_empty_minmax", "SELECT min(s) AS a, max(s) AS b, count(DISTINCT s) AS c, min(k) AS mk FROM texts"),

    # --- newlines inside quoted fields (notes is read with multiLine 'true') -------------------
    Q("str_multiline_values", "SELECT id, note, length(note) AS n FROM notes"),
    Q("str_multiline_like_newline", "SELECT id FROM notes WHERE note LIKE '%\\n%'",
      f"SELECT id FROM notes WHERE note LIKE '%' || {NL} || '%'"),
    Q("str_multiline_first_line", "SELECT id, split_part(note, '\\n', 1) AS first_line FROM notes",
      f"SELECT id, spark_split_part(note, {NL}, 1) AS first_line FROM notes"),
    Q("str_multiline_group", "SELECT n, count(*) AS c, max(note) AS m FROM notes GROUP BY n"),

    # --- Spark's default escape: backslash-quote inside quoted fields (escaped) ------------------
    Q("str_escaped_values", "SELECT id, s, length(s) AS n FROM escaped"),
    Q("str_escaped_where_quote", "SELECT id, s FROM escaped WHERE s LIKE '%\"%'"),
]
