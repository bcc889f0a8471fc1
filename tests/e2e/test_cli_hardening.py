"""Hostile and careless command lines: clear errors (never a traceback), nothing written half-way, no secret echoed."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.paths import REPO_ROOT, SPECS_DIR

from metricdsl.cli import main


def cli(*args: str, cwd: Path | None = None) -> Any:
    if cwd is not None:
        old = Path.cwd()
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args))
    finally:
        if cwd is not None:
            os.chdir(old)


def assert_clean_error(result: Any, code: int = 1) -> str:
    text = result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in text and "internal error" not in text, text
    assert result.exit_code == code, text
    return str(result.stderr)


@pytest.fixture()
def specs(tmp_path: Path) -> Path:
    folder = tmp_path / "specs"
    shutil.copytree(SPECS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


# ---- DuckDB files: absolute and relative, missing folders, nothing left behind ---------------
def test_relative_and_absolute_duckdb_urls_both_work(specs: Path, tmp_path: Path) -> None:
    assert cli("seed", str(specs), "--db", "duckdb:///rel.duckdb", cwd=tmp_path).exit_code == 0
    assert (tmp_path / "rel.duckdb").exists()
    absolute = tmp_path / "abs.duckdb"
    assert cli("seed", str(specs), "--db", f"duckdb:///{absolute}").exit_code == 0  # duckdb:////tmp/…
    for url in ("duckdb:///rel.duckdb", f"duckdb:///{absolute}"):
        result = cli("run", str(specs), "--metrics", "order_count", "--db", url, "--format", "csv", cwd=tmp_path)
        assert result.exit_code == 0 and result.stdout.startswith("order_count\n"), result.output


def test_a_missing_duckdb_folder_is_a_clear_error(specs: Path, tmp_path: Path) -> None:
    result = cli("run", str(specs), "--metrics", "revenue", "--db", "duckdb:///missing_dir/x.duckdb", cwd=tmp_path)
    assert assert_clean_error(result) == "error: cannot open missing_dir/x.duckdb: the folder missing_dir does not exist\n"
    assert not (tmp_path / "missing_dir").exists()


def test_a_failed_command_leaves_no_new_database_file(specs: Path, tmp_path: Path) -> None:
    result = cli("run", str(specs), "--query", "monthly_kpi", "--db", "duckdb:///warehouse.duckdb", cwd=tmp_path)
    assert_clean_error(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["specs"]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "dw.dim_product.csv").write_text("product_id,name\nx,y\n", encoding="utf-8")
    result = cli("seed", str(specs), "--db", "duckdb:///w2.duckdb", "--data", str(bad), cwd=tmp_path)
    assert_clean_error(result)
    assert not (tmp_path / "w2.duckdb").exists()


def test_an_existing_database_file_is_kept_when_a_command_fails(specs: Path, tmp_path: Path) -> None:
    assert cli("seed", str(specs), "--db", "duckdb:///w.duckdb", cwd=tmp_path).exit_code == 0
    result = cli("seed", str(specs), "--db", "duckdb:///w.duckdb", cwd=tmp_path)
    assert "already hold rows" in assert_clean_error(result)
    assert (tmp_path / "w.duckdb").exists()


def test_replace_needs_data(specs: Path) -> None:
    result = cli("run", str(specs), "--metrics", "revenue", "--replace")
    assert assert_clean_error(result, 2) == "error: --replace applies to loading CSVs: give it with --data FOLDER\n"


def test_help_says_that_loading_replaces_tables() -> None:
    for command in ("seed", "run", "verify", "plan"):
        text = CliRunner().invoke(main, [command, "--help"]).stdout
        assert "--replace" in text and "replac" in text, command


def test_a_missing_csv_names_the_file(specs: Path, tmp_path: Path) -> None:
    (specs / "data" / "dw.dim_customer.csv").unlink()
    result = cli("run", str(specs), "--metrics", "revenue", "--by", "segment", cwd=tmp_path)
    stderr = assert_clean_error(result)
    assert stderr.startswith("error: the database said: no data for table dw.dim_customer: ")
    assert "specs/data/dw.dim_customer.csv does not exist" in stderr and "Did you mean" not in stderr


# ---- PostgreSQL: passwords, timeouts --------------------------------------------------------
def test_the_password_is_never_echoed(specs: Path) -> None:
    for url in ("postgresql://alice:s3cr%21tpw@127.0.0.1:1/db", "postgresql://alice@127.0.0.1:1/db?password=s3cr!tpw"):
        result = cli("run", str(specs), "--metrics", "revenue", "--db", url)
        stderr = assert_clean_error(result)
        assert "cannot connect to postgresql://alice:***@127.0.0.1:1/db" in stderr or "password=***" in stderr
        assert "s3cr" not in result.output + stderr


def test_a_server_that_never_answers_times_out(specs: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        port = server.getsockname()[1]
        started = time.monotonic()
        result = cli("run", str(specs), "--metrics", "revenue", "--db",
                     f"postgresql://postgres@127.0.0.1:{port}/db?connect_timeout=2")
        elapsed = time.monotonic() - started
    stderr = assert_clean_error(result)
    assert stderr.startswith(f"error: cannot connect to postgresql://postgres@127.0.0.1:{port}/db?connect_timeout=2")
    assert elapsed < 15, elapsed


def test_the_default_connect_timeout_is_ten_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    from metricdsl.runtime import warehouse

    seen: dict[str, Any] = {}

    def connect(url: str, **options: Any) -> Any:
        seen.update(options, url=url)
        raise psycopg.OperationalError("refused")

    monkeypatch.setattr(psycopg, "connect", connect)
    with pytest.raises(warehouse.WarehouseError):
        warehouse.connect("postgresql://u@h/db")
    assert seen["connect_timeout"] == 10
    seen.clear()
    with pytest.raises(warehouse.WarehouseError):
        warehouse.connect("postgresql://u@h/db?connect_timeout=3")
    assert "connect_timeout" not in seen  # the URL's own


# ---- Ctrl-C during a DuckDB query --------------------------------------------------------------
SLOW = """
import duckdb
c = duckdb.connect({path!r})
c.execute("CREATE SCHEMA dw")
c.execute("CREATE VIEW dw.fact_orders AS SELECT i AS order_id, DATE '2026-01-01' AS order_date, 1 AS customer_id, "
          "1 AS product_id, 1 AS agent_id, 'web' AS channel, 'paid' AS status, i::DECIMAL(18, 2) AS amount, "
          "0::DECIMAL(18, 2) AS cost FROM range(100000000000) t(i)")
"""


def test_ctrl_c_interrupts_a_duckdb_query(specs: Path, tmp_path: Path) -> None:
    database = tmp_path / "slow.duckdb"
    subprocess.run([sys.executable, "-c", SLOW.format(path=str(database))], check=True)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    # a background job may inherit an ignored SIGINT (which Python keeps): restore Python's own handler
    launcher = ("import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
                "from metricdsl.cli import main; main()")
    process = subprocess.Popen([sys.executable, "-c", launcher, "run", str(specs), "--metrics", "revenue",
                                "--db", f"duckdb:///{database}"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    timer = threading.Timer(6.0, process.send_signal, (signal.SIGINT,))
    timer.start()
    try:
        _, stderr = process.communicate(timeout=60)
    finally:
        timer.cancel()
        process.kill()
    assert process.returncode == 130, stderr
    assert stderr == "error: interrupted\n"


# ---- options with bad values ---------------------------------------------------------------------
@pytest.mark.parametrize("version", ["abc", "3.x", "", "-1"])
def test_a_bad_impala_version_is_a_usage_error(specs: Path, version: str) -> None:
    result = cli("sql", str(specs), "--query", "monthly_kpi", "--dialect", "impala", "--impala-version", version)
    assert "--impala-version" in assert_clean_error(result, 2)


@pytest.mark.parametrize("tolerance", ["nan", "-1", "inf"])
def test_a_tolerance_must_be_a_finite_number_not_below_zero(specs: Path, tolerance: str) -> None:
    result = cli("verify", str(specs), "--tolerance", tolerance)
    assert "--tolerance" in assert_clean_error(result, 2)


@pytest.mark.parametrize(("content", "message"), [
    (b"kind,member,month,metric,value\ntotal,,,revenue,\xff\xfe\n", "not valid UTF-8"),
    (b"kind,member,month,metric,value\ntotal,,,revenue,1e400\n", "not a finite number"),
    (b"kind,member,month,metric,value\ntotal,,,revenue,nan\n", "not a finite number"),
])
def test_a_bad_baseline_file_is_a_clear_error(specs: Path, tmp_path: Path, content: bytes, message: str) -> None:
    baseline = tmp_path / "baseline.csv"
    baseline.write_bytes(content)
    result = cli("plan", str(specs), "--target", "revenue_2027", "--baseline", str(baseline))
    stderr = assert_clean_error(result)
    assert message in stderr and f"{baseline}:2" in stderr


# ---- build and docs: all or nothing, clear errors ------------------------------------------------
def test_build_into_an_existing_file_is_an_error(specs: Path, tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("keep me", encoding="utf-8")
    for command in ("build", "docs"):
        result = cli(command, str(specs), "--out", str(target))
        assert "is a file" in assert_clean_error(result)
        assert target.read_text(encoding="utf-8") == "keep me"


def test_build_below_a_file_is_an_error(specs: Path, tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    for command in ("build", "docs"):
        result = cli(command, str(specs), "--out", str(tmp_path / "plain" / "out"))
        assert assert_clean_error(result).startswith(f"error: cannot write to {tmp_path / 'plain' / 'out'}: ")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_build_into_a_read_only_folder_is_an_error(specs: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        for command in ("build", "docs"):
            result = cli(command, str(specs), "--out", str(locked / "out"))
            assert "cannot write" in assert_clean_error(result)
    finally:
        locked.chmod(0o700)


def test_build_is_all_or_nothing(specs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "build"
    assert cli("build", str(specs), "--out", str(out)).exit_code == 0
    before = {p.relative_to(out): p.read_text(encoding="utf-8") for p in out.rglob("*.sql")}
    (out / "mine.txt").write_text("a file of the user", encoding="utf-8")
    (specs / "metrics.metric").write_text((specs / "metrics.metric").read_text(encoding="utf-8").replace(
        "'paid'", "'refunded'"), encoding="utf-8")
    real = Path.write_text
    written = {"n": 0}

    def fill_the_disk(path: Path, *args: Any, **kwargs: Any) -> int:
        written["n"] += 1
        if written["n"] == 5:
            raise OSError(28, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", fill_the_disk)
    result = cli("build", str(specs), "--out", str(out))
    monkeypatch.undo()
    assert "No space left on device" in assert_clean_error(result)
    assert {p.relative_to(out): p.read_text(encoding="utf-8") for p in out.rglob("*.sql")} == before
    assert (out / "mine.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build", "specs"]  # no temporary folder left
    assert cli("build", str(specs), "--out", str(out)).exit_code == 0
    assert "'refunded'" in (out / "duckdb" / "monthly_kpi.sql").read_text(encoding="utf-8")
    assert (out / "mine.txt").exists() and sorted(p.name for p in tmp_path.iterdir()) == ["build", "specs"]
