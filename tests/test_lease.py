"""Cron coordination by a lease, end to end: overlapping `sluice run`s of one job elect one
coordinator through the job's lease directory (`epoch-<N>` records, `journal-<N>`), the
others exit 75 (`--no-wait`) or stand by (`--wait`); a coordinator that dies or stops
renewing is taken over, and the new one resumes from its journal; a coordinator that lost
its lease publishes nothing.

- several candidates started at once: one coordinates, the rest exit 75 or wait their turn;
- the holder SIGKILLed mid-job or at a commit step: a standby takes over at once and reuses
  the finished write tasks (journal records `"resumed": true`, the report's resumedTasks);
- the holder SIGSTOPped past its lease: a standby takes over; the old holder, continued,
  exits 75 and publishes nothing;
- the holder killed in the commit of the first of two INSERTs: that INSERT is not run again
  (committedBy), the second is;
- unreadable records, another host's records: taken over only after a whole unchanged lease;
  a record of a live process on this host is held, of a reused pid taken at once;
- a job that writes nothing takes no lease; a lease directory that cannot be written (73);
  `sluice lease status`; and the README's crontab line run twice at once.

Every run is a process of its own session; the `spawn` fixture kills whatever a test
leaves (supervisors, stopped or not, and their workers) and reaps it.
"""

from __future__ import annotations

import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from conftest import (EX_CANTCREAT, EX_NOINPUT, EX_OK, EX_USAGE, REPO, Completed, compare_results,
                      run_sluice, sluice_path)
from output_helpers import PART_FILE, Workspace, daily_revenue_results, alive, children, csv_text, data_files, read_rows, snapshot, staging_left

pytestmark = pytest.mark.engine

EX_TEMPFAIL = 75
HOST = socket.gethostname()
LEASE_SECONDS = 3.0
# A short lease: renewed every 0.5 s, lost when not renewed for 2 s, expired after 3 s.
SHORT = ["--set", "sluice.lease.duration=3s", "--set", "sluice.lease.renewDeadline=2s",
         "--set", "sluice.lease.retryPeriod=500ms"]
LEASE_DIR = "out/.sluice/t"
LOG = r"^\S+ info sluice: \[SluiceRuntime\] "

HELD_TAIL = (". This run did nothing (--no-wait); it ends with 75 so that cron tries again later, "
             "or use --wait to stand by and take over")
LOST = re.compile(r"^error: lost the lease at out/\.sluice/t \(epoch 1\): it was not renewed for [\d.]+ s "
                  r"\(sluice\.lease\.renewDeadline is 2\.0 s\)\. This run stops and publishes nothing; "
                  r"the new coordinator finishes the job$")
SUPERSEDED = re.compile(r"^error: out/t is being written by a coordinator of epoch 2 \(out/t/\.sluice-staging-2\S*\); "
                        r"this run holds epoch 1, so it was superseded and publishes nothing\. .*$")


# --- CRC-32C, as the lease record and the journal lines carry it -----------------------------------------

def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC_TABLE = _crc_table()


def crc32c(data: bytes) -> str:
    c = 0xFFFFFFFF
    for b in data:
        c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return format(c ^ 0xFFFFFFFF, "08x")


assert crc32c(b"123456789") == "e3069283"


def lease_record(path: Path) -> dict:
    """An `epoch-<N>` file: JSON, then `crc32c=<hex>` of the JSON's bytes."""
    data = path.read_bytes()
    json_bytes, sep, tail = data.rpartition(b"\ncrc32c=")
    assert sep, f"{path}: no crc32c line: {data!r}"
    assert tail.decode().strip() == crc32c(json_bytes), f"{path}: the checksum does not match: {data!r}"
    return json.loads(json_bytes)


def journal(path: Path) -> list[dict]:
    """A `journal-<N>` file: `<crc32c hex> <json>` per line, every line checked."""
    records = []
    for n, line in enumerate(path.read_bytes().split(b"\n")[:-1], 1):
        crc, _, body = line.partition(b" ")
        assert crc.decode() == crc32c(body), f"{path}:{n}: the checksum does not match: {line[:200]!r}"
        records.append(json.loads(body))
    assert path.read_bytes().endswith(b"\n"), f"{path}: the last line is not complete"
    return records


def lease_files(ws: Workspace) -> list[str]:
    return sorted(p.name for p in (ws.root / LEASE_DIR).iterdir())


def wait_for_holder(ws: Workspace, proc: "Proc", epoch: int = 1, timeout: float = 30) -> None:
    """Waits until `proc` holds the lease as `epoch`."""
    path = ws.root / LEASE_DIR / f"epoch-{epoch}"

    def held() -> bool:
        if proc.p.poll() is not None:
            pytest.fail(f"sluice exited with {proc.p.returncode} before it took the lease:\n{proc.describe()}", pytrace=False)
        try:
            return lease_record(path)["pid"] == proc.pid
        except (FileNotFoundError, AssertionError, ValueError):
            return False
    wait_until(f"pid {proc.pid} to hold the lease as epoch {epoch}", held, timeout)


def task_records(records: list[dict], epoch: int | None = None, resumed: bool | None = None) -> list[dict]:
    return [r for r in records if r["kind"] == "task" and (epoch is None or r["epoch"] == epoch)
            and (resumed is None or bool(r.get("resumed")) == resumed)]


def count_tasks(path: Path) -> int:
    """Task records in a journal being written (a torn last line is not counted)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0
    return sum(1 for line in data.split(b"\n")[:-1] if b'"kind":"task"' in line)


# --- processes ----------------------------------------------------------------------------------------------

def proc_state(pid: int) -> str | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("State:"):
                return line.split()[1]
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def session_members(sid: int) -> list[int]:
    """Live (not zombie) processes of session `sid`: a run started with its own session and
    the workers it forked."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            out.append(int(entry))
    return out


def wait_until(what: str, predicate: Callable[[], bool], timeout: float, interval: float = 0.005) -> float:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}", pytrace=False)
        time.sleep(interval)
    return time.monotonic()


class Proc:
    """`sluice ARGS` running in its own session, its stdout and stderr read by threads."""

    def __init__(self, args: list[str], cwd: Path):
        args = [str(a) for a in args]
        self.argv = args if args[0] == str(sluice_path()) else [str(sluice_path()), *args]
        self.started = time.monotonic()
        self.p = subprocess.Popen(self.argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, start_new_session=True)
        self.pid = self.p.pid
        self._lock = threading.Lock()
        self._buf = {"out": bytearray(), "err": bytearray()}
        self._threads = [threading.Thread(target=self._pump, args=(self.p.stdout, "out"), daemon=True),
                         threading.Thread(target=self._pump, args=(self.p.stderr, "err"), daemon=True)]
        for t in self._threads:
            t.start()
        self.ended: float | None = None

    def _pump(self, stream, key: str) -> None:
        fd = stream.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self._buf[key] += chunk

    @property
    def stderr(self) -> str:
        with self._lock:
            return self._buf["err"].decode(errors="replace")

    @property
    def stdout(self) -> str:
        with self._lock:
            return self._buf["out"].decode(errors="replace")

    def wait_stderr(self, pattern: str, timeout: float = 30) -> re.Match:
        """Waits for a line of stderr matching the regex `pattern`; returns the match (the
        time it was seen: `self.seen`)."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        while True:
            m = rx.search(self.stderr)
            if m:
                self.seen = time.monotonic()
                return m
            if self.p.poll() is not None:
                time.sleep(0.05)
                m = rx.search(self.stderr)
                if m:
                    self.seen = time.monotonic()
                    return m
                pytest.fail(f"sluice exited with {self.p.returncode} before writing /{pattern}/ on stderr:\n"
                            f"{self.describe()}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"no /{pattern}/ on stderr within {timeout:.0f} s:\n{self.describe()}", pytrace=False)
            time.sleep(0.005)

    def wait_stopped(self, step: str = "staged", timeout: float = 30) -> None:
        """Waits until the process announced the commit step and stopped itself there
        (`sluice.test.commitStopAt`)."""
        self.wait_stderr(rf"^sluice: paused at commit step {step}$", timeout)
        def stopped():
            if self.p.poll() is not None:
                pytest.fail(f"sluice exited with {self.p.returncode} before it stopped:\n{self.describe()}", pytrace=False)
            return proc_state(self.pid) == "T"
        wait_until(f"pid {self.pid} to stop", stopped, timeout)

    def finish(self, timeout: float = 60) -> Completed:
        try:
            self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"sluice did not finish within {timeout:.0f} s:\n{self.describe()}", pytrace=False)
        self.ended = self.ended or time.monotonic()
        for t in self._threads:
            t.join(timeout=10)
        return Completed(self.p.returncode, self.stdout, self.stderr, self.argv)

    def kill(self) -> None:
        """SIGKILL to the supervisor alone, then reaps it."""
        os.kill(self.pid, signal.SIGKILL)
        self.p.wait()
        self.ended = time.monotonic()

    def describe(self) -> str:
        return (f"$ {shlex.join(self.argv)}\nexit status {self.p.returncode}\n--- stderr ---\n{self.stderr[-4000:]}\n"
                f"--- stdout ---\n{self.stdout[:2000]}")

    def cleanup(self) -> None:
        """Kills what is left of the run: the supervisor (continued first if stopped) and
        every process of its session; reaps the supervisor."""
        if self.p.poll() is None:
            for sig in (signal.SIGCONT, signal.SIGKILL):
                try:
                    os.killpg(self.pid, sig)
                except ProcessLookupError:
                    pass
            self.p.wait()
        for pid in session_members(self.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        wait_until(f"the processes of session {self.pid} to end", lambda: not session_members(self.pid), 10)
        for t in self._threads:
            t.join(timeout=10)
        for stream in (self.p.stdout, self.p.stderr):
            stream.close()


@pytest.fixture()
def spawn():
    """`spawn(args, cwd)` starts `sluice ARGS` as a Proc; everything is killed and reaped at
    the end of the test."""
    procs: list[Proc] = []

    def start(args: list[str], cwd: Path) -> Proc:
        p = Proc(args, cwd)
        procs.append(p)
        return p

    yield start
    problems = []
    for p in procs:
        try:
            p.cleanup()
        except BaseException as e:  # noqa: BLE001 - clean up the others first
            problems.append(f"pid {p.pid}: {e}")
    assert not problems, problems


def assert_no_process_left(*procs: Proc) -> None:
    """The runs ended, and so did every worker they forked (by themselves)."""
    for p in procs:
        assert p.p.poll() is not None, f"pid {p.pid} still runs"
        wait_until(f"the workers of pid {p.pid} to end by themselves", lambda: not session_members(p.pid), 10)


# --- the job and its data -----------------------------------------------------------------------------------

HEAD = ["id", "user", "score", "dt"]
ROWS = 60_000
FINE, MEDIUM, COARSE = "8KB", "16KB", "64KB"  # about 250, 125 and 32 write tasks
SPLIT_BYTES = {FINE: 8 * 1024, MEDIUM: 16 * 1024, COARSE: 64 * 1024}


def task_count(source, splits: str) -> int:
    """The write tasks of the job: one per split of the input."""
    return -(-len(source[0].encode()) // SPLIT_BYTES[splits])


def job_sql(splits: str = COARSE) -> str:
    """A map-only, partitioned INSERT OVERWRITE: statement 4 of the job, one write task per
    split of the input."""
    return ("CREATE TEMPORARY VIEW src USING csv OPTIONS (path 'in/src.csv', header 'true', "
            "schema 'id INT, user STRING, score BIGINT, dt DATE');\n"
            "CREATE TABLE t (id INT, user STRING, score BIGINT, dt DATE) USING csv PARTITIONED BY (dt) "
            "LOCATION 'out/t' OPTIONS (header 'true');\n"
            f"SET spark.sql.files.maxPartitionBytes={splits};\n"
            "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, user, score, dt FROM src;\n")


INSERT_STATEMENT = 4


@pytest.fixture(scope="module")
def source() -> tuple[str, list[tuple]]:
    """2 MB over two days: the CSV text and its rows as the output files hold them (text
    fields, then the partition value)."""
    rng = random.Random(2024)
    rows = [(str(i), f"user{rng.randrange(10_000):05d}", str(rng.randrange(1_000_000)), f"2024-02-0{1 + i % 2}")
            for i in range(ROWS)]
    return csv_text(HEAD, rows), sorted(rows)


# The input of a later run that must be told apart from the first's.
NEW_ROWS = [(str(1_000_000 + i), f"new{i:03d}", str(i * 7), f"2024-03-0{1 + i % 3}") for i in range(50)]


@pytest.fixture()
def ws(tmp_path: Path, source) -> Workspace:
    w = Workspace(tmp_path)
    w.write("in/src.csv", source[0])
    w.job(job_sql())
    return w


def run_argv(*extra: str, job: str = "job.sql") -> list[str]:
    return ["run", job, "--mode", "process", "--workers", "2", *extra]


def replace_input(ws: Workspace, rows: list[tuple]) -> None:
    """New input under the same name (a new file, renamed over the old: readers of the old
    one keep reading it); its size and modification time differ, so a later run of the
    job starts afresh."""
    tmp = ws.write("in/.src.csv.new", csv_text(HEAD, rows))
    os.replace(tmp, ws.root / "in/src.csv")


def output_rows(ws: Workspace) -> list[tuple]:
    return sorted(read_rows(ws.root / "out/t", header=True))


def assert_clean_output(ws: Workspace, expected: list[tuple]) -> None:
    """The location holds exactly `expected` (a clean run's rows), a header in every file,
    no staging or trash left, `_SUCCESS`."""
    loc = ws.root / "out/t"
    got = output_rows(ws)
    assert len(got) == len(expected) and got == expected, \
        f"{len(got)} rows at out/t, expected {len(expected)}; first differences: " \
        f"{[r for r in got if r not in set(expected)][:5]} / {[r for r in expected if r not in set(got)][:5]}"
    assert (loc / "_SUCCESS").read_bytes() == b""
    assert not [n for n in os.listdir(loc) if n.startswith(".")], os.listdir(loc)
    assert sorted({f.partition for f in data_files(loc)}) == sorted({f"dt={r[3]}" for r in expected})


def file_runs(ws: Workspace) -> dict[str, set[int]]:
    """Run id -> the task numbers of its files at out/t."""
    out: dict[str, set[int]] = {}
    for f in data_files(ws.root / "out/t"):
        out.setdefault(f.name["run"], set()).add(int(f.name["task"]))
    return out


def staged_runs(ws: Workspace) -> set[str]:
    """The run ids of the files staged at out/t."""
    runs = set()
    for staging in staging_left(ws.root / "out/t"):
        for p in (ws.root / "out/t" / staging).rglob("part-*.csv"):
            m = PART_FILE.match(p.name)
            assert m, f"{p}: not a part file's name"
            runs.add(m.group("run"))
    return runs


def assert_released_by(ws: Workspace, epoch: int, pid: int, *, lease_millis: int = 3000, host: str = HOST) -> dict:
    """The lease directory after a clean run: only that epoch's record, released, and its
    journal, ending with `done`."""
    assert lease_files(ws) == [f"epoch-{epoch}", f"journal-{epoch}"]
    rec = lease_record(ws.root / LEASE_DIR / f"epoch-{epoch}")
    assert (rec["epoch"], rec["released"], rec["pid"], rec["host"], rec["job"], rec["leaseMillis"]) == \
           (epoch, True, pid, host, "job.sql", lease_millis), rec
    assert re.fullmatch(rf"{re.escape(host)}:{pid}:[0-9a-f]+", rec["holder"]), rec
    records = journal(ws.root / LEASE_DIR / f"journal-{epoch}")
    assert records[0]["kind"] == "begin" and records[0]["epoch"] == epoch
    assert records[-1] == {"epoch": epoch, "fingerprint": "", "kind": "done"}
    commits = [r for r in records if r["kind"] == "commit"]
    assert [(c["statement"], c["location"]) for c in commits] == [(INSERT_STATEMENT, "out/t")]
    return rec


def held_message(epoch: int, pid: int, host: str, how: str) -> str:
    return (rf"error: the job's lease at out/\.sluice/t is held by a live coordinator: epoch {epoch}, held by pid {pid} "
            rf"on {re.escape(host)} \(holder {re.escape(host)}:{pid}:[0-9a-f]+, job job\.sql\), {how}"
            + re.escape(HELD_TAIL) + "\n")


def read_report(path: Path) -> dict:
    return json.loads(path.read_text())


# --- 1. candidates started at once ------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 5])
def test_candidates_started_at_once_elect_one_coordinator(ws: Workspace, source, spawn, n: int) -> None:
    expected = source[1]
    ws.job(job_sql(FINE))  # a job long enough for the candidates to overlap
    for round_ in (1, 2):
        runs = [spawn(run_argv("--no-wait", "--quiet", "--report", f"r{round_}-{k}.json", *SHORT), ws.root)
                for k in range(n)]
        done = [r.finish() for r in runs]
        winners = [k for k, d in enumerate(done) if d.code == EX_OK]
        assert len(winners) == 1, "\n\n".join(r.describe() for r in runs)
        (w,) = winners
        assert done[w].stderr == "" and done[w].stdout == "", runs[w].describe()
        for k, d in enumerate(done):
            if k == w:
                continue
            assert d.code == EX_TEMPFAIL and d.stdout == "", runs[k].describe()
            assert re.fullmatch(held_message(round_, runs[w].pid, HOST, r"renewed [\d.]+ s ago"), d.stderr), runs[k].describe()
            report = read_report(ws.root / f"r{round_}-{k}.json")
            assert report["status"] == EX_TEMPFAIL and report["error"] == d.stderr.strip().removeprefix("error: ")
            assert report.get("epoch") is None and report["outputs"] == []
        # The epoch rose by exactly one: the winner's record is the only one, released.
        assert_released_by(ws, round_, runs[w].pid)
        winner_report = read_report(ws.root / f"r{round_}-{w}.json")
        assert winner_report["epoch"] == round_ and winner_report["status"] == 0
        assert winner_report["outputs"][0]["rows"] == ROWS and winner_report["outputs"][0]["resumedTasks"] == 0
        assert_clean_output(ws, expected)
        # INSERT OVERWRITE: the files of one run only.
        assert len(file_runs(ws)) == 1
        assert_no_process_left(*runs)


def test_candidates_started_at_once_with_wait_run_one_after_another(ws: Workspace, source, spawn) -> None:
    n = 5
    ws.job(job_sql(MEDIUM))  # long enough for all to start before the first ends
    runs = [spawn(run_argv("--wait", "--report", f"r{k}.json", *SHORT), ws.root) for k in range(n)]
    done = [r.finish(timeout=90) for r in runs]
    assert [d.code for d in done] == [EX_OK] * n, "\n\n".join(r.describe() for r in runs)
    reports = [read_report(ws.root / f"r{k}.json") for k in range(n)]
    # Each took the lease in turn: epochs 1..5, each once; the first ran without waiting.
    assert sorted(r["epoch"] for r in reports) == list(range(1, n + 1))
    order = sorted(range(n), key=lambda k: reports[k]["epoch"])
    first = order[0]
    assert "waiting for the lease" not in done[first].stderr, runs[first].describe()
    for k in order[1:]:
        assert re.search(LOG + r"waiting for the lease at out/\.sluice/t: epoch \d, held by pid \d+ on "
                         + re.escape(HOST) + r" \(holder \S+, job job\.sql\), renewed [\d.]+ s ago$", done[k].stderr, re.M), \
            runs[k].describe()
        # Released leases are taken without waiting for them to expire, and nothing is resumed:
        # the journal before ended with `done`.
        assert "took over" not in done[k].stderr and "resum" not in done[k].stderr, runs[k].describe()
    for r in reports:
        assert r["status"] == 0 and r["outputs"][0]["rows"] == ROWS and r["outputs"][0]["resumedTasks"] == 0
        assert "committedBy" not in r["outputs"][0]
    last = order[-1]
    assert_released_by(ws, n, runs[last].pid)
    # The last run's overwrite replaced everything the earlier ones wrote.
    assert_clean_output(ws, source[1])
    assert len(file_runs(ws)) == 1
    assert_no_process_left(*runs)


def test_wait_and_no_wait_exclude_each_other(ws: Workspace) -> None:
    r = run_sluice(run_argv("--wait", "--no-wait"), cwd=ws.root)
    assert r.code == EX_USAGE and r.stderr.startswith("error: --wait and --no-wait exclude each other\n"), r.describe()
    assert not (ws.root / "out").exists()


# --- 2. the holder SIGKILLed ------------------------------------------------------------------------------------

def check_resumed(ws: Workspace, standby: Proc, report: dict, expected: list[tuple], *, all_tasks: bool, tasks: int,
                  lease_millis: int = 15000, host: str = HOST) -> None:
    """The standby (epoch 2) reused the write tasks epoch 1 finished: its journal copies
    epoch 1's task records and adds one `"resumed": true` record per reused task; the
    report counts them; the reused tasks' files (epoch 1's run id) are published as they are."""
    assert lease_files(ws) == ["epoch-2", "journal-2"]
    records = journal(ws.root / LEASE_DIR / "journal-2")
    inherited = task_records(records, epoch=1)
    resumed = task_records(records, epoch=2, resumed=True)
    ran = task_records(records, epoch=2, resumed=False)
    assert inherited and not any(r.get("resumed") for r in inherited)
    assert not [r for r in records if r["kind"] == "commit" and r["epoch"] == 1], "epoch 1 did not commit"
    assert sorted(r["task"] for r in resumed) == sorted(r["task"] for r in inherited)
    assert all(r["statement"] == INSERT_STATEMENT and r["location"] == "out/t" for r in inherited + resumed + ran)
    # A task's files, as epoch 1 recorded them, are reused unchanged.
    by_task = {r["task"]: r["files"] for r in inherited}
    assert all(r["files"] == by_task[r["task"]] for r in resumed)
    assert not {r["task"] for r in ran} & {r["task"] for r in resumed}
    total = len(resumed) + len(ran)
    assert total == tasks and sorted(r["task"] for r in resumed + ran) == list(range(tasks))
    out = report["outputs"][0]
    assert report["epoch"] == 2 and report["status"] == 0
    assert out["resumedTasks"] == len(resumed) > 0 and out["rows"] == ROWS and "committedBy" not in out
    if all_tasks:
        assert not ran
    else:
        assert 0 < len(resumed) < total
    m = re.search(LOG + r"resuming the job from the journal of epoch 1: (\d+) finished tasks and 0 commits recorded$",
                  standby.stderr, re.M)
    assert m and int(m.group(1)) == len(inherited), standby.stderr
    assert re.search(LOG + r"resumed out/t: adopted the staging of epoch 1\b.* with its finished tasks' files$",
                     standby.stderr, re.M), standby.stderr
    assert re.search(LOG + rf"resuming INSERT into table t: {len(resumed)} write tasks finished by epoch 1 are not run again$",
                     standby.stderr, re.M), standby.stderr
    assert_clean_output(ws, expected)
    # Epoch 1's files are those of the reused tasks, the rest the standby's own.
    runs = file_runs(ws)
    epoch1_files = {f["name"] for r in resumed for f in r["files"]}
    published = {f.path.name for f in data_files(ws.root / "out/t")}
    assert epoch1_files <= published
    old_runs = {PART_FILE.match(n).group("run") for n in epoch1_files}
    assert len(old_runs) == 1
    (old_run,) = old_runs
    assert runs[old_run] == {r["task"] for r in resumed}
    assert len(runs) == (1 if all_tasks else 2)
    assert_released_by(ws, 2, standby.pid, lease_millis=lease_millis, host=host)


@pytest.mark.parametrize("standby_start", ["already-waiting", "right-after"])
def test_holder_killed_mid_job_is_taken_over_at_once_and_resumed(ws: Workspace, source, spawn, standby_start: str) -> None:
    """Default lease (15 s): a dead holder on this host is taken over at once, not after
    its lease."""
    ws.job(job_sql(FINE))
    holder = spawn(run_argv(), ws.root)
    wait_for_holder(ws, holder)
    standby = None
    if standby_start == "already-waiting":
        standby = spawn(run_argv("--wait", "--report", "r2.json"), ws.root)
        standby.wait_stderr(LOG + r"waiting for the lease at out/\.sluice/t: epoch 1, held by pid "
                            + rf"{holder.pid} on {re.escape(HOST)} \(holder {re.escape(HOST)}:{holder.pid}:[0-9a-f]+, "
                            r"job job\.sql\), renewed [\d.]+ s ago$")
    wait_until("a finished write task in journal-1", lambda: count_tasks(ws.root / LEASE_DIR / "journal-1") >= 1, 30, 0.001)
    assert holder.p.poll() is None, holder.describe()
    workers = children(holder.pid)
    holder.kill()
    killed = holder.ended
    # Its workers end by themselves.
    wait_until(f"the workers {workers} of the killed holder to end", lambda: not any(alive(w) for w in workers), 10)
    if standby is None:
        standby = spawn(run_argv("--wait", "--report", "r2.json"), ws.root)
    result = standby.finish(timeout=60)
    elapsed = standby.ended - killed
    assert result.code == EX_OK, standby.describe()
    assert elapsed < 10, f"the standby finished {elapsed:.1f} s after the kill; a dead holder must be taken over at once"
    assert re.search(LOG + rf"took over the lease at out/\.sluice/t as epoch 2: epoch 1 expired \(its process {holder.pid} is gone\)$",
                     result.stderr, re.M), standby.describe()
    check_resumed(ws, standby, read_report(ws.root / "r2.json"), source[1], all_tasks=False, tasks=task_count(source, FINE))
    assert_no_process_left(holder, standby)


def test_holder_killed_at_commit_step_staged_is_resumed_with_every_task(ws: Workspace, source, spawn) -> None:
    holder = spawn(run_argv("--set", "sluice.test.commitPauseAt=staged"), ws.root)
    wait_for_holder(ws, holder)
    standby = spawn(run_argv("--wait", "--report", "r2.json"), ws.root)
    holder.wait_stderr(r"^sluice: paused at commit step staged$")
    standby.wait_stderr(LOG + r"waiting for the lease at out/\.sluice/t: epoch 1, held by pid " + str(holder.pid))
    tasks = count_tasks(ws.root / LEASE_DIR / "journal-1")
    assert tasks == task_count(source, COARSE)
    holder.kill()
    killed = holder.ended
    result = standby.finish(timeout=60)
    assert result.code == EX_OK, standby.describe()
    assert standby.ended - killed < 10
    assert re.search(LOG + rf"took over the lease at out/\.sluice/t as epoch 2: epoch 1 expired \(its process {holder.pid} is gone\)$",
                     result.stderr, re.M), standby.describe()
    report = read_report(ws.root / "r2.json")
    assert report["outputs"][0]["resumedTasks"] == tasks
    # No task ran again: no stage, or one that wrote no row.
    assert re.search(LOG + rf"all {tasks} write tasks of INSERT into table t were finished by epoch 1: only the commit is left$"
                     + "|" + LOG + rf"stage 0 \(1 of 1, scan csv in/src\.csv\): {tasks} tasks, 0 rows out", result.stderr, re.M), \
        result.stderr
    assert not re.search(r"stage \d+ .*: [1-9]\d* rows out", result.stderr), result.stderr
    check_resumed(ws, standby, report, source[1], all_tasks=True, tasks=task_count(source, COARSE))
    assert_no_process_left(holder, standby)


# --- 3. the holder SIGSTOPped past its lease ----------------------------------------------------------------------

@pytest.mark.parametrize("stop", ["mid-job", "commit-step-staged"])
def test_stopped_holder_is_taken_over_and_publishes_nothing_when_continued(ws: Workspace, source, spawn, stop: str) -> None:
    extra = ["--set", "sluice.test.commitStopAt=staged"] if stop == "commit-step-staged" else []
    if stop == "mid-job":
        ws.job(job_sql(FINE))
    old = spawn(run_argv(*SHORT, *extra), ws.root)
    if stop == "mid-job":
        wait_until("a finished write task in journal-1", lambda: count_tasks(ws.root / LEASE_DIR / "journal-1") >= 1, 30, 0.001)
        os.kill(old.pid, signal.SIGSTOP)
        wait_until("the holder to stop", lambda: proc_state(old.pid) == "T", 10)
    else:
        old.wait_stopped()
        assert old.stderr.endswith("sluice: paused at commit step staged\n"), old.describe()
    stopped = time.monotonic()
    old_runs = staged_runs(ws)
    assert old_runs, "the stopped holder staged no file"
    # The next run reads other input: it starts afresh, and its rows tell the runs apart.
    replace_input(ws, NEW_ROWS)
    standby = spawn(run_argv("--wait", "--report", "r2.json", *SHORT), ws.root)
    result = standby.finish(timeout=60)
    assert result.code == EX_OK, standby.describe()
    m = re.search(LOG + rf"took over the lease at out/\.sluice/t as epoch 2: epoch 1 expired \(its process {old.pid} "
                  r"has not renewed it for ([\d.]+) s\)$", result.stderr, re.M)
    assert m and float(m.group(1)) >= LEASE_SECONDS, standby.describe()
    # Its record was renewed at most a retry period (0.5 s) before it stopped.
    assert time.monotonic() - stopped >= LEASE_SECONDS - 0.5
    assert "adopted" not in result.stderr and re.search(
        LOG + r"recovered out/t: removed \.sluice-staging-1-\S+, which holds no commit to finish$", result.stderr, re.M), \
        standby.describe()
    # Epoch 1's records were copied, but none reused (the input changed).
    records = journal(ws.root / LEASE_DIR / "journal-2")
    inherited = task_records(records, epoch=1)
    assert not task_records(records, resumed=True) and not [r for r in records if r["kind"] == "commit" and r["epoch"] == 1]
    if stop == "mid-job":
        assert 1 <= len(inherited) < task_count(source, FINE), "the holder was not stopped mid-job"
    else:
        assert len(inherited) == task_count(source, COARSE)
    assert [r["task"] for r in task_records(records, epoch=2)] == [0]  # the new input is one split
    report = read_report(ws.root / "r2.json")
    assert report["epoch"] == 2 and report["outputs"][0]["resumedTasks"] == 0 and report["outputs"][0]["rows"] == len(NEW_ROWS)
    assert_clean_output(ws, sorted(NEW_ROWS))
    new_runs = set(file_runs(ws))
    assert len(new_runs) == 1 and not new_runs & old_runs
    after_standby = snapshot(ws.root / "out/t")
    record2 = (ws.root / LEASE_DIR / "epoch-2").read_bytes()
    assert lease_record(ws.root / LEASE_DIR / "epoch-2")["released"] is True

    # The old holder continues: it lost its lease, exits 75 and publishes nothing.
    os.kill(old.pid, signal.SIGCONT)
    gone = old.finish(timeout=60)
    assert gone.code == EX_TEMPFAIL and gone.stdout == "", old.describe()
    last = gone.stderr.rstrip("\n").splitlines()[-1]
    assert LOST.match(last) or SUPERSEDED.match(last), old.describe()
    assert snapshot(ws.root / "out/t") == after_standby, "the old holder changed the location after it lost its lease"
    assert (ws.root / LEASE_DIR / "epoch-2").read_bytes() == record2
    assert lease_files(ws) == ["epoch-2", "journal-2"]
    assert_clean_output(ws, sorted(NEW_ROWS))
    assert_no_process_left(old, standby)


def test_run_stopped_with_its_workers_mid_write_changes_nothing_after_the_standby_resumed(ws: Workspace, source,
                                                                                          spawn) -> None:
    """The whole run (supervisor and workers, mid-task) stopped past its lease; the standby,
    on the same input, adopts its staging, reuses its finished tasks and commits. Continued,
    the old run's workers finish their writes and its supervisor exits 75: the location and
    the lease stay exactly as the standby left them."""
    ws.job(job_sql(FINE))
    old = spawn(run_argv(*SHORT), ws.root)
    wait_until("a finished write task in journal-1", lambda: count_tasks(ws.root / LEASE_DIR / "journal-1") >= 1, 30, 0.001)
    os.killpg(old.pid, signal.SIGSTOP)
    members = session_members(old.pid)
    assert len(members) == 3, members  # the supervisor and its two workers
    wait_until("the run to stop", lambda: all(proc_state(p) in ("T", None) for p in members), 10)
    standby = spawn(run_argv("--wait", "--report", "r2.json", *SHORT), ws.root)
    result = standby.finish(timeout=60)
    assert result.code == EX_OK, standby.describe()
    assert re.search(LOG + rf"took over the lease at out/\.sluice/t as epoch 2: epoch 1 expired \(its process {old.pid} "
                     r"has not renewed it for [\d.]+ s\)$", result.stderr, re.M), standby.describe()
    check_resumed(ws, standby, read_report(ws.root / "r2.json"), source[1], all_tasks=False, tasks=task_count(source, FINE),
                  lease_millis=3000)
    after = snapshot(ws.root / "out/t")
    lease_after = snapshot(ws.root / LEASE_DIR)

    os.killpg(old.pid, signal.SIGCONT)
    gone = old.finish(timeout=60)
    assert gone.code == EX_TEMPFAIL and gone.stdout == "", old.describe()
    last = gone.stderr.rstrip("\n").splitlines()[-1]
    assert LOST.match(last) or SUPERSEDED.match(last), old.describe()
    assert_no_process_left(old, standby)
    assert snapshot(ws.root / "out/t") == after, "the old run changed the location after it lost its lease"
    assert snapshot(ws.root / LEASE_DIR) == lease_after
    assert_clean_output(ws, source[1])


TWO_INSERTS = (job_sql(COARSE) + "CREATE TABLE u (dt DATE, n BIGINT) USING csv LOCATION 'out/u' OPTIONS (header 'true');\n"
               "INSERT OVERWRITE TABLE u SELECT dt, count(*) FROM t GROUP BY dt;\n")


@pytest.mark.parametrize("step", ["journaled", "journal-removed"])
def test_insert_committed_by_the_killed_holder_is_not_run_again(ws: Workspace, source, spawn, step: str) -> None:
    """Killed in (or just after) the commit of the job's first INSERT (statement 4): the
    standby finishes that commit if need be, skips the INSERT (committedBy: 1) and runs the
    second one (statement 6)."""
    ws.job(TWO_INSERTS)
    holder = spawn(run_argv("--set", f"sluice.test.commitPauseAt={step}"), ws.root)
    holder.wait_stderr(rf"^sluice: paused at commit step {step}$")
    records = journal(ws.root / LEASE_DIR / "journal-1")
    assert [(r["kind"], r.get("statement")) for r in records if r["kind"] != "task"] == [("begin", None), ("commit", 4)]
    holder.kill()
    standby = spawn(run_argv("--wait", "--report", "r2.json"), ws.root)
    result = standby.finish()
    assert result.code == EX_OK, standby.describe()
    assert re.search(LOG + r"statement 4 \(INSERT into table t\) was committed by epoch 1 of this job: not run again$",
                     result.stderr, re.M), standby.describe()
    if step == "journaled":
        assert re.search(LOG + r"recovered out/t: finished the commit of epoch 1 .*that a crash or a takeover interrupted "
                         r"\(2 paths published\)$", result.stderr, re.M), standby.describe()
    report = read_report(ws.root / "r2.json")
    assert report["epoch"] == 2
    t_out, u_out = report["outputs"]
    assert (t_out["location"], t_out["committedBy"], t_out["rows"], t_out["partitions"]) == ("out/t", 1, ROWS, 2)
    assert (u_out["location"], u_out["rows"], u_out.get("committedBy")) == ("out/u", 2, None)
    # The killed holder's staging directory is settled too, though the INSERT is not run again.
    assert not staging_left(ws.root / "out/t"), \
        f"the run ended 0 and left {staging_left(ws.root / 'out/t')} at out/t:\n{result.stderr}"
    assert_clean_output(ws, source[1])
    assert sorted(read_rows(ws.root / "out/u", header=True)) == [("2024-02-01", str(ROWS // 2)), ("2024-02-02", str(ROWS // 2))]
    records = journal(ws.root / LEASE_DIR / "journal-2")
    assert [(r["kind"], r.get("statement"), r["epoch"]) for r in records if r["kind"] != "task"] == [
        ("begin", None, 2), ("commit", 4, 1), ("commit", 6, 2), ("done", None, 2)]
    assert_no_process_left(holder, standby)


def test_job_that_writes_nothing_takes_no_lease(ws: Workspace) -> None:
    ws.job("CREATE TEMPORARY VIEW src USING csv OPTIONS (path 'in/src.csv', header 'true', "
           "schema 'id INT, user STRING, score BIGINT, dt DATE');\n"
           "SELECT dt, count(*) AS n FROM src GROUP BY dt ORDER BY dt;\n")
    before = ws.files()
    r = run_sluice(run_argv("--no-wait", "--quiet", "--format", "csv"), cwd=ws.root)
    assert (r.code, r.stdout, r.stderr) == (EX_OK, f"dt,n\n2024-02-01,{ROWS // 2}\n2024-02-02,{ROWS // 2}\n", ""), r.describe()
    assert ws.files() == before, "a job that writes nothing created files"


# --- 4. unreadable records ----------------------------------------------------------------------------------------

def valid_record_bytes(epoch: int) -> bytes:
    body = json.dumps({"bootID": "b", "epoch": epoch, "holder": "elsewhere:1:ab", "host": "elsewhere", "job": "job.sql",
                       "leaseMillis": 3000, "monotonicNanos": 1, "pid": 1, "released": False, "renewals": 0,
                       "startTime": 1, "version": 1, "wallSeconds": 1.0}, sort_keys=True, separators=(",", ":")).encode()
    return body + b"\ncrc32c=" + crc32c(body).encode() + b"\n"


UNREADABLE = {
    "empty": b"",
    "truncated": valid_record_bytes(5)[:90],
    # The JSON changed after its checksum was taken.
    "corrupt": valid_record_bytes(5).replace(b'"renewals":0', b'"renewals":7'),
}


@pytest.mark.parametrize("kind", list(UNREADABLE))
def test_unreadable_record_is_taken_over_after_a_whole_unchanged_lease(ws: Workspace, source, spawn, kind: str) -> None:
    lease = ws.root / LEASE_DIR
    lease.mkdir(parents=True)
    (lease / "epoch-5").write_bytes(UNREADABLE[kind])
    # `lease status` reads it as unknown.
    r = run_sluice(["lease", "status", LEASE_DIR, "--json"], cwd=ws.root)
    assert r.code == EX_OK, r.describe()
    status = json.loads(r.stdout)
    assert {k: status[k] for k in ("path", "state", "epoch", "reason", "ageByFileTime")} == {
        "path": LEASE_DIR, "state": "unknown", "epoch": 5, "reason": "its record is empty, truncated or corrupt",
        "ageByFileTime": True}
    assert not {"holder", "host", "pid", "job", "renewals", "leaseSeconds"} & set(status)
    text = run_sluice(["lease", "status", LEASE_DIR], cwd=ws.root)
    assert re.fullmatch(r"lease:    out/\.sluice/t\nstate:    unknown \(its record is empty, truncated or corrupt\)\n"
                        r"epoch:    5\nage:      [\d.]+ s since the last renewal \(by the record file's modification "
                        r"time on this host's clock\)\n", text.stdout), text.describe()

    # --no-wait does not give up on a record it cannot read, nor does it take it at once.
    wait = "--wait" if kind == "truncated" else "--no-wait"
    cand = spawn(run_argv(wait, "--report", "r.json", *SHORT), ws.root)
    cand.wait_stderr(LOG + r"took over the lease at out/\.sluice/t as epoch 6: epoch 5 expired \(its record cannot be read "
                     r"and stayed unchanged for [\d.]+ s\)$", timeout=30)
    took = cand.seen - cand.started
    result = cand.finish()
    assert result.code == EX_OK, cand.describe()
    m = re.search(r"stayed unchanged for ([\d.]+) s\)$", result.stderr, re.M)
    assert float(m.group(1)) >= LEASE_SECONDS and LEASE_SECONDS <= took < LEASE_SECONDS + 3, (took, cand.describe())
    assert (lease / "epoch-5").exists() is False
    assert read_report(ws.root / "r.json")["epoch"] == 6
    assert_released_by(ws, 6, cand.pid)
    assert_clean_output(ws, source[1])
    assert_no_process_left(cand)


def record_bytes(**fields) -> bytes:
    body = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    return body + b"\ncrc32c=" + crc32c(body).encode() + b"\n"


def this_host_record(epoch: int, pid: int, start_time: int) -> bytes:
    """A record as a holder on this host and boot writes it, renewed just now."""
    boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    return record_bytes(bootID=boot, epoch=epoch, holder=f"{HOST}:{pid}:abc", host=HOST, job="job.sql", leaseMillis=3000,
                        monotonicNanos=time.clock_gettime_ns(time.CLOCK_MONOTONIC), pid=pid, released=False, renewals=0,
                        startTime=start_time, version=1, wallSeconds=time.time())


def start_time_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])


def test_record_of_a_live_process_on_this_host_is_held_and_of_a_reused_pid_is_taken_at_once(ws: Workspace, source) -> None:
    lease = ws.root / LEASE_DIR
    lease.mkdir(parents=True)
    me = os.getpid()
    # This (live) process, renewed just now: held.
    (lease / "epoch-5").write_bytes(this_host_record(5, me, start_time_of(me)))
    r = run_sluice(run_argv("--no-wait", "--quiet", *SHORT), cwd=ws.root)
    assert r.code == EX_TEMPFAIL and re.fullmatch(
        rf"error: the job's lease at out/\.sluice/t is held by a live coordinator: epoch 5, held by pid {me} on "
        rf"{re.escape(HOST)} \(holder {re.escape(HOST)}:{me}:abc, job job\.sql\), renewed [\d.]+ s ago" + re.escape(HELD_TAIL)
        + "\n", r.stderr), r.describe()
    assert not (ws.root / "out/t").exists()
    # The same pid with another start time: a process that reused the holder's pid; the
    # holder is gone, and its lease is taken at once.
    (lease / "epoch-5").write_bytes(this_host_record(5, me, start_time_of(me) + 1))
    start = time.monotonic()
    r = run_sluice(run_argv("--no-wait", *SHORT), cwd=ws.root)
    assert r.code == EX_OK, r.describe()
    assert time.monotonic() - start < LEASE_SECONDS, "a gone holder must be taken over at once"
    assert re.search(LOG + rf"took over the lease at out/\.sluice/t as epoch 6: epoch 5 expired \(its process {me} is gone\)$",
                     r.stderr, re.M), r.describe()
    assert lease_files(ws) == ["epoch-6", "journal-6"]
    assert_clean_output(ws, source[1])


# --- 5. a lease directory that cannot be written ------------------------------------------------------------------

CANT_WRITE_TAIL = (". The lease directory holds the job's lease and journal: give --lease a directory this user can write, "
                   "or make this one writable\n")


@pytest.mark.parametrize("case", ["under-a-file", "is-a-file", "default-beside-a-file", "read-only"])
def test_lease_directory_that_cannot_be_written(ws: Workspace, case: str) -> None:
    extra: list[str] = []
    if case == "under-a-file":
        ws.write("afile", "not a directory\n")
        extra, lease, cause = ["--lease", "afile/lease"], "afile/lease", "cannot create the directory 'afile': Not a directory"
    elif case == "is-a-file":
        ws.write("afile", "not a directory\n")
        extra, lease, cause = ["--lease", "afile"], "afile", "cannot use as the lease directory 'afile': Not a directory"
    elif case == "default-beside-a-file":
        # The default lease, out/.sluice/t, whose parent is a file.
        ws.write("out/.sluice", "not a directory\n")
        lease, cause = "out/.sluice/t", "cannot create the directory 'out/.sluice': Not a directory"
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into a read-only directory")
        (ws.root / "ro").mkdir(mode=0o500)
        extra, lease, cause = ["--lease", "ro/lease"], "ro/lease", "cannot create the directory 'ro/lease': Permission denied"
    before = ws.files()
    r = run_sluice(run_argv("--quiet", "--report", "r.json", *extra), cwd=ws.root)
    if (ws.root / "ro").exists():
        os.chmod(ws.root / "ro", 0o700)
    assert r.code == EX_CANTCREAT and r.stdout == "", r.describe()
    prefix = f"error: cannot write the lease at '{lease}': "
    assert r.stderr.startswith(prefix) and r.stderr.endswith(CANT_WRITE_TAIL), r.describe()
    if case == "read-only":
        assert "Permission denied" in r.stderr, r.describe()
    else:
        assert r.stderr == prefix + cause + CANT_WRITE_TAIL, r.describe()
    # Nothing written: no output location, no lease, only the report.
    assert not (ws.root / "out/t").exists()
    assert ws.files() - before == {"r.json"}
    report = read_report(ws.root / "r.json")
    assert report["status"] == EX_CANTCREAT and report["error"] == r.stderr.strip().removeprefix("error: ")


# --- 6. candidates on other hosts ---------------------------------------------------------------------------------

HOST_A = ["--set", "sluice.test.host=host-a", "--set", "sluice.test.bootId=boot-a"]
HOST_B = ["--set", "sluice.test.host=host-b", "--set", "sluice.test.bootId=boot-b"]


def test_other_hosts_holder_is_taken_over_only_after_a_whole_unchanged_lease(ws: Workspace, source, spawn) -> None:
    first = spawn(run_argv(*SHORT, *HOST_A, "--set", "sluice.test.commitStopAt=staged"), ws.root)
    first.wait_stopped()
    tasks = count_tasks(ws.root / LEASE_DIR / "journal-1")
    record = lease_record(ws.root / LEASE_DIR / "epoch-1")
    assert (record["host"], record["bootID"], record["pid"], record["released"]) == ("host-a", "boot-a", first.pid, False)
    second = spawn(run_argv("--wait", "--report", "r2.json", *SHORT, *HOST_B), ws.root)
    second.wait_stderr(LOG + rf"waiting for the lease at out/\.sluice/t: epoch 1, held by pid {first.pid} on host-a "
                       rf"\(holder host-a:{first.pid}:[0-9a-f]+, job job\.sql\), watched for [\d.]+ s so far$")
    m = second.wait_stderr(LOG + r"took over the lease at out/\.sluice/t as epoch 2: epoch 1 expired \(its record on host-a "
                           r"stayed unchanged for ([\d.]+) s\)$", timeout=30)
    took = second.seen - second.started
    assert float(m.group(1)) >= LEASE_SECONDS and took >= LEASE_SECONDS, (took, second.describe())
    result = second.finish()
    assert result.code == EX_OK, second.describe()
    report = read_report(ws.root / "r2.json")
    assert report["outputs"][0]["resumedTasks"] == tasks
    check_resumed(ws, second, report, source[1], all_tasks=True, tasks=task_count(source, COARSE), lease_millis=3000,
                  host="host-b")
    assert lease_record(ws.root / LEASE_DIR / "epoch-2")["bootID"] == "boot-b"
    after = snapshot(ws.root / "out/t")

    os.kill(first.pid, signal.SIGCONT)
    gone = first.finish()
    assert gone.code == EX_TEMPFAIL, first.describe()
    last = gone.stderr.rstrip("\n").splitlines()[-1]
    assert LOST.match(last) or SUPERSEDED.match(last), first.describe()
    assert snapshot(ws.root / "out/t") == after
    assert lease_files(ws) == ["epoch-2", "journal-2"]
    assert_no_process_left(first, second)


def test_no_wait_against_a_live_holder_on_another_host_exits_75_within_two_retry_periods(ws: Workspace, spawn) -> None:
    first = spawn(run_argv(*SHORT, *HOST_A, "--set", "sluice.test.commitPauseAt=staged"), ws.root)
    first.wait_stderr(r"^sluice: paused at commit step staged$")
    before = snapshot(ws.root / "out/t")
    start = time.monotonic()
    r = run_sluice(run_argv("--no-wait", "--quiet", *SHORT, *HOST_B), cwd=ws.root)
    elapsed = time.monotonic() - start
    assert r.code == EX_TEMPFAIL and r.stdout == "", r.describe()
    assert re.fullmatch(held_message(1, first.pid, "host-a", "renewed from host-a while watched"), r.stderr), r.describe()
    # It watched until the record changed: at most two renewals (0.5 s apart), and the start.
    assert elapsed < 2 * 0.5 + 0.5, f"took {elapsed:.2f} s"
    assert snapshot(ws.root / "out/t") == before
    assert lease_files(ws) == ["epoch-1", "journal-1"]
    # Still held by the first.
    assert first.p.poll() is None


def test_wait_timeout_gives_up_with_75(ws: Workspace, spawn) -> None:
    first = spawn(run_argv(*SHORT, "--set", "sluice.test.commitPauseAt=staged"), ws.root)
    first.wait_stderr(r"^sluice: paused at commit step staged$")
    start = time.monotonic()
    r = run_sluice(run_argv("--wait", "--wait-timeout", "1s", "--quiet", *SHORT), cwd=ws.root)
    elapsed = time.monotonic() - start
    assert r.code == EX_TEMPFAIL and r.stdout == "", r.describe()
    assert re.fullmatch(rf"error: the job's lease at out/\.sluice/t is still held after waiting [\d.]+ s \(--wait-timeout\): "
                        rf"epoch 1, held by pid {first.pid} on {re.escape(HOST)} \(holder \S+, job job\.sql\), "
                        r"renewed [\d.]+ s ago\. This run did nothing; try again later\n", r.stderr), r.describe()
    assert 1.0 <= elapsed < 3.0
    assert lease_files(ws) == ["epoch-1", "journal-1"]


# --- 7. sluice lease status -----------------------------------------------------------------------------------------

def status(ws: Workspace, path: str = LEASE_DIR) -> tuple[str, dict]:
    text = run_sluice(["lease", "status", path], cwd=ws.root)
    js = run_sluice(["lease", "status", path, "--json"], cwd=ws.root)
    assert text.code == EX_OK and text.stderr == "", text.describe()
    assert js.code == EX_OK and js.stderr == "", js.describe()
    return text.stdout, json.loads(js.stdout)


def test_lease_status(ws: Workspace, spawn) -> None:
    # Free: an empty directory.
    (ws.root / "empty").mkdir()
    text, js = status(ws, "empty")
    assert text == "lease:    empty\nstate:    free (no coordinator has held it yet)\nepoch:    0\n"
    assert js == {"path": "empty", "state": "free", "epoch": 0, "reason": "no coordinator has held it yet"}

    # Missing: 66.
    for args in (["lease", "status", "missing"], ["lease", "status", "missing", "--json"]):
        r = run_sluice(args, cwd=ws.root)
        assert (r.code, r.stdout, r.stderr) == (EX_NOINPUT, "", "error: cannot read the lease directory 'missing': "
                                                                  "No such file or directory\n"), r.describe()

    # Held: a holder stopped just before its commit (not renewing any more).
    holder = spawn(run_argv(*SHORT, "--set", "sluice.test.commitStopAt=staged"), ws.root)
    holder.wait_stopped()
    rec = lease_record(ws.root / LEASE_DIR / "epoch-1")
    text, js = status(ws)
    assert js["state"] == "held", f"a holder stopped a moment ago reads as {js['state']}: {js}"
    assert re.fullmatch(rf"lease:    out/\.sluice/t\nstate:    held \(renewed [\d.]+ s ago\)\nepoch:    1\n"
                        rf"holder:   {re.escape(rec['holder'])} \(pid {holder.pid} on {re.escape(HOST)}\)\n"
                        rf"job:      job\.sql\nrenewals: {rec['renewals']}, lease 3\.0 s\n"
                        r"age:      [\d.]+ s since the last renewal\n", text), text
    assert {k: js[k] for k in ("path", "state", "epoch", "holder", "host", "pid", "job", "renewals", "leaseSeconds",
                               "ageByFileTime")} == {
        "path": LEASE_DIR, "state": "held", "epoch": 1, "holder": rec["holder"], "host": HOST, "pid": holder.pid,
        "job": "job.sql", "renewals": rec["renewals"], "leaseSeconds": 3, "ageByFileTime": False}
    assert 0 <= js["ageSeconds"] < LEASE_SECONDS and re.fullmatch(r"renewed [\d.]+ s ago", js["reason"]), js

    # Expired: not renewed for a whole lease.
    def expired():
        return status(ws)[1]["state"] == "expired"
    wait_until("the stopped holder's lease to expire", expired, 10, 0.2)
    text, js = status(ws)
    assert js["state"] == "expired" and js["ageSeconds"] >= LEASE_SECONDS, js
    assert re.fullmatch(rf"its process {holder.pid} has not renewed it for [\d.]+ s", js["reason"]), js
    assert f"state:    expired (its process {holder.pid} has not renewed it for " in text, text

    # Expired: its process is gone.
    holder.kill()
    text, js = status(ws)
    assert (js["state"], js["epoch"], js["pid"], js["reason"]) == ("expired", 1, holder.pid, f"its process {holder.pid} is gone"), js
    assert f"state:    expired (its process {holder.pid} is gone)\nepoch:    1\n" in text, text

    # Released: the next run (epoch 2) ended well.
    r = run_sluice(run_argv("--quiet", *SHORT), cwd=ws.root)
    assert r.code == EX_OK, r.describe()
    rec2 = lease_record(ws.root / LEASE_DIR / "epoch-2")
    text, js = status(ws)
    assert {k: js[k] for k in ("path", "state", "epoch", "reason", "holder", "host", "pid", "job", "renewals", "leaseSeconds")} == {
        "path": LEASE_DIR, "state": "released", "epoch": 2, "reason": "released by its holder", "holder": rec2["holder"],
        "host": HOST, "pid": rec2["pid"], "job": "job.sql", "renewals": rec2["renewals"], "leaseSeconds": 3}
    assert text.startswith(f"lease:    out/.sluice/t\nstate:    released (released by its holder)\nepoch:    2\n"
                           f"holder:   {rec2['holder']} (pid {rec2['pid']} on {HOST})\njob:      job.sql\n"), text

    # Unknown: a record that cannot be read (epoch 3, written by hand).
    (ws.root / LEASE_DIR / "epoch-3").write_bytes(valid_record_bytes(3)[:-12])
    text, js = status(ws)
    assert (js["state"], js["epoch"], js["reason"]) == ("unknown", 3, "its record is empty, truncated or corrupt"), js
    assert "holder" not in js and "state:    unknown (its record is empty, truncated or corrupt)\nepoch:    3\n" in text


# --- 8. the README's crontab line, twice at once -------------------------------------------------------------------

CRONTAB_LINE = ("*/15 * * * * cd /srv/etl && sluice run jobs/daily_revenue.sql --no-wait "
                "--report /var/log/sluice/daily_revenue.json --metrics /var/lib/node_exporter/daily_revenue.prom --quiet")


def crontab_argv(etl: Path) -> list[str]:
    """The crontab line's command, without a shell: the binary from SLUICE_BIN, /srv/etl,
    /var/log/sluice and /var/lib/node_exporter moved into the test's directory."""
    command = CRONTAB_LINE.split(None, 5)[5]
    cd, _, run = command.partition(" && ")
    assert cd == "cd /srv/etl"
    argv = shlex.split(run)
    assert argv[0] == "sluice"
    mapped = [str(sluice_path())]
    for a in argv[1:]:
        for old, new in (("/var/log/sluice/", etl / "log/"), ("/var/lib/node_exporter/", etl / "node_exporter/")):
            if a.startswith(old):
                a = str(new) + "/" + a[len(old):]
        mapped.append(a)
    return mapped


@pytest.fixture()
def etl(tmp_path: Path) -> Path:
    etl = tmp_path / "etl"
    shutil.copytree(REPO / "data", etl / "data", ignore=shutil.ignore_patterns("jobs"))
    (etl / "jobs").mkdir()
    shutil.copy(REPO / "data/jobs/daily_revenue.sql", etl / "jobs/daily_revenue.sql")
    (etl / "log").mkdir()
    (etl / "node_exporter").mkdir()
    return etl


def daily_revenue_problems(etl: Path) -> list[str]:
    out = etl / "out/daily_revenue"
    expected, actual = daily_revenue_results(etl / "data", out)
    problems = compare_results(expected, actual)
    if len(expected.rows) < 10:
        problems.append(f"only {len(expected.rows)} expected rows")
    if not (out / "_SUCCESS").exists() or staging_left(out):
        problems.append(f"out/daily_revenue is not committed: {sorted(os.listdir(out))}")
    return problems


def cron_held_message(pid: int) -> str:
    return (rf"error: the job's lease at out/\.sluice/daily_revenue is held by a live coordinator: epoch 1, held by pid {pid} "
            rf"on {re.escape(HOST)} \(holder {re.escape(HOST)}:{pid}:[0-9a-f]+, job jobs/daily_revenue\.sql\), "
            r"renewed [\d.]+ s ago" + re.escape(HELD_TAIL) + "\n")


def metric(text: str, name: str) -> str:
    m = re.search(rf"^sluice_{name}\{{job=\"daily_revenue\"\}} (\S+)$", text, re.M)
    assert m, f"no sluice_{name} in:\n{text}"
    return m.group(1)


def test_crontab_line_twice_at_once_with_the_first_kept_holding(etl: Path, spawn) -> None:
    argv = crontab_argv(etl)
    report_path, metrics_path = etl / "log/daily_revenue.json", etl / "node_exporter/daily_revenue.prom"
    # The first run holds the lease just before its commit (stopped, its lease not yet expired).
    first = spawn([*argv, "--set", "sluice.test.commitStopAt=staged"], etl)
    first.wait_stopped()
    second = spawn(argv, etl)
    r = second.finish()
    assert r.code == EX_TEMPFAIL and r.stdout == "", second.describe()
    assert re.fullmatch(cron_held_message(first.pid), r.stderr), second.describe()
    report = read_report(report_path)
    assert report["status"] == EX_TEMPFAIL and report["error"] == r.stderr.strip().removeprefix("error: ")
    assert report["job"] == "jobs/daily_revenue.sql" and report.get("epoch") is None and report["outputs"] == []
    prom = metrics_path.read_text()
    assert (metric(prom, "run_success"), metric(prom, "run_exit_status")) == ("0", "75")
    assert not (etl / "out/daily_revenue/_SUCCESS").exists()

    os.kill(first.pid, signal.SIGCONT)
    done = first.finish()
    assert done.code == EX_OK, first.describe()
    assert done.stderr == "sluice: paused at commit step staged\n", first.describe()
    report = read_report(report_path)
    assert report["status"] == 0 and report["epoch"] == 1 and "error" not in report
    prom = metrics_path.read_text()
    assert (metric(prom, "run_success"), metric(prom, "run_exit_status")) == ("1", "0")
    problems = daily_revenue_problems(etl)
    assert not problems, "\n".join(problems)
    rec = lease_record(etl / "out/.sluice/daily_revenue/epoch-1")
    assert (rec["released"], rec["pid"], rec["job"]) == (True, first.pid, "jobs/daily_revenue.sql")
    assert_no_process_left(first, second)


def test_crontab_line_twice_at_once(etl: Path, spawn) -> None:
    argv = crontab_argv(etl)
    runs = [spawn(argv, etl), spawn(argv, etl)]
    done = [r.finish() for r in runs]
    assert sorted(d.code for d in done) == [EX_OK, EX_TEMPFAIL], "\n\n".join(r.describe() for r in runs)
    w = [d.code for d in done].index(EX_OK)
    assert done[w].stderr == "" and done[w].stdout == ""
    assert re.fullmatch(cron_held_message(runs[w].pid), done[1 - w].stderr), runs[1 - w].describe()
    problems = daily_revenue_problems(etl)
    assert not problems, "\n".join(problems)
    # Both wrote the report, whole: the last one's.
    report = read_report(etl / "log/daily_revenue.json")
    if report["status"] == EX_TEMPFAIL:
        assert report["error"] == done[1 - w].stderr.strip().removeprefix("error: ") and report["outputs"] == []
    else:
        assert report["status"] == 0 and report["epoch"] == 1 and report["outputs"][0]["location"] == "out/daily_revenue"
    rec = lease_record(etl / "out/.sluice/daily_revenue/epoch-1")
    assert (rec["released"], rec["pid"]) == (True, runs[w].pid)
    assert_no_process_left(*runs)
