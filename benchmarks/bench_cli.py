"""Whole-process timings of the CLI, against baselines measured in the same run.

    python -m benchmarks.bench_cli [--repeat 15] [--sql-only]

Every round runs each command once, in turn, so machine noise hits them all alike; the report gives
each command's median wall time and CPU time (user + system, steadier on a busy machine) and its
ratio to three baselines: `python -c pass` (the interpreter), `python -c "import sqlglot"` and the
floor: the imports no compile to DuckDB can do without (click, pydantic's BaseModel, sqlglot and
its DuckDB dialect).

`metricdsl sql --query monthly_kpi` on the example is measured:
- cold: a fresh cache folder for every run (a first run on a new machine: the parser is built and
  every file parsed);
- `--no-cache` with the store filled by earlier runs: the checked project is read back, the SQL
  is planned and printed again (any new query on an unchanged project costs the same);
- after an edit: a comment added to one file before every run, so that file is parsed again and
  the project checked again (the saved parser and the other files' trees are used);
- with `METRICDSL_NO_CACHE=1` (no store at all: the parser is built in every run);
- a cache hit.
Then `metricdsl check` of a generated project of 2,000 metrics, 200 dimensions and 50 sources.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.generate_project import write_project

REPO = Path(__file__).resolve().parent.parent
# What any compile to DuckDB imports before doing anything: the CLI framework, the IR's model base
# class and sqlglot with the dialect's generator (whose class body parses SQL snippets).
FLOOR = ("import click, sqlglot; from pydantic import BaseModel; "
         "from sqlglot.dialects.dialect import Dialect; Dialect.get_or_raise('duckdb')")


@dataclass
class Case:
    """A command and the environment of each of its runs (a callable: a cold run needs a new folder)."""

    command: list[str]
    environment: Callable[[], dict[str, str]]
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    def run(self) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(self.command, check=True, stdout=subprocess.DEVNULL, env=self.environment(), cwd=REPO)
        self.walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


def cases(folder: Path, sql_only: bool) -> dict[str, Case]:
    python = sys.executable
    warm = {**os.environ, "METRICDSL_CACHE_DIR": str(folder / "cache")}
    warm.pop("METRICDSL_NO_CACHE", None)
    warm.pop("PYTHONDONTWRITEBYTECODE", None)  # users run from bytecode: the warm-up run writes it

    def fresh() -> dict[str, str]:
        return {**warm, "METRICDSL_CACHE_DIR": tempfile.mkdtemp(dir=folder)}

    sql = [python, "-m", "metricdsl", "sql", "specs", "--query", "monthly_kpi"]
    edited = folder / "specs"
    shutil.copytree(REPO / "specs", edited)

    def after_an_edit() -> dict[str, str]:
        with open(edited / "queries.metric", "a", encoding="utf-8") as stream:
            stream.write(f"# edit {time.perf_counter_ns()}\n")
        return warm
    chosen = {
        "python -c pass": Case([python, "-c", "pass"], lambda: warm),
        "python -c 'import sqlglot'": Case([python, "-c", "import sqlglot"], lambda: warm),
        "floor: imports a compile needs": Case([python, "-c", FLOOR], lambda: warm),
        "sql, cold (nothing saved)": Case([*sql, "--no-cache"], fresh),
        "sql --no-cache (project checked before)": Case([*sql, "--no-cache"], lambda: warm),
        "sql --no-cache, after an edit": Case([*sql[:4], str(edited), *sql[5:], "--no-cache"], after_an_edit),
        "sql, METRICDSL_NO_CACHE=1": Case(sql, lambda: {**warm, "METRICDSL_NO_CACHE": "1"}),
        "sql, cache hit": Case(sql, lambda: warm),
    }
    if not sql_only:
        big = folder / "big"
        write_project(big, sources=50, dimensions=200, metrics=2000)
        check = [python, "-m", "metricdsl", "check", str(big)]
        chosen["check 2,000 metrics (files saved)"] = Case(check, lambda: warm)
        chosen["check 2,000 metrics, no cache"] = Case(check, lambda: {**warm, "METRICDSL_NO_CACHE": "1"})
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--sql-only", action="store_true", help="Leave out the 2,000-metric `check`.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        chosen = cases(Path(folder), args.sql_only)
        for case in chosen.values():
            case.run()  # once unmeasured: writes .pyc files and fills the warm store
            case.walls.clear()
            case.cpus.clear()
        for _ in range(args.repeat):
            for case in chosen.values():
                case.run()
    interpreter, sqlglot = chosen["python -c pass"], chosen["python -c 'import sqlglot'"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"medians of {args.repeat} interleaved runs, {os.cpu_count()} cores, load average {load:.1f}")
    floor = chosen["floor: imports a compile needs"]
    print(f"{'':38s} {'wall':>8s} {'cpu':>8s}  {'wall / pass':>11s} {'wall / sqlglot':>14s} {'wall / floor':>12s}")
    for name, case in chosen.items():
        print(f"{name:38s} {case.wall * 1000:5.0f} ms {case.cpu * 1000:5.0f} ms  "
              f"{case.wall / interpreter.wall:10.1f}x {case.wall / sqlglot.wall:13.2f}x {case.wall / floor.wall:11.2f}x")


if __name__ == "__main__":
    main()
