"""The differential corpus: every query sluice must answer as DuckDB does, with Spark's
semantics spelled out on the DuckDB side where the dialects differ. One module per topic.

Adding a query: append ``Q(id, sluice_sql, duckdb_sql_or_None, order=..., names=...,
empty=...)`` to the module of its topic (see model.Query for the fields). The tables are
those of tests/gen_data.py. Keep to what Spark means: division by zero, overflow and
failing casts are errors in ANSI mode, so keep them out of the data a query touches
(NULLIF(j, 0), try_cast). On the DuckDB side, the macros of conftest.DUCK_MACROS give
Spark's substr, split_part, round and dayofweek; write concat as ||, date_format as
strftime, CAST(double AS INT) as CAST(trunc(x) AS INT), and alias every expression so the
names compare. Then run the DuckDB side alone:

    python3 -m pytest -q -m "not engine" tests/

which checks that each DuckDB query runs, returns rows unless marked empty, and that no
LIMIT cuts through rows tying on the ORDER BY keys.
"""

from __future__ import annotations

from . import (aggregates, basics, casts, dates, joins, logic, names, ordering, partitions, strings, subqueries,
               unions)
from .model import Q, Query

MODULES = [basics, logic, casts, strings, dates, aggregates, ordering, partitions, names, joins, unions, subqueries]

ALL: list[Query] = [q for m in MODULES for q in m.QUERIES]
BY_ID: dict[str, Query] = {q.id: q for q in ALL}

__all__ = ["ALL", "BY_ID", "Q", "Query"]
