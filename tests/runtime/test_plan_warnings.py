"""The warnings of `metricdsl plan` are diagnostics: W003 for an unpublished calendar year, `W` for the rest."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from metricdsl.allocate import WorkCalendar, allocate
from metricdsl.allocate.plan_warnings import CALENDAR_NOT_PUBLISHED, PLAN_WARNING, plan_warning
from metricdsl.api import load_project
from metricdsl.cli import main, warning_line
from metricdsl.runtime.baseline import fetch_baseline
from metricdsl.runtime.warehouse import open_for

SPECS = Path(__file__).resolve().parent.parent.parent / "specs"
TARGET = "revenue_2027"


def test_the_allocator_gives_each_warning_its_code() -> None:
    project = load_project(SPECS)
    spec = project.targets[TARGET]
    with open_for(project, SPECS, None, None) as warehouse:
        baseline = fetch_baseline(project, spec, warehouse)
    result = allocate(spec, baseline, WorkCalendar(spec.spread_calendar))
    codes = [(d.code, d.severity, d.span) for d in result.diagnostics]
    assert codes == [(PLAN_WARNING, "warning", None)] * 2 + [(CALENDAR_NOT_PUBLISHED, "warning", None)]
    assert result.diagnostics[-1].message.startswith("calendar cn: the official CN holiday schedule for 2027")
    assert result.warnings == [d.message for d in result.diagnostics]
    assert json.loads(result.model_dump_json())["warnings"] == result.warnings
    assert "diagnostics" not in json.loads(result.model_dump_json())


def test_the_cli_shows_only_catalogued_codes() -> None:
    run = CliRunner().invoke(main, ["plan", str(SPECS), "--target", TARGET, "--format", "csv"])
    assert run.exit_code == 0
    lines = run.stderr.splitlines()
    assert [line.split(":", 1)[0] for line in lines] == ["warning", "warning", "warning[W003]"]
    assert lines[0] == "warning: product = '私人银行咨询' lacks a baseline in some month of the baseline period; " \
                       "its months follow the overall profile"
    assert lines[2].startswith("warning[W003]: calendar cn: the official CN holiday schedule for 2027 is not")


def test_a_warning_line_names_the_code_only_when_it_is_in_the_catalogue() -> None:
    assert warning_line(plan_warning("no baseline for driver x")) == "warning: no baseline for driver x"
    assert warning_line(plan_warning("calendar cn: …", CALENDAR_NOT_PUBLISHED)) == "warning[W003]: calendar cn: …"
