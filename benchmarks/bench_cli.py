"""Whole-process timings of the CLI, as ratios against `python -c pass` measured in the same run.

    python -m benchmarks.bench_cli [--repeat 7]

Measures `metricdsl sql --query …` on the example (cold: --no-cache; warm: a cache hit) and
`metricdsl check` on a generated project of 2,000 metrics, 200 dimensions and 50 sources.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate_project import write_project


def wall(command: list[str], repeat: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "METRICDSL_CACHE_DIR": str(Path(folder, "cache"))}
        big = Path(folder, "big")
        write_project(big, sources=50, dimensions=200, metrics=2000)
        sql = [python, "-m", "metricdsl", "sql", "specs", "--query", "monthly_kpi"]
        rows = {
            "python -c pass (baseline)": wall([python, "-c", "pass"], args.repeat, env),
            "metricdsl sql (cold, --no-cache)": wall([*sql, "--no-cache"], args.repeat, env),
            "metricdsl sql (warm, cache hit)": wall(sql, args.repeat, env),
            "metricdsl check (2,000 metrics, warm)": wall([python, "-m", "metricdsl", "check", str(big)], args.repeat, env),
            "metricdsl check (2,000 metrics, no cache)": wall(
                [python, "-m", "metricdsl", "check", str(big)], args.repeat, {**env, "METRICDSL_NO_CACHE": "1"}),
        }
    baseline = rows["python -c pass (baseline)"]
    print(f"median of {args.repeat} runs, {os.cpu_count()} cores")
    for name, seconds in rows.items():
        print(f"{name:36s} {seconds * 1000:7.0f} ms  {seconds / baseline:5.1f}x baseline")


if __name__ == "__main__":
    main()
