"""The command line as the contract describes it: help, usage errors, `sluice query` on the
sample data, and the three output formats (table, csv, json) of the same result."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import EX_OK, EX_USAGE, REPO, compare_results, parse_json_lines, result_from_json_rows, run_sluice

pytestmark = pytest.mark.engine

EVENTS = REPO / "data" / "events"
COUNTRIES = REPO / "data" / "countries.csv"


def sample_events() -> list[dict]:
    rows = []
    for part in sorted(EVENTS.glob("dt=*/*.csv")):
        with part.open(newline="", encoding="utf-8") as f:
            rows += list(csv.DictReader(f))
    return rows


def sample_countries() -> list[dict]:
    with COUNTRIES.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def query(sql: str, *extra: str):
    return run_sluice(["query", *extra, sql], cwd=REPO)


def ok_json(sql: str) -> list[dict]:
    run = query(sql, "--format", "json")
    assert run.code == EX_OK, run.describe()
    return [dict(r) for r in parse_json_lines(run.stdout)]


def first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


# --- help and usage --------------------------------------------------------------------------


@pytest.mark.parametrize("args,expected", [
    (["--help"], ["run", "query", "explain"]),
    (["run", "--help"], ["--format", "--set", "--workers", "--mode", "--memory", "--scratch", "--quiet"]),
    (["query", "--help"], ["--format"]),
    (["explain", "--help"], []),
], ids=["sluice", "run", "query", "explain"])
def test_help(sluice_bin, args, expected):
    run = run_sluice(args)
    assert run.code == EX_OK, run.describe()
    text = run.stdout + run.stderr
    assert "USAGE" in text.upper(), run.describe()
    for option in expected:
        assert option in text, f"help of {' '.join(args)} does not mention {option}\n{run.describe()}"


@pytest.mark.parametrize("args", [
    ["frobnicate"],
    ["query", "--no-such-option", "SELECT 1"],
    ["run", "--no-such-option", "job.sql"],
    ["query", "--format", "xml", "SELECT 1"],
    ["run"],
], ids=["unknown-subcommand", "unknown-query-option", "unknown-run-option", "bad-format", "run-without-job"])
def test_usage_errors_exit_64(sluice_bin, args):
    run = run_sluice(args)
    assert run.code == EX_USAGE, run.describe()
    assert first_line(run.stderr).startswith("error: "), run.describe()
    assert run.stdout == "", run.describe()


# --- sluice query on the sample data ---------------------------------------------------------------


def test_query_counts_sample_events(sluice_bin):
    rows = ok_json("SELECT count(*) AS n FROM csv.`data/events`")
    assert rows == [{"n": len(sample_events())}]


def test_query_groups_sample_events(sluice_bin):
    events = sample_events()
    expected = {}
    for e in events:
        if e["event_type"] == "purchase":
            expected[e["country"] or None] = expected.get(e["country"] or None, 0) + 1
    rows = ok_json("SELECT country, count(*) AS n FROM csv.`data/events` WHERE event_type = 'purchase' GROUP BY country")
    assert {r["country"]: r["n"] for r in rows} == expected
    assert all(list(r) == ["country", "n"] for r in rows)


def test_query_reads_partition_column_as_date(sluice_bin):
    days = sorted({p.parent.name.split("=", 1)[1] for p in EVENTS.glob("dt=*/*.csv")})
    rows = ok_json("SELECT dt, count(*) AS n, date_add(dt, 1) AS next FROM csv.`data/events` GROUP BY dt ORDER BY dt")
    assert [r["dt"] for r in rows] == days
    assert sum(r["n"] for r in rows) == len(sample_events())


def test_query_reads_quoted_commas(sluice_bin):
    expected = sorted((c["code"], c["name"]) for c in sample_countries() if "," in c["name"])
    assert expected, "the sample has country names with commas"
    rows = ok_json("SELECT code, name FROM csv.`data/countries.csv` WHERE name LIKE '%,%' ORDER BY code")
    assert [(r["code"], r["name"]) for r in rows] == expected


def test_query_without_from(sluice_bin):
    assert ok_json("SELECT 1 + 2 AS three, upper('x') AS u") == [{"three": 3, "u": "X"}]


# --- output formats -----------------------------------------------------------------------------

TYPED = ("SELECT 1 AS i, 2.5 AS d, 'a,b' AS s, CAST(NULL AS STRING) AS n, true AS b, "
         "DATE '2024-03-04' AS dt, TIMESTAMP '2024-03-04 10:00:00.120' AS ts, 'say \"hi\"' AS q")


def test_json_values(sluice_bin):
    run = query(TYPED, "--format", "json")
    assert run.code == EX_OK, run.describe()
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, run.describe()
    row = json.loads(lines[0], object_pairs_hook=list)
    assert [k for k, _ in row] == ["i", "d", "s", "n", "b", "dt", "ts", "q"]
    values = dict(row)
    assert values["i"] == 1 and type(values["i"]) is int
    assert values["d"] == 2.5
    assert values["s"] == "a,b" and values["n"] is None and values["b"] is True
    assert values["dt"] == "2024-03-04"
    assert values["ts"] == "2024-03-04 10:00:00.12"
    assert values["q"] == 'say "hi"'


@pytest.mark.parametrize("literal,text", [
    ("TIMESTAMP '2024-03-04 10:00:00'", "2024-03-04 10:00:00"),
    ("TIMESTAMP '2024-03-04 10:00:00.100'", "2024-03-04 10:00:00.1"),
    ("TIMESTAMP '2024-03-04 10:00:00.000001'", "2024-03-04 10:00:00.000001"),
    ("TIMESTAMP '1969-12-31 23:59:59.999999'", "1969-12-31 23:59:59.999999"),
    ("DATE '1900-01-01'", "1900-01-01"),
    ("CAST('NaN' AS DOUBLE)", "NaN"),
    ("CAST('Infinity' AS DOUBLE)", "Infinity"),
    ("CAST('-Infinity' AS DOUBLE)", "-Infinity"),
    ("'é中😀'", "é中😀"),
    ("'line\\nbreak'", "line\nbreak"),
])
def test_json_text_of_values(sluice_bin, literal, text):
    assert ok_json(f"SELECT {literal} AS v") == [{"v": text}]


def test_json_integers_stay_exact(sluice_bin):
    rows = ok_json("SELECT 9007199254740993 AS a, -9223372036854775807 AS b, count(*) AS c FROM csv.`data/countries.csv`")
    assert rows == [{"a": 9007199254740993, "b": -9223372036854775807, "c": len(sample_countries())}]
    assert all(type(v) is int for v in rows[0].values())


def test_csv_values_and_quoting(sluice_bin):
    run = query(TYPED, "--format", "csv")
    assert run.code == EX_OK, run.describe()
    records = list(csv.reader(io.StringIO(run.stdout)))
    assert records[0] == ["i", "d", "s", "n", "b", "dt", "ts", "q"]
    assert len(records) == 2, run.describe()
    i, d, s, n, b, dt, ts, q = records[1]
    assert (i, float(d), s, n, b, dt) == ("1", 2.5, "a,b", "", "true", "2024-03-04")
    assert ts.startswith("2024-03-04") and q == 'say "hi"'
    assert '"a,b"' in run.stdout and '"say ""hi"""' in run.stdout


def test_csv_is_the_default_into_a_pipe(sluice_bin):
    run = query("SELECT 1 AS a, 'x' AS b")
    assert run.code == EX_OK, run.describe()
    assert run.stdout.splitlines() == ["a,b", "1,x"]


def test_formats_agree(sluice_bin):
    sql = "SELECT code, name, region FROM csv.`data/countries.csv` WHERE region IN ('Asia', 'Europe') ORDER BY code"
    as_json = result_from_json_rows(parse_json_lines(query(sql, "--format", "json").stdout))
    csv_run = query(sql, "--format", "csv")
    table_run = query(sql, "--format", "table")
    assert csv_run.code == EX_OK and table_run.code == EX_OK, csv_run.describe() + table_run.describe()
    records = list(csv.reader(io.StringIO(csv_run.stdout)))
    assert records[0] == as_json.names == ["code", "name", "region"]
    assert [tuple(r) for r in records[1:]] == as_json.rows
    expected = sorted((c["code"], c["name"], c["region"]) for c in sample_countries()
                      if c["region"] in ("Asia", "Europe"))
    assert as_json.rows == expected
    for name in as_json.names:
        assert name in table_run.stdout, table_run.describe()
    for row in as_json.rows:
        for value in row:
            assert value in table_run.stdout, f"{value!r} is not in the table\n{table_run.describe()}"


# --- sluice run ----------------------------------------------------------------------------------


def write_job(tmp_path: Path, text: str) -> Path:
    job = tmp_path / "job.sql"
    job.write_text(text, encoding="utf-8")
    return job


def test_run_prints_each_select(sluice_bin, tmp_path):
    job = write_job(tmp_path, f"""
        SET spark.sql.shuffle.partitions=4;
        CREATE TEMPORARY VIEW countries USING csv OPTIONS (path '{COUNTRIES}', header 'true', inferSchema 'true');
        SELECT count(*) AS n FROM countries;
        SELECT region, count(*) AS countries FROM countries GROUP BY region ORDER BY region;
    """)
    run = run_sluice(["run", job, "--format", "json"])
    assert run.code == EX_OK, run.describe()
    rows = [dict(r) for r in parse_json_lines(run.stdout)]
    regions: dict[str, int] = {}
    for c in sample_countries():
        regions[c["region"]] = regions.get(c["region"], 0) + 1
    assert rows == [{"n": len(sample_countries())}] + [{"region": r, "countries": n} for r, n in sorted(regions.items())]


STAGE_LINE = re.compile(r"^\S+ info sluice: \[SluiceRuntime\] stage (\d+) \((\d+) of (\d+), ([^)]*)\): (\d+) tasks?, (\d+) rows out(, [\d.]+ MB read)? in [\d.]+ s$")


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_progress_is_a_line_per_stage_off_a_terminal_and_nothing_with_quiet(sluice_bin, tmp_path, mode):
    job = write_job(tmp_path, f"""
        CREATE TEMPORARY VIEW countries USING csv OPTIONS (path '{COUNTRIES}', header 'true', inferSchema 'true');
        SELECT region, count(*) AS countries FROM countries GROUP BY region ORDER BY region;
    """)
    run = run_sluice(["run", job, "--format", "csv", "--workers", "2", "--mode", mode,
                      "--set", "spark.sql.shuffle.partitions=3"])
    assert run.code == EX_OK, run.describe()
    lines = run.stderr.splitlines()
    stages = [STAGE_LINE.match(line) for line in lines]
    assert all(stages), run.stderr
    # scan, shuffle into 3 tasks, gather: each stage's line once, in order.
    assert [(m[1], m[2], m[3], m[4].split(" ")[0], m[5]) for m in stages] == [
        ("0", "1", "3", "scan", "1"), ("1", "2", "3", "shuffle", "3"), ("2", "3", "3", "gather", "1")]
    # The scan stage's rows out are its partial aggregates: one per region.
    regions = {c["region"] for c in sample_countries()}
    assert stages[0][7] is not None and stages[0][6] == str(len(regions))
    quiet = run_sluice(["run", job, "--format", "csv", "--workers", "2", "--mode", mode, "--quiet",
                        "--set", "spark.sql.shuffle.partitions=3"])
    assert (quiet.code, quiet.stdout, quiet.stderr) == (EX_OK, run.stdout, "")


@pytest.mark.parametrize("flags", [
    ["--workers", "1"],
    ["--workers", "2"],
    ["--set", "spark.sql.shuffle.partitions=3"],
    ["--workers", "2", "--mode", "process"],
    ["--workers", "2", "--set", "sluice.mode=thread"],
], ids=["workers-1", "workers-2", "set", "process-mode", "thread-mode"])
def test_run_flags_do_not_change_results(sluice_bin, flags):
    job = REPO / "data" / "jobs" / "daily_summary.sql"
    base = run_sluice(["run", job, "--format", "json"], cwd=REPO)
    other = run_sluice(["run", job, "--format", "json", *flags], cwd=REPO)
    assert base.code == EX_OK, base.describe()
    assert other.code == EX_OK, other.describe()
    # Sums of doubles may differ in the last bits when added in another order.
    problems = compare_results(result_from_json_rows(parse_json_lines(base.stdout)),
                               result_from_json_rows(parse_json_lines(other.stdout)), order=[0, 2])
    assert not problems, "\n".join(problems)


def test_explain_prints_a_plan(sluice_bin):
    run = run_sluice(["explain", REPO / "data" / "jobs" / "daily_summary.sql"], cwd=REPO)
    assert run.code == EX_OK, run.describe()
    assert run.stdout.strip(), run.describe()
