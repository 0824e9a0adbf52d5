"""Differential tests: every query of the corpus (tests/queries/) through
``sluice run JOB.sql --format json`` and through DuckDB, on the data of tests/gen_data.py;
the results must agree (see conftest.compare_results for what "agree" means).

Each query is its own test case, ``test_query[<id>]``. To keep the run short the whole
corpus is first run as one sluice job (one process for every SELECT, each preceded by a
marker row); a case takes its rows from there and runs its query alone only when the
batch failed at it or its rows differ, so that the report is about that query. A query
that stops the batch job with an error is set aside and the batch goes on with the
queries after it, so one failure does not cost the rest of the corpus its batch run.
SLUICE_DIFF_MODE=single runs every query alone; =batch uses the batch only.

``test_batch_modes[<mode>-w<N>]`` runs the whole batch again with ``--mode process|thread``
and ``--workers 1|2|4``: every query must agree in every mode (the modes differ only in how
tasks and chunks travel, never in the rows).

``test_join_modes[...]`` runs the queries with a join again with every join shuffled
(``spark.sql.autoBroadcastJoinThreshold=-1``), in both modes with 1, 2 and 4 workers, and
again with ``--memory 16KB``, where the build sides of the larger tables spill (grace hash
join).

The DuckDB side alone: ``pytest -m "not engine" tests/test_differential.py``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import pytest

from conftest import (Completed, OutputError, Result, compare_results, duck_result, parse_json_lines,
                      result_from_json_rows, run_sluice)
from queries import ALL, BY_ID, Query, joins

MARKER = "__query__"
BATCH_MIN_CASES = 20  # fewer selected cases than this: run each alone
MODE = os.environ.get("SLUICE_DIFF_MODE", "auto")


# --- the DuckDB side --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def expected_results(duck):
    cache: dict[str, Result] = {}

    def get(query: Query) -> Result:
        if query.id not in cache:
            cache[query.id] = duck_result(duck, query.duck_sql)
        return cache[query.id]

    return get


def test_corpus_is_well_formed():
    assert len(ALL) >= 180, f"the corpus has only {len(ALL)} queries"
    assert len(BY_ID) == len(ALL), "query ids are not unique"
    problems = []
    for q in ALL:
        if not re.fullmatch(r"[a-z0-9_]+", q.id):
            problems.append(f"{q.id}: ids are lower_snake_case")
        has_order_by = re.search(r"\bORDER\s+BY\b", q.sql, re.I) is not None
        if has_order_by and q.order is None and not q.count_only:
            problems.append(f"{q.id}: has ORDER BY but no order=[...] key columns")
        if q.order is not None and not has_order_by:
            problems.append(f"{q.id}: order=[...] without ORDER BY")
        if ";" in q.sql:
            problems.append(f"{q.id}: a query is one statement, without ';'")
    assert not problems, "\n".join(problems)


def test_duckdb_runs_every_query(expected_results):
    """Every DuckDB query runs; results are non-empty unless meant to be empty; a LIMIT never
    cuts through rows that tie on the sort keys (either could be returned)."""
    problems = []
    for q in ALL:
        try:
            res = expected_results(q)
        except Exception as e:  # noqa: BLE001 - report every broken query at once
            problems.append(f"{q.id}: DuckDB failed: {e}")
            continue
        if q.empty != (not res.rows):
            problems.append(f"{q.id}: {len(res.rows)} rows, but empty={q.empty}")
        if q.names is not None and len(q.names) != len(res.names):
            problems.append(f"{q.id}: names={q.names} but DuckDB returns {len(res.names)} columns")
        if q.order is not None and max(q.order) >= len(res.names):
            problems.append(f"{q.id}: order={q.order} names a column past the {len(res.names)} returned")
            continue
        m = re.search(r"\s+LIMIT\s+(\d+)\s*$", q.duck_sql, re.I)
        if m and q.order is not None:
            limit = int(m.group(1))
            full = duck_result_without_limit(expected_results, q, m.start())
            if 0 < limit < len(full.rows):
                before = tuple(full.rows[limit - 1][k] for k in q.order)
                after = tuple(full.rows[limit][k] for k in q.order)
                if before == after:
                    problems.append(f"{q.id}: rows {limit} and {limit + 1} tie on {before}; LIMIT cuts a tie")
    assert not problems, "\n".join(problems)


def duck_result_without_limit(expected_results, q: Query, cut: int) -> Result:
    return expected_results(Query(q.id + "__no_limit", q.sql, q.duck_sql[:cut], q.order))


SPARK_FACTS = [
    # (DuckDB expression using the corpus macros, what Spark returns)
    ("spark_substr('hello', -3, 2)", "ll"),
    ("spark_substr('hello', 0, 2)", "he"),
    ("spark_substr('hello', -7, 4)", "he"),
    ("spark_substr('hi', -5, 2)", ""),
    ("spark_substr('hello', 2, -1)", ""),
    ("spark_substr('hello', 5, 10)", "o"),
    ("spark_substr('中文字符', 2, 2)", "文字"),
    ("spark_substr2('hello', -3)", "llo"),
    ("spark_substr2('hello', 10)", ""),
    ("spark_split_part('a,b,c', ',', -1)", "c"),
    ("spark_split_part('a,b,c', ',', 5)", ""),
    ("spark_split_part('a,b,c', ',', -5)", ""),
    ("spark_split_part('a,b,c', '', 1)", "a,b,c"),
    ("spark_split_part('a,b,c', '', -1)", "a,b,c"),
    ("spark_split_part('a,b,c', '', 2)", ""),
    ("spark_round(2.675, 2)", 2.68),
    ("spark_round(1.005, 2)", 1.01),
    ("spark_round(-2.675, 2)", -2.68),
    ("spark_round(0.125, 2)", 0.13),
    ("spark_round(2.5, 0)", 3.0),
    ("spark_round(-2.5, 0)", -3.0),
    ("spark_round(15.0, -1)", 20.0),
    ("spark_round(-25.0, -1)", -30.0),
    ("spark_dayofweek(DATE '2024-03-03')", 1),
    ("spark_dayofweek(DATE '2024-03-09')", 7),
]


@pytest.mark.parametrize("expr,spark", SPARK_FACTS, ids=[e for e, _ in SPARK_FACTS])
def test_duckdb_macros_match_spark(duck, expr, spark):
    assert duck.execute(f"SELECT {expr}").fetchall()[0][0] == spark


# --- the sluice side ---------------------------------------------------------------------------


def job_text(ddl: list[str], statements: list[str]) -> str:
    return "".join(s + ";\n" for s in ddl) + "\n" + "".join(s + ";\n" for s in statements)


@dataclass
class Batch:
    runs: list[Completed] = field(default_factory=list)
    results: dict[str, Result] = field(default_factory=dict)
    # Queries at which a run of the batch job stopped: id -> what happened.
    failed: dict[str, str] = field(default_factory=dict)
    problem: str | None = None  # the batch as a whole is unusable

    @property
    def ok(self) -> bool:
        return self.problem is None


def split_batch_output(stdout: str) -> tuple[dict[str, Result], list[str]]:
    """The rows of each query, by the marker before them, and the markers in the order
    they came."""
    sections: dict[str, list] = {}
    order: list[str] = []
    current = None
    for row in parse_json_lines(stdout):
        if len(row) == 1 and row[0][0] == MARKER:
            current = row[0][1]
            sections[current] = []
            order.append(current)
        elif current is None:
            raise OutputError(f"a row before the first marker: {row!r}")
        else:
            sections[current].append(row)
    return {k: result_from_json_rows(v) for k, v in sections.items()}, order


def run_batch(test_data, jobs_dir, name: str, args: list[str] = (), queries: list[Query] = ALL) -> Batch:
    """Runs the corpus (or `queries`) as one job (``sluice run JOB --format json ARGS``).
    When the job stops at a query, that query is recorded as failed and a new job runs the
    queries after it, until every query has run once."""
    batch = Batch()
    pending = list(queries)
    while pending:
        statements = []
        for q in pending:
            statements.append(f"SELECT '{q.id}' AS {MARKER}")
            statements.append(q.sql)
        job = jobs_dir / f"{name}-{len(batch.runs)}.sql"
        job.write_text(job_text(test_data.sluice_ddl(), statements), encoding="utf-8")
        run = run_sluice(["run", job, "--format", "json", *args], cwd=test_data.root, timeout=900)
        batch.runs.append(run)
        try:
            results, seen = split_batch_output(run.stdout)
        except OutputError as e:
            batch.problem = f"the batch output is not JSON Lines with markers: {e}\n{run.describe()}"
            return batch
        if run.code == 0:
            batch.results.update(results)
            missing = [q.id for q in pending if q.id not in results]
            if missing:
                batch.problem = (f"the batch output lacks the markers of {len(missing)} queries, first {missing[:5]}\n"
                                 f"{run.describe()}")
            return batch
        if not seen:
            batch.problem = f"the batch job failed before its first query:\n{run.describe()}"
            return batch
        # The last marker printed is the query that stopped the job; those before it ran.
        stopped = seen[-1]
        for qid in seen[:-1]:
            batch.results[qid] = results[qid]
        errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
        batch.failed[stopped] = f"exit status {run.code}: " + ("\n".join(errors) or run.stderr.strip()[-2000:])
        ids = [q.id for q in pending]
        pending = pending[ids.index(stopped) + 1:]
    return batch


def batch_differences(batch: Batch, expected_results) -> list[str]:
    """One line per query that failed in the batch or whose rows differ."""
    lines = [f"{qid}: {what}" for qid, what in batch.failed.items()]
    for q in ALL:
        if q.id in batch.results:
            problems = compare_results(expected_results(q), batch.results[q.id],
                                       order=q.order, names=q.names, count_only=q.count_only)
            if problems:
                lines.append(f"{q.id}: " + "; ".join(problems[:3]))
    return lines


@pytest.fixture(scope="session")
def sluice_batch(request, test_data, jobs_dir) -> Batch | None:
    """The whole corpus as one job, run once; None when cases run alone."""
    selected = sum(1 for item in request.session.items if item.name.startswith("test_query["))
    if MODE == "single" or (MODE == "auto" and selected < BATCH_MIN_CASES):
        return None
    return run_batch(test_data, jobs_dir, "corpus")


@pytest.mark.engine
def test_batch_job(sluice_bin, sluice_batch, expected_results):
    """The whole corpus in one sluice process: it succeeds and every result agrees."""
    if sluice_batch is None:
        pytest.skip(f"SLUICE_DIFF_MODE={MODE} or fewer than {BATCH_MIN_CASES} cases selected: no batch run")
    assert sluice_batch.ok, sluice_batch.problem
    differing = batch_differences(sluice_batch, expected_results)
    assert not differing, f"{len(differing)} queries fail or differ in the batch:\n" + "\n".join(differing)


# (mode, workers, spark.sql.files.maxPartitionBytes or None). The test tables are small
# files of one split each; the runs with 1 KB splits give every scan several tasks, so
# that two workers share a stage's tasks and its join build sides.
# The runs with --memory 16KB spill: aggregations, sorts and the stage outputs held
# between stages all go over their share and through zstd spill files.
EXECUTION_MODES = [(mode, workers, None, None) for mode in ("process", "thread") for workers in (1, 2, 4)] + \
                  [("process", 2, 1024, None), ("thread", 2, 1024, None),
                   ("process", 2, 1024, "16KB"), ("thread", 2, 1024, "16KB")]


def mode_id(mode: str, workers: int, split: int | None, memory: str | None) -> str:
    return f"{mode}-w{workers}" + (f"-split{split}" if split else "") + (f"-memory{memory}" if memory else "")


def check_batch(test_data, jobs_dir, expected_results, name: str, args: list[str], queries: list[Query] = ALL,
                spills: tuple[str, ...] = ()) -> None:
    """Runs `queries` as one batch job with ARGS: every query agrees with DuckDB, and each
    kind of spill in `spills` happened."""
    batch = run_batch(test_data, jobs_dir, name, args, queries=queries)
    assert batch.ok, batch.problem
    differing = batch_differences(batch, expected_results)
    assert not differing, (f"{len(differing)} queries fail or differ with {' '.join(args)}:\n"
                           + "\n".join(differing))
    if spills:
        spilled = [line for run in batch.runs for line in run.stderr.splitlines() if "spilled:" in line]
        assert spilled, f"a run with {' '.join(args)} spilled nothing"
        for kind in spills:
            assert any(f"{kind} " in line for line in spilled), f"no {kind} spill with {' '.join(args)}: {spilled}"


@pytest.mark.engine
@pytest.mark.parametrize("mode,workers,split,memory", EXECUTION_MODES, ids=[mode_id(*m) for m in EXECUTION_MODES])
def test_batch_modes(mode: str, workers: int, split: int | None, memory: str | None, sluice_bin, test_data, jobs_dir,
                     expected_results):
    """The whole corpus in one process per mode and worker count: every query agrees."""
    args = ["--mode", mode, "--workers", str(workers)]
    if split:
        args += ["--set", f"spark.sql.files.maxPartitionBytes={split}"]
    if memory:
        args += ["--memory", memory]
    check_batch(test_data, jobs_dir, expected_results, f"corpus-{mode_id(mode, workers, split, memory)}", args,
                spills=("aggregation", "sort", "shuffle") if memory else ())


# The queries with a join: the join corpus, and those of other topics that join.
JOIN_QUERIES = [q for q in ALL if q in joins.QUERIES or re.search(r"\bJOIN\b", q.sql, re.I)]

# (mode, workers, memory): every join shuffled, and with --memory 16KB its build side spills.
JOIN_MODES = [(mode, workers, memory) for memory in (None, "16KB") for mode in ("process", "thread") for workers in (1, 2, 4)]


@pytest.mark.engine
@pytest.mark.parametrize("mode,workers,memory", JOIN_MODES,
                         ids=[f"shuffled-{mode}-w{workers}" + (f"-memory{memory}" if memory else "") for mode, workers, memory in JOIN_MODES])
def test_join_modes(mode: str, workers: int, memory: str | None, sluice_bin, test_data, jobs_dir, expected_results):
    """The queries with a join, every join shuffled (no build side broadcast): each agrees;
    with --memory 16KB, join build sides spill."""
    args = ["--mode", mode, "--workers", str(workers), "--set", "spark.sql.autoBroadcastJoinThreshold=-1"]
    if memory:
        args += ["--memory", memory]
    check_batch(test_data, jobs_dir, expected_results, f"joins-{mode}-w{workers}" + (f"-memory{memory}" if memory else ""),
                args, queries=JOIN_QUERIES, spills=("join",) if memory else ())


def run_alone(query: Query, test_data, jobs_dir) -> tuple[Completed, Result | None, str | None]:
    job = jobs_dir / f"{query.id}.sql"
    job.write_text(job_text(test_data.sluice_ddl(), [query.sql]), encoding="utf-8")
    run = run_sluice(["run", job, "--format", "json"], cwd=test_data.root)
    if run.code != 0:
        return run, None, f"exit status {run.code}, expected 0"
    try:
        return run, result_from_json_rows(parse_json_lines(run.stdout)), None
    except OutputError as e:
        return run, None, str(e)


def report(query: Query, problems: list[str], run: Completed | None = None, note: str = "") -> str:
    text = [f"query {query.id}: sluice and DuckDB disagree{note}", f"  sluice: {query.sql}"]
    if query.duck:
        text.append(f"  duckdb: {query.duck}")
    text += ["  " + p for p in problems]
    if run is not None:
        text.append(run.describe())
    return "\n".join(text)


@pytest.mark.engine
@pytest.mark.parametrize("query", ALL, ids=[q.id for q in ALL])
def test_query(query: Query, sluice_bin, test_data, jobs_dir, expected_results, sluice_batch):
    expected = expected_results(query)
    compare = dict(order=query.order, names=query.names, count_only=query.count_only)
    batch_problems = None
    if sluice_batch is not None and sluice_batch.ok and query.id in sluice_batch.results:
        batch_problems = compare_results(expected, sluice_batch.results[query.id], **compare)
        if not batch_problems:
            return
        if MODE == "batch":
            pytest.fail(report(query, batch_problems, note=" (in the batch job)"), pytrace=False)
    elif sluice_batch is not None and MODE == "batch":
        pytest.fail(sluice_batch.problem or report(query, [sluice_batch.failed[query.id]], note=" (in the batch job)"),
                    pytrace=False)

    run, actual, failure = run_alone(query, test_data, jobs_dir)
    if failure:
        pytest.fail(report(query, [failure], run), pytrace=False)
    problems = compare_results(expected, actual, **compare)
    if problems:
        pytest.fail(report(query, problems, run), pytrace=False)
    if sluice_batch is not None and query.id in sluice_batch.failed:
        batch_problems = [sluice_batch.failed[query.id]]
    if batch_problems:
        pytest.fail(report(query, batch_problems,
                           note=" only when run in the batch job (alone it agrees): state leaks between statements"),
                    pytrace=False)
