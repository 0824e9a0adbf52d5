"""Output column names: an alias is kept as written; an expression without one is named as
Spark prints it (count(*) is count(1), a + 1 is (a + 1), a string literal its value)."""

from .model import Q

QUERIES = [
    Q("names_count_star", "SELECT count(*) FROM nums", "SELECT count(*) AS c FROM nums", names=["count(1)"]),
    Q("names_aggregates", "SELECT sum(i), avg(d), min(g), max(d), count(i) FROM nums",
      "SELECT sum(i) AS a, avg(d) AS b, min(g) AS c, max(d) AS e, count(i) AS f FROM nums",
      names=["sum(i)", "avg(d)", "min(g)", "max(d)", "count(i)"]),
    Q("names_count_distinct", "SELECT count(DISTINCT g) FROM nums", "SELECT count(DISTINCT g) AS c FROM nums",
      names=["count(DISTINCT g)"]),
    Q("names_arithmetic", "SELECT id, i + 1, d * 2 FROM nums", "SELECT id, i + 1 AS a, d * 2 AS b FROM nums",
      names=["id", "(i + 1)", "(d * 2)"]),
    Q("names_functions", "SELECT lower(g), abs(i), coalesce(i, 0) FROM nums",
      "SELECT lower(g) AS a, abs(i) AS b, coalesce(i, 0) AS c FROM nums",
      names=["lower(g)", "abs(i)", "coalesce(i, 0)"]),
    Q("names_literals", "SELECT 1, 'x', true", "SELECT 1 AS a, 'x' AS b, true AS c", names=["1", "x", "true"]),
    Q("names_aliases_kept", "SELECT id AS Id, i AS `my col`, g AS g2 FROM nums",
      "SELECT id AS Id, i AS \"my col\", g AS g2 FROM nums", names=["Id", "my col", "g2"]),
    Q("names_group_key", "SELECT g, count(*) FROM nums GROUP BY g", "SELECT g, count(*) AS c FROM nums GROUP BY g",
      names=["g", "count(1)"]),
    Q("names_is_null_cast", "SELECT i IS NULL, CAST(i AS STRING) FROM nums",
      "SELECT i IS NULL AS a, CAST(i AS VARCHAR) AS b FROM nums", names=["(i IS NULL)", "CAST(i AS STRING)"]),
    Q("names_date_functions", "SELECT year(d), to_date(tss) FROM times",
      "SELECT year(d) AS a, CAST(CAST(tss AS TIMESTAMP) AS DATE) AS b FROM times", names=["year(d)", "to_date(tss)"]),
]
