#!/usr/bin/env python3
"""End-to-end benchmark: the same queries over the same CSV file, each run as a whole
command (start-up, reading, computing, writing the result to /dev/null), by sluice and
its peers. Prints a Markdown table and writes the numbers to <data>/results.json.

    python3 Benchmarks/e2e/gen_clickstream.py --rows 1000000     # the input, once
    python3 Benchmarks/e2e/run.py --rows 1000000 --reps 5

Peers are rows of PEERS below; add one there (or a sluice mode) and name it with --peers.
A peer that fails (a missing binary, an exit status other than 0, a timeout) is reported
as failed in its row; the other rows still run.

Columns: median wall seconds over --reps runs (after --warmup untimed runs), input MB/s
at that median, the time relative to DuckDB with one thread, throughput as a percentage
of `wc -l` on the same file (how close to reading the file at all), and for sluice rows
and the multiprocessing peer whether one more run, its output kept, returned as many rows
as DuckDB does.

A second table gives, per workload, ratios of median times (below 1: sluice is faster):
sluice's process mode over its thread mode with 2 workers, sluice with 2 workers (process
mode, the default) over DuckDB with 2 threads, over Polars with its default threads, and
over the multiprocessing peer (mp_peer.py: a Pool of 2 processes over the csv module).

The join workload reads <data>/countries.csv (code, name, region) beside the clickstream,
which gen_clickstream.py writes; it describes most countries of the clickstream, not all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]

SCHEMA = ("ts TIMESTAMP, dt DATE, user_id BIGINT, country STRING, event_type STRING, "
          "amount DOUBLE, device STRING, url STRING")


@dataclass(frozen=True)
class Workload:
    name: str
    sql: str  # over a table named clicks
    # The query's rows are written as CSV files partitioned by dt (its last column) under
    # <work>/out/, instead of being printed.
    writes: bool = False


WORKLOADS = [
    Workload("filtered_groupby",
             "SELECT country, event_type, count(*), sum(amount), avg(amount), min(amount), max(amount) "
             "FROM clicks WHERE amount > 0 GROUP BY country, event_type"),
    Workload("groupby_user", "SELECT user_id, count(*), sum(amount) FROM clicks GROUP BY user_id"),
    Workload("top_n", "SELECT * FROM clicks ORDER BY amount DESC LIMIT 100"),
    Workload("join_region",
             "SELECT c.region, k.event_type, count(*), sum(k.amount) "
             "FROM clicks k JOIN countries c ON k.country = c.code GROUP BY c.region, k.event_type"),
    Workload("partitioned_write",
             "SELECT ts, user_id, country, event_type, amount, device, url, dt FROM clicks", writes=True),
]

OUT_COLUMNS = ("ts TIMESTAMP, user_id BIGINT, country STRING, event_type STRING, amount DOUBLE, device STRING, "
               "url STRING, dt DATE")



COUNTRIES_SCHEMA = "code STRING, name STRING, region STRING"


@dataclass
class Context:
    csv: Path
    countries: Path  # the join workload's dimension
    work: Path  # where job files go
    sluice: Path
    timeout: float


@dataclass(frozen=True)
class Peer:
    """One row of the comparison: how to run a workload as a command."""

    name: str
    command: Callable[[Workload, Context], list[str]]
    env: dict = field(default_factory=dict)
    note: str = ""


# --- how each peer runs a workload -------------------------------------------------------------


def sluice_peer(workers: int, mode: str | None = None) -> Callable[[Workload, Context], list[str]]:
    def command(w: Workload, ctx: Context) -> list[str]:
        job = ctx.work / f"{w.name}.sql"
        statement = f"{w.sql};\n"
        if w.writes:
            # Every map task meets all 365 days: the per-node limit is raised, as a Hive
            # user would for a map-only rewrite.
            statement = ("SET hive.exec.max.dynamic.partitions.pernode=1000;\n"
                         f"CREATE TABLE out ({OUT_COLUMNS}) USING csv PARTITIONED BY (dt) "
                         f"LOCATION '{ctx.work / 'out'}' OPTIONS (header 'true');\n"
                         f"INSERT OVERWRITE TABLE out PARTITION (dt) {w.sql};\n")
        job.write_text(
            "CREATE TEMPORARY VIEW clicks USING csv OPTIONS "
            f"(path '{ctx.csv}', header 'true', escape '\"', schema '{SCHEMA}');\n"
            "CREATE TEMPORARY VIEW countries USING csv OPTIONS "
            f"(path '{ctx.countries}', header 'true', escape '\"', schema '{COUNTRIES_SCHEMA}');\n{statement}")
        argv = [str(ctx.sluice), "run", str(job), "--format", "csv", "--workers", str(workers)]
        if mode:
            argv += ["--mode", mode]
        return argv
    return command


DUCKDB_SCRIPT = """
import sys, duckdb
csv, countries, sql, threads, out = sys.argv[1:6]
con = duckdb.connect()
con.execute(f"SET threads = {int(threads)}")
con.execute(f"CREATE VIEW clicks AS SELECT * FROM read_csv('{csv}')")
con.execute(f"CREATE VIEW countries AS SELECT * FROM read_csv('{countries}')")
if out:
    con.execute(f"COPY ({sql}) TO '{out}' (FORMAT csv, HEADER, PARTITION_BY (dt))")
else:
    con.execute(f"COPY ({sql}) TO '/dev/null' (FORMAT csv, HEADER)")
"""


def duckdb_peer(threads: int) -> Callable[[Workload, Context], list[str]]:
    def command(w: Workload, ctx: Context) -> list[str]:
        out = str(ctx.work / "out") if w.writes else ""
        return [sys.executable, "-c", DUCKDB_SCRIPT, str(ctx.csv), str(ctx.countries), w.sql, str(threads), out]
    return command


POLARS_SCRIPT = """
import sys, polars as pl
csv, countries, sql, out = sys.argv[1:5]
clicks = pl.scan_csv(csv, try_parse_dates=True)
dims = pl.scan_csv(countries)
query = pl.SQLContext(clicks=clicks, countries=dims).execute(sql)
if out:
    query.sink_csv(pl.PartitionBy(out, key="dt"), mkdir=True)
else:
    query.collect().write_csv("/dev/null")
"""


def polars_peer(w: Workload, ctx: Context) -> list[str]:
    return [sys.executable, "-c", POLARS_SCRIPT, str(ctx.csv), str(ctx.countries), w.sql,
            str(ctx.work / "out") if w.writes else ""]


MP_PEER = Path(__file__).resolve().parent / "mp_peer.py"


def multiprocessing_peer(processes: int) -> Callable[[Workload, Context], list[str]]:
    def command(w: Workload, ctx: Context) -> list[str]:
        return [sys.executable, str(MP_PEER), w.name, str(ctx.csv), str(ctx.countries),
                "--processes", str(processes)]
    return command


def wc_peer(w: Workload, ctx: Context) -> list[str]:
    if w.writes:
        raise ValueError("wc -l writes nothing")
    return ["wc", "-l", str(ctx.csv)]


# Every peer the runner knows; --peers picks some by name. Add a row to compare another
# engine, or another sluice mode, on the same workloads.
PEERS = [
    Peer("sluice", sluice_peer(workers=1), note="--workers 1, the default mode"),
    Peer("sluice-process-w1", sluice_peer(workers=1, mode="process"), note="--mode process --workers 1"),
    Peer("sluice-process-w2", sluice_peer(workers=2, mode="process"), note="--mode process --workers 2"),
    Peer("sluice-thread-w1", sluice_peer(workers=1, mode="thread"), note="--mode thread --workers 1"),
    Peer("sluice-thread-w2", sluice_peer(workers=2, mode="thread"), note="--mode thread --workers 2"),
    Peer("duckdb", duckdb_peer(threads=1), note="SET threads=1"),
    Peer("duckdb-t2", duckdb_peer(threads=2), note="SET threads=2"),
    Peer("polars", polars_peer, env={"POLARS_MAX_THREADS": "1"}, note="POLARS_MAX_THREADS=1"),
    Peer("polars-default", polars_peer, note="Polars' default thread pool (one thread per core)"),
    Peer("multiprocessing", multiprocessing_peer(processes=2),
         note="mp_peer.py: multiprocessing.Pool(2) over the csv module, byte ranges merged by the parent"),
    Peer("wc", wc_peer, note="wc -l (reading the file, the floor)"),
]
DEFAULT_PEERS = ("sluice-process-w1,sluice-process-w2,sluice-thread-w1,sluice-thread-w2,duckdb,duckdb-t2,"
                 "polars,polars-default,multiprocessing,wc")
REFERENCE, FLOOR = "duckdb", "wc"
# Peers that have no partitioned write: they sit out the writing workloads.
WRITES_NOTHING = ("wc", "multiprocessing")
# Peers whose output is checked against DuckDB's row count.
CHECKED = ("sluice", "multiprocessing")
# The ratio table: (column, numerator peer, denominator peer); time over time.
RATIOS = [
    ("process / thread, 2 workers", "sluice-process-w2", "sluice-thread-w2"),
    ("sluice-w2 / DuckDB-t2", "sluice-process-w2", "duckdb-t2"),
    ("sluice-w2 / Polars (default threads)", "sluice-process-w2", "polars-default"),
    ("sluice-w2 / multiprocessing (2)", "sluice-process-w2", "multiprocessing"),
]


# --- running ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    workload: str
    peer: str
    times: list[float] = field(default_factory=list)
    error: str | None = None
    check: str = ""  # "ok", or how the output differs from DuckDB's; "" when not checked

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times and not self.error else None


def run_once(argv: list[str], env: dict, timeout: float) -> tuple[float, str | None]:
    """Wall seconds of one run, and an error text if it failed."""
    full_env = {**os.environ, **env}
    started = time.perf_counter()
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env=full_env, timeout=timeout)
    except FileNotFoundError:
        return 0.0, f"not found: {argv[0]}"
    except subprocess.TimeoutExpired:
        return timeout, f"timed out after {timeout:.0f} s"
    elapsed = time.perf_counter() - started
    if p.returncode != 0:
        lines = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return elapsed, f"exit {p.returncode}: {lines[0][:160] if lines else '(no stderr)'}"
    return elapsed, None


def measure(peer: Peer, w: Workload, ctx: Context, reps: int, warmup: int) -> Outcome:
    out = Outcome(w.name, peer.name)
    try:
        argv = peer.command(w, ctx)
    except Exception as e:  # noqa: BLE001 - a peer that cannot even build its command fails its row
        out.error = f"cannot build the command: {e}"
        return out
    for k in range(warmup + reps):
        if w.writes:
            shutil.rmtree(ctx.work / "out", ignore_errors=True)
        elapsed, error = run_once(argv, peer.env, ctx.timeout)
        if error:
            out.error = error
            return out
        if k >= warmup:
            out.times.append(elapsed)
    return out


def expected_rows(w: Workload, ctx: Context, cache: dict) -> int:
    """How many rows DuckDB returns for the workload (computed once, in this process)."""
    if w.name not in cache:
        import duckdb

        con = duckdb.connect()
        con.execute(f"CREATE VIEW clicks AS SELECT * FROM read_csv('{ctx.csv}')")
        con.execute(f"CREATE VIEW countries AS SELECT * FROM read_csv('{ctx.countries}')")
        cache[w.name] = con.execute(f"SELECT count(*) FROM ({w.sql})").fetchall()[0][0]
    return cache[w.name]


def check_output(peer: Peer, w: Workload, ctx: Context, cache: dict) -> str:
    """A fast wrong answer is no result: one more run of a checked peer (sluice, the
    multiprocessing job) with its CSV output kept, whose row count must be DuckDB's."""
    argv = peer.command(w, ctx)
    if w.writes:
        shutil.rmtree(ctx.work / "out", ignore_errors=True)
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env={**os.environ, **peer.env},
                       timeout=ctx.timeout)
    if p.returncode != 0:
        return f"exit {p.returncode} on the checking run"
    if w.writes:
        files = list((ctx.work / "out").glob("dt=*/*.csv"))
        days = len({f.parent.name for f in files})
        got = sum(sum(1 for _ in open(f, "rb")) - 1 for f in files)  # minus each file's header
        if days != 365:
            return f"{days} partition directories, not 365"
    else:
        got = max(p.stdout.count(b"\n") - 1, 0)  # minus the header line
    want = expected_rows(w, ctx, cache)
    return "ok" if got == want else f"{got:,} rows, DuckDB {want:,}"


# --- reporting ---------------------------------------------------------------------------------


def table(outcomes: list[Outcome], size: int) -> str:
    by = {(o.workload, o.peer): o for o in outcomes}
    lines = ["| workload | peer | median s | MB/s | vs DuckDB 1 thread | % of wc -l MB/s | rows checked |",
             "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for o in outcomes:
        if o.error:
            lines.append(f"| {o.workload} | {o.peer} | failed: {o.error.replace('|', '/')} | | | | |")
            continue
        ref = by.get((o.workload, REFERENCE))
        floor = by.get((o.workload, FLOOR))
        ratio = f"{o.median / ref.median:.2f}x" if ref and ref.median else "n/a"
        pct = f"{100 * floor.median / o.median:.0f}%" if floor and floor.median else "n/a"
        lines.append(f"| {o.workload} | {o.peer} | {o.median:.3f} | {size / 1e6 / o.median:,.0f} | {ratio} | {pct} "
                     f"| {o.check} |")
    return "\n".join(lines)


def ratios(outcomes: list[Outcome]) -> dict[str, dict[str, float | None]]:
    """workload -> ratio column -> median time of the numerator over the denominator's
    (None when either is missing or failed)."""
    by = {(o.workload, o.peer): o for o in outcomes}
    out: dict[str, dict[str, float | None]] = {}
    for workload in dict.fromkeys(o.workload for o in outcomes):
        row = {}
        for column, num, den in RATIOS:
            a, b = by.get((workload, num)), by.get((workload, den))
            row[column] = a.median / b.median if a and b and a.median and b.median else None
        out[workload] = row
    return out


def ratio_table(outcomes: list[Outcome]) -> str:
    lines = ["| workload | " + " | ".join(c for c, _, _ in RATIOS) + " |",
             "| --- |" + " ---: |" * len(RATIOS)]
    for workload, row in ratios(outcomes).items():
        cells = [f"{v:.2f}" if v is not None else "n/a" for v in row.values()]
        lines.append(f"| {workload} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def versions(peers: list[Peer], ctx: Context) -> dict:
    found = {"python": platform.python_version()}
    for module in ("duckdb", "polars"):
        try:
            found[module] = __import__(module).__version__
        except ImportError:
            pass
    if any(p.name.startswith("sluice") for p in peers) and ctx.sluice.exists():
        try:
            p = subprocess.run([str(ctx.sluice), "--version"], capture_output=True, text=True, timeout=10)
            found["sluice"] = p.stdout.strip() or p.stderr.strip()
        except (OSError, subprocess.TimeoutExpired):
            pass
    return found


def results_json(outcomes: list[Outcome], ctx: Context, rows: int, size: int, args, peers: list[Peer]) -> dict:
    by = {(o.workload, o.peer): o for o in outcomes}
    records = []
    for o in outcomes:
        ref, floor = by.get((o.workload, REFERENCE)), by.get((o.workload, FLOOR))
        records.append({
            "workload": o.workload,
            "peer": o.peer,
            "status": "failed" if o.error else "ok",
            "error": o.error,
            "times_s": o.times,
            "median_s": o.median,
            "mb_per_s": size / 1e6 / o.median if o.median else None,
            "vs_duckdb": o.median / ref.median if o.median and ref and ref.median else None,
            "pct_of_wc": 100 * floor.median / o.median if o.median and floor and floor.median else None,
            "check": o.check or None,
        })
    return {
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": versions(peers, ctx),
        "input": {"csv": str(ctx.csv), "rows": rows, "bytes": size},
        "reps": args.reps,
        "warmup": args.warmup,
        "workloads": {w.name: w.sql for w in WORKLOADS},
        "peers": {p.name: p.note for p in peers},
        "results": records,
        "ratios": {"columns": {c: f"{num} / {den}" for c, num, den in RATIOS}, "by_workload": ratios(outcomes)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO / "bench-data", help="where gen_clickstream.py wrote")
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_ROWS", 10_000_000)),
                        help="the row count the data was generated with (checked against its stamp)")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--peers", default=DEFAULT_PEERS,
                        help=f"comma-separated, from: {', '.join(p.name for p in PEERS)}")
    parser.add_argument("--workloads", default=",".join(w.name for w in WORKLOADS))
    parser.add_argument("--bin", type=Path, default=Path(os.environ.get("SLUICE_BIN") or REPO / ".build/release/sluice"))
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per run")
    parser.add_argument("--no-check", dest="check", action="store_false",
                        help="skip comparing the row count of sluice's output with DuckDB's")
    args = parser.parse_args()

    known = {p.name: p for p in PEERS}
    names = [n.strip() for n in args.peers.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        parser.error(f"unknown peers {unknown}; known: {', '.join(known)}")
    peers = [known[n] for n in names]
    by_name = {w.name: w for w in WORKLOADS}
    try:
        workloads = [by_name[n.strip()] for n in args.workloads.split(",") if n.strip()]
    except KeyError as e:
        parser.error(f"unknown workload {e}; known: {', '.join(by_name)}")

    csv = (args.data / "clickstream" / "clickstream.csv").resolve()
    stamp = args.data / "clickstream" / ".stamp.json"
    if not csv.exists() or not stamp.exists():
        print(f"error: {csv} is missing; run Benchmarks/e2e/gen_clickstream.py --rows {args.rows} first", file=sys.stderr)
        return 66
    recorded = json.loads(stamp.read_text())
    rows = recorded["params"]["rows"]
    if rows != args.rows:
        print(f"error: {csv} holds {rows:,} rows, not {args.rows:,}; regenerate it or pass --rows {rows}",
              file=sys.stderr)
        return 65
    size = csv.stat().st_size
    work = args.data / "jobs"
    work.mkdir(parents=True, exist_ok=True)
    countries = (args.data / "countries.csv").resolve()
    if not countries.exists():
        print(f"error: {countries} is missing; run Benchmarks/e2e/gen_clickstream.py --rows {args.rows} first",
              file=sys.stderr)
        return 66
    ctx = Context(csv, countries, work.resolve(), args.bin.resolve(), args.timeout)
    if any(p.name.startswith("sluice") for p in peers) and not ctx.sluice.exists():
        print(f"warning: no sluice binary at {ctx.sluice}; its rows will fail (make release)", file=sys.stderr)
    if not shutil.which("wc"):
        print("warning: wc not found; the % of wc -l column stays empty", file=sys.stderr)

    # Read the file once so that the first peer does not pay for a cold page cache.
    subprocess.run(["cat", str(csv)], stdout=subprocess.DEVNULL, check=False)

    print(f"input: {csv} ({rows:,} rows, {size / 1e6:,.0f} MB); {args.reps} runs each after {args.warmup} warm-up",
          file=sys.stderr)
    outcomes = []
    expected: dict[str, int] = {}
    for w in workloads:
        for peer in peers:
            if w.writes and peer.name in WRITES_NOTHING:
                continue
            o = measure(peer, w, ctx, args.reps, args.warmup)
            if args.check and not o.error and peer.name.startswith(CHECKED):
                o.check = check_output(peer, w, ctx, expected)
            status = f"failed: {o.error}" if o.error else f"median {o.median:.3f} s {o.check}"
            print(f"  {w.name:18} {peer.name:18} {status}", file=sys.stderr)
            outcomes.append(o)

    print(f"\n{rows:,} rows, {size / 1e6:,.0f} MB, {os.cpu_count()} CPUs; median of {args.reps} runs\n")
    print(table(outcomes, size))
    print("\nTime ratios (median over median; below 1: sluice is faster):\n")
    print(ratio_table(outcomes))
    out = args.data / "results.json"
    out.write_text(json.dumps(results_json(outcomes, ctx, rows, size, args, peers), indent=2) + "\n")
    print(f"\nresults: {out}", file=sys.stderr)
    failed = sorted({o.peer for o in outcomes if o.error or o.check not in ("", "ok")})
    if failed:
        print(f"error: runs of {', '.join(failed)} failed or returned the wrong number of rows (see the table)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
