"""Memory and spills, end to end: the user_id group-by of the benchmark at ten million rows
within --memory 256MB (the whole process tree's peak resident memory under 320 MB, the
same rows as without a budget, the spill's compression ratio printed), and the scratch
directory's life: private (0700) while the run lasts, gone after it, and a crashed run's
directory removed by the next run.

SLUICE_MEMORY_ROWS changes the row count of the first test (default 10,000,000).
"""

from __future__ import annotations

import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import EX_OK, EX_USAGE, REPO, run_sluice, sluice_path

pytestmark = pytest.mark.engine

ROWS = int(os.environ.get("SLUICE_MEMORY_ROWS", "10000000"))
GROUP_BY_USER = "SELECT user_id, count(*) AS n, sum(amount) AS s FROM clicks GROUP BY user_id"
SPILLED = re.compile(r"spilled: (\d+) spills \(([^)]*)\), (\d+) files, (\d+) chunks, ([\d.]+) MB raw, "
                     r"([\d.]+) MB compressed \(ratio ([\d.]+)\)")


@pytest.fixture(scope="module")
def clicks(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clicks")
    subprocess.run([sys.executable, str(REPO / "Benchmarks/e2e/gen_clickstream.py"), "--rows", str(ROWS), "--out", str(out)],
                   check=True, capture_output=True)
    job = out / "group_by_user.sql"
    job.write_text(f"CREATE TEMPORARY VIEW clicks USING csv OPTIONS (path '{out}/clickstream', header 'true', inferSchema 'true');\n"
                   f"{GROUP_BY_USER};\n")
    return job


def tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return [pid]
    return [pid] + [p for c in children for p in tree(int(c))]


def high_water_mark(pid: int) -> int:
    """VmHWM of a process in bytes: the most it was ever resident (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def run_measured(args: list[str], out: Path) -> tuple[int, str, str, int]:
    """Runs sluice and polls its process tree: exit status, stdout, stderr, and the sum
    of every process's peak resident memory (each process's own high-water mark, summed:
    never less than the tree's peak at any moment)."""
    with open(out / "stdout", "w+") as o, open(out / "stderr", "w+") as e:
        proc = subprocess.Popen([str(sluice_path()), *args], stdout=o, stderr=e)
        peaks: dict[int, int] = {}
        while proc.poll() is None:
            for pid in tree(proc.pid):
                peaks[pid] = max(peaks.get(pid, 0), high_water_mark(pid))
            time.sleep(0.005)
        o.seek(0)
        e.seek(0)
        return proc.returncode, o.read(), e.read(), sum(peaks.values())


def canonical(csv_text: str) -> list[str]:
    lines = csv_text.splitlines()
    return [lines[0]] + sorted(lines[1:])


def test_group_by_user_within_256mb(clicks: Path, tmp_path: Path):
    free = run_sluice(["run", clicks, "--format", "csv", "--workers", "2", "--quiet"], timeout=600)
    assert free.code == EX_OK, free.describe()
    code, out, err, peak = run_measured(["run", str(clicks), "--format", "csv", "--workers", "2", "--memory", "256MB"], tmp_path)
    assert code == EX_OK, err
    assert canonical(out) == canonical(free.stdout)
    assert len(out.splitlines()) > 1 + ROWS // 20
    assert peak < 320 * 2**20, f"peak resident memory of the process tree {peak / 2**20:.0f} MB"
    m = SPILLED.search(err)
    assert m, f"no spill report on stderr:\n{err}"
    raw, compressed, ratio = float(m[5]), float(m[6]), float(m[7])
    assert raw > 0 and ratio == pytest.approx(raw / compressed, rel=0.05) and ratio > 1, m[0]


def scratch_dirs(base: Path) -> list[Path]:
    return sorted(base.glob("sluice-scratch-*"))


@pytest.mark.parametrize("mode", ["process", "thread"])
def test_scratch_is_private_while_the_run_lasts_and_gone_after(clicks: Path, tmp_path: Path, mode: str):
    base = tmp_path / "scratch"
    base.mkdir()
    proc = subprocess.Popen([str(sluice_path()), "run", str(clicks), "--format", "csv", "--workers", "2", "--mode", mode,
                             "--memory", "96MB", "--scratch", str(base), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seen: list[tuple[Path, int]] = []
    files_seen = 0
    while proc.poll() is None:
        for d in scratch_dirs(base):
            try:
                seen.append((d, stat.S_IMODE(d.stat().st_mode)))
                files_seen = max(files_seen, len(list(d.iterdir())))
            except FileNotFoundError:
                pass
        time.sleep(0.01)
    err = proc.stderr.read()
    assert proc.returncode == EX_OK, err
    assert seen, "no scratch directory appeared during the run"
    assert {d.name.split("-")[2] for d, _ in seen} == {str(proc.pid)}
    assert {mode for _, mode in seen} == {0o700}
    assert files_seen > 0, "nothing was spilled into the scratch directory"
    assert scratch_dirs(base) == [], "the scratch directory outlived the run"


def test_a_crashed_runs_scratch_is_removed_by_the_next_run(clicks: Path, tmp_path: Path):
    base = tmp_path / "scratch"
    base.mkdir()
    proc = subprocess.Popen([str(sluice_path()), "run", str(clicks), "--format", "csv", "--workers", "2",
                             "--memory", "96MB", "--scratch", str(base), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(any(d.iterdir()) for d in scratch_dirs(base)):
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    left = scratch_dirs(base)
    assert len(left) == 1 and any(left[0].iterdir()), "the killed run left no spill files to clean up"
    # A directory of a live process (this test's) is not touched.
    mine = base / f"sluice-scratch-{os.getpid()}-0000000000000000"
    mine.mkdir(mode=0o700)
    run = run_sluice(["query", "SELECT 1 AS x", "--format", "csv", "--scratch", str(base)])
    assert (run.code, run.stdout) == (EX_OK, "x\n1\n"), run.describe()
    assert scratch_dirs(base) == [mine]


def test_memory_takes_a_size(sluice_bin):
    run = run_sluice(["query", "SELECT 1", "--memory", "lots"])
    assert (run.code, run.stderr) == (EX_USAGE, "error: invalid value 'lots' for setting sluice.memory: expected a size such "
                                                "as 512MB or 2GB\n"), run.describe()


def test_shuffle_files_compress_when_told_or_when_the_input_exceeds_the_budget(clicks: Path):
    """Process mode's shuffle files: compressed (and reported as a shuffle spill) with
    sluice.shuffle.compress=true, or under auto when the scan reads more than --memory;
    never with false. The rows are the same each way."""
    outputs, reports = {}, {}
    for name, args in {"false": ["--set", "sluice.shuffle.compress=false", "--memory", "256MB"],
                       "true": ["--set", "sluice.shuffle.compress=true"],
                       "auto-small": ["--memory", "256MB"],
                       "auto-large": ["--memory", "8GB"]}.items():
        r = run_sluice(["run", clicks, "--format", "csv", "--workers", "2", *args], timeout=600)
        assert r.code == EX_OK, r.describe()
        outputs[name] = canonical(r.stdout)
        reports[name] = SPILLED.search(r.stderr)
    assert outputs["false"] == outputs["true"] == outputs["auto-small"] == outputs["auto-large"]
    assert reports["false"] is None and reports["auto-large"] is None
    for name in ["true", "auto-small"]:
        m = reports[name]
        assert m and re.fullmatch(r"shuffle \d+", m[2]), m and m[0]
        assert float(m[7]) > 2, m[0]
