"""CAST and try_cast between types (ANSI mode: a failing CAST is an error, try_cast NULL)."""

from .model import Q

QUERIES = [
    Q("cast_int_to_string", "SELECT id, CAST(i AS STRING) AS s, CAST(big AS STRING) AS b FROM nums",
      "SELECT id, CAST(i AS VARCHAR) AS s, CAST(big AS VARCHAR) AS b FROM nums"),
    # A DOUBLE cast to an integer type is truncated toward zero in Spark (DuckDB rounds).
    Q("cast_double_to_int", "SELECT id, d, CAST(d AS INT) AS di, CAST(d AS BIGINT) AS db FROM nums",
      "SELECT id, d, CAST(trunc(d) AS INTEGER) AS di, CAST(trunc(d) AS BIGINT) AS db FROM nums"),
    Q("cast_int_to_double", "SELECT id, CAST(i AS DOUBLE) / 4 AS q, CAST(big AS DOUBLE) AS bd FROM nums"),
    Q("cast_bigint_to_int_try", "SELECT id, big, try_cast(big AS INT) AS n FROM nums",
      "SELECT id, big, TRY_CAST(big AS INTEGER) AS n FROM nums"),
    Q("cast_string_to_int_try", "SELECT id, s, try_cast(s AS INT) AS n FROM strs",
      "SELECT id, s, TRY_CAST(s AS INTEGER) AS n FROM strs"),
    Q("cast_string_to_double_try", "SELECT id, s, try_cast(s AS DOUBLE) AS x FROM strs",
      "SELECT id, s, TRY_CAST(s AS DOUBLE) AS x FROM strs"),
    Q("cast_string_literals", "SELECT CAST('123' AS BIGINT) + 1 AS a, CAST('-7' AS INT) AS b, CAST(' 8 ' AS INT) AS c, CAST('2.5' AS DOUBLE) AS d, CAST('1e3' AS DOUBLE) AS e"),
    Q("cast_string_to_timestamp_and_date", "SELECT id, tss, CAST(tss AS TIMESTAMP) AS t, CAST(tss AS DATE) AS d FROM times"),
    Q("cast_ts_date", "SELECT id, CAST(ts AS DATE) AS d1, CAST(d AS TIMESTAMP) AS t1 FROM times"),
    Q("cast_date_ts_to_string", "SELECT id, CAST(d AS STRING) AS ds, CAST(ts AS STRING) AS tss FROM times",
      "SELECT id, CAST(d AS VARCHAR) AS ds, CAST(ts AS VARCHAR) AS tss FROM times"),
    Q("cast_bool", "SELECT id, CAST(flag AS STRING) AS s, CAST(flag AS INT) AS n, CAST(i AS BOOLEAN) AS b FROM nums",
      # (i <> 0): DuckDB would push CAST(i AS BOOLEAN) down into its CSV reader.
      "SELECT id, CAST(flag AS VARCHAR) AS s, CAST(flag AS INTEGER) AS n, (i <> 0) AS b FROM nums"),
    Q("cast_string_to_bool_try", "SELECT try_cast('true' AS BOOLEAN) AS a, try_cast('no' AS BOOLEAN) AS b, try_cast('maybe' AS BOOLEAN) AS c, try_cast('1' AS BOOLEAN) AS d, try_cast('FALSE' AS BOOLEAN) AS e"),
    Q("cast_string_to_date_try", "SELECT id, ds, try_cast(ds AS DATE) AS x, try_cast(tss AS DATE) AS y FROM times"),
    Q("cast_in_where", "SELECT id, s FROM strs WHERE try_cast(s AS INT) > 5"),
    Q("cast_in_group", "SELECT CAST(d AS INT) % 10 AS bucket, count(*) AS n FROM nums GROUP BY CAST(d AS INT) % 10",
      "SELECT CAST(trunc(d) AS INTEGER) % 10 AS bucket, count(*) AS n FROM nums GROUP BY CAST(trunc(d) AS INTEGER) % 10"),
]
