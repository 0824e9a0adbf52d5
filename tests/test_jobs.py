"""The example jobs of data/jobs/ on the sample data: each runs, explains, and returns what
the same query returns in DuckDB (written out below with Spark's semantics)."""

from __future__ import annotations


import pytest

from conftest import (EX_OK, REPO, Result, compare_results, duck_connect, duck_result, parse_json_lines, split_by_columns,
                      run_sluice)

JOBS = REPO / "data" / "jobs"

SAMPLE_VIEWS = [
    f"""CREATE VIEW events AS SELECT * FROM read_csv('{REPO}/data/events/*/*.csv', header=true,
        hive_partitioning=true, escape='"', sample_size=-1, nullstr='')""",
    f"""CREATE VIEW countries AS SELECT * FROM read_csv('{REPO}/data/countries.csv', header=true,
        escape='"', sample_size=-1, nullstr='')""",
]

# job file -> one (DuckDB query, ORDER BY key columns) per SELECT of the job, in order.
EXPECTED = {
    "weekly_revenue.sql": [(
        """SELECT coalesce(country, '??') AS country, event_type, count(*) AS events,
                  count(DISTINCT user_id) AS users, spark_round(sum(amount), 2) AS amount,
                  spark_round(avg(amount), 2) AS avg_amount, min(dt) AS first_day, max(dt) AS last_day
           FROM events WHERE event_type IN ('purchase', 'refund')
           GROUP BY coalesce(country, '??'), event_type HAVING count(*) >= 3
           ORDER BY 1, 2""", [0, 1])],
    "daily_summary.sql": [(
        """SELECT dt, strftime(dt, '%a') AS weekday, event_type, count(*) AS events,
                  count(amount) AS with_amount, spark_round(sum(amount), 2) AS total,
                  spark_round(avg(amount), 4) AS average, min(amount) AS smallest, max(amount) AS largest
           FROM events GROUP BY dt, strftime(dt, '%a'), event_type ORDER BY dt, event_type""", [0, 2])],
    "top_users.sql": [(
        """SELECT user_id, count(*) AS purchases, spark_round(sum(amount), 2) AS spent,
                  spark_round(max(amount), 2) AS biggest, min(ts) AS first_purchase, max(ts) AS last_purchase,
                  max(dt) - min(dt) AS days_between
           FROM events WHERE event_type = 'purchase' AND amount > 0
           GROUP BY user_id HAVING count(*) >= 2
           ORDER BY spent DESC, user_id LIMIT 10""", [0])],
    "hourly_traffic.sql": [(
        """SELECT CASE WHEN hour(ts) < 6 THEN '1 night' WHEN hour(ts) < 12 THEN '2 morning'
                       WHEN hour(ts) < 18 THEN '3 afternoon' ELSE '4 evening' END AS part_of_day,
                  coalesce(device, 'unknown') AS device, count(*) AS events,
                  sum(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) AS purchases,
                  spark_round(100 * sum(CASE WHEN event_type = 'purchase' THEN 1 ELSE 0 END) / count(*), 2) AS purchase_pct
           FROM events GROUP BY 1, 2 ORDER BY 1, 2""", [0, 1])],
    "data_quality.sql": [
        ("""SELECT dt, count(*) AS events,
                   sum(CASE WHEN country IS NULL THEN 1 ELSE 0 END) AS no_country,
                   sum(CASE WHEN device IS NULL THEN 1 ELSE 0 END) AS no_device,
                   sum(CASE WHEN amount IS NULL AND event_type IN ('purchase', 'refund') THEN 1 ELSE 0 END) AS sale_without_amount,
                   sum(CASE WHEN amount = 0 THEN 1 ELSE 0 END) AS zero_amount,
                   sum(CASE WHEN event_type = 'refund' AND amount > 0 THEN 1 ELSE 0 END) AS positive_refund,
                   sum(CASE WHEN CAST(ts AS DATE) <> dt THEN 1 ELSE 0 END) AS outside_partition,
                   sum(CASE WHEN url LIKE '%,%' OR url LIKE '%"%' THEN 1 ELSE 0 END) AS quoted_url,
                   min(ts) AS first_ts, max(ts) AS last_ts
            FROM events GROUP BY dt ORDER BY dt""", [0]),
        ("SELECT code, name, region FROM countries WHERE name LIKE '%,%' ORDER BY code", [0]),
    ],
    "daily_revenue_by_region.sql": [
        ("""SELECT e.dt, coalesce(c.region, 'unknown') AS region, e.event_type, count(*) AS events,
                   count(DISTINCT e.user_id) AS users, spark_round(sum(e.amount), 2) AS revenue
            FROM events e LEFT JOIN countries c ON e.country = c.code
            WHERE e.event_type IN ('purchase', 'refund')
            GROUP BY e.dt, coalesce(c.region, 'unknown'), e.event_type
            ORDER BY 1, 2, 3""", [0, 1, 2]),
        ("""SELECT coalesce(e.country, '(none)') AS country, count(*) AS unmatched_events,
                   spark_round(sum(e.amount), 2) AS unmatched_amount
            FROM events e WHERE NOT EXISTS (SELECT 1 FROM countries c WHERE e.country = c.code)
            GROUP BY 1 ORDER BY 1""", [0]),
    ],
    "purchases_and_refunds.sql": [
        ("""WITH sales AS (
                SELECT coalesce(country, '??') AS country, event_type, amount, user_id FROM events
                WHERE event_type IN ('purchase', 'refund') AND amount IS NOT NULL),
            purchases AS (SELECT country, count(*) AS n, count(DISTINCT user_id) AS buyers, sum(amount) AS total
                          FROM sales WHERE event_type = 'purchase' GROUP BY country),
            refunds AS (SELECT country, count(*) AS n, sum(amount) AS total
                        FROM sales WHERE event_type = 'refund' GROUP BY country)
            SELECT coalesce(p.country, r.country) AS country, coalesce(p.n, 0) AS purchases,
                   coalesce(p.buyers, 0) AS buyers, coalesce(r.n, 0) AS refunds,
                   spark_round(coalesce(p.total, 0) + coalesce(r.total, 0), 2) AS net
            FROM purchases p FULL OUTER JOIN refunds r ON p.country = r.country
            ORDER BY net DESC, country""", [0]),
        ("""SELECT 'device' AS dimension, coalesce(device, 'unknown') AS value, count(*) AS events
            FROM events GROUP BY 2
            UNION ALL SELECT 'event_type', event_type, count(*) FROM events GROUP BY event_type
            UNION ALL SELECT 'day', CAST(dt AS VARCHAR), count(*) FROM events GROUP BY dt
            ORDER BY 1, 2""", [0, 1]),
    ],
}


# job file -> (location it writes, relative to the directory it runs in; the DuckDB query
# whose rows the written table must hold, with the partition column last).
OUTPUT_JOBS = {
    "daily_revenue.sql": ("out/daily_revenue", """
        SELECT c.region, e.event_type, count(*) AS n, sum(e.amount) AS total, e.dt
        FROM events e JOIN countries c ON e.country = c.code
        WHERE e.amount > 0
        GROUP BY e.dt, c.region, e.event_type"""),
}


def test_every_job_has_expectations():
    assert sorted(p.name for p in JOBS.glob("*.sql")) == sorted(list(EXPECTED) + list(OUTPUT_JOBS))


@pytest.mark.engine
@pytest.mark.parametrize("job", sorted(OUTPUT_JOBS))
def test_output_job_matches_duckdb(sluice_bin, sample_duck, job, tmp_path):
    """The job runs where its relative paths find the sample data; what it wrote, read back
    by DuckDB with hive_partitioning, holds the rows DuckDB computes from the input."""
    (tmp_path / "data").symlink_to(REPO / "data")
    location, sql = OUTPUT_JOBS[job]
    for attempt in range(2):  # a second run replaces the same partitions: the same table
        run = run_sluice(["run", JOBS / job, "--quiet"], cwd=tmp_path)
        assert run.code == EX_OK, run.describe()
        assert run.stdout == "", run.describe()
        out = tmp_path / location
        assert (out / "_SUCCESS").exists()
        assert not [p for p in out.iterdir() if p.name.startswith(".sluice-")]
        written = duck_result(sample_duck, f"""SELECT * FROM read_csv('{out}/*/*.csv', header=true,
            hive_partitioning=true, escape='"', sample_size=-1, nullstr='')""")
        problems = compare_results(duck_result(sample_duck, sql), written)
        assert not problems, f"{job}, run {attempt + 1}:\n" + "\n".join(problems)


@pytest.fixture(scope="module")
def sample_duck():
    con = duck_connect(SAMPLE_VIEWS)
    yield con
    con.close()


@pytest.mark.parametrize("job", sorted(EXPECTED))
def test_duckdb_side_of_job(sample_duck, job):
    for sql, _ in EXPECTED[job]:
        assert duck_result(sample_duck, sql).rows, f"{job}: the DuckDB query returns no rows"


@pytest.mark.engine
@pytest.mark.parametrize("job", sorted(EXPECTED))
def test_job_matches_duckdb(sluice_bin, sample_duck, job):
    run = run_sluice(["run", JOBS / job, "--format", "json"], cwd=REPO)
    assert run.code == EX_OK, run.describe()
    results = split_by_columns(parse_json_lines(run.stdout))
    assert len(results) == len(EXPECTED[job]), f"{len(results)} results, expected {len(EXPECTED[job])}\n{run.describe()}"
    for k, ((sql, order), actual) in enumerate(zip(EXPECTED[job], results), 1):
        problems = compare_results(duck_result(sample_duck, sql), actual, order=order)
        assert not problems, f"{job}, SELECT {k}:\n" + "\n".join(problems)


@pytest.mark.engine
@pytest.mark.parametrize("job", sorted(EXPECTED))
def test_job_explains(sluice_bin, job):
    run = run_sluice(["explain", JOBS / job], cwd=REPO)
    assert run.code == EX_OK, run.describe()
    assert run.stdout.strip(), run.describe()


@pytest.mark.engine
def test_demo_job_prints_a_table(sluice_bin):
    run = run_sluice(["run", JOBS / "weekly_revenue.sql", "--format", "table"], cwd=REPO)
    assert run.code == EX_OK, run.describe()
    header = next(line for line in run.stdout.splitlines() if "country" in line)
    for column in ["event_type", "events", "users", "amount", "avg_amount"]:
        assert column in header, run.describe()
