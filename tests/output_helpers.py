"""Pieces of tests/test_output.py: a workspace per test (a temporary directory holding the
job, its input and its output locations, with sluice run inside it), snapshots of a
location's bytes, reading written files back without sluice, and running a job until it
pauses at a commit step and killing it there.
"""

from __future__ import annotations

import csv
import io
import os
import re
import select
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pytest

from conftest import Completed, duck_connect, duck_result, parse_json_lines, result_from_json_rows, run_sluice, sluice_path

# part-<task, 5 digits>-<attempt>-<run: 16 hex digits>[-c<roll-over, 3 digits>].csv
PART_FILE = re.compile(r"^part-(?P<task>\d{5})-(?P<attempt>\d+)-(?P<run>[0-9a-f]{16})(?:-c(?P<roll>\d{3}))?\.csv$")
STAGING_PREFIX = ".sluice-staging-"
DEFAULT_PARTITION = "__HIVE_DEFAULT_PARTITION__"
PAUSE_LINE = "sluice: paused at commit step {step}\n"
COMMIT_STEPS = ["staged", "journaled", "moved-aside", "half-published", "published", "succeeded", "journal-removed"]


class Workspace:
    """A temporary directory in which jobs run (`sluice run job.sql` with it as the working
    directory), so that the relative paths of a job, and of its messages, stay inside."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def job(self, sql: str, name: str = "job.sql") -> Path:
        return self.write(name, sql)

    def argv(self, job: str, mode: str, workers: int, *extra: str) -> list[str]:
        return ["run", job, "--format", "json", "--mode", mode, "--workers", str(workers), *extra]

    def run(self, sql: str, *extra: str, mode: str = "thread", workers: int = 2, quiet: bool = True,
            timeout: float = 90) -> Completed:
        self.job(sql)
        args = self.argv("job.sql", mode, workers, *extra) + (["--quiet"] if quiet else [])
        return run_sluice(args, cwd=self.root, timeout=timeout)

    def ok(self, sql: str, *extra: str, **kw) -> list[tuple]:
        """Runs a job that must succeed; the rows its SELECTs print, as tuples."""
        r = self.run(sql, *extra, **kw)
        assert r.code == 0, r.describe()
        return result_from_json_rows(parse_json_lines(r.stdout)).rows

    def files(self) -> set[str]:
        return {str(p.relative_to(self.root)) for p in self.root.rglob("*")}


def assert_error(r: Completed, status: int, message: str) -> None:
    """The run failed with exactly this message (and nothing else) on stderr."""
    assert (r.code, r.stderr, r.stdout) == (status, f"error: {message}\n", ""), r.describe()


# --- locations ------------------------------------------------------------------------------------


def snapshot(location: Path) -> dict[str, bytes | None]:
    """Every entry under `location`, hidden ones included: a file's relative path to its
    bytes, a directory's to None. Empty when the location does not exist."""
    out: dict[str, bytes | None] = {}
    if not location.exists():
        return out
    for dirpath, dirnames, filenames in os.walk(location):
        base = Path(dirpath)
        for d in dirnames:
            out[str((base / d).relative_to(location)) + "/"] = None
        for f in filenames:
            out[str((base / f).relative_to(location))] = (base / f).read_bytes()
    return out


def staging_left(location: Path) -> list[str]:
    if not location.exists():
        return []
    return sorted(p.name for p in location.iterdir() if p.name.startswith(STAGING_PREFIX))


def unescape(text: str) -> str:
    """Hive's `unescapePathName`: %XX back to the character."""
    return re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), text)


@dataclass
class DataFile:
    path: Path
    relative: str
    partition: str  # the directory, relative to the location ("" when unpartitioned)
    values: tuple  # the partition values the directory names, unescaped (None: the default partition)
    name: re.Match


def data_files(location: Path) -> list[DataFile]:
    """The CSV files under a location (staging directories left out), each with its
    partition directory and the values the directory names; fails on a file whose name is
    not a part file's."""
    files = []
    for path in sorted(location.rglob("*.csv")):
        rel = path.relative_to(location)
        if any(part.startswith(".") for part in rel.parts):
            continue
        match = PART_FILE.match(path.name)
        assert match, f"{rel}: not named part-<task>-<attempt>-<run>.csv"
        dirs = rel.parts[:-1]
        values = []
        for d in dirs:
            key, sep, value = d.partition("=")
            assert sep, f"{rel}: directory {d!r} is not key=value"
            values.append(None if value == DEFAULT_PARTITION else unescape(value))
        files.append(DataFile(path, str(rel), "/".join(dirs), tuple(values), match))
    return files


def read_rows(location: Path, header: bool) -> list[tuple]:
    """Every row of a location's files, as text fields (an empty field is None, as sluice
    writes NULL; the tests write no empty strings into data columns), followed by the
    values its partition directories name."""
    rows = []
    for f in data_files(location):
        records = list(csv.reader(io.StringIO(f.path.read_text(), newline="")))
        if header:
            assert records, f"{f.relative}: empty, expected a header line"
            records = records[1:]
        rows += [tuple(v if v != "" else None for v in fields) + f.values for fields in records]
    return rows


def header_lines(location: Path) -> set[str]:
    return {f.path.read_text().split("\n", 1)[0] for f in data_files(location)}


def run_ids(location: Path) -> set[str]:
    return {f.name.group("run") for f in data_files(location)}


# --- pausing and killing ----------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


def kill_at_commit_step(ws: Workspace, sql: str, step: str, mode: str, timeout: float = 60) -> str:
    """Runs `sql` with `sluice.test.commitPauseAt=step`, waits for the pause line on stderr,
    then SIGKILLs the run (its process group and its workers) and reaps it. Returns what
    it had written on stderr."""
    ws.job(sql, "crash.sql")
    argv = [str(sluice_path()), *ws.argv("crash.sql", mode, 2, "--set", f"sluice.test.commitPauseAt={step}")]
    proc = subprocess.Popen(argv, cwd=ws.root, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    err = b""
    deadline = time.monotonic() + timeout
    try:
        while PAUSE_LINE.format(step=step).encode() not in err:
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"no pause at {step} within {timeout:.0f} s; stderr: {err.decode(errors='replace')}")
            ready, _, _ = select.select([proc.stderr], [], [], left)
            if ready:
                chunk = os.read(proc.stderr.fileno(), 65536)
                if not chunk:
                    proc.wait()
                    pytest.fail(f"sluice exited with {proc.returncode} before pausing at {step}: {err.decode(errors='replace')}")
                err += chunk
    finally:
        workers = children(proc.pid)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        for w in workers:
            try:
                os.kill(w, signal.SIGKILL)
            except ProcessLookupError:
                pass
        proc.wait()
        proc.stderr.close()
        end = time.monotonic() + 5
        while any(alive(w) for w in workers) and time.monotonic() < end:
            time.sleep(0.01)
    return err.decode(errors="replace")


# --- input data ---------------------------------------------------------------------------------------


def csv_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def daily_revenue_results(data: Path, out: Path):
    """The sample job (data/jobs/daily_revenue.sql) by DuckDB on the input under `data`,
    and the job's output at `out` as DuckDB reads it back (hive partitioning)."""
    con = duck_connect([
        f"""CREATE VIEW events AS SELECT * FROM read_csv('{data}/events/*/*.csv', header=true, hive_partitioning=true,
            escape='"', sample_size=-1, nullstr='')""",
        f"""CREATE VIEW countries AS SELECT * FROM read_csv('{data}/countries.csv', header=true, escape='"',
            sample_size=-1, nullstr='')""",
    ])
    try:
        expected = duck_result(con, """SELECT c.region, e.event_type, count(*) AS n, sum(e.amount) AS total, e.dt
                                       FROM events e JOIN countries c ON e.country = c.code WHERE e.amount > 0
                                       GROUP BY e.dt, c.region, e.event_type""")
        actual = duck_result(con, f"""SELECT region, event_type, n, total, dt FROM read_csv('{out}/*/*.csv', header=true,
                                      hive_partitioning=true, escape='"', sample_size=-1, nullstr='')""")
    finally:
        con.close()
    return expected, actual
