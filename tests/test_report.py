"""`sluice run --report FILE --metrics FILE`: the run's figures as JSON and in Prometheus
text format, written when the run succeeds and when it fails."""

from __future__ import annotations

import json
import re

from conftest import EX_OK, run_sluice
from output_helpers import Workspace, csv_text

EX_DATAERR = 65

SOURCE = csv_text(["id", "dt", "amount"], [(i, f"2024-03-0{1 + i % 3}", i * 1.5) for i in range(30)])

JOB = """
CREATE TEMPORARY VIEW src USING csv OPTIONS (path 'in/src.csv', header 'true', inferSchema 'true');
CREATE TABLE t (id BIGINT, amount DOUBLE, dt DATE) USING csv PARTITIONED BY (dt) LOCATION 'out/t';
INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, amount, dt FROM src;
SELECT dt, count(*) AS n FROM t GROUP BY dt ORDER BY dt;
"""


def metric(text: str, name: str) -> str:
    m = re.search(rf"^sluice_{name}\{{job=\"job\"\}} (\S+)$", text, re.M)
    assert m, f"no sluice_{name} in:\n{text}"
    return m.group(1)


def test_report_and_metrics_of_a_run(tmp_path):
    ws = Workspace(tmp_path)
    ws.write("in/src.csv", SOURCE)
    ws.job(JOB)
    for mode in ("process", "thread"):
        r = run_sluice(["run", "job.sql", "--quiet", "--mode", mode, "--workers", "2",
                        "--report", "run.json", "--metrics", "run.prom"], cwd=tmp_path)
        assert r.code == EX_OK, r.describe()
        assert r.stdout == "dt,n\n2024-03-01,10\n2024-03-02,10\n2024-03-03,10\n"
        report = json.loads((tmp_path / "run.json").read_text())
        assert report["status"] == 0 and "error" not in report
        assert report["mode"] == mode and report["workers"] == 2
        files = sorted(p for p in (tmp_path / "out/t").rglob("*.csv"))
        assert report["outputs"] == [{
            "location": "out/t", "rows": 30, "files": len(files), "partitions": 3, "resumedTasks": 0,
            "bytes": sum(p.stat().st_size for p in files)}]
        # The run held the job's lease: the highest epoch in its lease directory.
        assert report["epoch"] == max(int(p.name.removeprefix("epoch-")) for p in (tmp_path / "out/.sluice/t").glob("epoch-*"))
        assert report["filesWritten"] == len(files) and report["partitionsWritten"] == 3
        assert report["rowsOut"] == 30 + 3  # written, then printed
        assert report["bytesOut"] == sum(p.stat().st_size for p in files)
        # The source once (30 rows), then the table once (30 rows).
        assert report["rowsIn"] == 60
        assert report["bytesIn"] == len(SOURCE.encode()) + report["bytesOut"]
        assert report["taskAttempts"] == sum(s["tasks"] for s in report["stages"])
        assert report["taskFailures"] == 0 and report["workersReplaced"] == 0
        assert {s["statement"] for s in report["stages"]} == {3, 4}
        prom = (tmp_path / "run.prom").read_text()
        assert metric(prom, "run_success") == "1"
        assert metric(prom, "run_exit_status") == "0"
        assert metric(prom, "run_rows_in") == "60"
        assert metric(prom, "run_files_written") == str(len(files))
        assert metric(prom, "run_partitions_written") == "3"
        assert "# TYPE sluice_run_duration_seconds gauge\n" in prom
        assert not list(tmp_path.glob(".run.*.tmp")), "a temporary metrics file was left behind"


def test_report_of_a_failed_run(tmp_path):
    ws = Workspace(tmp_path)
    ws.write("in/src.csv", "id,dt,amount\n1,2024-03-01,1.5\nx,2024-03-01,2.5\n")
    ws.job(JOB.replace("inferSchema 'true'", "schema 'id BIGINT, dt DATE, amount DOUBLE'"))
    r = run_sluice(["run", "job.sql", "--quiet", "--report", "run.json", "--metrics", "run.prom"], cwd=tmp_path)
    assert r.code == EX_DATAERR, r.describe()
    message = r.stderr.strip().removeprefix("error: ")
    report = json.loads((tmp_path / "run.json").read_text())
    assert report["status"] == EX_DATAERR
    assert report["error"] == message
    assert report["outputs"] == [] and report["filesWritten"] == 0
    prom = (tmp_path / "run.prom").read_text()
    assert metric(prom, "run_success") == "0"
    assert metric(prom, "run_exit_status") == "65"


def test_report_of_a_run_that_cannot_start(tmp_path):
    r = run_sluice(["run", "missing.sql", "--quiet", "--report", "run.json"], cwd=tmp_path)
    assert r.code == 66, r.describe()
    report = json.loads((tmp_path / "run.json").read_text())
    assert report["status"] == 66 and report["job"] == "missing.sql"
    assert report["error"] == r.stderr.strip().removeprefix("error: ")
