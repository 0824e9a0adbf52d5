"""One entry of the differential corpus."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Query:
    """A query run through sluice (``sql``) and DuckDB (``duck``, or ``sql`` when the
    dialects agree), whose results must be equal.

    order   the output columns (0-based) holding the ORDER BY keys, for a query with ORDER
            BY; rows must come in that order, rows tying on them in any order. Choose
            columns whose values tie exactly when the sort keys tie (a unique id does).
    names   the exact output column names Spark gives (otherwise only names that are
            plain identifiers in DuckDB's result, aliases and columns, are compared).
    empty   the result is meant to have no rows (otherwise the corpus check requires rows).
    count_only  compare the number of rows only (LIMIT without ORDER BY).
    """

    id: str
    sql: str
    duck: str | None = None
    order: tuple[int, ...] | None = None
    names: tuple[str, ...] | None = None
    empty: bool = False
    count_only: bool = False

    @property
    def duck_sql(self) -> str:
        return self.duck if self.duck is not None else self.sql


def Q(id: str, sql: str, duck: str | None = None, *, order=None, names=None, empty=False,
      count_only=False) -> Query:
    # Whitespace is kept as written: string literals may hold runs of spaces.
    return Query(id, sql.strip(), duck.strip() if duck else None,
                 tuple(order) if order is not None else None,
                 tuple(names) if names is not None else None, empty, count_only)
