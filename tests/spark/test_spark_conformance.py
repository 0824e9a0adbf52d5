"""Spark conformance: every job of data/jobs/ (and the extra jobs of tests/spark/jobs/) gives
the same rows in sluice as in Spark.

sluice runs the job file itself (``sluice run JOB --format json``). Spark runs the portable
text that ``sluice explain --spark JOB`` prints, in local mode (``local[2]``): each statement
through ``spark.sql``, in a fresh session per job, with the rows of every query collected.
The results are compared query by query with the comparator of the differential suite
(conftest.compare_results), Spark's values normalised as DuckDB's are (datetime, date and
Decimal to the strings and floats of sluice's JSON), and with Spark's column names as the
names expected. A query whose statement ends with ORDER BY must return its rows in Spark's
order (the jobs order their rows totally); the others compare as multisets.

Not part of ``make test``: ``make test-spark`` installs pyspark when it is missing and runs
this module. Spark needs a Java 17 or 21 runtime: $JAVA_HOME when it names one, otherwise
the first found under /usr/lib/jvm (or the ``java`` on PATH).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from conftest import (EX_OK, REPO, Result, compare_results, normalize_duck_value, parse_json_lines,
                      run_sluice, split_by_columns)

pytestmark = pytest.mark.engine

JOBS = sorted((REPO / "data" / "jobs").glob("*.sql")) + sorted((Path(__file__).parent / "jobs").glob("*.sql"))
SUPPORTED_JAVA = (17, 21)
QUERY_START = re.compile(r"^\s*(\(|SELECT\b|WITH\b|VALUES\b|FROM\b|TABLE\b)", re.I)
QUOTED = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|`[^`]*`")


# --- Java and Spark --------------------------------------------------------------------------------


def java_version(java_home: Path) -> int | None:
    java = java_home / "bin" / "java"
    if not os.access(java, os.X_OK):
        return None
    try:
        p = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', p.stderr)
    if not m:
        return None
    major = int(m.group(1))
    return int(m.group(2)) if major == 1 and m.group(2) else major


def find_java_home() -> tuple[Path | None, list[str]]:
    """A Java home whose major version Spark supports, and what was looked at."""
    candidates: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(Path(os.environ["JAVA_HOME"]))
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        for version in SUPPORTED_JAVA:
            candidates += sorted(p for p in jvm.iterdir() if p.is_dir() and not p.is_symlink()
                                 and re.search(rf"(^|\D){version}(\D|$)", p.name))
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent.parent)
    seen = []
    for home in candidates:
        version = java_version(home)
        seen.append(f"{home} (Java {version or '?'})")
        if version in SUPPORTED_JAVA:
            return home, seen
    return None, seen


@pytest.fixture(scope="session")
def spark():
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        pytest.fail("pyspark is not installed: run `make test-spark` (or scripts/deps.sh --spark)", pytrace=False)
    home, seen = find_java_home()
    if home is None:
        pytest.fail(f"no Java {' or '.join(map(str, SUPPORTED_JAVA))} runtime for Spark; looked at: "
                    f"{', '.join(seen) or 'nothing'}. Install openjdk-17-jre-headless or set JAVA_HOME",
                    pytrace=False)
    os.environ["JAVA_HOME"] = str(home)
    # collect() turns timestamps into naive datetimes in the Python process's time zone.
    os.environ["TZ"] = "UTC"
    time.tzset()
    session = (SparkSession.builder.master("local[2]").appName("sluice-conformance")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
               .config("spark.executor.extraJavaOptions", "-Duser.timezone=UTC")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


# --- the job text ------------------------------------------------------------------------------------


def split_statements(text: str) -> list[str]:
    """Statements separated by ``;`` outside quotes, backquotes and comments."""
    statements, buf = [], []
    i, n, quote = 0, len(text), None
    while i < n:
        ch = text[i]
        if quote:
            buf.append(ch)
            if ch == "\\" and quote != "`" and i + 1 < n:
                buf.append(text[i + 1])
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
            buf.append(ch)
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        elif ch == ";":
            statements.append("".join(buf).strip())
            buf = []
        else:
            buf.append(ch)
        i += 1
    statements.append("".join(buf).strip())
    return [s for s in statements if s]


def is_query(statement: str) -> bool:
    return QUERY_START.match(statement) is not None


def ordered(statement: str) -> bool:
    """The query has an ORDER BY outside parentheses: its own, which orders its result."""
    text = QUOTED.sub("''", statement)
    depth = 0
    for m in re.finditer(r"[()]|\bORDER\s+BY\b", text, re.I):
        if m.group() == "(":
            depth += 1
        elif m.group() == ")":
            depth -= 1
        elif depth == 0:
            return True
    return False


def spark_results(spark, text: str) -> list[tuple[str, Result]]:
    """Runs the statements in a fresh session; (statement, rows) of each query."""
    session = spark.newSession()
    results = []
    for statement in split_statements(text):
        try:
            df = session.sql(statement)
            if not is_query(statement):
                continue
            rows = [tuple(normalize_duck_value(v) for v in row) for row in df.collect()]
        except Exception as e:  # noqa: BLE001 - Spark's own message is the report
            message = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            pytest.fail(f"Spark rejected a statement of the exported job: {message}\n--- statement ---\n{statement}",
                        pytrace=False)
        results.append((statement, Result(list(df.columns), rows)))
    return results


# --- the tests ---------------------------------------------------------------------------------------


def test_statement_splitter():
    text = ("SET a=1;\n-- a comment; with a semicolon\nSELECT 'x;y' AS `a;b`, \"q;\" /* ; */ FROM t;\n"
            "SELECT 'it\\'s;' AS s ;\n\n")
    assert split_statements(text) == ["SET a=1", "SELECT 'x;y' AS `a;b`, \"q;\"  FROM t", "SELECT 'it\\'s;' AS s"]
    assert ordered("SELECT a FROM t ORDER BY a DESC LIMIT 3")
    assert ordered("SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1")
    assert ordered("SELECT a FROM t ORDER BY abs(a), 'ORDER BY (' LIMIT 3")
    assert not ordered("SELECT sum(x) FROM (SELECT x FROM t ORDER BY x LIMIT 3) s")
    assert not ordered("SELECT 'ORDER BY' AS a FROM t")
    assert is_query("WITH a AS (SELECT 1) SELECT * FROM a") and not is_query("CREATE TEMPORARY VIEW v AS SELECT 1")


@pytest.mark.parametrize("job", JOBS, ids=[p.stem for p in JOBS])
def test_job_gives_the_same_rows_on_spark(job: Path, sluice_bin, spark):
    export = run_sluice(["explain", "--spark", job], cwd=REPO)
    assert export.code == EX_OK, export.describe()
    expected = spark_results(spark, export.stdout)
    assert expected, f"{job.name}: the exported job has no query"

    run = run_sluice(["run", job, "--format", "json", "--quiet"], cwd=REPO, timeout=300)
    assert run.code == EX_OK, run.describe()
    actual = split_by_columns(parse_json_lines(run.stdout))
    assert len(actual) == len(expected), (f"{job.name}: sluice printed {len(actual)} results, Spark "
                                          f"{len(expected)} queries\n{run.describe()}")
    problems = []
    for k, ((statement, want), got) in enumerate(zip(expected, actual), 1):
        # The rows first, as a multiset; then, for an ordered query, their order.
        found = compare_results(want, got, names=want.names)
        if not found and ordered(statement):
            found = compare_results(want, got, order=list(range(len(want.names))), names=want.names)
        if found:
            first_line = " ".join(statement.split())[:200]
            problems.append(f"query {k} ({first_line} ...): sluice differs from Spark")
            problems += ["  " + p for p in found]
    assert not problems, f"{job.name}:\n" + "\n".join(problems)
