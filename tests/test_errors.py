"""Every class of error a user can meet, end to end: the exact message on stderr, the
exact exit status, and nothing on stdout that could be mistaken for a result.

Each case runs the built binary in a fresh directory holding the files it names, so the
paths in the messages are the ones a user would see.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import EX_DATAERR, EX_NOINPUT, EX_USAGE, run_sluice

pytestmark = pytest.mark.engine

FILES = {
    "bad.csv": "id,amount,name\n1,10,a\n2,x7,b\n3,30,c\n",
    "fields.csv": "id,amount\n1,10\n2,20,extra\n3\n4,40\n",
    "multiline.csv": 'id,s\n1,"multi\nline"\n2,ok\n',
    "values.csv": "id,v\n1,abc\n2,9223372036854775807\n3,1\n",
    "late.csv": "id,amount\n" + "".join(f"{i},{i}.5\n" for i in range(1, 20001)) + "20001,oops\n",
}


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def run_job(workdir: Path, sql: str, *args: str):
    job = workdir / "job.sql"
    job.write_text(sql)
    return run_sluice(["run", "job.sql", "--format", "csv", *args], cwd=workdir)


def assert_error(result, status: int, message: str) -> None:
    code, out, err = result
    assert (code, err) == (status, f"error: {message}\n"), result.describe()


VIEW = "CREATE TEMPORARY VIEW t USING csv OPTIONS (path '{path}', header 'true'{extra});\n"


# --- SQL ---------------------------------------------------------------------------------------


def test_syntax_error_names_line_column_expected_and_found(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="bad.csv", extra="") + "SELECT id\nFORM t;\n")
    assert_error(result, EX_USAGE, "[PARSE_SYNTAX_ERROR] Syntax error at or near 'FORM': expected one of "
                 "FROM, ',', WHERE, GROUP BY, HAVING, ORDER BY, ... (job.sql: line 3, column 1)")
    assert result.stdout == ""


def test_unknown_column_suggests_the_closest_names(workdir: Path) -> None:
    result = run_sluice(["query", "SELECT amout FROM csv.`bad.csv`"], cwd=workdir)
    assert_error(result, EX_USAGE, "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function "
                 "parameter with name `amout` cannot be resolved. Did you mean one of the following? "
                 "[`bad.csv`.`amount`, `bad.csv`.`name`, `bad.csv`.`id`]. (line 1, column 8)")


def test_type_mismatch_in_a_comparison(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="bad.csv", extra=", inferSchema 'true'")
                     + "SELECT * FROM t WHERE id = DATE '2024-01-01';\n")
    assert_error(result, EX_USAGE, "[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve \"(id = DATE '2024-01-01')\" "
                 "due to data type mismatch: the left and right operands of the binary operator have incompatible "
                 "types (\"BIGINT\" and \"DATE\"). (job.sql: line 2, column 26)")


def test_where_that_is_not_boolean(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="bad.csv", extra="") + "SELECT * FROM t WHERE name;\n")
    assert_error(result, EX_USAGE, "[DATATYPE_MISMATCH.FILTER_NOT_BOOLEAN] Cannot resolve \"name\" due to data type "
                 "mismatch: the WHERE condition must be BOOLEAN, but it is STRING (job.sql: line 2, column 23)")


def test_unknown_setting_value(workdir: Path) -> None:
    result = run_job(workdir, "SET spark.sql.files.maxPartitionBytes=lots;\n")
    assert_error(result, EX_USAGE, "[INVALID_CONF_VALUE] invalid value 'lots' for setting "
                 "spark.sql.files.maxPartitionBytes: expected a positive whole number (job.sql: line 1, column 1)")


def test_invalid_shuffle_compression(workdir: Path) -> None:
    result = run_job(workdir, "SET sluice.shuffle.compress=sometimes;\n")
    assert_error(result, EX_USAGE, "[INVALID_CONF_VALUE] invalid value 'sometimes' for setting "
                 "sluice.shuffle.compress: expected auto, true or false (job.sql: line 1, column 1)")


# --- input -------------------------------------------------------------------------------------


def test_missing_path_exits_66(workdir: Path) -> None:
    result = run_sluice(["query", "SELECT * FROM csv.`nope/`"], cwd=workdir)
    assert_error(result, EX_NOINPUT, "[PATH_NOT_FOUND] Path does not exist: nope/")


def test_missing_job_file_exits_66(workdir: Path) -> None:
    result = run_sluice(["run", "absent.sql"], cwd=workdir)
    assert_error(result, EX_NOINPUT, "cannot read job file 'absent.sql': No such file or directory")


def test_failfast_names_file_line_column_and_the_fix(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="bad.csv", extra=", schema 'id INT, amount INT, name STRING'")
                     + "SELECT sum(amount) FROM t;\n")
    assert_error(result, EX_DATAERR, "bad.csv:3:3: value 'x7' in column amount is not a valid INT as the schema "
                 "option declares; fix the row, or set the option mode 'PERMISSIVE' to read such values as NULL")
    assert result.stdout == ""


@pytest.mark.parametrize("mode,rows", [("PERMISSIVE", "sum(amount),n\n40,3\n"), ("DROPMALFORMED", "sum(amount),n\n40,2\n")])
def test_permissive_and_dropmalformed(workdir: Path, mode: str, rows: str) -> None:
    result = run_job(workdir, VIEW.format(path="bad.csv", extra=f", mode '{mode}', schema 'id INT, amount INT, name STRING'")
                     + "SELECT sum(amount), count(*) AS n FROM t;\n", "--quiet")
    assert (result.code, result.stdout, result.stderr) == (0, rows, ""), result.describe()


def test_wrong_field_count_is_malformed(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="fields.csv", extra=", inferSchema 'true'") + "SELECT * FROM t;\n")
    assert_error(result, EX_DATAERR, "fields.csv:3:6: expected 2 fields but found 3; fix the row, or set the option "
                 "mode 'PERMISSIVE' (missing fields read as NULL, extra fields dropped) or 'DROPMALFORMED' "
                 "(the row is skipped)")


def test_wrong_field_count_permissive_pads_and_truncates(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="fields.csv", extra=", inferSchema 'true', mode 'PERMISSIVE'")
                     + "SELECT * FROM t ORDER BY id;\n")
    assert (result.code, result.stdout) == (0, "id,amount\n1,10\n2,20\n3,\n4,40\n"), result.describe()


def test_bad_records_path_writes_each_rejected_line(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="fields.csv", extra=", inferSchema 'true', badRecordsPath 'rejects'")
                     + "SELECT count(*) AS n FROM t;\n")
    assert (result.code, result.stdout) == (0, "n\n2\n"), result.describe()
    lines = sorted(line for f in (workdir / "rejects").glob("*.json") for line in f.read_text().splitlines())
    assert lines == [
        '{"path":"fields.csv","line":3,"record":"2,20,extra","reason":"expected 2 fields but found 3"}',
        '{"path":"fields.csv","line":4,"record":"3","reason":"expected 2 fields but found 1"}',
    ]


def test_quoted_line_break_without_multiline_says_to_set_it(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="multiline.csv", extra="") + "SELECT * FROM t;\n")
    assert_error(result, EX_DATAERR, "multiline.csv:2:3: quoted field contains a line break; set the option "
                 "multiLine 'true' to read records that span lines")
    ok = run_job(workdir, VIEW.format(path="multiline.csv", extra=", multiLine 'true'") + "SELECT * FROM t ORDER BY id;\n")
    assert (ok.code, ok.stdout) == (0, 'id,s\n1,"multi\nline"\n2,ok\n'), ok.describe()


def test_value_past_the_inference_sample_names_the_fix(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="late.csv", extra=", inferSchema 'true'") + "SELECT sum(amount) FROM t;\n")
    assert_error(result, EX_DATAERR, "late.csv:20002:7: value 'oops' in column amount does not match the inferred type "
                 "DOUBLE; declare the column's type with the schema option (e.g. schema 'amount STRING, ...') or fix the row")


# --- data errors in expressions (ANSI mode) ------------------------------------------------------


def test_invalid_cast_names_the_row(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="values.csv", extra="") + "SELECT CAST(v AS BIGINT) FROM t;\n")
    assert_error(result, EX_DATAERR, "[CAST_INVALID_INPUT] The value 'abc' of the type \"STRING\" cannot be cast to "
                 "\"BIGINT\" because it is malformed. Correct the value as per the syntax, or change its target type. "
                 "Use `try_cast` to tolerate malformed input and return NULL instead. (row at values.csv:2)")


def test_try_cast_tolerates_and_overflow_names_the_row(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="values.csv", extra="") + "SELECT try_cast(v AS BIGINT) + 1 AS w FROM t;\n")
    assert_error(result, EX_DATAERR, "[ARITHMETIC_OVERFLOW] long overflow. Use 'try_add' to tolerate overflow and "
                 "return NULL instead. (row at values.csv:3)")
    ok = run_job(workdir, VIEW.format(path="values.csv", extra="") + "SELECT try_cast(v AS BIGINT) AS w FROM t ORDER BY id;\n")
    assert (ok.code, ok.stdout) == (0, "w\n\n9223372036854775807\n1\n"), ok.describe()


def test_division_by_zero_names_the_row(workdir: Path) -> None:
    result = run_job(workdir, VIEW.format(path="bad.csv", extra=", inferSchema 'true'")
                     + "SELECT 100 DIV (id - 2) FROM t;\n")
    assert_error(result, EX_DATAERR, "[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 "
                 "and return NULL instead. (row at bad.csv:3)")


def test_the_same_error_whatever_the_split_size(workdir: Path) -> None:
    sql = VIEW.format(path="late.csv", extra=", schema 'id BIGINT, amount DOUBLE'") + "SELECT max(amount) FROM t;\n"
    expected = None
    # Byte-sized splits make tens of thousands of tasks: run those on threads, and the
    # realistic sizes in worker processes too.
    runs = [(size, "thread") for size in ("1", "7", "64", "4096", "134217728")]
    runs += [(size, "process") for size in ("4096", "134217728")]
    for size, mode in runs:
        result = run_job(workdir, sql, "--set", f"spark.sql.files.maxPartitionBytes={size}", "--workers", "2", "--mode", mode)
        assert result.code == EX_DATAERR, result.describe()
        expected = expected or result.stderr
        assert result.stderr == expected
    assert expected == ("error: late.csv:20002:7: value 'oops' in column amount is not a valid DOUBLE as the schema "
                        "option declares; fix the row, or set the option mode 'PERMISSIVE' to read such values as NULL\n")
