"""What a cold `metricdsl sql` imports (README, Performance): nothing it does not need.

Each test runs the command in a fresh interpreter and reads its `sys.modules` afterwards, on the
example project (it declares calendars, so `holidays` would be tempting to import while checking).
No timing is asserted; `python -m benchmarks.bench_cli` measures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import REPO_ROOT, SPECS_DIR

# Packages a plain SQL compile must not load: output formatting, calendars, workbooks, engines, proofs.
HEAVY = ("rich", "holidays", "openpyxl", "duckdb", "psycopg", "sympy", "dateutil")

PROBE = """
import json, sys
from metricdsl.cli import main
try:
    main(sys.argv[2:], standalone_mode=False)
finally:
    with open(sys.argv[1], "w") as stream:
        json.dump(sorted(sys.modules), stream)
"""


def modules_after(arguments: list[str], cache: Path, out: Path) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "METRICDSL_CACHE_DIR": str(cache)}
    env.pop("METRICDSL_NO_CACHE", None)
    result = subprocess.run([sys.executable, "-c", PROBE, str(out), *arguments], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("-- metricdsl query:"), result.stdout[:200]
    return set(json.loads(out.read_text(encoding="utf-8")))


def heavy(modules: set[str]) -> list[str]:
    return sorted(name for name in modules if name.split(".")[0] in HEAVY)


@pytest.mark.parametrize("arguments", [
    ["--query", "monthly_kpi"],
    ["--metrics", "revenue,aov", "--by", "time.month", "--period", "2026", "--dialect", "postgres"],
], ids=["named query", "ad-hoc query on postgres"])
def test_a_cold_sql_imports_no_heavy_package(arguments: list[str], tmp_path: Path) -> None:
    cache = tmp_path / "cache"  # empty: no saved parser, no parsed files, no SQL
    command = ["sql", str(SPECS_DIR), *arguments, "--no-cache"]
    assert heavy(modules_after(command, cache, tmp_path / "cold.json")) == []
    warm = modules_after(command, cache, tmp_path / "warm.json")  # the parser and the parsed files are saved now
    assert heavy(warm) == []
    if "--query" in arguments:  # every tree comes from the store: no parser is needed (an ad-hoc query parses)
        assert not any(name.split(".")[0] == "lark" for name in warm)


def test_the_next_cold_compile_loads_the_saved_parser(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    command = ["sql", str(SPECS_DIR), "--query", "monthly_kpi", "--no-cache"]
    modules_after(command, cache, tmp_path / "first.json")
    saved = list(cache.glob("grammar-*"))
    assert len(saved) == 1, "the first run saves the parser"
    before = saved[0].stat()
    for parsed in [*cache.glob("ast-*"), *cache.glob("project-*")]:
        parsed.unlink()  # every file is parsed and the project checked again
    modules_after(command, cache, tmp_path / "second.json")
    after = saved[0].stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns), "the parser was built again"


def test_a_compile_of_an_unchanged_project_neither_parses_nor_checks(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = ["sql", str(SPECS_DIR), "--query", "monthly_kpi", "--no-cache"]
    modules_after(first, cache, tmp_path / "first.json")
    another = ["sql", str(SPECS_DIR), "--query", "revenue_by_product", "--dialect", "postgres", "--no-cache"]
    loaded = modules_after(another, cache, tmp_path / "second.json")
    assert not [name for name in loaded if name.startswith(("metricdsl.semantic", "metricdsl.syntax", "lark"))]


VALIDATORS = """
import json, sys
from pydantic import BaseModel
from pydantic._internal._mock_val_ser import MockValSer
from metricdsl.cli import main
try:
    main(sys.argv[2:], standalone_mode=False)
finally:
    def every(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from every(sub)
    built = sorted({f"{c.__module__}.{c.__name__}" for c in every(BaseModel)
                    if c.__module__.startswith("metricdsl.") and not isinstance(c.__pydantic_validator__, MockValSer)})
    with open(sys.argv[1], "w") as stream:
        json.dump(built, stream)
"""


# The `target`, `calendar` and `scorecard` declarations are checked by validating their models
# (`metricdsl.ir.targets`, `metricdsl.ir.scorecards`): their validators are built while checking.
CHECKED_BY_VALIDATION = ("metricdsl.ir.targets.", "metricdsl.ir.scorecards.")


@pytest.mark.parametrize("cached", [False, True], ids=["project checked", "checked project read back"])
def test_a_compile_builds_no_validator_of_the_ir(cached: bool, tmp_path: Path) -> None:
    """IR nodes are built without validation (metricdsl.ir.model.Frozen): building pydantic's
    validators of the IR cost about a third of a cold compile. Read back, a checked project builds
    no validator at all."""
    cache = tmp_path / "cache"
    command = ["sql", str(SPECS_DIR), "--query", "monthly_kpi", "--no-cache"]
    if cached:
        modules_after(command, cache, tmp_path / "first.json")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "METRICDSL_CACHE_DIR": str(cache)}
    env.pop("METRICDSL_NO_CACHE", None)
    out = tmp_path / "built.json"
    result = subprocess.run([sys.executable, "-c", VALIDATORS, str(out), *command], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    built = json.loads(out.read_text(encoding="utf-8"))
    if cached:
        assert built == []
    else:
        assert built and [name for name in built if not name.startswith(CHECKED_BY_VALIDATION)] == []


SAVED_PARSER_PROBE = """
import json, sys
from metricdsl.cli import main
try:
    main(sys.argv[2:], standalone_mode=False)
finally:
    from metricdsl.syntax import parse
    with open(sys.argv[1], "w") as stream:
        json.dump({"parsed": parse.parser.cache_info().currsize, "saved parser used": bool(parse._PARSER_CACHES)}, stream)
"""


def test_an_ad_hoc_query_on_a_checked_project_loads_the_saved_parser(tmp_path: Path) -> None:
    """The checked project comes from the store, so loading never ran; the ad-hoc query's own parse
    must still load the saved parser instead of building it from the grammar."""
    cache = tmp_path / "cache"
    modules_after(["sql", str(SPECS_DIR), "--query", "monthly_kpi", "--no-cache"], cache, tmp_path / "first.json")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "METRICDSL_CACHE_DIR": str(cache)}
    env.pop("METRICDSL_NO_CACHE", None)
    out = tmp_path / "parser.json"
    command = ["sql", str(SPECS_DIR), "--metrics", "revenue", "--by", "time.month", "--no-cache"]
    result = subprocess.run([sys.executable, "-c", SAVED_PARSER_PROBE, str(out), *command], env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == {"parsed": 1, "saved parser used": True}
