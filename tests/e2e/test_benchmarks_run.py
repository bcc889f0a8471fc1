"""The benchmarks still run, and their compiled SQL still returns what their hand-written SQL returns.

Each benchmark checks that both queries give the same rows before timing them (and exits non-zero
when they differ); here on small DuckDB tables, with one timing round. No timing is asserted. The
PostgreSQL halves use a fixed benchmark database and are left to `python -m benchmarks.…` runs;
time intelligence on PostgreSQL is tested against references in `tests/ti`.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from support.paths import REPO_ROOT


@pytest.mark.parametrize("benchmark", ["bench_ti", "bench_kpis"])
def test_a_benchmark_runs_and_both_sides_agree(benchmark: str) -> None:
    result = subprocess.run([sys.executable, "-m", f"benchmarks.{benchmark}", "--rows", "20000", "--repeat", "1",
                             "--no-postgres"], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "worst ratio" in result.stdout
    compared = [line for line in result.stdout.splitlines()
                 if re.search(r"\d\.\d\dx", line) and not line.startswith("worst")]
    assert len(compared) >= 7, result.stdout  # one line per query shape, each checked before it was timed
