"""`run` output: a metric's `format:` in tables (CSV and JSON keep raw numbers), CSV text cells
that a spreadsheet would run as formulas neutralised, an unknown format reported by `check`, and
the progress spinner only on a terminal."""

from __future__ import annotations

import io
import json
import os
import pty
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from support.paths import REPO_ROOT

from metricdsl.ir.formats import parse_format
from metricdsl.runtime.output import render_result, status
from metricdsl.runtime.warehouse import QueryResult

SPEC = """source sales {
  table: shop.sales
  time: day
  columns { day: date, product: string, amount: decimal(18, 2), returned: decimal(18, 2) }
}
dimension product = sales.product
metric revenue = sum(sales.amount) { format: "¥#,##0.00" }
metric return_rate = sum(sales.returned) / sum(sales.amount) { format: "0.0%" }
metric plain = sum(sales.amount)
"""
DATA = """day,product,amount,returned
2026-01-05,=HYPERLINK(\"http://x\"),1234.5,123.45
2026-01-06,@SUM(A1),1000,0
2026-01-07,-minus,-10,0
2026-01-08,ok,2000000,500000
"""
ENV = {"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "specs" / "data").mkdir(parents=True)
    (tmp_path / "specs" / "shop.metric").write_text(SPEC, encoding="utf-8")
    (tmp_path / "specs" / "data" / "shop.sales.csv").write_text(DATA, encoding="utf-8")
    return tmp_path


def metricdsl(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "metricdsl", *args], cwd=cwd, capture_output=True, text=True,
                          env=ENV, timeout=120, check=False)


RUN = ("run", "specs", "--metrics", "revenue,return_rate,plain", "--by", "product", "--order", "product")


def test_table_applies_formats_and_csv_json_keep_raw_numbers(project: Path) -> None:
    table = metricdsl(project, *RUN)
    assert table.returncode == 0, table.stderr
    ok_row = next(line for line in table.stdout.splitlines() if " ok " in line)
    assert "¥2,000,000.00" in ok_row and "25.0%" in ok_row and "2,000,000.00" in ok_row
    assert "-¥10.00" in table.stdout and "10.0%" in table.stdout  # 123.45 / 1234.5
    csv = metricdsl(project, *RUN, "--format", "csv")
    assert csv.returncode == 0, csv.stderr
    assert csv.stdout == (  # text cells neutralised with a leading ', numbers (also negative ones) raw
        "product,revenue,return_rate,plain\n"
        "'-minus,-10.00,-0.0,-10.00\n"
        '"\'=HYPERLINK(""http://x"")",1234.50,0.1,1234.50\n'
        "'@SUM(A1),1000.00,0.0,1000.00\n"
        "ok,2000000.00,0.25,2000000.00\n"
    )
    rows = json.loads(metricdsl(project, *RUN, "--format", "json").stdout)
    assert {"product": "ok", "revenue": 2000000, "return_rate": 0.25, "plain": 2000000} in rows
    assert any(row["product"] == "=HYPERLINK(\"http://x\")" for row in rows)  # JSON is data, not a spreadsheet


def test_render_result_directly() -> None:
    result = QueryResult(["name", "revenue", "rate"], [("+1", Decimal("1234.5"), 0.12345), (None, None, None)])
    formats = {"revenue": parse_format("#,##0.00"), "rate": parse_format("0.0%")}
    table = render_result(result, "table", "t", formats)
    assert "1,234.50" in table and "12.3%" in table and "∅" in table
    assert render_result(result, "csv", "t", formats) == "name,revenue,rate\n'+1,1234.5,0.12345\n,,\n"


def test_an_unknown_format_is_a_check_error(tmp_path: Path) -> None:
    (tmp_path / "a.metric").write_text(
        'source s {\n  table: t\n  columns { x: int }\n}\nmetric m = sum(s.x) {\n  format: "0.0 percent%"\n}\n',
        encoding="utf-8")
    checked = metricdsl(tmp_path, "check", ".")
    assert checked.returncode == 1
    assert checked.stdout.splitlines()[:3] == [
        'a.metric:6:11: error[E109]: unknown number format "0.0 percent%"',
        ' 6 |   format: "0.0 percent%"',
        "   |           ^^^^^^^^^^^^^^",
    ]
    assert 'help: a format is a pattern such as "0.0%"' in checked.stdout


def test_no_spinner_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    with status("working", stream):
        pass
    assert stream.getvalue() == ""


def test_run_shows_a_spinner_on_a_terminal_and_keeps_stdout_clean(project: Path) -> None:
    piped = metricdsl(project, *RUN, "--format", "csv")
    assert piped.stderr == ""
    leader, follower = pty.openpty()
    try:
        on_tty = subprocess.run([sys.executable, "-m", "metricdsl", *RUN, "--format", "csv"], cwd=project,
                                stdout=subprocess.PIPE, stderr=follower, text=True, env={**ENV, "TERM": "xterm"},
                                timeout=120, check=False)
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
    assert on_tty.returncode == 0
    assert on_tty.stdout == piped.stdout
    assert "running the query on duckdb" in seen.decode("utf-8", "replace")
