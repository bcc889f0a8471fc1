"""docs/planning.md's transcripts are what the commands print: every `$ metricdsl …` line of the page
runs, in order, in a copy of the example project, and its output matches the lines shown.

A line `…` stands for any number of lines; a line with `…` inside it matches an output line that
starts with the text before `…` and ends with the text after it. The output compared is standard
output followed by standard error. Commands that need something the page does not show being made
(an Impala shell, a CSV from one, an edited spec) are listed in SHOWN_ONLY with the reason.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import REPO_ROOT, SPECS_DIR, bare_environment

PLANNING_MD = REPO_ROOT / "docs" / "planning.md"
BLOCK = re.compile(r"^```\n(.*?)^```$", re.MULTILINE | re.DOTALL)
ELIDED = "…"

SHOWN_ONLY = {  # command → why it is not run here
    "metricdsl plan specs --target revenue_2027 --emit-sql --dialect impala > baseline.sql":
        "its output is the input of impala-shell",
    "metricdsl plan specs --target revenue_2027 --baseline baseline.csv --format xlsx --out plan.xlsx":
        "needs the CSV that impala-shell writes",
    "metricdsl plan specs --target revenue_2026 --emit-sql --dialect impala --actuals-through 2026-06-30 > baseline.sql":
        "its output is the input of impala-shell",
    "metricdsl plan specs --target revenue_2026 --baseline baseline.csv --actuals-through 2026-06-30":
        "needs the CSV that impala-shell writes",
    "metricdsl plan specs --target revenue_2027 --format json --out plan.json    # with stricter caps":
        "shows the error of a spec with stricter caps than the example's",
}


def transcript() -> list[tuple[str, list[str]]]:
    """(command, expected lines) for every `$ metricdsl` line of the page, in order."""
    steps: list[tuple[str, list[str]]] = []
    for block in BLOCK.findall(PLANNING_MD.read_text(encoding="utf-8")):
        current: list[str] | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                current = None
                if line.startswith("$ metricdsl "):
                    steps.append((line[2:], []))
                    current = steps[-1][1]
            elif current is not None:
                current.append(line.rstrip())
    return steps


def line_matches(expected: str, actual: str) -> bool:
    if ELIDED not in expected:
        return expected == actual
    head, tail = expected.split(ELIDED, 1)
    return actual.startswith(head.rstrip()) and actual.endswith(tail.lstrip())


def matches(expected: list[str], actual: list[str]) -> bool:
    """Does `actual` read as `expected`, where a line `…` stands for any number of lines?"""
    if not expected:
        return not actual
    if expected[0] == ELIDED:
        return any(matches(expected[1:], actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and line_matches(expected[0], actual[0]) and matches(expected[1:], actual[1:])


def test_every_command_of_the_page_is_run_or_listed() -> None:
    commands = [command for command, _ in transcript()]
    assert len(commands) >= 10
    assert set(SHOWN_ONLY) <= set(commands), set(SHOWN_ONLY) - set(commands)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("planning")
    shutil.copytree(SPECS_DIR, folder / "specs")
    return folder


@pytest.mark.parametrize(("index", "command"), [(i, c) for i, (c, _) in enumerate(transcript())
                                                  if c not in SHOWN_ONLY], ids=lambda value: str(value)[:60])
def test_the_command_prints_what_the_page_shows(index: int, command: str, project: Path) -> None:
    expected = transcript()[index][1]
    words = shlex.split(command, comments=True)
    result = subprocess.run([sys.executable, "-m", "metricdsl", *words[1:]], cwd=project, capture_output=True,
                            text=True, timeout=300, check=False,
                            env=bare_environment())
    actual = [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]
    assert result.returncode == 0, (command, result.stderr)
    if expected:
        assert matches(expected, actual), "\n".join([command, "--- shown:", *expected, "--- printed:", *actual])
