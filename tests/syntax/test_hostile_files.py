"""Hostile input files (issue 14): a lone CR, files that are not regular files, huge files and
literals, file names that are not UTF-8. Each must get a clear answer, never a hang, a crash or
gigabytes of memory, and never a silently changed meaning."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from metricdsl.source import MAX_FILE_BYTES, SourceFile, read_source
from metricdsl.syntax import ast
from metricdsl.syntax.parse import parse_file

ORDERS = """source orders {
  table: dw.fact_orders
  time: order_date
  key: order_id
  columns { order_id: bigint, order_date: date, customer_id: bigint, status: string, amount: decimal(18, 2) }
}
"""


def cli(*args: str) -> tuple[int, str]:
    from metricdsl.cli import main

    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def project(tmp_path: Path, text: str, name: str = "spec.metric") -> Path:
    (tmp_path / "orders.metric").write_text(ORDERS, encoding="utf-8")
    (tmp_path / name).write_text(text, encoding="utf-8", newline="")
    return tmp_path


# ---- a lone CR ends a line ---------------------------------------------------------------------
def test_a_lone_cr_ends_a_comment_so_the_where_after_it_is_kept() -> None:
    text = "metric revenue = sum(orders.amount) # paid only\r  where orders.status = 'paid'\n"
    tree, problems = parse_file(SourceFile("spec.metric", ORDERS + text))
    assert problems == []
    metric = tree.declarations[-1]
    assert isinstance(metric, ast.MetricDecl)
    assert isinstance(metric.where, ast.Binary) and metric.where.op == "="
    assert (metric.where.span.line, metric.where.span.column) == (8, 9)  # the CR ended line 7


def test_the_sql_of_a_metric_after_a_lone_cr_filters(tmp_path: Path) -> None:
    spec = project(tmp_path, "metric revenue = sum(orders.amount) # paid\r  where orders.status = 'paid'\n"
                             "query q { metrics: revenue }\n")
    code, output = cli("sql", str(spec), "--query", "q")
    assert code == 0, output
    assert "'paid'" in output


def test_positions_count_a_lone_cr_as_a_line_end(tmp_path: Path) -> None:
    spec = project(tmp_path, "# one\rmetric revenue = sum(orders.amont)\r\n")
    code, output = cli("check", str(spec))
    assert code == 1
    assert "spec.metric:2:22: error[E102]" in output
    assert " 2 | metric revenue = sum(orders.amont)\n" in output


def test_an_invalid_byte_after_a_lone_cr_is_on_the_next_line(tmp_path: Path) -> None:
    path = tmp_path / "spec.metric"
    path.write_bytes(b"# a\rmetric r\xe9 = 1\n")
    from metricdsl.source import DecodeFailure

    with pytest.raises(DecodeFailure) as failure:
        read_source(path, "spec.metric")
    assert (failure.value.span.line, failure.value.span.column) == (2, 9)


# ---- files that are not regular files, or too large ----------------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.metric")
    with pytest.raises(OSError, match="not a regular file"):
        read_source(tmp_path / "pipe.metric")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zero.metric").symlink_to("/dev/zero")
    with pytest.raises(OSError, match="not a regular file"):
        read_source(tmp_path / "zero.metric")
    project(tmp_path, "metric revenue = sum(orders.amount)\n")
    code, output = cli("check", str(tmp_path))  # the project still checks: only regular files are read
    assert code == 0, output


def test_a_file_over_the_size_limit_is_a_clear_error(tmp_path: Path) -> None:
    project(tmp_path, "# " + "x" * MAX_FILE_BYTES + "\n", "huge.metric")
    code, output = cli("check", str(tmp_path))
    assert code == 1
    assert "error[E005]: cannot read" in output and "larger than 10 MB" in output


def test_a_file_name_that_is_not_utf8_is_shown_and_compiled(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.metric")
    try:
        project(tmp_path, "metric revenue = sum(orders.amount)\nquery q { metrics: revenue }\n", name)
    except (UnicodeEncodeError, OSError):
        pytest.skip("the file system does not take file names that are not UTF-8")
    code, output = cli("sql", str(tmp_path), "--query", "q")
    assert code == 0, output
    assert "caf\ufffd.metric" in output
    (tmp_path / name).write_text("metric revenue = sum(orders.amont)\n", encoding="utf-8")
    code, output = cli("check", str(tmp_path))
    assert code == 1 and "caf\ufffd.metric:1:22: error[E102]" in output


def test_a_10_mb_string_literal_needs_little_memory(tmp_path: Path) -> None:
    literal = "x" * (MAX_FILE_BYTES - 1000)
    project(tmp_path, f"metric revenue = sum(orders.amount) where orders.status = '{literal}'\n"
                      "query q { metrics: revenue }\n")
    script = textwrap.dedent(f"""
        from pathlib import Path
        from metricdsl.pipeline.load import load
        loaded = load(Path({str(tmp_path)!r}), prove=False)
        assert not loaded.errors, loaded.errors
        # VmHWM is this process's own peak; ru_maxrss would carry over the forking pytest's (Linux keeps
        # it across exec), which after a few thousand tests is already hundreds of MB.
        status = Path("/proc/self/status").read_text().splitlines()
        print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "METRICDSL_NO_CACHE": "1"}, check=False)
    assert result.returncode == 0, result.stderr
    peak_kib = int(result.stdout.split()[-1])  # in KiB
    assert peak_kib < 600 * 1024, f"peak memory {peak_kib // 1024} MB for a 10 MB file"


def test_fmt_keeps_the_code_after_a_lone_cr() -> None:
    from metricdsl.syntax.fmt import format_text

    formatted = format_text(ORDERS + "metric revenue = sum(orders.amount) # paid\r  where orders.status = 'paid'\n")
    assert "where orders.status = 'paid'" in formatted
    assert "\r" not in formatted
