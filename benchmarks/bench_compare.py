"""Compile time of this checkout against another revision, measured in the same run.

    python -m benchmarks.bench_compare --against bd0d5c0 [--repeat 9]

The other revision is checked out into a temporary git worktree; each command is run alternately
with `PYTHONPATH` pointing at one checkout and then the other (so machine noise hits both), and
the report gives the median of each and the ratio this/other. Measured: `check` of the example,
`check` and a cold `sql` of a generated project of 2,000 metrics, and a cold `sql` of the example,
all with caches off.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.generate_project import write_project

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def checkout(revision: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="metricdsl-bench-"))
    target = folder / "tree"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(target), revision], check=True)
    try:
        yield target
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(target)], check=True)


def timed(command: list[str], tree: Path, cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree), "METRICDSL_NO_CACHE": "1"}
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    return time.perf_counter() - start


def compare(name: str, command: list[str], this: Path, other: Path, repeat: int) -> None:
    mine, theirs = [], []
    for _ in range(repeat):
        mine.append(timed(command, this, this))
        theirs.append(timed(command, other, other))
    a, b = statistics.median(mine), statistics.median(theirs)
    print(f"{name:44s} this {a * 1000:7.0f} ms   other {b * 1000:7.0f} ms   ratio {a / b:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--against", required=True, help="a git revision, e.g. bd0d5c0")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    python = sys.executable
    with checkout(args.against) as other, tempfile.TemporaryDirectory() as folder:
        big = Path(folder, "big")
        write_project(big, sources=50, dimensions=200, metrics=2000)
        print(f"median of {args.repeat} alternating runs, {os.cpu_count()} cores; this = {REPO}, other = {args.against}")
        compare("check specs", [python, "-m", "metricdsl", "check", "specs"], REPO, other, args.repeat)
        compare("sql --query monthly_kpi (cold)", [python, "-m", "metricdsl", "sql", "specs", "--query", "monthly_kpi",
                                                   "--no-cache"], REPO, other, args.repeat)
        compare("check (2,000 metrics, cold)", [python, "-m", "metricdsl", "check", str(big)], REPO, other, args.repeat)


if __name__ == "__main__":
    main()
