"""docs/language.md's first-project walkthrough works verbatim in an empty folder: its files are
written as shown, every `$ metricdsl …` line runs and prints exactly what the page shows."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from support.paths import REPO_ROOT, bare_environment

LANGUAGE_MD = REPO_ROOT / "docs" / "language.md"
FILE_BLOCK = re.compile(r"^File `([^`]+)`[^\n]*:\n\n```\w*\n(.*?)^```$", re.MULTILINE | re.DOTALL)
CONSOLE_BLOCK = re.compile(r"^```console\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def walkthrough() -> str:
    text = LANGUAGE_MD.read_text(encoding="utf-8")
    return text.split("## A first project", 1)[1].split("\n## ", 1)[0]


def transcript() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every `$ ` line of the walkthrough's console blocks."""
    steps: list[tuple[str, list[str]]] = []
    for block in CONSOLE_BLOCK.findall(walkthrough()):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            else:
                steps[-1][1].append(line.rstrip())
    return steps


def test_the_walkthrough_has_files_and_commands() -> None:
    files = dict(FILE_BLOCK.findall(walkthrough()))
    assert sorted(files) == ["specs/data/dw.fact_orders.csv", "specs/shop.metric"]
    commands = [command for command, _ in transcript()]
    assert commands[0] == "metricdsl check specs" and "metricdsl run specs --query monthly" in commands
    assert any(command.startswith("metricdsl seed specs --db duckdb:///") for command in commands)


def test_the_walkthrough_runs_verbatim_in_an_empty_folder(tmp_path: Path) -> None:
    for name, body in FILE_BLOCK.findall(walkthrough()):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    for command, expected in transcript():
        words = shlex.split(command)
        assert words[0] == "metricdsl", command
        result = subprocess.run([sys.executable, "-m", "metricdsl", *words[1:]], cwd=tmp_path, capture_output=True,
                                text=True, timeout=120, check=False,
                                env=bare_environment())
        assert result.returncode == 0, (command, result.stderr)
        assert [line.rstrip() for line in result.stdout.splitlines()] == expected, command
    assert (tmp_path / "warehouse.duckdb").is_file()
