"""`plan --actuals-through DATE`: re-planning mid-period (LANGUAGE.md §9; docs/planning.md "Re-planning")."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from metricdsl.cli.options import fail, open_or_exit, print_diagnostics

if TYPE_CHECKING:
    from metricdsl.allocate.models import PlanResult, TargetSpec
    from metricdsl.ir import model as m
    from metricdsl.source import SourceFile, Span

actuals_through_option = click.option(
    "--actuals-through", "actuals_through", type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Re-plan: keep the months and weeks ended by this date (YYYY-MM-DD) at their actuals and "
         "re-spread the rest of the target over the remaining ones.")


def through_date(value: datetime.datetime | None) -> datetime.date | None:
    return None if value is None else value.date()


def replan_flags_or_exit(project: Path, spec: TargetSpec, through: datetime.date) -> None:
    """Exit 1 with E606 when the date cannot re-plan the target."""
    from metricdsl.allocate.replan import replan_problem
    from metricdsl.diagnostics import Diagnostic

    problem = replan_problem(spec, through)
    if problem is None:
        return
    span, files = target_period_span(project, spec.name, at_period=bool(spec.spread_grains))
    print_diagnostics([Diagnostic("E606", problem[0], span, problem[1])], files)
    fail(f"target {spec.name} was not re-planned")


def target_period_span(project: Path, name: str, at_period: bool = True) -> tuple[Span | None, dict[str, SourceFile]]:
    """Where target `name` writes `period:` (its value; or its name), and the file that holds it."""
    from metricdsl.pipeline.load import parse_cached
    from metricdsl.source import find_files, read_source
    from metricdsl.syntax import ast

    for path in find_files(project):
        source = read_source(path)
        for decl in parse_cached(source)[0].declarations:
            if isinstance(decl, ast.BlockDecl) and decl.kind == "target" and decl.name == name:
                period = next((p for p in decl.block.properties() if p.key == "period"), None)
                span = period.items[0].span if at_period and period is not None and period.items else decl.name_span
                return span, {source.path: source}
    return None, {}


def replan_or_exit(model: m.Project, spec: TargetSpec, project: Path, db: str | None, data: Path | None,
                   replace: bool, through: datetime.date, files: tuple[Path, ...] = ()) -> PlanResult:
    """Baseline and actuals from one database (or from the --baseline files), then the re-plan."""
    from metricdsl.allocate import CalendarError, PlanError, WorkCalendar
    from metricdsl.allocate.replan import replan
    from metricdsl.errors import BaselineError, CheckFailed, WarehouseError
    from metricdsl.runtime.actuals import actuals_from_rows, fetch_actuals
    from metricdsl.runtime.baseline import baseline_from_rows, fetch_baseline, read_baseline_rows
    from metricdsl.runtime.output import status

    try:
        if files:
            rows = read_baseline_rows(files)
            baseline, actuals = baseline_from_rows(spec, rows), actuals_from_rows(spec, rows, through, required=True)
        else:
            with status(f"querying the baseline and the actuals through {through} of {spec.name}…"), \
                    open_or_exit(model, project, db, data, replace) as warehouse:
                baseline = fetch_baseline(model, spec, warehouse)
                actuals = fetch_actuals(model, spec, warehouse, through)
    except CheckFailed as failure:
        print_diagnostics(failure.diagnostics, failure.sources)
        fail(f"the baseline or actuals queries of target {spec.name} have errors")
    except (BaselineError, WarehouseError) as error:
        fail(f"baseline or actuals of target {spec.name}: {error}")
    try:
        with status(f"re-planning {spec.name}…"):
            return replan(spec, baseline, actuals, WorkCalendar(spec.spread_calendar))
    except (PlanError, CalendarError) as error:
        fail(f"target {spec.name}: {error}")
