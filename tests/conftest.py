"""Shared pieces of sluice's end-to-end suite: where the binary is, how to run it, how to
read its JSON Lines output, and how to compare a result with DuckDB's.

The binary is ``$SLUICE_BIN`` (default ``.build/release/sluice`` under the repository;
``make test`` builds it first). Tests that run it carry the ``engine`` marker, so the
DuckDB side alone runs with ``pytest -m "not engine" tests/``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pytest

REPO = Path(__file__).resolve().parent.parent
DEFAULT_BIN = REPO / ".build" / "release" / "sluice"
DEFAULT_TIMEOUT = 60.0

# Exit statuses of the CLI contract (sysexits style).
EX_OK, EX_USAGE, EX_DATAERR, EX_NOINPUT, EX_SOFTWARE, EX_CANTCREAT, EX_IOERR = 0, 64, 65, 66, 70, 73, 74

REL_TOL = 1e-9
ABS_TOL = 1e-12


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "engine: runs the sluice binary (deselect with -m 'not engine')")


SPARK_TESTS = Path(__file__).resolve().parent / "spark"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """tests/spark (Spark conformance: pyspark and a JVM) runs only when named on the
    command line, as ``make test-spark`` does; ``pytest tests/`` leaves it out."""
    if collection_path.resolve() != SPARK_TESTS:
        return None
    base = config.invocation_params.dir
    named = [(base / arg.split("::")[0]).resolve() for arg in config.args]
    return not any(p == SPARK_TESTS or SPARK_TESTS in p.parents for p in named)


# --- running the binary ----------------------------------------------------------------------


def sluice_path() -> Path:
    return Path(os.environ.get("SLUICE_BIN") or DEFAULT_BIN).resolve()


@pytest.fixture(scope="session")
def sluice_bin() -> Path:
    path = sluice_path()
    if not (path.is_file() and os.access(path, os.X_OK)):
        # One clear message instead of an error per test.
        pytest.exit(f"sluice binary not found at {path}: run `make release` or set SLUICE_BIN "
                    "(the DuckDB side alone: pytest -m 'not engine')", returncode=1)
    return path


@dataclass
class Completed:
    """What one run of the binary did. Unpacks as ``code, stdout, stderr``."""

    code: int
    stdout: str
    stderr: str
    argv: list[str]

    def __iter__(self):
        return iter((self.code, self.stdout, self.stderr))

    def describe(self) -> str:
        return (f"$ {' '.join(self.argv)}\nexit status {self.code}\n"
                f"--- stderr ---\n{self.stderr[-4000:]}\n--- stdout (first 2000 chars) ---\n{self.stdout[:2000]}")


def run_sluice(args: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT, cwd: Path | str | None = None,
               env: dict[str, str] | None = None, stdin: str | None = None) -> Completed:
    """Runs ``sluice ARGS...`` with no terminal attached and returns its exit status and
    output. A run that exceeds ``timeout`` seconds is killed and fails the test."""
    argv = [str(sluice_path()), *map(str, args)]
    full_env = dict(os.environ)
    full_env.update(env or {})
    try:
        p = subprocess.run(argv, input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                           capture_output=True, timeout=timeout, cwd=cwd, env=full_env,
                           encoding="utf-8", errors="replace")
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"sluice did not finish within {timeout:.0f} s: {' '.join(argv)}\n"
                    f"stderr so far: {(e.stderr or b'')[-2000:]!r}", pytrace=False)
    except FileNotFoundError:
        pytest.fail(f"sluice binary not found at {argv[0]}: run `make release` or set SLUICE_BIN", pytrace=False)
    return Completed(p.returncode, p.stdout, p.stderr, argv)


# --- reading JSON Lines -------------------------------------------------------------------------


class OutputError(Exception):
    """sluice's output is not what the CLI contract describes."""


class JsonRow(list):
    """One output row: (column name, value) pairs in output order, duplicates kept."""


def _reject_constant(name: str):
    raise ValueError(f"bare {name} is not JSON; the contract prints it as the string \"{name}\"")


def parse_json_lines(text: str) -> list[JsonRow]:
    """Parses ``--format json`` output: one object per line, column order preserved."""
    rows = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, object_pairs_hook=JsonRow, parse_constant=_reject_constant)
        except ValueError as e:
            raise OutputError(f"output line {lineno} is not a JSON object: {line[:300]!r} ({e})") from None
        if not isinstance(obj, JsonRow):
            raise OutputError(f"output line {lineno} is not a JSON object: {line[:300]!r}")
        rows.append(obj)
    return rows


@dataclass
class Result:
    names: list[str] | None  # None when there are no rows to take names from
    rows: list[tuple]


def result_from_json_rows(rows: list[JsonRow]) -> Result:
    if not rows:
        return Result(None, [])
    names = [k for k, _ in rows[0]]
    out = []
    for n, row in enumerate(rows, 1):
        keys = [k for k, _ in row]
        if keys != names:
            raise OutputError(f"row {n} has columns {keys}, the first row {names}")
        out.append(tuple(v for _, v in row))
    return Result(names, out)


# --- DuckDB values as sluice prints them ---------------------------------------------------------


def split_by_columns(rows) -> list[Result]:
    """Consecutive rows with the same column names form one query's result (the jobs'
    queries have different columns and none is empty)."""
    groups: list[list] = []
    for row in rows:
        if groups and [k for k, _ in groups[-1][0]] == [k for k, _ in row]:
            groups[-1].append(row)
        else:
            groups.append([row])
    return [result_from_json_rows(g) for g in groups]


def format_timestamp(t: dt.datetime) -> str:
    text = t.strftime("%Y-%m-%d %H:%M:%S")
    if t.microsecond:
        text += (".%06d" % t.microsecond).rstrip("0")
    return text


def normalize_duck_value(v: Any) -> Any:
    """A DuckDB Python value as the JSON output represents it: DATE and TIMESTAMP as
    strings, DECIMAL (sluice reads DECIMAL as DOUBLE) as float."""
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, dt.datetime):
        return format_timestamp(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    raise TypeError(f"DuckDB returned a {type(v).__name__} ({v!r}); the corpus must not produce it")


def duck_result(con, sql: str) -> Result:
    rel = con.execute(sql)
    names = [d[0] for d in rel.description]
    rows = [tuple(normalize_duck_value(v) for v in row) for row in rel.fetchall()]
    return Result(names, rows)


# --- comparing ---------------------------------------------------------------------------------

SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def values_equal(expected: Any, actual: Any) -> bool:
    """One value: exact for strings, booleans and integers (an integer must come back as a
    JSON integer), 1e-9 relative for doubles (NaN equals NaN)."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int):
        return isinstance(actual, int) and expected == actual
    if isinstance(expected, float):
        if isinstance(actual, str) and actual in SPECIAL_FLOATS:
            actual = SPECIAL_FLOATS[actual]
        if not isinstance(actual, (int, float)):
            return False
        actual = float(actual)
        if math.isnan(expected) or math.isnan(actual):
            return math.isnan(expected) and math.isnan(actual)
        if math.isinf(expected) or math.isinf(actual):
            return expected == actual
        return math.isclose(expected, actual, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return isinstance(actual, str) and expected == actual


def rows_equal(expected: tuple, actual: tuple) -> bool:
    return len(expected) == len(actual) and all(values_equal(e, a) for e, a in zip(expected, actual))


def _sort_key(row: tuple) -> tuple:
    key = []
    for v in row:
        if v is None:
            key.append((0, 0))
        elif isinstance(v, bool):
            key.append((1, int(v)))
        elif isinstance(v, (int, float)):
            f = float(v)
            key.append((3, 0) if math.isnan(f) else (2, float(f"{f:.6g}")))
        elif isinstance(v, str) and v in SPECIAL_FLOATS:
            f = SPECIAL_FLOATS[v]
            key.append((3, 0) if math.isnan(f) else (2, f))
        else:
            key.append((4, str(v)))
    return tuple(key)


def multiset_diff(expected: list[tuple], actual: list[tuple]) -> tuple[list[tuple], list[tuple]]:
    """Rows of ``expected`` with no match in ``actual`` and the other way round."""
    exp = sorted(expected, key=_sort_key)
    act = sorted(actual, key=_sort_key)
    if len(exp) == len(act) and all(rows_equal(e, a) for e, a in zip(exp, act)):
        return [], []
    # Values near a rounding boundary can sort apart: match greedily.
    unmatched = list(act)
    missing = []
    for e in exp:
        for k, a in enumerate(unmatched):
            if rows_equal(e, a):
                del unmatched[k]
                break
        else:
            missing.append(e)
    return missing, unmatched


def _closest_hint(missing: tuple, extra: list[tuple], names: Sequence[str] | None) -> str | None:
    """Names the columns in which the first missing row differs from the unexpected row
    closest to it, which is usually the bug."""
    if not extra:
        return None
    best = max(extra, key=lambda a: sum(values_equal(e, v) for e, v in zip(missing, a)))
    cols = [k for k, (e, a) in enumerate(zip(missing, best)) if not values_equal(e, a)]
    if not cols or len(cols) == len(missing):
        return None
    label = lambda k: names[k] if names and k < len(names) else f"#{k + 1}"  # noqa: E731
    return "  closest row differs in " + ", ".join(
        f"{label(k)}: expected {missing[k]!r}, got {best[k]!r}" for k in cols)


def _diff_lines(missing: list[tuple], extra: list[tuple], names: Sequence[str] | None) -> list[str]:
    lines = [f"  missing:    {r!r}" for r in missing[:10]]
    lines += [f"  unexpected: {r!r}" for r in extra[:10]]
    hint = _closest_hint(missing[0], extra, names) if missing else None
    return lines + ([hint] if hint else [])


def _same_key(a: tuple, b: tuple) -> bool:
    return all((x is None and y is None) or x == y or
               (isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y))
               for x, y in zip(a, b))


def compare_results(expected: Result, actual: Result, *, order: Sequence[int] | None = None,
                    names: Sequence[str] | None = None, count_only: bool = False) -> list[str]:
    """Differences between DuckDB's result and sluice's, as readable lines (empty: equal).

    Without ``order`` rows are compared as a multiset. With ``order`` (the output columns
    that hold the ORDER BY keys) rows must come in the expected order, except that rows
    that tie on those keys may come in any order among themselves."""
    problems: list[str] = []
    if names is not None and actual.names is not None and list(actual.names) != list(names):
        problems.append(f"column names: expected {list(names)}, got {actual.names}")
    if actual.names is not None and expected.names is not None:
        if len(actual.names) != len(expected.names):
            problems.append(f"{len(actual.names)} columns {actual.names}, expected {len(expected.names)} {expected.names}")
            return problems
        if names is None:
            for k, (e, a) in enumerate(zip(expected.names, actual.names)):
                if IDENTIFIER.match(e) and e != a:
                    problems.append(f"column {k + 1} is named {a!r}, expected {e!r}")
    if len(expected.rows) != len(actual.rows):
        problems.append(f"{len(actual.rows)} rows, expected {len(expected.rows)}")
    if count_only:
        return problems
    if order is None:
        missing, extra = multiset_diff(expected.rows, actual.rows)
        if missing or extra:
            problems.append(f"{len(missing)} expected rows missing, {len(extra)} unexpected rows")
            problems += _diff_lines(missing, extra, expected.names)
        return problems
    # Ordered: walk the runs of rows that tie on the sort keys.
    pos = 0
    erows, arows = expected.rows, actual.rows
    while pos < len(erows):
        key = tuple(erows[pos][k] for k in order)
        end = pos
        while end < len(erows) and _same_key(tuple(erows[end][k] for k in order), key):
            end += 1
        chunk = arows[pos:end]
        for n, row in enumerate(chunk, pos + 1):
            got = tuple(row[k] for k in order) if len(row) > max(order) else row
            if not all(values_equal(e, a) for e, a in zip(key, got)):
                problems.append(f"row {n}: sort key {got!r}, expected {key!r} (rows out of order)")
                problems += [f"  expected rows {pos + 1}..{end}: {r!r}" for r in erows[pos:end][:5]]
                return problems
        missing, extra = multiset_diff(erows[pos:end], chunk)
        if missing or extra:
            problems.append(f"rows {pos + 1}..{end} (sort key {key!r}) differ")
            problems += _diff_lines(missing, extra, expected.names)
            return problems
        pos = end
    return problems


# --- DuckDB as the reference ----------------------------------------------------------------------

# Spark's semantics where DuckDB's built-ins differ; the corpus calls these in its DuckDB SQL.
DUCK_MACROS = [
    # substr(s, pos, len) as Spark's UTF8String.substringSQL: pos 0 is 1, negative pos
    # counts from the end, and the window is clipped at the start.
    """CREATE MACRO spark_substr(s, p, l) AS
       CASE WHEN s IS NULL OR p IS NULL OR l IS NULL THEN NULL
            WHEN greatest(CASE WHEN p > 0 THEN p - 1 WHEN p < 0 THEN length(s) + p ELSE 0 END, 0)
                 >= (CASE WHEN p > 0 THEN p - 1 WHEN p < 0 THEN length(s) + p ELSE 0 END) + l THEN ''
            ELSE substring(s,
                 greatest(CASE WHEN p > 0 THEN p - 1 WHEN p < 0 THEN length(s) + p ELSE 0 END, 0) + 1,
                 (CASE WHEN p > 0 THEN p - 1 WHEN p < 0 THEN length(s) + p ELSE 0 END) + l
                 - greatest(CASE WHEN p > 0 THEN p - 1 WHEN p < 0 THEN length(s) + p ELSE 0 END, 0))
       END""",
    "CREATE MACRO spark_substr2(s, p) AS spark_substr(s, p, 2147483647)",
    # split_part: an empty delimiter does not split (DuckDB splits into characters).
    """CREATE MACRO spark_split_part(s, d, n) AS
       CASE WHEN s IS NULL OR d IS NULL OR n IS NULL THEN NULL
            WHEN d = '' THEN (CASE WHEN n = 1 OR n = -1 THEN s ELSE '' END)
            ELSE split_part(s, d, n) END""",
    # round(double, d): Spark rounds the decimal text of the double (Double.toString) half up.
    """CREATE MACRO spark_round(x, d) AS
       CAST(round(CAST(CAST(CAST(x AS DOUBLE) AS VARCHAR) AS DECIMAL(38, 18)), d) AS DOUBLE)""",
    # dayofweek: Spark counts Sunday = 1 .. Saturday = 7, DuckDB Sunday = 0.
    "CREATE MACRO spark_dayofweek(d) AS dayofweek(d) + 1",
]


def duck_connect(ddl: Sequence[str]):
    """A DuckDB connection set to Spark's defaults where they differ: NULLS FIRST for ASC
    and LAST for DESC, one thread, with the Spark-semantics macros and the views."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute("SET default_null_order = 'nulls_first_on_asc_last_on_desc'")
    con.execute("SET default_order = 'asc'")
    for stmt in DUCK_MACROS:
        con.execute(stmt)
    for stmt in ddl:
        con.execute(stmt)
    return con


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def test_data(tmp_path_factory):
    """The generated tables (tests/gen_data.py), written once per session."""
    from gen_data import generate

    return generate(tmp_path_factory.mktemp("sluice-data"))


@pytest.fixture(scope="session")
def duck(test_data):
    con = duck_connect(test_data.duckdb_ddl())
    yield con
    con.close()


@pytest.fixture(scope="session")
def jobs_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("jobs")
