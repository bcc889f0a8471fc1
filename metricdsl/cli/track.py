"""`metricdsl track`: the plan against the actuals, per bucket and for the period to date (LANGUAGE.md §9)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from metricdsl.cli.options import (
    exit_on_check_failure,
    fail,
    load_or_exit,
    open_or_exit,
    print_diagnostics,
    project_argument,
    replace_needs_data,
    replace_option,
)
from metricdsl.cli.targets import allocate_or_exit, target_or_exit, warning_line

if TYPE_CHECKING:
    from metricdsl.ir import model as m
    from metricdsl.runtime.plan_store import PlanRow
    from metricdsl.runtime.track import TrackReport, TrackRequest
    from metricdsl.runtime.warehouse import Warehouse


@click.command("track")
@project_argument
@click.option("--target", "-t", "target_name", required=True, help="A `target` of the project.")
@click.option("--db", help="duckdb:///path.duckdb or postgresql://… holding the saved plan (default: in-memory "
              "DuckDB with PROJECT/data, where the plan is computed).")
@click.option("--data", type=click.Path(path_type=Path), help="CSV folder to load first.")
@replace_option
@click.option("--as-of", "as_of", metavar="DATE",
              help="Actuals through this date (default: today, or the period's last day once it is over).")
@click.option("--grain", type=click.Choice(["month", "week"]), help="Buckets (default: month when the plan has months).")
@click.option("--by-member", is_flag=True, help="Also a row per member of the target's split dimension.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "html"]), default="table",
              show_default=True)
@click.option("--out", "-o", type=click.Path(path_type=Path), help="Write the report to this file.")
def track(project: Path, target_name: str, db: str | None, data: Path | None, replace: bool, as_of: str | None,
          grain: str | None, by_member: bool, fmt: str, out: Path | None) -> None:
    """Follow a plan: target, actual, achievement, time progress, gap and forecast per bucket through the
    as-of date and for the period to date; rows behind their time progress are highlighted.

    On a database (--db) the target is the plan saved with `plan --save`; on the in-memory DuckDB
    the plan is computed from PROJECT/data first.

    \b
    Example:  metricdsl track specs --target revenue_2026 --as-of 2026-06-30
              metricdsl track specs --target revenue_2026 --as-of 2026-06-30 --grain week --by-member
              metricdsl track specs --target revenue_2026 --db duckdb:///kpi.duckdb --format html --out track.html
    """
    from metricdsl.runtime.track import TrackError, TrackRequest, effective_as_of, grain_of

    given = as_of_date(as_of)
    replace_needs_data(replace, data)
    model = load_or_exit(project)
    spec = target_or_exit(model, target_name)
    if by_member and spec.split_dimension is None:
        fail(f"--by-member: target {spec.name} has no `split:`, so its plan has no members", 2)
    try:
        effective = effective_as_of(spec, given, datetime.date.today())
    except TrackError as error:
        fail(str(error), 2)
    if given is not None and effective != given:
        click.echo(f"note: --as-of {given} is after the period of {spec.name}; tracking through {effective}",
                   err=True)
    with open_or_exit(model, project, db, data, replace) as warehouse:
        plan = plan_or_exit(model, spec, warehouse, computed=db is None)
        try:
            request = TrackRequest(spec, plan, effective, grain_of(plan, spec, grain), by_member)
        except TrackError as error:
            fail(str(error), 2)
        report = report_or_exit(model, request, warehouse)
    emit(render(report, fmt, model), out)


def as_of_date(text: str | None) -> datetime.date | None:
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        fail(f"--as-of `{text}` is not a date written YYYY-MM-DD (track reads the actuals now)", 2)


def plan_or_exit(model: m.Project, spec: Any, warehouse: Warehouse, computed: bool) -> list[PlanRow]:
    """The plan rows: computed from the loaded data on the in-memory DuckDB, else the saved ones."""
    from metricdsl.errors import BaselineError, CheckFailed, WarehouseError
    from metricdsl.runtime.baseline import fetch_baseline
    from metricdsl.runtime.output import status
    from metricdsl.runtime.plan_store import SavedPlanMissing, plan_rows, read_plan

    try:
        if not computed:
            with status(f"reading the saved plan of {spec.name}…"):
                return read_plan(warehouse, spec)
        with status(f"computing the plan of {spec.name}…"):
            result = allocate_or_exit(spec, fetch_baseline(model, spec, warehouse))
    except SavedPlanMissing as error:
        missing_plan(str(error))
    except CheckFailed as failure:
        print_diagnostics(failure.diagnostics, failure.sources)
        fail(f"the baseline queries of target {spec.name} have errors")
    except (BaselineError, WarehouseError) as error:
        fail(f"plan of target {spec.name}: {error}")
    for warning in result.diagnostics:
        click.echo(warning_line(warning), err=True)
    return plan_rows(result)


def missing_plan(message: str) -> NoReturn:
    from metricdsl.diagnostics import Diagnostic

    help_text = ("`plan --save` writes the plan into the target's `store:` table of the database given with --db; "
                 "without --db, track computes the plan from the project's data")
    print_diagnostics([Diagnostic("E703", message, None, help_text)], {})
    fail("no saved plan to track")


def report_or_exit(model: m.Project, request: TrackRequest, warehouse: Warehouse) -> TrackReport:
    from metricdsl.errors import CalendarError, CheckFailed, WarehouseError
    from metricdsl.runtime.output import status
    from metricdsl.runtime.track import TrackError, track_report

    try:
        with status(f"querying the actuals of {request.spec.metric} through {request.as_of}…"):
            return track_report(model, request, warehouse)
    except CheckFailed as failure:
        exit_on_check_failure(failure)
    except (TrackError, CalendarError) as error:
        fail(str(error))
    except WarehouseError as error:
        fail(f"the database said: {error}")


def render(report: TrackReport, fmt: str, model: m.Project) -> str:
    from metricdsl.ir.formats import unit_formats
    from metricdsl.runtime import track_view

    money = unit_formats(model).get(report.metric)
    if fmt == "json":
        return report.to_json()
    if fmt == "csv":
        return report.to_csv()
    if fmt == "table":
        return track_view.track_table(report, money)
    return html_report(report, money)


def html_report(report: TrackReport, money: Any) -> str:
    from metricdsl.allocate.formatting import shown_number
    from metricdsl.runtime import track_view
    from metricdsl.tools.track_svg import chart_svg, html_page

    whole = [row for row in report.rows if row.member is None and row.bucket is not None]
    chart = chart_svg([track_view.bucket_label(report, row.bucket) for row in whole],
                      [row.target for row in whole], [row.actual for row in whole], [row.behind for row in whole],
                      f"{report.metric} by {report.grain}: target (pale) and actual (green on schedule, red behind)",
                      lambda value: shown_number(value, money)) if whole else ""
    cells = [track_view.row_cells(report, row, money) for row in report.rows]
    return html_page(track_view.title(report), track_view.subtitle(report), track_view.HEADER, cells,
                     [track_view.row_class(row) for row in report.rows], chart)


def emit(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror or error}")
    click.echo(f"wrote {out}", err=True)
