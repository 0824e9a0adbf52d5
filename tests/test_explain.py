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


JOIN_JOB = (
    "CREATE TEMPORARY VIEW events USING csv OPTIONS (path '{repo}/data/events', header 'true', inferSchema 'true');\n"
    "CREATE TEMPORARY VIEW countries USING csv OPTIONS (path '{repo}/data/countries.csv', header 'true');\n"
    "{set}SELECT c.region, count(*) AS n FROM events e {join} countries c {on} GROUP BY c.region;\n")


def join_stages(tmp_path: Path, *, set_: str = "", join: str = "JOIN", on: str = "ON e.country = c.code") -> str:
    job = tmp_path / "join.sql"
    job.write_text(JOIN_JOB.format(repo=REPO, set=set_, join=join, on=on))
    result = run_sluice(["explain", str(job), "--set", "spark.sql.shuffle.partitions=3"], cwd=tmp_path)
    assert result.code == 0, result.describe()
    return result.stdout.split("== Stages ==\n")[1].replace(str(REPO), "<repo>")


def test_explain_broadcasts_a_small_join_side(tmp_path: Path) -> None:
    # countries.csv (680 bytes) is under spark.sql.autoBroadcastJoinThreshold (10 MB).
    assert join_stages(tmp_path) == (
        "Stage 0: scan csv <repo>/data/countries.csv [code, region], one task per split -> to one task\n"
        "Stage 1: scan csv <repo>/data/events [country], one task per split -> hash partition by [#0] into 3\n"
        "  HashJoin Inner build: stage 0 (right side) keys: [country = code]\n"
        "  HashAggregate(partial) keys: [region] aggregates: [count(*)]\n"
        "Stage 2: shuffle from stage 1, 3 tasks -> result\n"
        "  HashAggregate(final) keys: [region] aggregates: [count(*)]\n"
        "  Project [region, count(*)]\n")


@pytest.mark.parametrize("threshold", ["-1", "100"])
def test_explain_shuffles_both_sides_of_a_join_over_the_threshold(tmp_path: Path, threshold: str) -> None:
    # -1 disables broadcasting; 100 bytes is less than the countries file's share of bytes.
    stages = join_stages(tmp_path, set_=f"SET spark.sql.autoBroadcastJoinThreshold={threshold};\n")
    assert stages == (
        "Stage 0: scan csv <repo>/data/countries.csv [code, region], one task per split -> hash partition by [#0] into 3\n"
        "Stage 1: scan csv <repo>/data/events [country], one task per split -> hash partition by [#0] into 3\n"
        "Stage 2: shuffle from stage 1, 3 tasks -> hash partition by [#0] into 3\n"
        "  ShuffledHashJoin Inner build: the task's partition of stage 0 (right side) keys: [country = code]\n"
        "  HashAggregate(partial) keys: [region] aggregates: [count(*)]\n"
        "Stage 3: shuffle from stage 2, 3 tasks -> result\n"
        "  HashAggregate(final) keys: [region] aggregates: [count(*)]\n"
        "  Project [region, count(*)]\n")


def test_explain_keeps_broadcasting_joins_without_keys(tmp_path: Path) -> None:
    # A shuffle needs equality keys: a cross join or a join on a condition alone broadcasts.
    set_ = "SET spark.sql.autoBroadcastJoinThreshold=-1;\n"
    for join, on in [("CROSS JOIN", ""), ("JOIN", "ON e.country < c.code")]:
        assert "  HashJoin Inner build: stage 0 (right side)" in join_stages(tmp_path, set_=set_, join=join, on=on)


def test_explain_full_outer_join_gathers_only_when_broadcast(tmp_path: Path) -> None:
    # Broadcast: unmatched build rows are known once every probe row was seen, in one task.
    broadcast = join_stages(tmp_path, join="FULL JOIN")
    assert broadcast.startswith(
        "Stage 0: scan csv <repo>/data/countries.csv [code, region], one task per split -> to one task\n"
        "Stage 1: scan csv <repo>/data/events [country], one task per split -> to one task\n"
        "Stage 2: gather from stage 1, 1 task -> result\n"
        "  HashJoin FullOuter build: stage 0 (right side) keys: [country = code]\n")
    # Shuffled: each task holds every row of its keys from both sides.
    shuffled = join_stages(tmp_path, set_="SET spark.sql.autoBroadcastJoinThreshold=-1;\n", join="FULL JOIN")
    assert shuffled.startswith(
        "Stage 0: scan csv <repo>/data/countries.csv [code, region], one task per split -> hash partition by [#0] into 3\n"
        "Stage 1: scan csv <repo>/data/events [country], one task per split -> hash partition by [#0] into 3\n"
        "Stage 2: shuffle from stage 1, 3 tasks -> hash partition by [#0] into 3\n"
        "  ShuffledHashJoin FullOuter build: the task's partition of stage 0 (right side) keys: [country = code]\n")


def test_explain_shuffles_a_build_side_larger_than_a_joins_memory_share(tmp_path: Path) -> None:
    # A broadcast build side is never spilled: under a --memory whose share for one join is
    # smaller than the build side (about 50 KB here, 3 KB per join under 64MB for three
    # processes), the join is shuffled, where its build side can spill.
    (tmp_path / "codes.csv").write_text("code,region\n" + "".join(f"C{i},R{i % 7}\n" for i in range(5000)))
    (tmp_path / "events.csv").write_text("country,amount\n" + "".join(f"C{i % 6000},{i}\n" for i in range(20000)))
    job = tmp_path / "job.sql"
    job.write_text(
        "CREATE TEMPORARY VIEW events USING csv OPTIONS (path 'events.csv', header 'true', inferSchema 'true');\n"
        "CREATE TEMPORARY VIEW codes USING csv OPTIONS (path 'codes.csv', header 'true');\n"
        "SELECT c.region, count(*) AS n FROM events e JOIN codes c ON e.country = c.code GROUP BY c.region;\n")
    joins = {}
    for memory in ["64MB", "1GB"]:
        result = run_sluice(["explain", str(job), "--workers", "2", "--memory", memory], cwd=tmp_path)
        assert result.code == 0, result.describe()
        joins[memory] = [l for l in result.stdout.split("== Stages ==\n")[1].splitlines() if "Join" in l]
    assert joins == {
        "64MB": ["  ShuffledHashJoin Inner build: the task's partition of stage 0 (right side) keys: [country = code]"],
        "1GB": ["  HashJoin Inner build: stage 0 (right side) keys: [country = code]"],
    }
    rows = {}
    for memory in ["64MB", "1GB"]:
        result = run_sluice(["run", str(job), "--workers", "2", "--memory", memory, "--format", "csv", "--quiet"], cwd=tmp_path)
        assert result.code == 0, result.describe()
        rows[memory] = sorted(result.stdout.splitlines()[1:])
    counts = {}
    for i in range(20000):
        if i % 6000 < 5000:
            counts[f"R{i % 6000 % 7}"] = counts.get(f"R{i % 6000 % 7}", 0) + 1
    assert rows["64MB"] == rows["1GB"] == sorted(f"{r},{n}" for r, n in counts.items())
