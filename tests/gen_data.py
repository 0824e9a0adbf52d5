"""Seeded generator of the differential test data set, and the views both engines read it
through.

Every table is described once (``Table``): its columns with Spark types, its rows as
Python values, and the CSV options it needs. From that one description come the CSV
files, the sluice view (``CREATE TEMPORARY VIEW ... USING csv OPTIONS (..., schema
'...')``) and the DuckDB view (``read_csv(..., columns={...})``), so both engines read the
same typed values.

How values are written (the engine must read them this way, as Spark does):

  NULL            an unquoted empty field: ``1,,x``. Spark's default ``nullValue`` is the
                  empty string, so this is NULL for every type.
  ``""``          a quoted empty field. With Spark's default options this is NULL too
                  (the empty value equals ``nullValue``). Tables with the default options
                  use it on purpose (``QUOTED_EMPTY``) and expect NULL.
  empty string    only in tables read with ``nullValue 'NULL'`` (``texts``): there an
                  unquoted empty field or ``NULL`` is NULL and ``""`` is the empty string.
  quotes          RFC 4180: a field holding ``"`` or ``,`` or a newline is quoted, and a
                  quote inside it doubled. Views over such files set ``escape '"'``
                  (Spark's default escape is a backslash); the ``escaped`` table instead
                  uses Spark's default, backslash-escaped quotes ``"say \\"hi\\""``.
  newlines        inside quoted fields only in ``notes``, read with ``multiLine 'true'``.
  backslashes     never, outside ``escaped``'s escaped quotes.
  doubles         Python's shortest repr (``2.675``, ``1e-05``); ``NaN``, ``Infinity``,
                  ``-Infinity`` only in ``specials``.
  timestamps      ``YYYY-MM-DD HH:MM:SS[.ffffff]``; dates ``YYYY-MM-DD``.
  booleans        ``true`` / ``false``.

Usage from the tests: ``data = generate(directory)``; ``data.sluice_ddl()`` gives the
statements that create the views in sluice, ``data.duckdb_ddl()`` those for DuckDB.
Run as a script to write the files into a directory and print both.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

SEED = 424242

DUCK_TYPES = {
    "INT": "INTEGER",
    "BIGINT": "BIGINT",
    "DOUBLE": "DOUBLE",
    "STRING": "VARCHAR",
    "BOOLEAN": "BOOLEAN",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
}


class _QuotedEmpty:
    """A field written as ``""``: NULL under Spark's default ``nullValue``."""

    def __repr__(self) -> str:
        return "QUOTED_EMPTY"


class _Quoted:
    """A value written inside quotes although it needs none (``"abc"``)."""

    def __init__(self, value: str) -> None:
        self.value = value


class _NullWord:
    """A field written as the unquoted word ``NULL`` (tables with ``nullValue 'NULL'``)."""


QUOTED_EMPTY = _QuotedEmpty()
NULL_WORD = _NullWord()


@dataclass
class Table:
    name: str
    columns: list[tuple[str, str]]  # (name, Spark type)
    rows: list[list] = field(default_factory=list)
    # Extra CSV options for the sluice view, e.g. {"multiLine": "true"}.
    options: dict[str, str] = field(default_factory=dict)
    infer: bool = False  # inferSchema 'true' instead of an explicit schema
    escape: str = '"'  # how quotes inside quoted fields are written: '"' or '\\'
    line_end: str = "\n"
    final_newline: bool = True
    # Hive-style partitioning: names of the partition columns, and per partition
    # (values tuple) its list of part files (each a list of rows).
    partition_columns: list[str] = field(default_factory=list)
    partitions: dict[tuple, list[list[list]]] = field(default_factory=dict)
    path: Path | None = None

    # --- writing -----------------------------------------------------------------------

    def field_text(self, value) -> str:
        if value is None:
            return ""
        if value is QUOTED_EMPTY:
            return '""'
        if value is NULL_WORD:
            return "NULL"
        if isinstance(value, _Quoted):
            return self.quote(value.value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            if value != value:
                return "NaN"
            if value in (float("inf"), float("-inf")):
                return "Infinity" if value > 0 else "-Infinity"
            return repr(value)
        if isinstance(value, dt.datetime):
            text = value.strftime("%Y-%m-%d %H:%M:%S")
            if value.microsecond:
                text += (".%06d" % value.microsecond).rstrip("0")
            return text
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int):
            return str(value)
        assert isinstance(value, str), value
        assert "\\" not in value, f"{self.name}: backslashes are not written: {value!r}"
        assert value != "", f"{self.name}: an empty string needs nullValue; use None or QUOTED_EMPTY"
        if any(c in value for c in ',"\n\r'):
            return self.quote(value)
        return value

    def quote(self, text: str) -> str:
        if "\n" in text or "\r" in text:
            assert self.options.get("multiLine") == "true", f"{self.name}: newline needs multiLine"
        return '"' + text.replace('"', self.escape + '"') + '"'

    def write_file(self, path: Path, rows: list[list]) -> None:
        lines = [",".join(n for n, _ in self.columns)]
        lines += [",".join(self.field_text(v) for v in row) for row in rows]
        text = self.line_end.join(lines) + (self.line_end if self.final_newline else "")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))

    def write(self, root: Path) -> None:
        if not self.partition_columns:
            self.path = root / f"{self.name}.csv"
            self.write_file(self.path, self.rows)
            return
        self.path = root / self.name
        for values, files in self.partitions.items():
            directory = self.path
            for column, value in zip(self.partition_columns, values):
                directory = directory / f"{column}={value if value is not None else '__HIVE_DEFAULT_PARTITION__'}"
            for k, rows in enumerate(files):
                self.write_file(directory / f"part-{k:05d}.csv", rows)
        # What Spark writes beside the data and readers skip: a _SUCCESS marker and
        # hidden checksum files.
        (self.path / "_SUCCESS").write_bytes(b"")
        first = next(iter(self.partitions))
        hidden = self.path.joinpath(*[f"{c}={v}" for c, v in zip(self.partition_columns, first)], ".part-00000.csv.crc")
        hidden.write_bytes(b"crc\x00\x01not,a,csv\n")

    # --- views -------------------------------------------------------------------------

    def schema(self) -> str:
        return ", ".join(f"{n} {t}" for n, t in self.columns)

    def sluice_ddl(self) -> str:
        options = [f"path '{self.path}'", "header 'true'"]
        if self.infer:
            options.append("inferSchema 'true'")
        else:
            options.append(f"schema '{self.schema()}'")
        if self.escape == '"':
            options.append("escape '\"'")
        options += [f"{k} '{v}'" for k, v in self.options.items()]
        return f"CREATE TEMPORARY VIEW {self.name} USING csv OPTIONS ({', '.join(options)})"

    def duckdb_ddl(self) -> str:
        if self.partition_columns:
            glob = str(self.path) + "/*" * len(self.partition_columns) + "/*.csv"
        else:
            glob = str(self.path)
        args = [f"'{glob}'", "header=true", "delim=','", "quote='\"'"]
        args.append("escape='\\'" if self.escape == "\\" else "escape='\"'")
        if not self.infer:
            cols = ", ".join(f"'{n}': '{DUCK_TYPES[t]}'" for n, t in self.columns)
            args.append(f"columns={{{cols}}}")
        else:
            args.append("sample_size=-1")
        if self.options.get("nullValue") == "NULL":
            args += ["nullstr=['NULL', '']", "allow_quoted_nulls=false"]
        else:
            args.append("nullstr=''")
        if self.partition_columns:
            args.append("hive_partitioning=true")
            if not self.infer:
                types = ", ".join(f"'{c}': '{t}'" for c, t in self.partition_types().items())
                args.append(f"hive_types={{{types}}}")
        return f"CREATE VIEW {self.name} AS SELECT * FROM read_csv({', '.join(args)})"

    def partition_types(self) -> dict[str, str]:
        # What Spark infers from the directory names.
        return {"dt": "DATE", "region": "VARCHAR"}


@dataclass(frozen=True)
class DerivedView:
    """A view defined AS SELECT over the tables (or over another such view):
    ``CREATE TEMPORARY VIEW name AS sql`` in sluice, ``CREATE VIEW name AS duck`` in DuckDB."""

    name: str
    sql: str
    duck: str | None = None

    def sluice_ddl(self) -> str:
        return f"CREATE TEMPORARY VIEW {self.name} AS {self.sql}"

    def duckdb_ddl(self) -> str:
        return f"CREATE VIEW {self.name} AS {self.duck or self.sql}"


@dataclass
class DataSet:
    root: Path
    tables: list[Table]
    views: list[DerivedView] = field(default_factory=list)

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)

    def sluice_ddl(self) -> list[str]:
        return [t.sluice_ddl() for t in self.tables] + [v.sluice_ddl() for v in self.views]

    def duckdb_ddl(self) -> list[str]:
        return [t.duckdb_ddl() for t in self.tables] + [v.duckdb_ddl() for v in self.views]


# --- the tables ----------------------------------------------------------------------------


def maybe(rng: random.Random, p_null: float, value):
    return None if rng.random() < p_null else value


def nums(rng: random.Random) -> Table:
    """Integers (small, zero, negative, near 2^53), doubles (with halves and values whose
    decimal rounding differs from binary), a string group key and a boolean."""
    t = Table("nums", [("id", "BIGINT"), ("i", "INT"), ("j", "INT"), ("big", "BIGINT"),
                       ("d", "DOUBLE"), ("e", "DOUBLE"), ("g", "STRING"), ("flag", "BOOLEAN")])
    special_d = [0.0, 2.5, -2.5, 0.5, -0.5, 1.005, 2.675, -2.675, 0.125, -0.125, 1e-05,
                 123456.789, -99999.995, 15.0, -25.0, 0.1, 0.2, 0.3]
    two53 = 2 ** 53
    for k in range(1, 401):
        r = rng.random()
        if r < 0.35:
            big = two53 - rng.randint(0, 1000)
        elif r < 0.6:
            big = 2 ** 52 + rng.randint(0, 10 ** 6)
        elif r < 0.7:
            big = -(two53 - rng.randint(0, 1000))
        elif r < 0.95:
            big = rng.randint(-10 ** 6, 10 ** 6)
        else:
            big = 0
        d = special_d[k % len(special_d)] if k % 7 == 0 else round(rng.uniform(-1000, 1000), 2)
        t.rows.append([
            k,
            maybe(rng, 0.08, rng.randint(-50, 50)),
            maybe(rng, 0.10, rng.randint(-9, 9)),
            maybe(rng, 0.05, big),
            maybe(rng, 0.07, d),
            maybe(rng, 0.05, round(rng.uniform(0.1, 10), 3)),
            maybe(rng, 0.10, rng.choice("abcde")),
            maybe(rng, 0.15, rng.random() < 0.5),
        ])
    return t


STRING_POOL = [
    "apple", "Apple", "APPLE", "banana split", " padded ", "  both  ", "tab\tinside",
    "comma, inside", 'quote "inside"', '"leading quote', 'trailing quote"', "é", "ünïcödé",
    "naïve café", "Ärger", "中文", "中文字符", "😀", "emoji 😀 mix", "👨‍👩‍👧 family", "a_b",
    "a%b", "100%", "under_score", "x", "xyz", "a,b,c", "a,,c", ",lead", "trail,", "Zebra",
    "zebra", "0", "10", "9", "-5", " 42 ", "NULL", "null", "abcdefghij", "hello world",
]
SPLIT_POOL = ["a-b-c", "one-two", "solo", "-lead", "trail-", "x--y", "1-2-3-4-5", "é-ü-中"]


def strs(rng: random.Random) -> Table:
    t = Table("strs", [("id", "BIGINT"), ("s", "STRING"), ("t", "STRING"), ("k", "STRING"),
                       ("n", "INT"), ("m", "INT")])
    for k in range(1, 161):
        s = STRING_POOL[k % len(STRING_POOL)] if k <= 2 * len(STRING_POOL) else rng.choice(STRING_POOL)
        r = rng.random()
        if r < 0.08:
            s = None
        elif r < 0.12:
            s = QUOTED_EMPTY
        elif r < 0.2 and s is not None and not any(c in s for c in ',"'):
            s = _Quoted(s)
        t.rows.append([
            k, s,
            maybe(rng, 0.1, rng.choice(SPLIT_POOL)),
            maybe(rng, 0.1, rng.choice(["k1", "k2", "k3", "k4"])),
            maybe(rng, 0.05, rng.randint(-12, 12)),
            maybe(rng, 0.05, rng.randint(-1, 6)),
        ])
    return t


def texts(rng: random.Random) -> Table:
    """Empty strings next to NULLs: read with nullValue 'NULL', so '""' is the empty
    string and an unquoted empty field or NULL is NULL."""
    t = Table("texts", [("id", "BIGINT"), ("s", "STRING"), ("k", "STRING")],
              options={"nullValue": "NULL"})
    values = [QUOTED_EMPTY, None, NULL_WORD, " ", "a", "b", 'q"q', "é", "empty"]
    keys = [QUOTED_EMPTY, None, "x", "y"]
    for k in range(1, 61):
        t.rows.append([k, values[k % len(values)] if k < 20 else rng.choice(values), rng.choice(keys)])
    return t


def notes(rng: random.Random) -> Table:
    t = Table("notes", [("id", "BIGINT"), ("note", "STRING"), ("n", "INT")],
              options={"multiLine": "true"})
    pool = ["line1\nline2", "para\n\npara", "ends with newline\n", "\nstarts with newline",
            "no newline", "comma,\nand newline", 'quote "x"\nnext', "中文\n😀"]
    for k in range(1, 31):
        t.rows.append([k, maybe(rng, 0.1, pool[k % len(pool)]), rng.randint(0, 5)])
    return t


def escaped(rng: random.Random) -> Table:
    """Spark's default escape: quotes inside quoted fields written as backslash-quote."""
    t = Table("escaped", [("id", "BIGINT"), ("s", "STRING")], escape="\\")
    pool = ['say "hi"', '"quoted"', "plain", "with, comma", 'both, "and"', "x"]
    for k in range(1, 21):
        t.rows.append([k, maybe(rng, 0.1, pool[k % len(pool)])])
    return t


def times(rng: random.Random) -> Table:
    t = Table("times", [("id", "BIGINT"), ("d", "DATE"), ("ts", "TIMESTAMP"), ("ds", "STRING"),
                        ("tss", "STRING"), ("n", "INT"), ("kind", "STRING"), ("amount", "DOUBLE")])
    edge_dates = [dt.date(1969, 12, 31), dt.date(1970, 1, 1), dt.date(2000, 2, 29),
                  dt.date(2024, 2, 29), dt.date(2024, 3, 1), dt.date(1999, 12, 31),
                  dt.date(2023, 12, 31), dt.date(1900, 1, 1), dt.date(2024, 1, 1)]
    edge_ts = [dt.datetime(1969, 12, 31, 23, 59, 59, 999999), dt.datetime(1970, 1, 1),
               dt.datetime(2024, 2, 29, 12, 0, 0), dt.datetime(2024, 12, 31, 23, 59, 59),
               dt.datetime(2024, 3, 10, 0, 0, 0, 1), dt.datetime(2023, 1, 1, 0, 0, 0, 500000)]
    fractions = [0, 0, 0, 500000, 123000, 123456, 1, 100000]
    start = dt.datetime(2020, 1, 1)
    for k in range(1, 241):
        if k <= len(edge_dates):
            d = edge_dates[k - 1]
        else:
            d = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randint(0, 40 * 365))
        if k <= len(edge_ts):
            ts = edge_ts[k - 1]
        else:
            ts = start + dt.timedelta(seconds=rng.randint(0, 5 * 365 * 86400),
                                      microseconds=rng.choice(fractions))
        other = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3650))
        other_ts = start + dt.timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
        t.rows.append([
            k,
            maybe(rng, 0.07, d),
            maybe(rng, 0.07, ts),
            maybe(rng, 0.05, other.strftime("%d/%m/%Y")),
            maybe(rng, 0.05, other_ts.strftime("%Y-%m-%d %H:%M:%S")),
            maybe(rng, 0.05, rng.randint(-400, 400)),
            rng.choice(["a", "b", "c"]),
            maybe(rng, 0.1, round(rng.uniform(0, 500), 2)),
        ])
    return t


def flags(rng: random.Random) -> Table:
    """Every pair of (TRUE, FALSE, NULL) three times, with CRLF line ends."""
    t = Table("flags", [("id", "BIGINT"), ("b", "BOOLEAN"), ("c", "BOOLEAN"), ("x", "INT")],
              line_end="\r\n")
    k = 0
    for _ in range(3):
        for b in (True, False, None):
            for c in (True, False, None):
                k += 1
                t.rows.append([k, b, c, maybe(rng, 0.2, rng.randint(0, 4))])
    return t


def specials(rng: random.Random) -> Table:
    """NaN and infinities; the file has no newline after its last line."""
    t = Table("specials", [("id", "BIGINT"), ("x", "DOUBLE"), ("g", "STRING")], final_newline=False)
    pool = [float("nan"), float("inf"), float("-inf"), 0.0, 1.5, -1.5, None, 1e300, -1e-300, 42.0]
    for k in range(1, 31):
        t.rows.append([k, pool[k % len(pool)], rng.choice(["p", "q"])])
    return t


def inferred(rng: random.Random) -> Table:
    """Read with inferSchema 'true': the types come from the values."""
    t = Table("inferred", [("n", "INT"), ("x", "DOUBLE"), ("b", "BOOLEAN"), ("ts", "TIMESTAMP"),
                           ("s", "STRING"), ("big", "BIGINT")], infer=True)
    for k in range(1, 51):
        t.rows.append([
            maybe(rng, 0.1, rng.randint(-100, 100)),
            maybe(rng, 0.1, rng.choice([round(rng.uniform(-50, 50), 2), 1.0, 0.5])),
            maybe(rng, 0.1, rng.random() < 0.5),
            maybe(rng, 0.1, dt.datetime(2024, 1, 1) + dt.timedelta(seconds=rng.randint(0, 10 ** 7))),
            maybe(rng, 0.1, rng.choice(["red", "green", "blue", "a b", "中文"])),
            maybe(rng, 0.1, 3_000_000_000 + rng.randint(0, 10 ** 9)),
        ])
    return t


def sales(rng: random.Random, name: str = "sales", infer: bool = False) -> Table:
    """Hive-style partitions dt=.../region=..., with a default (NULL) partition, a partition
    of two files and one whose only file holds just a header."""
    t = Table(name, [("id", "BIGINT"), ("product", "STRING"), ("qty", "INT"), ("price", "DOUBLE")],
              partition_columns=["dt", "region"], infer=infer)
    layout = [
        ("2024-01-01", "eu", 1), ("2024-01-01", "us", 1), ("2024-01-01", None, 1),
        ("2024-01-02", "eu", 2), ("2024-01-02", "us", 1), ("2024-01-02", "apac", 1),
        ("2024-01-03", "eu", 1), ("2024-01-03", "apac", 0), ("2024-01-03", "us", 1),
        ("2024-01-04", "us", 1),
    ]
    next_id = 1
    for day, region, nfiles in layout:
        files = []
        for _ in range(max(nfiles, 1)):
            rows = []
            for _ in range(rng.randint(5, 15) if nfiles else 0):
                rows.append([next_id, rng.choice(["pen", "ink", "pad", "mug", "cap"]),
                             maybe(rng, 0.1, rng.randint(1, 9)),
                             maybe(rng, 0.1, round(rng.uniform(0.5, 40), 2))])
                next_id += 1
            files.append(rows)
        t.partitions[(day, region)] = files
    return t


# --- tables for joins, unions and subqueries -------------------------------------------------
# They draw from their own generator (seed + 2), so the tables above keep their rows.


def orders(rng: random.Random) -> Table:
    """The fact table of the join queries. ``cust`` (INT) runs over 1..30, of which
    customers lacks 3, 11 and 25..30, and is NULL in some rows; (code, k2) is the
    two-column key of codes, whose 'e' and 'f' are missing there; both keys repeat."""
    t = Table("orders", [("id", "BIGINT"), ("cust", "INT"), ("code", "STRING"), ("k2", "INT"),
                         ("qty", "INT"), ("amount", "DOUBLE"), ("odate", "DATE")])
    for k in range(1, 151):
        t.rows.append([
            k,
            maybe(rng, 0.08, rng.randint(1, 30)),
            maybe(rng, 0.08, rng.choice("abcdef")),
            maybe(rng, 0.08, rng.randint(0, 2)),
            maybe(rng, 0.05, rng.randint(1, 9)),
            maybe(rng, 0.05, round(rng.uniform(1, 500), 2)),
            dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 59)),
        ])
    return t


def customers(rng: random.Random) -> Table:
    """The dimension of orders, keyed by ``cust`` (BIGINT, while orders.cust is INT): 7 is
    there twice, 3 and 11 are missing, 40 and 41 have no orders, and two rows have a NULL
    key."""
    t = Table("customers", [("cust", "BIGINT"), ("cname", "STRING"), ("tier", "STRING"), ("city", "STRING")])
    names = ["Ada", "Bo", "Chloé", "Dmitri", "Eve", "Fu 中", "Gus", "Hana", "Ian, Jr.", "Jo"]
    keys = [c for c in range(1, 25) if c not in (3, 11)] + [7, 40, 41, None, None]
    for n, c in enumerate(keys):
        t.rows.append([c, f"{names[n % len(names)]} {n}", maybe(rng, 0.1, rng.choice(["gold", "silver", "bronze"])),
                       maybe(rng, 0.1, rng.choice(["Oslo", "Lyon", "Kyoto", "Quito"]))])
    return t


def codes(rng: random.Random) -> Table:
    """A dimension with a two-column key (code, k2): a duplicated key (c, 0), keys the
    fact table lacks (x, y), NULLs in either key column, and no row for 'e' or 'f'."""
    t = Table("codes", [("code", "STRING"), ("k2", "INT"), ("label", "STRING"), ("weight", "DOUBLE"),
                        ("region", "STRING")])
    keys = [("a", 0), ("a", 1), ("a", 2), ("b", 0), ("b", 1), ("c", 0), ("c", 0), ("c", 1), ("d", 2),
            ("x", 0), ("x", 1), ("y", 2), (None, 0), ("a", None), (None, None), ("b", None)]
    for n, (code, k2) in enumerate(keys):
        t.rows.append([code, k2, f"L{n}", round(rng.uniform(0.5, 3), 2), rng.choice(["north", "south", None])])
    return t


def tags(rng: random.Random) -> Table:
    """Many tags per item and many orders per customer: orders JOIN tags ON cust = item is
    many-to-many."""
    t = Table("tags", [("item", "INT"), ("tag", "STRING")])
    pool = ["new", "sale", "vip", "gift", "bulk"]
    for item in list(range(1, 13)) + [35, None]:
        for tag in rng.sample(pool, rng.randint(1, 4)):
            t.rows.append([item, tag])
    t.rows.append([5, "sale"])  # a repeated (item, tag) pair
    return t


def links(rng: random.Random) -> Table:
    """Edges with repeated ends, for self-joins (a.dst = b.src is many-to-many)."""
    t = Table("links", [("src", "INT"), ("dst", "INT"), ("w", "DOUBLE")])
    for _ in range(40):
        t.rows.append([maybe(rng, 0.05, rng.randint(1, 8)), maybe(rng, 0.05, rng.randint(1, 8)),
                       round(rng.uniform(0, 10), 1)])
    return t


# --- larger tables for shuffled and spilling joins --------------------------------------------
# Thousands of rows, so that a join's build side outgrows the operator budget of a run with
# --memory 16KB; their own generator (seed + 3) keeps the rows of the tables above.


def clicks(rng: random.Random) -> Table:
    """Facts keyed by ``uid`` (BIGINT, while users.uid is INT) over 1..1800, NULL in some
    rows; users lacks 1..299 and 1501..1800. ``page`` is one of 60, NULL in some rows."""
    t = Table("clicks", [("id", "BIGINT"), ("uid", "BIGINT"), ("page", "STRING"), ("ms", "INT"), ("day", "DATE")])
    for k in range(1, 4001):
        t.rows.append([
            k,
            maybe(rng, 0.04, rng.randint(1, 1800)),
            maybe(rng, 0.05, f"/p/{rng.randint(1, 60)}"),
            rng.randint(1, 5000),
            dt.date(2024, 3, 1) + dt.timedelta(days=rng.randint(0, 29)),
        ])
    return t


def users(rng: random.Random) -> Table:
    """The dimension of clicks: uid 300..1500 once, about one in ten twice, a few NULL,
    and 2001..2100 without clicks; ``home`` is one of clicks' pages."""
    t = Table("users", [("uid", "INT"), ("name", "STRING"), ("grp", "STRING"), ("score", "DOUBLE"), ("home", "STRING")])
    keys = list(range(300, 1501)) + rng.sample(range(300, 1501), 120) + list(range(2001, 2101)) + [None] * 6
    rng.shuffle(keys)
    for n, uid in enumerate(keys):
        t.rows.append([uid, f"user {n}", maybe(rng, 0.05, rng.choice(["a", "b", "c", "d", "e", "f", "g"])),
                       round(rng.uniform(0, 100), 2), f"/p/{rng.randint(1, 60)}"])
    return t


VIEWS = [
    # Aggregated, joined and stacked views, and a view over a view.
    DerivedView("cust_totals", "SELECT cust, count(*) AS n, sum(amount) AS total, max(odate) AS last_day "
                               "FROM orders GROUP BY cust"),
    DerivedView("order_details", "SELECT o.id, o.cust, c.cname, c.tier, o.amount, o.qty "
                                 "FROM orders o LEFT JOIN customers c ON o.cust = c.cust"),
    DerivedView("gold_details", "SELECT id, cname, amount FROM order_details WHERE tier = 'gold'"),
    DerivedView("all_codes", "SELECT code FROM orders UNION SELECT code FROM codes"),
]


def generate(root: Path | str, seed: int = SEED) -> DataSet:
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    tables = [nums(rng), strs(rng), texts(rng), notes(rng), escaped(rng), times(rng),
              flags(rng), specials(rng), inferred(rng), sales(rng)]
    tables.append(sales(random.Random(seed + 1), name="sales_inf", infer=True))
    rel = random.Random(seed + 2)
    tables += [orders(rel), customers(rel), codes(rel), tags(rel), links(rel)]
    large = random.Random(seed + 3)
    tables += [clicks(large), users(large)]
    for t in tables:
        t.write(root)
    return DataSet(root, tables, list(VIEWS))


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "test-data")
    data = generate(target)
    print("-- sluice")
    print(";\n".join(data.sluice_ddl()) + ";")
    print("-- duckdb")
    print(";\n".join(data.duckdb_ddl()) + ";")
