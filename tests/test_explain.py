"""`sluice explain` output, snapshotted (as DataFusion's .slt files record plans): a change
in planning shows up here as a reviewed diff of the plan, not as a silent slowdown.

To accept a new plan on purpose: SLUICE_UPDATE_SNAPSHOTS=1 pytest tests/test_explain.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import REPO, run_sluice

pytestmark = pytest.mark.engine

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"


@pytest.mark.parametrize("job", ["daily_summary"])
def test_explain_matches_snapshot(job: str) -> None:
    result = run_sluice(["explain", f"data/jobs/{job}.sql", "--workers", "2"], cwd=REPO)
    assert result.code == 0, result.describe()
    snapshot = SNAPSHOTS / f"explain_{job}.txt"
    if os.environ.get("SLUICE_UPDATE_SNAPSHOTS"):
        snapshot.write_text(result.stdout)
    assert result.stdout == snapshot.read_text()


def test_explain_shows_pruning_pushdown_and_stages(tmp_path: Path) -> None:
    job = tmp_path / "job.sql"
    job.write_text(
        f"CREATE TEMPORARY VIEW events USING csv OPTIONS (path '{REPO}/data/events', header 'true', inferSchema 'true');\n"
        "SELECT country, count(*) AS n FROM events WHERE dt = DATE '2024-03-05' AND amount > 10 "
        "GROUP BY country ORDER BY n DESC LIMIT 3;\n")
    result = run_sluice(["explain", str(job), "--set", "spark.sql.shuffle.partitions=3"], cwd=tmp_path)
    assert result.code == 0, result.describe()
    optimized = result.stdout.split("== Optimized Logical Plan ==\n")[1].split("\n\n")[0]
    assert optimized == (
        "Limit 3\n"
        "+- Sort [n DESC NULLS LAST]\n"
        "   +- Project [country, count(*) AS n]\n"
        "      +- Aggregate keys: [country] aggregates: [count(*)]\n"
        f"         +- Scan csv {REPO}/data/events [country, amount, dt] filters: [(dt = DATE '2024-03-05'), "
        "(amount > 10.0)] partition filters: [(dt = DATE '2024-03-05')]")
    stages = result.stdout.split("== Stages ==\n")[1]
    assert stages == (
        f"Stage 0: scan csv {REPO}/data/events [country, amount, dt] pruning [(dt = DATE '2024-03-05')], one task per split"
        " -> hash partition by [#0] into 3\n"
        "  Filter ((dt = DATE '2024-03-05') AND (amount > 10.0))\n"
        "  HashAggregate(partial) keys: [country] aggregates: [count(*)]\n"
        "Stage 1: shuffle from stage 0, 3 tasks -> to one task\n"
        "  HashAggregate(final) keys: [country] aggregates: [count(*)]\n"
        "  Project [country, count(*)]\n"
        "  TopN 3 [n DESC NULLS LAST]\n"
        "Stage 2: gather from stage 1, 1 task -> result\n"
        "  TopN 3 [n DESC NULLS LAST]\n")
