"""ORDER BY (ASC / DESC, NULLS FIRST / LAST, by alias, by position, by expression) and
LIMIT. Spark's default: NULLS FIRST for ASC, NULLS LAST for DESC; strings in byte order.
``order`` names the output columns whose ties may come in any order."""

from .model import Q

QUERIES = [
    Q("order_int_asc", "SELECT id, i FROM nums ORDER BY i", order=[1]),
    Q("order_int_desc", "SELECT id, i FROM nums ORDER BY i DESC", order=[1]),
    Q("order_asc_nulls_last", "SELECT id, i FROM nums ORDER BY i ASC NULLS LAST", order=[1]),
    Q("order_desc_nulls_first", "SELECT id, d FROM nums ORDER BY d DESC NULLS FIRST", order=[1]),
    Q("order_explicit_nulls_first", "SELECT g, count(*) AS n FROM nums GROUP BY g ORDER BY g NULLS FIRST", order=[0]),
    Q("order_desc_nulls_last_strings", "SELECT DISTINCT k FROM strs ORDER BY k DESC NULLS LAST", order=[0]),
    Q("order_three_keys", "SELECT g, i, id FROM nums ORDER BY g DESC, i, id", order=[0, 1, 2]),
    Q("order_by_alias", "SELECT id, d * 2 AS dd FROM nums ORDER BY dd DESC", order=[1]),
    Q("order_by_position", "SELECT g, count(*) AS n FROM nums GROUP BY g ORDER BY 2 DESC, 1", order=[1, 0]),
    Q("order_by_aggregate_alias", "SELECT g, sum(d) AS total FROM nums GROUP BY g ORDER BY total", order=[1]),
    Q("order_by_aggregate_expression", "SELECT g, count(*) AS n FROM nums GROUP BY g ORDER BY max(d) - min(d), g",
      order=[0]),
    Q("order_by_expression_not_selected", "SELECT id, g FROM nums ORDER BY abs(i), id", order=[0]),
    Q("order_strings_byte_order", "SELECT id, s FROM strs ORDER BY s, id", order=[0]),
    Q("order_distinct_strings_desc", "SELECT DISTINCT s FROM strs ORDER BY s DESC", order=[0]),
    Q("order_dates_desc", "SELECT id, d FROM times ORDER BY d DESC, id", order=[0]),
    Q("order_timestamps_nulls_last", "SELECT id, ts FROM times ORDER BY ts NULLS LAST, id", order=[0]),
    Q("order_bool", "SELECT id, flag FROM nums ORDER BY flag, id", order=[0]),
    Q("order_doubles_near_zero", "SELECT id, d FROM nums WHERE d BETWEEN -3 AND 3 ORDER BY d, id", order=[0]),
    Q("order_case_alias", "SELECT id, CASE WHEN i > 0 THEN 'p' ELSE 'n' END AS c FROM nums ORDER BY c DESC, id", order=[0]),
    Q("order_non_ascii", "SELECT s, count(*) AS n FROM strs WHERE s > 'z' GROUP BY s ORDER BY s", order=[0]),

    # --- LIMIT -----------------------------------------------------------------------------------
    Q("limit_top_n", "SELECT id, d FROM nums ORDER BY d DESC, id LIMIT 10", order=[0]),
    Q("limit_bottom_n_nulls_first", "SELECT id, i FROM nums ORDER BY i, id LIMIT 12", order=[0]),
    Q("limit_groups", "SELECT g, count(*) AS n FROM nums GROUP BY g ORDER BY n DESC, g LIMIT 3", order=[0]),
    Q("limit_larger_than_result", "SELECT DISTINCT g FROM nums ORDER BY g LIMIT 100", order=[0]),
    Q("limit_zero", "SELECT id FROM nums ORDER BY id LIMIT 0", order=[0], empty=True),
    Q("limit_without_order", "SELECT id, g FROM nums WHERE g = 'a' LIMIT 5", count_only=True),
    Q("limit_dates", "SELECT id, ts FROM times ORDER BY ts DESC NULLS LAST, id LIMIT 5", order=[0]),
]
