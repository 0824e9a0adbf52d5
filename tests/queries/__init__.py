"""The differential corpus: every query sluice must answer as DuckDB (with Spark's
semantics spelled out where the dialects differ) does. Grouped by topic, one module each."""

from __future__ import annotations

from . import aggregates, basics, casts, dates, logic, names, ordering, partitions, strings
from .model import Q, Query

MODULES = [basics, logic, casts, strings, dates, aggregates, ordering, partitions, names]

ALL: list[Query] = [q for m in MODULES for q in m.QUERIES]
BY_ID: dict[str, Query] = {q.id: q for q in ALL}

__all__ = ["ALL", "BY_ID", "Q", "Query"]
