"""Every command and the language tour in README.md run as written."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
SKIPPED = ("metricdsl lsp",)  # a server that waits on stdin; tests/tools/test_lsp.py drives it


def fenced(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def commands() -> list[str]:
    found = []
    for block in fenced("bash"):
        for line in block.splitlines():
            command = shlex.join(shlex.split(line, comments=True))
            if command.startswith("metricdsl ") and not command.startswith(SKIPPED):
                found.append(command)
    return found


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(REPO_ROOT / "specs", folder / "specs")
    return folder


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    words = shlex.split(command)
    target = None
    if ">" in words:
        words, target = words[: words.index(">")], words[words.index(">") + 1]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "METRICDSL_NO_CACHE": "1", "COLUMNS": "120"}
    result = subprocess.run([sys.executable, "-m", "metricdsl", *words[1:]], check=False, cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=300)
    if target is not None:
        (cwd / target).write_text(result.stdout, encoding="utf-8")
    return result


def test_the_readme_has_the_two_commands() -> None:
    bash = "\n".join(fenced("bash"))
    assert "./demo.sh" in bash and "./test.sh" in bash
    assert (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().endswith("./test.sh")


def test_the_language_tour_checks_clean(tmp_path: Path) -> None:
    from metricdsl.pipeline.load import load

    (tmp_path / "tour.metric").write_text(fenced("metric")[0], encoding="utf-8")
    loaded = load(tmp_path)
    assert [d.message for d in loaded.diagnostics] == []
    assert set(loaded.model.queries) == {"monthly_kpi"} if loaded.model else False


@pytest.mark.parametrize("command", commands())
def test_readme_command_runs(command: str, workdir: Path, postgres_url: str) -> None:
    command = command.replace("postgresql://postgres@127.0.0.1:5432/postgres", postgres_url)
    if "--baseline baseline.csv" in command:
        make_baseline_csv(workdir)
    result = run(command, workdir)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr


def make_baseline_csv(workdir: Path) -> None:
    """What an Impala user gets back from baseline.sql, computed here on DuckDB from the same SQL."""
    from metricdsl.api import load_project
    from metricdsl.runtime.warehouse import connect, rows_to_csv

    sql = run("metricdsl plan specs --target revenue_2027 --emit-sql --dialect duckdb", workdir).stdout
    project = load_project(workdir / "specs")
    with connect() as warehouse:
        warehouse.load_data(project, workdir / "specs" / "data", replace=True)
        (workdir / "baseline.csv").write_text(rows_to_csv(warehouse.execute(sql)), encoding="utf-8")
