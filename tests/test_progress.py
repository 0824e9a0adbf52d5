"""Progress on stderr: on a terminal, a live line that moves while a task is still
running (worker processes report what their split has read five times a second, threads
after each chunk); otherwise one log line per stage; nothing with --quiet.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
from pathlib import Path

import pytest

from conftest import EX_OK, sluice_path

pytestmark = pytest.mark.engine

ROWS = 6_000_000
QUERY = "SELECT k % 1000 AS g, count(*) AS n, sum(v) AS s FROM events GROUP BY k % 1000"
# Slower per row (a string built for every row), so that one task runs for a second or more.
SLOW_QUERY = ("SELECT k % 1000 AS g, count(*) AS n, max(concat(CAST(k AS STRING), '-', CAST(v AS STRING))) AS m "
              "FROM events GROUP BY k % 1000")
# Both sides of a shuffled join scan the file with a slow filter that keeps k = 17 (600 rows).
JOIN_QUERY = ("SELECT count(*) AS n FROM events a JOIN events b ON a.k = b.k "
              "WHERE concat(CAST(a.v AS STRING), '/', CAST(a.k AS STRING)) = '3.25/17' "
              "AND concat(CAST(b.k AS STRING), '-', CAST(b.v AS STRING)) = '17-3.25'")
LIVE = re.compile(r"stage 0 \(1 of 2\): 0/1 tasks, ([\d.]+) (M|k)? ?rows/s, ([\d.]+) MB/s, ETA ([\d.]+) s")


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CSV of ROWS rows (k, v) written as one repeated block, and a job over it."""
    d = tmp_path_factory.mktemp("progress")
    block = "".join(f"{i},{i % 7}.25\n" for i in range(10_000))
    with open(d / "events.csv", "w") as f:
        f.write("k,v\n")
        for _ in range(ROWS // 10_000):
            f.write(block)
    view = (f"CREATE TEMPORARY VIEW events USING csv OPTIONS (path '{d / 'events.csv'}', header 'true', "
            f"schema 'k BIGINT, v DOUBLE');\n")
    (d / "job.sql").write_text(f"{view}{QUERY};\n")
    (d / "slow.sql").write_text(f"{view}{SLOW_QUERY};\n")
    (d / "join.sql").write_text(f"SET spark.sql.autoBroadcastJoinThreshold=-1;\n{view}{JOIN_QUERY};\n")
    return d


def expected_rows() -> list[str]:
    sums = {}
    for i in range(10_000):
        g = i % 1000
        n, s = sums.get(g, (0, 0.0))
        sums[g] = (n + ROWS // 10_000, s + (i % 7 + 0.25) * (ROWS // 10_000))
    return sorted(f"{g},{n},{s}" for g, (n, s) in sums.items())


def run_on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Runs sluice with stderr on a pseudo-terminal (stdout to a pipe); its exit status and
    everything it wrote to the terminal."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(sluice_path()), *args], stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            proc.kill()
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        seen += data
    os.close(master)
    return proc.wait(timeout=60), seen.decode()


def live_lines(job: Path, workers: int, mode: str) -> tuple[list[str], str]:
    """The lines drawn on the terminal by a run of `job` with one split per file, and
    everything written there; the run must succeed."""
    code, tty = run_on_a_terminal(["run", str(job), "--workers", str(workers), "--mode", mode,
                                   "--set", "spark.sql.files.maxPartitionBytes=1GB"])
    assert code == EX_OK, tty
    return [l for l in tty.replace("\x1b[K", "").split("\r") if l.strip()], tty


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_the_live_line_moves_while_a_task_runs(events: Path, mode: str):
    # One worker and one split: the only task of the scan stage runs for a second or more,
    # and every line drawn before its end comes from progress reports.
    lines, tty = live_lines(events / "slow.sql", 1, mode)
    # Lines of the running task: without progress reports, no bytes would count before its end.
    assert any(map(LIVE.fullmatch, lines)), lines
    assert any(l.startswith("stage 0 (1 of 2): 1/1 tasks, ") for l in lines), lines
    assert any(l.startswith("stage 1 (2 of 2): 1/1 tasks, ") for l in lines), lines
    # On a terminal the live line replaces the log lines.
    assert "MB read in" not in tty


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_independent_stages_run_at_once(events: Path, mode: str):
    # The two scans of a shuffled join read nothing of each other: with two workers, each
    # takes one, and the live line shows both stages running together.
    lines, _ = live_lines(events / "join.sql", 2, mode)
    both = re.compile(r"stages 0\+1 \(1\+2 of 4\): [01]/2 tasks, [\d.]+ (M |k )?rows/s, [\d.]+ MB/s(, ETA [\d.]+ s)?")
    assert any(map(both.fullmatch, lines)), lines
    r = subprocess.run([str(sluice_path()), "run", str(events / "join.sql"), "--workers", "2", "--mode", mode, "--format", "csv",
                        "--quiet"], capture_output=True, text=True, timeout=300)
    assert (r.returncode, r.stdout) == (EX_OK, "n\n360000\n"), r.stderr


def test_without_a_terminal_each_stage_logs_one_line(events: Path):
    r = subprocess.run([str(sluice_path()), "run", str(events / "job.sql"), "--workers", "2", "--format", "csv",
                        "--set", "spark.sql.files.maxPartitionBytes=16MB"], capture_output=True, text=True, timeout=300)
    assert r.returncode == EX_OK, r.stderr
    assert sorted(r.stdout.splitlines()[1:]) == expected_rows()
    size = (events / "events.csv").stat().st_size
    tasks = -(-size // (16 << 20))
    stages = re.findall(r"info sluice: \[SluiceRuntime\] (stage .*)", r.stderr)
    assert len(stages) == 2, r.stderr
    mb = size / 1e6
    mb_text = str(int(mb)) if mb >= 100 else f"{int(mb * 10 + 0.5) // 10}.{int(mb * 10 + 0.5) % 10}"
    assert re.fullmatch(rf"stage 0 \(1 of 2, scan csv {re.escape(str(events / 'events.csv'))}\): {tasks} tasks, "
                        rf"\d+ rows out, {mb_text} MB read in [\d.]+ s", stages[0]), stages[0]
    assert re.fullmatch(r"stage 1 \(2 of 2, shuffle from stage 0\): 4 tasks, 1000 rows out in [\d.]+ s", stages[1]), stages[1]
    assert "\r" not in r.stderr


def test_quiet_silences_progress(events: Path):
    code, tty = run_on_a_terminal(["run", str(events / "job.sql"), "--workers", "2", "--quiet"])
    assert code == EX_OK
    assert tty == ""
