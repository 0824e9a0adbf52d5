"""Writing output, end to end: CREATE TABLE ... USING csv [PARTITIONED BY] LOCATION,
INSERT OVERWRITE / INTO TABLE with static, dynamic and mixed partitions, INSERT OVERWRITE
DIRECTORY, and what must hold around them:

- the layout: `k=v` directories escaped as Hive's escapePathName, files named
  `part-<task>-<attempt>-<run>.csv`, `_SUCCESS`, the header option;
- which old data an overwrite replaces (dynamic: the partitions written; static: all);
- Hive's compile-time rules and its limits (per node = per task, total, files, empty),
  each with Hive's message, exit 65, and the location byte for byte as it was;
- crash safety: a run killed at every step of its commit leaves each partition whole, old
  or new, once the next run has recovered the location; a worker killed while writing
  changes nothing in the output;
- the sample job (data/jobs/daily_revenue.sql) against DuckDB.

Every job runs in its own temporary directory, with relative paths, as a user runs one.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import signal
import subprocess
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from conftest import (EX_DATAERR, REPO, compare_results, parse_json_lines, result_from_json_rows,
                      run_sluice, sluice_path)
from output_helpers import (COMMIT_STEPS, daily_revenue_results, DEFAULT_PARTITION, PAUSE_LINE, Workspace, assert_error, children,
                            csv_text, data_files, header_lines, kill_at_commit_step, read_rows, run_ids, snapshot,
                            staging_left)

pytestmark = pytest.mark.engine

MODES = ["process", "thread"]


@pytest.fixture()
def ws(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)


# --- 1. statement forms ------------------------------------------------------------------------------

HEAD = ["id", "name", "amount", "dt"]
SRC1 = [(1, "ann", 10.5, "2024-01-01"), (2, "bob", 20.0, "2024-01-02"), (3, "cy", 30.25, "2024-01-03"),
        (4, "di", 40.0, "2024-01-01"), (5, "ed, jr", 50.0, "2024-01-02")]
SRC2 = [(11, "bo2", 1.5, "2024-01-02"), (12, "dan", 2.5, "2024-01-04")]
SRC3 = [(21, "eve", 3.5, "2024-01-05")]

VIEWS = "".join(
    f"CREATE TEMPORARY VIEW {name} USING csv OPTIONS (path 'in/{name}.csv', header 'true', "
    f"schema 'id INT, name STRING, amount DOUBLE, dt DATE');\n" for name in ("src1", "src2", "src3"))
TABLE_T = ("CREATE TABLE t (id INT, name STRING, amount DOUBLE, dt DATE) USING csv PARTITIONED BY (dt) "
           "LOCATION 'out/t' OPTIONS (header 'true');\n")


def write_sources(ws: Workspace) -> None:
    for name, rows in (("src1", SRC1), ("src2", SRC2), ("src3", SRC3)):
        ws.write(f"in/{name}.csv", csv_text(HEAD, rows))


def partition_dirs(location: Path) -> list[str]:
    return sorted({f.partition for f in data_files(location)})


def under(snap: dict, prefix: str) -> dict:
    return {k: v for k, v in snap.items() if k.startswith(prefix)}


def test_spark_form_dynamic_overwrite_replaces_only_the_partitions_written(ws: Workspace) -> None:
    write_sources(ws)
    loc = ws.root / "out/t"
    # Written and read back in the same job.
    rows = ws.ok(VIEWS + TABLE_T + "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, name, amount, dt FROM src1;\n"
                 "SELECT * FROM t ORDER BY id;\n")
    assert rows == [(1, "ann", 10.5, "2024-01-01"), (2, "bob", 20.0, "2024-01-02"), (3, "cy", 30.25, "2024-01-03"),
                    (4, "di", 40.0, "2024-01-01"), (5, "ed, jr", 50.0, "2024-01-02")]
    first = snapshot(loc)
    files = data_files(loc)
    assert [f.partition for f in files] == ["dt=2024-01-01", "dt=2024-01-02", "dt=2024-01-03"]
    assert {f.name["task"] for f in files} == {"00000"} and len(run_ids(loc)) == 1
    assert first["_SUCCESS"] == b""
    # The partition column is in the directory name, not in the file; the header option.
    assert [f.path.read_text() for f in files] == ["id,name,amount\n1,ann,10.5\n4,di,40.0\n",
                                                   'id,name,amount\n2,bob,20.0\n5,"ed, jr",50.0\n',
                                                   "id,name,amount\n3,cy,30.25\n"]
    assert set(first) == {"_SUCCESS", "dt=2024-01-01/", "dt=2024-01-02/", "dt=2024-01-03/"} | {f.relative for f in files}

    # A second job: the default (dynamic) overwrite replaces 01-02 and adds 01-04.
    ws.ok(VIEWS + TABLE_T + "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, name, amount, dt FROM src2;\n")
    second = snapshot(loc)
    for day in ("dt=2024-01-01/", "dt=2024-01-03/"):
        assert under(second, day) == under(first, day), f"{day} changed"
    assert partition_dirs(loc) == ["dt=2024-01-01", "dt=2024-01-02", "dt=2024-01-03", "dt=2024-01-04"]
    (old_run,) = run_ids(loc) - {f.name["run"] for f in data_files(loc) if f.partition in ("dt=2024-01-02", "dt=2024-01-04")}
    replaced = [f for f in data_files(loc) if f.partition == "dt=2024-01-02"]
    assert len(replaced) == 1 and replaced[0].name["run"] != old_run
    assert replaced[0].path.read_text() == "id,name,amount\n11,bo2,1.5\n"
    assert not staging_left(loc)

    # A third job that only declares the table: the data at the location is the table.
    assert ws.ok(TABLE_T + "SELECT id, name, amount, dt FROM t ORDER BY id;\n") == [
        (1, "ann", 10.5, "2024-01-01"), (3, "cy", 30.25, "2024-01-03"), (4, "di", 40.0, "2024-01-01"),
        (11, "bo2", 1.5, "2024-01-02"), (12, "dan", 2.5, "2024-01-04")]

    # Static overwrite mode replaces every partition.
    rows = ws.ok(VIEWS + TABLE_T + "SET spark.sql.sources.partitionOverwriteMode=static;\n"
                 "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, name, amount, dt FROM src3;\n"
                 "SELECT * FROM t;\n")
    assert rows == [(21, "eve", 3.5, "2024-01-05")]
    assert sorted(snapshot(loc)) == sorted(["_SUCCESS", "dt=2024-01-05/", data_files(loc)[0].relative])
    assert partition_dirs(loc) == ["dt=2024-01-05"]


TABLE_SALES = ("CREATE TABLE sales (id INT, name STRING) USING csv PARTITIONED BY (country STRING, dt DATE) "
               "LOCATION 'out/sales';\n")


def test_hive_form_static_and_mixed_partition_specs(ws: Workspace) -> None:
    write_sources(ws)
    loc = ws.root / "out/sales"
    rows = ws.ok(VIEWS + TABLE_SALES +
                 "INSERT OVERWRITE TABLE sales PARTITION (country='US', dt) SELECT id, name, dt FROM src1;\n"
                 "INSERT OVERWRITE TABLE sales PARTITION (country='FR', dt='2024-02-01') SELECT id, name FROM src2;\n"
                 "SELECT * FROM sales ORDER BY id;\n")
    assert rows == [(1, "ann", "US", "2024-01-01"), (2, "bob", "US", "2024-01-02"), (3, "cy", "US", "2024-01-03"),
                    (4, "di", "US", "2024-01-01"), (5, "ed, jr", "US", "2024-01-02"),
                    (11, "bo2", "FR", "2024-02-01"), (12, "dan", "FR", "2024-02-01")]
    assert partition_dirs(loc) == ["country=FR/dt=2024-02-01", "country=US/dt=2024-01-01", "country=US/dt=2024-01-02",
                                   "country=US/dt=2024-01-03"]
    # No header option: no header line.
    fr = [f for f in data_files(loc) if f.partition.startswith("country=FR")]
    assert [f.path.read_text() for f in fr] == ["11,bo2\n12,dan\n"]
    assert len(run_ids(loc)) == 2
    first = snapshot(loc)

    # A static partition: only that partition is replaced.
    ws.ok(VIEWS + TABLE_SALES + "INSERT OVERWRITE TABLE sales PARTITION (country='FR', dt='2024-02-01') "
          "SELECT id, name FROM src3;\n")
    second = snapshot(loc)
    assert under(second, "country=US/") == under(first, "country=US/")
    assert [f.path.read_text() for f in data_files(loc) if f.partition.startswith("country=FR")] == ["21,eve\n"]

    # Mixed static and dynamic, dynamic overwrite: the written dt partitions under US only.
    ws.ok(VIEWS + TABLE_SALES + "INSERT OVERWRITE TABLE sales PARTITION (country='US', dt) SELECT id, name, dt FROM src2;\n")
    third = snapshot(loc)
    for keep in ("country=US/dt=2024-01-01/", "country=US/dt=2024-01-03/", "country=FR/"):
        assert under(third, keep) == under(second, keep), keep
    assert ws.ok(TABLE_SALES + "SELECT id, country, dt FROM sales ORDER BY id;\n") == [
        (1, "US", "2024-01-01"), (3, "US", "2024-01-03"), (4, "US", "2024-01-01"), (11, "US", "2024-01-02"),
        (12, "US", "2024-01-04"), (21, "FR", "2024-02-01")]

    # Mixed, static overwrite: every partition under country=US goes, FR stays.
    ws.ok(VIEWS + TABLE_SALES + "SET spark.sql.sources.partitionOverwriteMode=static;\n"
          "INSERT OVERWRITE TABLE sales PARTITION (country='US', dt) SELECT id, name, dt FROM src3;\n")
    assert under(snapshot(loc), "country=FR/") == under(third, "country=FR/")
    assert partition_dirs(loc) == ["country=FR/dt=2024-02-01", "country=US/dt=2024-01-05"]
    assert ws.ok(TABLE_SALES + "SELECT * FROM sales ORDER BY country;\n") == [
        (21, "eve", "FR", "2024-02-01"), (21, "eve", "US", "2024-01-05")]
    assert not staging_left(loc)


def test_insert_into_adds_files_and_keeps_the_old_ones(ws: Workspace) -> None:
    write_sources(ws)
    loc = ws.root / "out/t"
    ws.ok(VIEWS + TABLE_T + "INSERT INTO TABLE t SELECT id, name, amount, dt FROM src1;\n")
    first = snapshot(loc)
    rows = ws.ok(VIEWS + TABLE_T + "INSERT INTO t PARTITION (dt) SELECT id + 100, name, amount, dt FROM src1 WHERE id <= 2;\n"
                 "SELECT id, dt FROM t ORDER BY id;\n")
    assert rows == [(1, "2024-01-01"), (2, "2024-01-02"), (3, "2024-01-03"), (4, "2024-01-01"), (5, "2024-01-02"),
                    (101, "2024-01-01"), (102, "2024-01-02")]
    second = snapshot(loc)
    assert {k: v for k, v in second.items() if k in first and k != "_SUCCESS"} == \
           {k: v for k, v in first.items() if k != "_SUCCESS"}, "an old file changed"
    added = sorted(set(second) - set(first))
    assert len(added) == 2 and all(re.fullmatch(r"dt=2024-01-0[12]/part-00000-\d+-[0-9a-f]{16}\.csv", a) for a in added)
    assert len(run_ids(loc)) == 2

    # Unpartitioned: files side by side.
    table_u = "CREATE TABLE u (id INT, name STRING) USING csv LOCATION 'out/u' OPTIONS (header 'true');\n"
    ws.ok(VIEWS + table_u + "INSERT INTO u SELECT id, name FROM src2;\n")
    rows = ws.ok(VIEWS + table_u + "INSERT INTO TABLE u SELECT id, name FROM src3;\nSELECT * FROM u ORDER BY id;\n")
    assert rows == [(11, "bo2"), (12, "dan"), (21, "eve")]
    names = sorted(snapshot(ws.root / "out/u"))
    assert len(names) == 3 and names[0] == "_SUCCESS" and all(data_files(ws.root / "out/u"))
    assert header_lines(ws.root / "out/u") == {"id,name"}


def test_insert_overwrite_directory_replaces_its_files(ws: Workspace) -> None:
    write_sources(ws)
    out = ws.root / "out/dir"
    ws.write("out/dir/old.csv", "id,name\n99,stale\n")
    ws.write("out/dir/sub/part-00000.csv", "id,name\n98,stale\n")
    rows = ws.ok(VIEWS + "INSERT OVERWRITE DIRECTORY 'out/dir' USING csv OPTIONS (header 'true') "
                 "SELECT id, name FROM src1 WHERE id < 3;\n"
                 "CREATE TEMPORARY VIEW d USING csv OPTIONS (path 'out/dir', header 'true', inferSchema 'true');\n"
                 "SELECT * FROM d ORDER BY id;\n")
    assert rows == [(1, "ann"), (2, "bob")]
    (part,) = data_files(out)
    assert sorted(snapshot(out)) == ["_SUCCESS", part.relative] and part.partition == ""
    assert part.path.read_text() == "id,name\n1,ann\n2,bob\n"
    # Again, without a header: the first run's file is gone.
    ws.ok(VIEWS + "INSERT OVERWRITE DIRECTORY 'out/dir' USING csv SELECT name, amount FROM src3;\n")
    (again,) = data_files(out)
    assert again.name["run"] != part.name["run"] and not part.path.exists()
    assert again.path.read_text() == "eve,3.5\n"
    assert sorted(snapshot(out)) == ["_SUCCESS", again.relative]


def test_data_written_by_hand_in_hive_layout_is_the_table(ws: Workspace) -> None:
    ws.write("out/t/dt=2024-03-01/a.csv", "id,name,amount\n7,gus,7.5\n")
    ws.write("out/t/dt=2024-03-02/b.csv", "id,name,amount\n8,hal,8.5\n9,ida,9.5\n")
    assert ws.ok(TABLE_T + "SELECT * FROM t ORDER BY id;\n") == [
        (7, "gus", 7.5, "2024-03-01"), (8, "hal", 8.5, "2024-03-02"), (9, "ida", 9.5, "2024-03-02")]


# --- 2. Hive's rules and limits ---------------------------------------------------------------------------

TABLE_2 = ("CREATE TABLE p2 (id INT, name STRING) USING csv PARTITIONED BY (country STRING, dt DATE) "
           "LOCATION 'out/t' OPTIONS (header 'true');\n")


def check_failure_leaves_location(ws: Workspace, setup: str, sets: str, insert: str, message: str,
                                  mode: str = "thread") -> None:
    """Fills out/t with `setup`'s insert, then runs the same job with `sets` + `insert` in
    place of that insert, which must fail with `message` (exit 65; `{line}` and `{column}`
    are the insert's and those of its static `dt=` entry) and leave every byte of the
    location as it was."""
    loc = ws.root / "out/t"
    write_sources(ws)
    ws.ok(setup)
    before = snapshot(loc)
    assert before
    job = setup.split("INSERT")[0] + sets + insert + "\n"
    line = job.splitlines().index(insert) + 1
    r = ws.run(job, mode=mode)
    assert_error(r, EX_DATAERR, message.format(line=line, column=insert.find("dt='") + 1))
    assert snapshot(loc) == before
    assert not staging_left(loc)


SETUP_T = VIEWS + TABLE_T + "INSERT OVERWRITE TABLE t SELECT id, name, amount, dt FROM src1;\n"
SETUP_P2 = VIEWS + TABLE_2 + "INSERT OVERWRITE TABLE p2 SELECT id, name, 'US', dt FROM src1;\n"

RULES = {
    "10095": (SETUP_T, "SET hive.exec.dynamic.partition=false;\n",
              "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, name, amount, dt FROM src2;",
              "[Error 10095] Dynamic partition is disabled. Either enable it by setting hive.exec.dynamic.partition=true "
              "or specify partition column values (job.sql: line {line}, column 1)"),
    "10096": (SETUP_T, "SET hive.exec.dynamic.partition.mode=strict;\n",
              "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, name, amount, dt FROM src2;",
              "[Error 10096] Dynamic partition strict mode requires at least one static partition column. "
              "To turn this off set hive.exec.dynamic.partition.mode=nonstrict (job.sql: line {line}, column 1)"),
    # The place is the static entry's.
    "10094": (SETUP_P2, "",
              "INSERT OVERWRITE TABLE p2 PARTITION (country, dt='2024-01-02') SELECT id, name, 'FR' FROM src2;",
              "[Error 10094] Dynamic partition cannot be the parent of a static partition 'dt' (job.sql: line {line}, column {column})"),
    "10044": (SETUP_T, "",
              "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, amount, dt FROM src2;",
              "[Error 10044] Cannot insert into target table because column number/types are different 't': "
              "Table insclause-0 has 4 columns, but query has 3 columns. (job.sql: line {line}, column 1)"),
    "10044-static": (SETUP_P2, "",
                     "INSERT INTO TABLE p2 PARTITION (country='FR', dt='2024-01-02') SELECT id, name, dt FROM src2;",
                     "[Error 10044] Cannot insert into target table because column number/types are different 'p2': "
                     "Table insclause-0 has 2 columns, but query has 3 columns. (job.sql: line {line}, column 1)"),
}


@pytest.mark.parametrize("rule", list(RULES))
def test_compile_time_rule(ws: Workspace, rule: str) -> None:
    setup, sets, insert, message = RULES[rule]
    check_failure_leaves_location(ws, setup, sets, insert, message)


PER_NODE = ("Fatal error occurred when node tried to create too many dynamic partitions. The maximum number of dynamic "
            "partitions is controlled by hive.exec.max.dynamic.partitions and hive.exec.max.dynamic.partitions.pernode. "
            "Maximum was set to {max} partitions per node, number of dynamic partitions on this node: {n}")
TOTAL = ("Number of dynamic partitions created is {n}, which is more than {max}. To solve this try to set "
         "hive.exec.max.dynamic.partitions to at least {n}.")
FILES = "total number of created files now is {n}, which exceeds {max}"
EMPTY = "This query creates no partitions. To turn off this error, set hive.error.on.empty.partition=false."

LIMITS = {
    # src1 has three dates, in one task.
    "per-node": ("SET hive.exec.max.dynamic.partitions.pernode=2;\n", "", PER_NODE.format(max=2, n=3)),
    "total": ("SET hive.exec.max.dynamic.partitions=2;\n", "", TOTAL.format(n=3, max=2)),
    "files": ("SET hive.exec.max.created.files=4;\nSET spark.sql.files.maxRecordsPerFile=1;\n", "", FILES.format(n=5, max=4)),
    "empty": ("SET hive.error.on.empty.partition=true;\n", " WHERE id > 100", EMPTY),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("limit", list(LIMITS))
def test_limit_fails_the_job_and_leaves_the_location(ws: Workspace, limit: str, mode: str) -> None:
    sets, where, message = LIMITS[limit]
    check_failure_leaves_location(ws, SETUP_T, sets,
                                  f"INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, name, amount, dt FROM src1{where};",
                                  message, mode=mode)


def test_limits_allow_exactly_their_value(ws: Workspace) -> None:
    write_sources(ws)
    rows = ws.ok(VIEWS + TABLE_T + "SET hive.exec.max.dynamic.partitions.pernode=3;\nSET hive.exec.max.dynamic.partitions=3;\n"
                 "SET hive.exec.max.created.files=5;\nSET spark.sql.files.maxRecordsPerFile=1;\n"
                 "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, name, amount, dt FROM src1;\n"
                 "SELECT count(*) FROM t;\n")
    assert rows == [(5,)]
    # One row per file: a partition's files past its first are rolled over as -c001, ...
    files = data_files(ws.root / "out/t")
    assert Counter((f.partition, f.name["roll"] or "") for f in files) == Counter(
        [("dt=2024-01-01", ""), ("dt=2024-01-01", "001"), ("dt=2024-01-02", ""), ("dt=2024-01-02", "001"),
         ("dt=2024-01-03", "")])
    assert header_lines(ws.root / "out/t") == {"id,name,amount"}
    assert sorted(read_rows(ws.root / "out/t", header=True)) == sorted(
        (str(i), n, repr(a), d) for i, n, a, d in SRC1)


def test_a_failed_insert_into_a_new_location_leaves_no_directory(ws: Workspace) -> None:
    write_sources(ws)
    table = TABLE_T.replace("'out/t'", "'out/new/t'")
    r = ws.run(VIEWS + table + "SET hive.exec.max.dynamic.partitions.pernode=2;\n"
               "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, name, amount, dt FROM src1;\n")
    assert_error(r, EX_DATAERR, PER_NODE.format(max=2, n=3))
    # Only the job's lease directory (beside the location) was created.
    assert not (ws.root / "out/new/t").exists()
    assert sorted(p.name for p in (ws.root / "out/new").iterdir()) == [".sluice"]
    assert sorted(p.name for p in (ws.root / "out/new/.sluice/t").iterdir()) == ["epoch-1", "journal-1"]


# --- 3. the per-node limit is per task --------------------------------------------------------------------

DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(365)]
ROWS_365 = 73_000  # 200 rows per day


@pytest.fixture(scope="module")
def days365(tmp_path_factory) -> Path:
    """2.3 MB of rows whose dt runs round-robin over 365 days: every split of the file holds
    rows of every day."""
    path = tmp_path_factory.mktemp("days365") / "events.csv"
    path.write_text(csv_text(["id", "user", "dt"], ((i, f"user{i * 7919 % 1000:04d}-{'x' * 12}", DAYS[i % 365].isoformat())
                                                    for i in range(ROWS_365))))
    return path


def days_job(src: Path, body: str) -> str:
    return (f"CREATE TEMPORARY VIEW src USING csv OPTIONS (path '{src}', header 'true', schema 'id INT, user STRING, dt DATE');\n"
            "CREATE TABLE t (id INT, user STRING, dt DATE) USING csv PARTITIONED BY (dt) LOCATION 'out/t' "
            "OPTIONS (header 'true');\n"
            "SET spark.sql.files.maxPartitionBytes=512KB;\n" + body)


def old_partition(ws: Workspace, src: Path) -> dict:
    """A partition outside the 365 days, written first: it must survive what follows."""
    ws.ok(days_job(src, "INSERT INTO t PARTITION (dt='2023-12-31') SELECT id, user FROM src WHERE id < 3;\n"))
    return snapshot(ws.root / "out/t")


@pytest.mark.parametrize("mode", MODES)
def test_map_only_insert_of_365_days_trips_the_per_node_limit(ws: Workspace, days365: Path, mode: str) -> None:
    before = old_partition(ws, days365)
    r = ws.run(days_job(days365, "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, user, dt FROM src;\n"), mode=mode)
    assert_error(r, EX_DATAERR, PER_NODE.format(max=100, n=101))
    assert snapshot(ws.root / "out/t") == before
    assert not staging_left(ws.root / "out/t")


@pytest.mark.parametrize("mode", MODES)
def test_distribute_by_the_partition_column_writes_365_partitions(ws: Workspace, days365: Path, mode: str) -> None:
    before = old_partition(ws, days365)
    ws.ok(days_job(days365, "SET spark.sql.shuffle.partitions=16;\n"
                            "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, user, dt FROM src DISTRIBUTE BY dt;\n"),
          mode=mode)
    loc = ws.root / "out/t"
    assert under(snapshot(loc), "dt=2023-12-31/") == under(before, "dt=2023-12-31/")
    files = [f for f in data_files(loc) if f.partition != "dt=2023-12-31"]
    # Each day went to one reduce task: one file per day, from 16 tasks at most.
    assert sorted(f.partition for f in files) == [f"dt={d.isoformat()}" for d in DAYS]
    assert {int(f.name["task"]) for f in files} <= set(range(16)) and len({f.name["task"] for f in files}) > 1
    assert len({f.name["run"] for f in files}) == 1
    got = Counter(r for r in read_rows(loc, header=True) if r[2] != "2023-12-31")
    expected = Counter((str(i), f"user{i * 7919 % 1000:04d}-{'x' * 12}", DAYS[i % 365].isoformat()) for i in range(ROWS_365))
    assert got == expected
    assert not staging_left(loc)


def test_raising_the_per_node_limit_writes_every_day_from_every_map_task(ws: Workspace, days365: Path) -> None:
    """Map-only with the limit raised: each of the map tasks writes all 365 days, more
    than the files it may keep open, so that it sorts its rows by day."""
    ws.ok(days_job(days365, "SET hive.exec.max.dynamic.partitions.pernode=365;\n"
                            "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, user, dt FROM src;\n"), mode="process")
    loc = ws.root / "out/t"
    files = data_files(loc)
    tasks = {f.name["task"] for f in files}
    assert len(tasks) >= 4
    # Every task wrote every day (a day's file closed when the task began sorting is
    # followed by a rolled-over one, -c001, after it).
    tasks_per_day = defaultdict(set)
    for f in files:
        tasks_per_day[f.partition].add(f.name["task"])
    assert set(tasks_per_day) == {f"dt={d.isoformat()}" for d in DAYS}
    assert all(t == tasks for t in tasks_per_day.values())
    assert len(read_rows(loc, header=True)) == ROWS_365
    assert len({r[0] for r in read_rows(loc, header=True)}) == ROWS_365


@pytest.mark.parametrize("mode", MODES)
def test_more_partitions_than_open_files_with_rolled_over_files(ws: Workspace, mode: str) -> None:
    """30 keys in tasks that may keep 4 files open and write 7 rows per file: every row
    once, under its key, at most 7 to a file, each file with its header."""
    rng = random.Random(8)
    keyed = [(i, f"k{rng.randrange(30):02d}") for i in range(1500)]
    ws.write("in/k.csv", csv_text(["id", "k"], keyed))
    rows = ws.ok("CREATE TEMPORARY VIEW src USING csv OPTIONS (path 'in/k.csv', header 'true', schema 'id INT, k STRING');\n"
                 "CREATE TABLE t (id INT, k STRING) USING csv PARTITIONED BY (k) LOCATION 'out/t' OPTIONS (header 'true');\n"
                 "SET sluice.output.maxOpenFiles=4;\nSET spark.sql.files.maxRecordsPerFile=7;\n"
                 "SET spark.sql.files.maxPartitionBytes=4KB;\n"
                 "INSERT OVERWRITE TABLE t SELECT id, k FROM src;\n"
                 "SELECT count(*), count(DISTINCT id), count(DISTINCT k) FROM t;\n", mode=mode)
    assert rows == [(1500, 1500, 30)]
    loc = ws.root / "out/t"
    assert sorted(read_rows(loc, header=True), key=lambda r: int(r[0])) == [(str(i), k) for i, k in keyed]
    files = data_files(loc)
    assert len({f.name["task"] for f in files}) > 1 and header_lines(loc) == {"id"}
    assert all(1 <= len(f.path.read_text().splitlines()) - 1 <= 7 for f in files)


@pytest.mark.parametrize("mode", MODES)
def test_total_limit_trips_past_1000_partitions(ws: Workspace, mode: str) -> None:
    src = ws.write("in/k.csv", csv_text(["id", "k"], ((i, f"k{i % 1001:04d}") for i in range(2002))))
    table = ("CREATE TEMPORARY VIEW src USING csv OPTIONS (path 'in/k.csv', header 'true', schema 'id INT, k STRING');\n"
             "CREATE TABLE t (id INT, k STRING) USING csv PARTITIONED BY (k) LOCATION 'out/t';\n"
             "SET hive.exec.max.dynamic.partitions.pernode=5000;\n")
    ws.ok(table + "INSERT INTO t SELECT id, 'old' FROM src WHERE id = 0;\n")
    before = snapshot(ws.root / "out/t")
    r = ws.run(table + "INSERT OVERWRITE TABLE t SELECT id, k FROM src;\n", mode=mode)
    assert_error(r, EX_DATAERR, TOTAL.format(n=1001, max=1000))
    assert snapshot(ws.root / "out/t") == before
    assert not staging_left(ws.root / "out/t") and src.exists()


@pytest.mark.parametrize("mode", MODES)
def test_created_files_limit_counts_the_files_of_every_task(ws: Workspace, days365: Path, mode: str) -> None:
    before = old_partition(ws, days365)
    r = ws.run(days_job(days365, "SET spark.sql.shuffle.partitions=16;\nSET hive.exec.max.created.files=364;\n"
                                 "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, user, dt FROM src DISTRIBUTE BY dt;\n"),
               mode=mode)
    assert_error(r, EX_DATAERR, FILES.format(n=365, max=364))
    assert snapshot(ws.root / "out/t") == before
    assert not staging_left(ws.root / "out/t")


# --- 4. escaping ------------------------------------------------------------------------------------------

# (id, partition value, its directory). The job turns the empty string in by a CASE (under
# the default options a CSV field cannot hold it); None is an empty field, NULL.
ESCAPE_VALUES = [
    (1, "a/b", "k=a%2Fb"),
    (2, "x=y", "k=x%3Dy"),
    (3, "50%", "k=50%25"),
    (4, "10:30", "k=10%3A30"),
    (5, "..", "k=.."),
    (6, "../up", "k=..%2Fup"),
    (7, "line\nbreak", "k=line%0Abreak"),
    (8, "", "k=" + DEFAULT_PARTITION),   # the empty string
    (9, None, "k=" + DEFAULT_PARTITION),  # NULL
    # Hive's list has `{` but not `}`.
    (10, "#?*[]^{}\\'\"", "k=%23%3F%2A%5B%5D%5E%7B}%5C%27%22"),
    (11, "a b.é~", "k=a b.é~"),
]


@pytest.mark.parametrize("mode", MODES)
def test_partition_values_are_escaped_as_hive_does_and_read_back(ws: Workspace, mode: str) -> None:
    ws.write("in/esc.csv", csv_text(["id", "kind", "k"], [(i, "empty" if v == "" else "value", v) for i, v, _ in ESCAPE_VALUES]))
    table = "CREATE TABLE e (id INT, k STRING) USING csv PARTITIONED BY (k) LOCATION 'out/e' OPTIONS (header 'true');\n"
    before = ws.files()
    ws.ok("CREATE TEMPORARY VIEW src USING csv OPTIONS (path 'in/esc.csv', header 'true', multiLine 'true', "
          "schema 'id INT, kind STRING, k STRING');\n" + table +
          "INSERT OVERWRITE TABLE e SELECT id, CASE WHEN kind = 'empty' THEN '' ELSE k END FROM src;\n", mode=mode)
    loc = ws.root / "out/e"
    # One level of directories, named as escapePathName names them: nothing escapes the
    # location, `..` stays inside `k=..`.
    assert sorted(p.name for p in loc.iterdir()) == sorted({"_SUCCESS"} | {d for _, _, d in ESCAPE_VALUES})
    assert all(p.parent == loc for p in loc.rglob("*") if p.is_dir())
    by_dir = {f.partition: f.path.read_text() for f in data_files(loc)}
    assert by_dir["k=" + DEFAULT_PARTITION] == "id\n8\n9\n"
    assert by_dir["k=line%0Abreak"] == "id\n7\n"
    # Nothing was created outside the location.
    # (The job's lease directory, beside the location, is sluice's own.)
    assert {p for p in ws.files() if not p.startswith(("out/e", "out/.sluice"))} == before | {"out", "job.sql"}

    expected = [(i, None if v == "" else v) for i, v, _ in ESCAPE_VALUES]
    assert ws.ok(table + "SELECT id, k FROM e ORDER BY id;\n", mode=mode) == expected
    assert ws.ok(table + "SELECT id FROM e WHERE k IS NULL ORDER BY id;\n", mode=mode) == [(8,), (9,)]

    import duckdb

    # DuckDB's hive_partitioning (2.0, as installed for this suite) undoes the %XX escapes
    # and reads the directory __HIVE_DEFAULT_PARTITION__ as NULL: it returns the original
    # values, and NULL for both the empty string and NULL, as Hive and Spark do.
    con = duckdb.connect()
    got = con.execute(f"SELECT id, k FROM read_csv('{loc}/**/*.csv', hive_partitioning=true, header=true, "
                      "hive_types={'k': 'VARCHAR'}) ORDER BY id").fetchall()
    assert got == expected


# --- 5. crash safety ----------------------------------------------------------------------------------------

CRASH_HEAD = ["id", "v", "country", "p"]
# Several rows (and, with maxRecordsPerFile=1, several files) per partition, so that a
# partition holding a mix of old and new would show.
OLD = [(1, "old", "US", "a"), (2, "old", "US", "a"), (3, "old", "US", "b"), (4, "old", "US", "b"), (5, "old", "US", "c"),
       (6, "old", "US", "d"), (7, "old", "US", "d"), (8, "old", "FR", "a")]
NEW = [(13, "new", "US", "b"), (14, "new", "US", "b"), (15, "new", "US", "b"), (16, "new", "US", "c"), (17, "new", "US", "e"),
       (18, "new", "US", "e")]
CRASH_TABLE = ("CREATE TABLE t (id INT, v STRING) USING csv PARTITIONED BY (country STRING, p STRING) LOCATION 'out/t' "
               "OPTIONS (header 'true');\n")
FULLY_DYNAMIC = "INSERT OVERWRITE TABLE t SELECT id, v, country, p FROM src;\n"
MIXED = "INSERT OVERWRITE TABLE t PARTITION (country='US', p) SELECT id, v, p FROM src;\n"

# (mode, spark.sql.sources.partitionOverwriteMode, INSERT, the partitions that a finished
# commit keeps of the old data)
CRASH_VARIANTS = {
    "process-dynamic": ("process", "dynamic", FULLY_DYNAMIC, {"US/a", "US/d", "FR/a"}),
    "thread-dynamic-mixed": ("thread", "dynamic", MIXED, {"US/a", "US/d", "FR/a"}),
    # Static: every partition under country=US goes, whose directory is also the parent
    # of what is published.
    "thread-static-mixed": ("thread", "static", MIXED, {"FR/a"}),
    "thread-static": ("thread", "static", FULLY_DYNAMIC, set()),
}


def crash_job(src: str, insert: str = FULLY_DYNAMIC, overwrite: str = "dynamic") -> str:
    return (f"CREATE TEMPORARY VIEW src USING csv OPTIONS (path 'in/{src}.csv', header 'true', "
            "schema 'id INT, v STRING, country STRING, p STRING');\n"
            + CRASH_TABLE + "SET spark.sql.files.maxRecordsPerFile=1;\n"
            + f"SET spark.sql.sources.partitionOverwriteMode={overwrite};\n" + insert)


def by_partition(rows) -> dict[str, list]:
    out = defaultdict(list)
    for r in rows:
        out[f"{r[2]}/{r[3]}"].append(tuple(r))
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.parametrize("variant", list(CRASH_VARIANTS))
@pytest.mark.parametrize("step", COMMIT_STEPS)
def test_a_run_killed_at_a_commit_step_is_recovered_whole(ws: Workspace, step: str, variant: str) -> None:
    mode, overwrite, insert, kept = CRASH_VARIANTS[variant]
    ws.write("in/old.csv", csv_text(CRASH_HEAD, OLD))
    ws.write("in/new.csv", csv_text(CRASH_HEAD, NEW))
    loc = ws.root / "out/t"
    ws.ok(crash_job("old"))
    old_snap = snapshot(loc)
    old_runs = run_ids(loc)
    err = kill_at_commit_step(ws, crash_job("new", insert, overwrite), step, mode)
    assert err.endswith(PAUSE_LINE.format(step=step)), err
    (staging,) = staging_left(loc)
    # The killed run's id, from the names of the files it staged.
    # (Files under staging/old/ are the replaced run's; published ones are in the location.)
    staged = {m.group(1) for f in (loc / staging).rglob("part-*.csv") if "old" not in f.relative_to(loc / staging).parts[:1]
              if (m := re.match(r"part-\d+-\d+-([0-9a-f]+)(?:-c\d+)?\.csv$", f.name))}
    (run,) = (staged | run_ids(loc)) - old_runs

    # The next job that declares the table recovers the location, then reads it.
    r = ws.run(CRASH_TABLE + "SELECT id, v, country, p FROM t;\n", quiet=False)
    assert r.code == 0, r.describe()
    got = by_partition(result_from_json_rows(parse_json_lines(r.stdout)).rows)
    old, new = by_partition(OLD), by_partition(NEW)
    forward = step != "staged"
    if step in ("staged", "journal-removed"):
        assert f"recovered out/t: removed {staging}, which holds no commit to finish" in r.stderr, r.stderr
    else:
        assert f"(staging {staging}) that a crash or a takeover interrupted (3 paths published)" in r.stderr, r.stderr
    # Each partition whole: exactly its old rows or exactly its new rows (a partition
    # that the new data does not have may be gone, if the overwrite is static).
    for p in sorted(set(old) | set(new)):
        assert got.get(p) in (old.get(p), new.get(p)) or (p not in new and p not in kept and p not in got), \
            f"partition {p}: {got.get(p)}"
    expected = {**{p: rows for p, rows in old.items() if p in kept}, **new} if forward else old
    assert got == expected
    assert not staging_left(loc)
    after = snapshot(loc)
    assert after["_SUCCESS"] == b""
    if forward:
        for p in kept:
            country, part = p.split("/")
            assert under(after, f"country={country}/p={part}/") == under(old_snap, f"country={country}/p={part}/")
        assert {f.name["run"] for f in data_files(loc) if f"{f.values[0]}/{f.values[1]}" not in kept} == {run}
    else:
        assert after == old_snap


@pytest.mark.parametrize("variant", ["thread-static-mixed", "thread-static"])
def test_a_journal_replayed_after_its_old_data_was_removed_keeps_the_new_data(ws: Workspace, variant: str) -> None:
    """Every step of a commit is idempotent: replaying the journal of a commit that had
    finished, whose old data is already gone, must not move the published directories
    aside again (country=US is both replaced and the parent of what was published)."""
    mode, overwrite, insert, kept = CRASH_VARIANTS[variant]
    ws.write("in/old.csv", csv_text(CRASH_HEAD, OLD))
    ws.write("in/new.csv", csv_text(CRASH_HEAD, NEW))
    loc = ws.root / "out/t"
    ws.ok(crash_job("old"))
    kill_at_commit_step(ws, crash_job("new", insert, overwrite), "succeeded", mode)
    (staging,) = staging_left(loc)
    shutil.rmtree(loc / staging / "old")
    published = snapshot(loc)
    got = by_partition(ws.ok(CRASH_TABLE + "SELECT id, v, country, p FROM t;\n"))
    old = by_partition(OLD)
    assert got == {**{p: rows for p, rows in old.items() if p in kept}, **by_partition(NEW)}
    assert {k: v for k, v in snapshot(loc).items() if not k.startswith(".")} == \
           {k: v for k, v in published.items() if not k.startswith(".")}
    assert not staging_left(loc)


@pytest.mark.parametrize("mode", MODES)
def test_a_job_that_fails_before_its_commit_leaves_the_previous_output(ws: Workspace, mode: str) -> None:
    ws.write("in/old.csv", csv_text(CRASH_HEAD, OLD))
    # Valid rows for partitions US/b and US/c, then one whose id is not an INT.
    ws.write("in/bad.csv", csv_text(CRASH_HEAD, NEW[:4] + [("x9", "new", "US", "e")]))
    loc = ws.root / "out/t"
    ws.ok(crash_job("old"))
    before = snapshot(loc)
    job = crash_job("bad").replace("schema 'id INT", "mode 'FAILFAST', schema 'id INT")
    r = ws.run(job, mode=mode)
    assert_error(r, EX_DATAERR, "in/bad.csv:6:1: value 'x9' in column id is not a valid INT as the schema option declares; "
                                "fix the row, or set the option mode 'PERMISSIVE' to read such values as NULL")
    assert snapshot(loc) == before
    assert not staging_left(loc)


# --- 6. the sample job and a worker killed while writing --------------------------------------------------

SAMPLE_JOB = REPO / "data" / "jobs" / "daily_revenue.sql"
COUNTRY_ROWS = [("US", "United States", "Americas"), ("CA", "Canada", "Americas"), ("BO", "Bolivia, Plurinational State of", "Americas"),
                ("DE", "Germany", "Europe"), ("FR", "France", "Europe"), ("JP", "Japan", "Asia"), ("IN", "India", "Asia"),
                ("KE", "Kenya", "Africa"), ("AU", "Australia", "Oceania")]


def generate_events(root: Path, days: int = 45, seed: int = 5150) -> None:
    """events/dt=<day>/part-00000.csv and countries.csv as the sample data set has them:
    empty amounts (NULL), zero and negative ones, a country missing from countries.csv
    (XK), an empty country, urls with commas and quotes."""
    rng = random.Random(seed)
    codes = [c[0] for c in COUNTRY_ROWS] + ["XK", ""]
    first = dt.date(2024, 5, 1)
    for d in range(days):
        day = first + dt.timedelta(days=d)
        rows = []
        for _ in range(rng.randint(50, 300)):
            event = rng.choice(["view", "view", "click", "purchase", "refund"])
            amount = {"view": "", "click": rng.choice(["", "0"]),
                      "purchase": rng.choice(["0", f"{rng.uniform(1, 500):.2f}"]),
                      "refund": f"{-rng.uniform(1, 100):.2f}"}[event]
            ts = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=rng.randrange(86400))
            rows.append((ts.strftime("%Y-%m-%d %H:%M:%S"), rng.randint(1000, 1400), rng.choice(codes), event, amount,
                         rng.choice(["mobile", "desktop", ""]), rng.choice(["/p/1", "/s?q=a,b", '/s?q="x"'])))
        (root / "events" / f"dt={day.isoformat()}").mkdir(parents=True)
        (root / "events" / f"dt={day.isoformat()}" / "part-00000.csv").write_text(
            csv_text(["ts", "user_id", "country", "event_type", "amount", "device", "url"], rows))
    (root / "countries.csv").write_text(csv_text(["code", "name", "region"], COUNTRY_ROWS))


@pytest.mark.parametrize("data", ["committed", "generated"])
def test_sample_job_output_read_by_duckdb_equals_duckdbs_query(ws: Workspace, data: str) -> None:
    if data == "committed":
        (ws.root / "data").symlink_to(REPO / "data", target_is_directory=True)
    else:
        generate_events(ws.root / "data")
    ws.write("daily_revenue.sql", SAMPLE_JOB.read_text())
    r = run_sluice(["run", "daily_revenue.sql", "--quiet"], cwd=ws.root, timeout=90)
    assert r.code == 0, r.describe()
    out = ws.root / "out" / "daily_revenue"
    assert (out / "_SUCCESS").exists() and not staging_left(out)
    assert header_lines(out) == {"region,event_type,n,total"}
    expected, actual = daily_revenue_results(ws.root / "data", out)
    assert len(expected.rows) > 10
    problems = compare_results(expected, actual)
    assert not problems, "\n".join(problems)
    # One directory per day that has rows, nothing else.
    assert partition_dirs(out) == sorted({f"dt={row[4]}" for row in expected.rows})


@pytest.fixture(scope="module")
def big_input(tmp_path_factory) -> Path:
    """7 MB over 5 days, for a write stage long enough to kill a worker in."""
    path = tmp_path_factory.mktemp("big") / "big.csv"
    rng = random.Random(99)
    path.write_text(csv_text(["id", "user", "score", "dt"],
                             ((i, f"user{rng.randrange(10_000):05d}", rng.randrange(1_000_000), f"2024-02-0{1 + i % 5}")
                              for i in range(200_000))))
    return path


def kill_job(src: Path) -> str:
    return (f"CREATE TEMPORARY VIEW src USING csv OPTIONS (path '{src}', header 'true', "
            "schema 'id INT, user STRING, score BIGINT, dt DATE');\n"
            "CREATE TABLE t (id INT, user STRING, score BIGINT, dt DATE) USING csv PARTITIONED BY (dt) LOCATION 'out/t' "
            "OPTIONS (header 'true');\n"
            "SET spark.sql.files.maxPartitionBytes=128KB;\n"
            "INSERT OVERWRITE TABLE t PARTITION (dt) SELECT id, user, score, dt FROM src;\n")


def test_a_worker_killed_while_writing_changes_nothing_in_the_output(tmp_path: Path, big_input: Path) -> None:
    clean_ws = Workspace(tmp_path / "clean")
    clean_ws.root.mkdir()
    clean = clean_ws.run(kill_job(big_input), mode="process", quiet=False)
    assert clean.code == 0, clean.describe()
    # The write stage is the scan's (map-only): aim at its first 80 %.
    stage = re.search(r"stage 0 \(1 of 1, scan csv .*\): (\d+) tasks, 200000 rows out, .* in ([\d.]+) s", clean.stderr)
    assert stage and int(stage.group(1)) >= 20, clean.stderr
    duration = max(float(stage.group(2)), 0.3)
    expected = sorted(read_rows(clean_ws.root / "out/t", header=True))
    assert len(expected) == 200_000
    rng = random.Random(4)
    retried = 0
    for trial in range(3):
        ws = Workspace(tmp_path / f"trial{trial}")
        ws.root.mkdir()
        ws.job(kill_job(big_input))
        proc = subprocess.Popen([str(sluice_path()), *ws.argv("job.sql", "process", 2)], cwd=ws.root,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 10
        while len(children(proc.pid)) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, duration * 0.8))
        victims = children(proc.pid)
        if victims:
            os.kill(rng.choice(victims), signal.SIGKILL)
        out, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, f"trial {trial}: {err}"
        retried += bool(re.search(r"task \d+ failed \(worker process exited\); attempt 2 of 4", err))
        loc = ws.root / "out/t"
        got = sorted(read_rows(loc, header=True))
        assert len({r[0] for r in got}) == len(got), f"trial {trial}: a row was published twice"
        assert got == expected, f"trial {trial}: output differs from the clean run"
        # Only one attempt of each task was published.
        attempts = defaultdict(set)
        for f in data_files(loc):
            attempts[f.name["task"]].add(f.name["attempt"])
        assert all(len(a) == 1 for a in attempts.values()), attempts
        assert not staging_left(loc)
    assert retried >= 1, "no kill landed on a running write task; the input is too small"
