"""`sluice explain --spark`: each shipped job printed as portable Spark SQL.

The printed text must be a job sluice itself accepts (so that `sluice explain` of it
succeeds), must give the same rows as the job it came from when sluice runs it, and must
print unchanged when exported again. One job's text is pinned exactly below.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EX_USAGE, REPO, run_sluice

pytestmark = pytest.mark.engine

JOBS = sorted(p.stem for p in (REPO / "data" / "jobs").glob("*.sql"))


def export(job: Path | str, *args: str, cwd: Path = REPO) -> str:
    result = run_sluice(["explain", "--spark", str(job), *args], cwd=cwd)
    assert result.code == 0, result.describe()
    assert result.stderr == "", result.describe()
    return result.stdout


@pytest.mark.parametrize("job", JOBS)
def test_job_prints_as_spark_sql_that_sluice_reads_back(job: str, tmp_path: Path) -> None:
    text = export(f"data/jobs/{job}.sql")
    printed = tmp_path / f"{job}.sql"
    printed.write_text(text)
    # From another directory: every path in the text is absolute.
    again = run_sluice(["explain", str(printed)], cwd=tmp_path)
    assert again.code == 0, again.describe()
    # Exported once more, nothing changes: the settings and options are already explicit.
    assert export(printed, cwd=tmp_path) == text


@pytest.mark.parametrize("job", JOBS)
def test_printed_job_gives_the_same_rows(job: str, tmp_path: Path) -> None:
    printed = tmp_path / f"{job}.sql"
    printed.write_text(export(f"data/jobs/{job}.sql"))
    original = run_sluice(["run", f"data/jobs/{job}.sql", "--format", "csv", "--quiet"], cwd=REPO)
    assert original.code == 0, original.describe()
    rerun = run_sluice(["run", str(printed), "--format", "csv", "--quiet"], cwd=tmp_path)
    assert rerun.code == 0, rerun.describe()
    assert rerun.stdout == original.stdout


WEEKLY_REVENUE = """\
SET spark.sql.sources.partitionOverwriteMode=dynamic;
SET spark.sql.ansi.enabled=true;
SET spark.sql.session.timeZone=UTC;
SET spark.sql.shuffle.partitions=4;

CREATE TEMPORARY VIEW events USING csv
  OPTIONS (path '$REPO/data/events', header 'true', inferSchema 'true', mode 'FAILFAST');

SELECT
  coalesce(country, '??') AS country,
  event_type,
  count(*) AS events,
  count(DISTINCT user_id) AS users,
  round(sum(amount), 2) AS amount,
  round(avg(amount), 2) AS avg_amount,
  min(dt) AS first_day,
  max(dt) AS last_day
FROM events
WHERE event_type IN ('purchase', 'refund')
GROUP BY coalesce(country, '??'), event_type
HAVING count(*) >= 3
ORDER BY country, event_type;
"""


def test_weekly_revenue_snapshot() -> None:
    assert export("data/jobs/weekly_revenue.sql") == WEEKLY_REVENUE.replace("$REPO", str(REPO))


def test_path_sources_become_views_with_the_same_rows(tmp_path: Path) -> None:
    job = tmp_path / "paths.sql"
    job.write_text(
        "SELECT `data/countries.csv`.region, count(*) AS n FROM csv.`data/countries.csv`\n"
        "GROUP BY `data/countries.csv`.region ORDER BY region;\n"
        "SELECT c.code FROM csv.`./data/countries.csv` c WHERE c.name LIKE '%,%' ORDER BY 1;\n")
    text = export(job, "--set", "spark.sql.shuffle.partitions=3", "--workers", "2")
    assert text == (
        "SET spark.sql.sources.partitionOverwriteMode=dynamic;\n"
        "SET spark.sql.ansi.enabled=true;\n"
        "SET spark.sql.session.timeZone=UTC;\n"
        "SET spark.sql.shuffle.partitions=3;\n"
        "\n"
        "CREATE OR REPLACE TEMPORARY VIEW csv_countries USING csv\n"
        f"  OPTIONS (path '{REPO}/data/countries.csv', header 'true', inferSchema 'true', mode 'FAILFAST');\n"
        "\n"
        "SELECT `data/countries.csv`.region, count(*) AS n\n"
        "FROM csv_countries AS `data/countries.csv`\n"
        "GROUP BY `data/countries.csv`.region\n"
        "ORDER BY region;\n"
        "\n"
        "SELECT c.code\n"
        "FROM csv_countries AS c\n"
        "WHERE c.name LIKE '%,%'\n"
        "ORDER BY 1;\n")
    printed = tmp_path / "printed.sql"
    printed.write_text(text)
    original = run_sluice(["run", str(job), "--format", "csv", "--quiet"], cwd=REPO)
    assert original.code == 0, original.describe()
    rerun = run_sluice(["run", str(printed), "--format", "csv", "--quiet"], cwd=tmp_path)
    assert rerun.code == 0, rerun.describe()
    assert rerun.stdout == original.stdout


def test_reads_no_data(tmp_path: Path) -> None:
    job = tmp_path / "missing.sql"
    job.write_text("CREATE TEMPORARY VIEW v USING csv OPTIONS (path 'no/such/dir');\nSELECT * FROM v;\n")
    assert export(job, cwd=tmp_path).endswith(
        "CREATE TEMPORARY VIEW v USING csv\n"
        f"  OPTIONS (path '{tmp_path}/no/such/dir', mode 'FAILFAST');\n"
        "\n"
        "SELECT *\n"
        "FROM v;\n")


def test_errors_as_every_command(tmp_path: Path) -> None:
    job = tmp_path / "bad.sql"
    job.write_text("SELECT 1;\nSELECT a FORM t;\n")
    result = run_sluice(["explain", "--spark", str(job)], cwd=tmp_path)
    assert (result.code, result.stdout) == (EX_USAGE, ""), result.describe()
    assert result.stderr == (f"error: [PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM': expected one of FROM, "
                             f"',', WHERE, GROUP BY, HAVING, ORDER BY, ... ({job}: line 2, column 10)\n")

    job.write_text("SELECT 1;\nSET spark.sql.session.timeZone=America/New_York;\n")
    result = run_sluice(["explain", "--spark", str(job)], cwd=tmp_path)
    assert (result.code, result.stdout) == (EX_USAGE, ""), result.describe()
    assert result.stderr == ("error: [INVALID_CONF_VALUE] invalid value 'America/New_York' for setting "
                             "spark.sql.session.timeZone: expected UTC (sluice computes in UTC only) "
                             f"({job}: line 2, column 1)\n")

    result = run_sluice(["explain", "--spark", str(job), "--set", "sluice.wokers=2"], cwd=tmp_path)
    assert (result.code, result.stdout) == (EX_USAGE, ""), result.describe()
    assert result.stderr == "error: unknown setting 'sluice.wokers'; did you mean 'sluice.workers'?\n"
