"""Faults, for real: worker processes killed with SIGKILL at random moments, stopped with
SIGSTOP, corrupting their pipe; the supervisor killed with SIGKILL. The promise: the job
still gives exactly the clean run's rows (or fails with a clear error), no worker outlives
its supervisor, no zombie is left, and a worker holds no descriptor but its own.

The input is the benchmark's clickstream generator: a million rows, linked four times
(300 MB), split into small tasks; each kill is aimed at a random moment between the
workers' start and the end of a clean run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, sluice_path

pytestmark = pytest.mark.engine

ROWS = 1_000_000
COPIES = 4
TRIALS = int(os.environ.get("SLUICE_CHAOS_TRIALS", "20"))

WORKLOADS = {
    "filtered_groupby": "SELECT country, event_type, count(*) AS n, sum(amount) AS s, avg(amount) AS a, min(amount) AS lo, "
                        "max(amount) AS hi FROM clicks WHERE amount > 0 GROUP BY country, event_type",
    "groupby_user": "SELECT user_id, count(*) AS n, sum(amount) AS s FROM clicks GROUP BY user_id",
    "top_n": "SELECT * FROM clicks ORDER BY amount DESC, ts, user_id LIMIT 100",
    "join": "SELECT c.region, e.event_type, count(*) AS n, sum(e.amount) AS s FROM clicks e "
            "JOIN countries c ON e.country = c.code GROUP BY c.region, e.event_type",
    # The same join with both sides shuffled: each join task is sent its partition of the
    # build side, again when it is retried.
    "join_shuffled": "SET spark.sql.autoBroadcastJoinThreshold=-1;\n"
                     "SELECT c.region, e.event_type, count(*) AS n, sum(e.amount) AS s FROM clicks e "
                     "JOIN countries c ON e.country = c.code GROUP BY c.region, e.event_type",
}


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("chaos")
    subprocess.run([sys.executable, str(REPO / "Benchmarks/e2e/gen_clickstream.py"), "--rows", str(ROWS), "--out", str(out)],
                   check=True, capture_output=True)
    # Three more links to the same file: four million rows, long enough a run to aim at.
    generated = out / "clickstream" / "clickstream.csv"
    for copy in range(1, COPIES):
        os.link(generated, out / "clickstream" / f"clickstream-{copy}.csv")
    return out


def job(data: Path, query: str) -> Path:
    path = data / f"job-{abs(hash(query))}.sql"
    path.write_text(
        f"CREATE TEMPORARY VIEW clicks USING csv OPTIONS (path '{data}/clickstream', header 'true', inferSchema 'true');\n"
        f"CREATE TEMPORARY VIEW countries USING csv OPTIONS (path '{data}/countries.csv', header 'true', inferSchema 'true');\n"
        f"{query};\n")
    return path


def command(job_path: Path, *extra: str) -> list[str]:
    return [str(sluice_path()), "run", str(job_path), "--format", "csv", "--mode", "process", "--workers", "2",
            "--set", "spark.sql.files.maxPartitionBytes=2MB", *extra]


def canonical(csv_text: str) -> list[str]:
    """Rows sorted, doubles rounded to 9 significant digits (sums may add in another order)."""
    lines = csv_text.splitlines()
    def norm(field: str) -> str:
        try:
            if any(c in field for c in ".eE") and not field.startswith('"'):
                return f"{float(field):.9g}"
        except ValueError:
            pass
        return field
    return [lines[0]] + sorted(",".join(norm(f) for f in line.split(",")) for line in lines[1:])


def worker_pids(supervisor: int) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(supervisor)], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return []
    return [int(p) for p in out.split()]


def wait_for_workers(proc: subprocess.Popen, count: int, timeout: float = 10) -> list[int]:
    """The supervisor's worker pids, once `count` of them exist."""
    deadline = time.monotonic() + timeout
    pids: list[int] = []
    while time.monotonic() < deadline and len(pids) < count and proc.poll() is None:
        pids = worker_pids(proc.pid)
        time.sleep(0.005)
    return pids


@pytest.fixture(scope="module")
def clean(data: Path) -> dict[str, tuple[list[str], float]]:
    results = {}
    for name, query in WORKLOADS.items():
        start = time.monotonic()
        r = subprocess.run(command(job(data, query)), capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        results[name] = (canonical(r.stdout), time.monotonic() - start)
    return results


@pytest.mark.parametrize("workload", list(WORKLOADS))
def test_sigkill_a_random_worker_at_a_random_moment(data, clean, workload):
    expected, duration = clean[workload]
    rng = random.Random(f"{workload}-kill")
    killed = 0
    for trial in range(TRIALS):
        proc = subprocess.Popen(command(job(data, WORKLOADS[workload])), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_workers(proc, 2)
        time.sleep(rng.uniform(0.0, duration * 0.8))
        pids = worker_pids(proc.pid)
        if pids:
            try:
                os.kill(rng.choice(pids), signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass  # the run was ending: its workers exit as it shuts them down, a miss
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"trial {trial}: {err}"
        assert canonical(out) == expected, f"trial {trial}: output differs from the clean run"
        assert not worker_pids(proc.pid)
    assert killed >= TRIALS // 2, "the kills mostly missed the run; the input is too small"


def test_a_stopped_worker_is_detected_and_replaced(data, clean):
    expected, duration = clean["groupby_user"]
    # Many small tasks: the stopped worker is handed one whatever it was doing.
    proc = subprocess.Popen(command(job(data, WORKLOADS["groupby_user"]), "--set", "sluice.worker.heartbeatTimeout=1",
                                    "--set", "spark.sql.files.maxPartitionBytes=64KB"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # Stop a worker as soon as it exists: it is then handed a task it never finishes.
    pids = wait_for_workers(proc, 2)
    assert pids, "no worker to stop"
    victim = pids[0]
    os.kill(victim, signal.SIGSTOP)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert canonical(out) == expected
    assert f"worker {victim} sent no heartbeat for 1.0 s; killing it" in err
    assert not Path(f"/proc/{victim}").exists(), "the stopped worker was not killed and reaped"


def test_a_worker_that_writes_garbage_is_killed_and_replaced(data, clean):
    expected, _ = clean["filtered_groupby"]
    r = subprocess.run(command(job(data, WORKLOADS["filtered_groupby"]), "--set", "sluice.test.workerGarbageAfterFrames=0"),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert canonical(r.stdout) == expected
    assert "broke the protocol" in r.stderr or "protocol error" in r.stderr, r.stderr


def test_workers_die_within_two_seconds_of_the_supervisor(data):
    proc = subprocess.Popen(command(job(data, WORKLOADS["groupby_user"])), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pids = wait_for_workers(proc, 2)
    assert len(pids) == 2
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = time.monotonic()
    while time.monotonic() - killed_at < 2 and any(Path(f"/proc/{p}").exists() and "Z" not in Path(f"/proc/{p}/stat").read_text().split()[2] for p in pids):
        time.sleep(0.02)
    alive = [p for p in pids if Path(f"/proc/{p}").exists() and "Z" not in Path(f"/proc/{p}/stat").read_text().split()[2]]
    assert not alive, f"workers {alive} outlived their supervisor by 2 s"


def test_a_worker_holds_only_its_own_pipes(data):
    proc = subprocess.Popen(command(job(data, WORKLOADS["groupby_user"])), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        pids = wait_for_workers(proc, 1)
        assert pids
        fds = {}
        for entry in Path(f"/proc/{pids[0]}/fd").iterdir():
            try:
                fds[int(entry.name)] = os.readlink(entry)
            except FileNotFoundError:
                pass
    finally:
        proc.communicate(timeout=120)
    assert fds[0] == "/dev/null" and fds[1] == "/dev/null"
    assert fds[3].startswith("pipe:") and fds[4].startswith("pipe:")
    # Beyond stderr and its two pipes, a worker may hold only the input file it reads and
    # the shuffle file it writes in the run's scratch directory.
    others = {fd: target for fd, target in fds.items() if fd > 4}
    scratch = str(Path(os.environ.get("TMPDIR", "/tmp")) / "sluice-scratch-")
    inputs = [t for t in others.values() if t.endswith(".csv")]
    shuffles = [t for t in others.values() if t.startswith(scratch) and Path(t).name.startswith("shuffle-")]
    assert len(inputs) <= 1 and len(shuffles) <= 1 and len(inputs) + len(shuffles) == len(others), others
    assert proc.returncode == 0


def test_replaced_workers_are_reaped_while_the_run_goes_on(data):
    """The supervisor reaps every worker it replaces: while it runs, none of its children
    is a zombie (workers orphaned by a killed supervisor are init's to reap)."""
    log = data / "reap.log"
    with open(log, "w") as err_file:
        proc = subprocess.Popen(command(job(data, WORKLOADS["groupby_user"]), "--set", "sluice.test.workerGarbageAfterFrames=0"),
                                stdout=subprocess.DEVNULL, stderr=err_file)
        zombies_seen = self_zombies(proc)
    err = log.read_text()
    assert proc.returncode == 0, err
    assert "protocol error" in err
    # A zombie may show for the instant between a worker's death and its reaping; it must
    # not stay one for the rest of the run.
    assert all(zombies_seen.count(p) < 50 for p in set(zombies_seen)), zombies_seen


def self_zombies(proc: subprocess.Popen) -> list[int]:
    """Polls the children of a running supervisor and lists those seen as zombies."""
    zombies_seen = []
    while proc.poll() is None:
        for pid in worker_pids(proc.pid):
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except (FileNotFoundError, IndexError):
                continue
            if state == "Z":
                zombies_seen.append(pid)
        time.sleep(0.01)
    proc.wait()
    return zombies_seen
