"""The options the commands share, their checks, and how a command fails: one line or the
diagnostics, and an exit code (2 for a usage error)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from metricdsl.diagnostics import Diagnostic
    from metricdsl.errors import CheckFailed
    from metricdsl.ir import model as m
    from metricdsl.pipeline.request import QueryRequest
    from metricdsl.runtime.warehouse import QueryResult, Warehouse
    from metricdsl.source import SourceFile

DEFAULT_PROJECT = "specs"
project_argument = click.argument("project", default=DEFAULT_PROJECT, type=click.Path(path_type=Path))


def split_list(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def query_options(function: Any) -> Any:
    options = [
        click.option("--query", "-q", "query", help="A named query of the project."),
        click.option("--scorecard", "scorecard", metavar="NAME", help="A scorecard of the project: its score per "
                     "member (LANGUAGE.md §9), instead of a query."),
        click.option("--metrics", "-m", multiple=True, help="Ad-hoc: metrics, comma-separated."),
        click.option("--by", "-b", multiple=True, help="Ad-hoc: dimensions (time.month, product), comma-separated."),
        click.option("--where", "-w", help="A condition over dimensions, e.g. \"channel = 'phone'\"; with --query "
                     "it is added to the query's own `where` with `and`."),
        click.option("--period", "-p", help="2026, 2026-01-01 .. 2026-06-30, 'this month' or 'last 7 days'; with "
                     "--query it replaces the query's period."),
        click.option("--order", multiple=True, help="Output columns to sort by, e.g. 'revenue desc'; with --query it "
                     "replaces the query's order."),
        click.option("--limit", type=int, help="At most this many rows; with --query it replaces the query's limit."),
        as_of_option,
    ]
    for option in reversed(options):
        function = option(function)
    return function


as_of_option = click.option(
    "--as-of", "as_of", metavar="DATE|PLACEHOLDER",
    help="The as-of date: relative periods count from it and no row after it is read. A date (2026-12-01) "
         "gives literal bounds; a placeholder your scheduler substitutes ('{{ ds }}', '${var:run_date}') "
         "computes every bound in SQL from it. Default: the engine's CURRENT_DATE for relative periods.")
DIALECT_CHOICES = ["duckdb", "postgres", "impala", "spark"]


def given(ctx: click.Context, *names: str) -> list[str]:
    """The options among `names` (parameter names) that the user gave, as `--flag` names."""
    from click.core import ParameterSource

    shown = {p.name: p.opts[0] for p in ctx.command.params if isinstance(p, click.Option)}
    return [shown.get(name, name) for name in names
            if ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)]


def refuse(ctx: click.Context, names: Sequence[str], reason: str) -> None:
    """Exit 2 when any of the options `names` was given: a flag that does not apply is an error."""
    flags = given(ctx, *names)
    if flags:
        fail(f"{' and '.join(flags)} {'does' if len(flags) == 1 else 'do'} not apply {reason}", 2)


def check_as_of(as_of: str | None, placeholder_allowed: bool = True) -> None:
    """Exit 2 for an --as-of that is not a date or a placeholder (or a placeholder where a date is needed)."""
    from metricdsl.pipeline.request import as_of_problem

    problem = as_of_problem(as_of, placeholder_allowed)
    if problem:
        fail(problem, 2)


def check_schema(into: str | None) -> None:
    if into is not None and not (into.isascii() and into.isidentifier()):
        fail(f"--into takes one schema name (letters, digits, _), not `{into}`", 2)


replace_option = click.option(
    "--replace", is_flag=True,
    help="Loading CSVs replaces their tables: allow replacing tables that already hold rows (refused without it).")


def replace_needs_data(replace: bool, data: Path | None) -> None:
    if replace and data is None:
        fail("--replace applies to loading CSVs: give it with --data FOLDER", 2)


def impala_version_value(ctx: click.Context, param: click.Parameter, value: str) -> str:
    import re

    if re.fullmatch(r"[0-9]+(\.[0-9]+){0,2}", value) is None:
        raise click.BadParameter(f"`{value}` is not a version such as 3.4 or 4.1.2")
    return value


def tolerance_value(ctx: click.Context, param: click.Parameter, value: float) -> float:
    import math

    if not math.isfinite(value) or value < 0:
        raise click.BadParameter(f"{value} is not a finite number of at least 0 (e.g. 1e-9 or 0.01)")
    return value


def connect_or_exit(db: str | None) -> Warehouse:
    """The warehouse `--db` names (default: an in-memory DuckDB), or one line and exit 1."""
    from metricdsl.errors import WarehouseError
    from metricdsl.runtime.warehouse import connect

    try:
        return connect(db)
    except WarehouseError as error:
        fail(str(error))


def warehouse_failure(error: Exception) -> NoReturn:
    """A WarehouseError as the CLI says it: the CSV diagnostics of a failed load, else one line."""
    from metricdsl.errors import DataLoadFailed, PlanMissing

    if isinstance(error, DataLoadFailed):
        print_diagnostics(error.diagnostics, error.files)
    if isinstance(error, PlanMissing):
        print_diagnostics(error.diagnostics, {})
    fail(str(error))


def open_or_exit(model: m.Project, project: Path, db: str | None, data: Path | None,
                 replace: bool = False) -> Warehouse:
    """`--db`, or an in-memory DuckDB holding PROJECT/data (or --data), as `run` reads them."""
    from metricdsl.errors import WarehouseError
    from metricdsl.runtime.warehouse import open_for

    try:
        return open_for(model, project, db, data, replace)
    except WarehouseError as error:
        warehouse_failure(error)


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def print_diagnostics(diagnostics: list[Diagnostic], files: dict[str, SourceFile], err: bool = True) -> None:
    from metricdsl.diagnostics.render import render_text

    for diagnostic in diagnostics:
        click.echo(render_text(diagnostic, files), err=err)


def load_or_exit(project: Path, show_warnings: bool = False, prove: bool = False) -> m.Project:
    from metricdsl.pipeline.load import load

    loaded = load(project, prove)
    shown = loaded.diagnostics if (show_warnings or loaded.model is None) else []
    print_diagnostics(shown, loaded.files)
    if loaded.model is None:
        fail(f"{len(loaded.errors)} error(s) in {project}")
    return loaded.model


def compile_or_exit(model: m.Project, request: QueryRequest, dialect: str, impala_version: str = "3.4") -> str:
    from metricdsl.errors import CheckFailed
    from metricdsl.pipeline.compile import compile_sql

    try:
        return compile_sql(model, request, dialect, impala_version)
    except CheckFailed as failure:
        exit_on_check_failure(failure)


def exit_on_check_failure(failure: CheckFailed) -> NoReturn:
    """Print the diagnostics and exit: `N error(s) in PROJECT` when the project has errors, else the query's."""
    print_diagnostics(failure.diagnostics, failure.sources)
    if failure.loaded is not None:
        fail(f"{len(failure.loaded.errors)} error(s) in {failure.loaded.root}")
    fail("the query has errors")


def request_from(query: str | None, metrics: Sequence[str], by: Sequence[str], where: str | None,
                 period: str | None, order: Sequence[str], limit: int | None, as_of: str | None = None) -> QueryRequest:
    from metricdsl.pipeline.request import QueryRequest

    if query and metrics:
        fail("give either --query or --metrics, not both", 2)
    if not query and not metrics:
        fail("name a query (--query NAME), metrics (--metrics a,b) or a scorecard (--scorecard NAME)", 2)
    if query and by:
        fail(f"--by does not apply to a named query: `{query}` has its own `by` (--period, --where, --order and "
             "--limit override it)", 2)
    return QueryRequest.of(query, split_list(metrics), split_list(by), where, period, split_list(order), limit, as_of)


def save_flags_or_exit(spec: Any, save: bool, emit_save_sql: bool, emit_sql: bool, db: str | None, fmt: str,
                       out: Path | None, mermaid: Path | None = None) -> None:
    """`--save` / `--emit-save-sql`: never silently ignored, never half applicable."""
    if not (save or emit_save_sql):
        return
    flag = "--save" if save else "--emit-save-sql"
    if save and emit_save_sql:
        fail("give either --save or --emit-save-sql, not both", 2)
    if emit_sql:
        fail(f"--emit-sql prints the baseline SQL; it does not go with {flag}", 2)
    if spec.store is None:
        fail(f"target {spec.name} has no `store:` table to save its plan in (add e.g. `store: kpi.plan_{spec.name}`)", 2)
    from metricdsl.runtime.warehouse import is_embedded

    if save and is_embedded(db):
        fail("--save writes into a database: add --db URL (the in-memory DuckDB is gone when plan ends)", 2)
    if emit_save_sql and (fmt != "table" or out is not None):
        fail("--emit-save-sql prints SQL; it does not go with --format or --out", 2)
    if emit_save_sql and mermaid is not None:
        fail("--emit-save-sql prints SQL; it does not go with --mermaid", 2)


def save_sql_text(spec: Any, result: Any, dialect: str, impala_version: str) -> str:
    """The statements that save the plan, as SQL text of `dialect`."""
    from datetime import datetime

    from metricdsl.runtime.plan_store import render_statements, save_statements

    return render_statements(save_statements(spec, result, dialect, datetime.now()), dialect, impala_version)


def save_or_exit(spec: Any, result: Any, db: str | None) -> None:
    from datetime import datetime

    from metricdsl.errors import WarehouseError
    from metricdsl.runtime import warehouse
    from metricdsl.runtime.plan_store import save_plan

    try:
        with warehouse.connect(db) as connection:
            count = save_plan(connection, spec, result, datetime.now())
    except WarehouseError as error:
        fail(f"saving the plan of {spec.name} into {'.'.join(spec.store)}: {error}")
    click.echo(f"saved {count} rows of {spec.name} into {'.'.join(spec.store)}", err=True)


def load_or_fail(warehouse: Warehouse, model: m.Project, project: Path, db: str | None, data: Path | None,
                 replace: bool) -> None:
    """Load the data a `run` reads, with a spinner; a loading error ends the command."""
    from metricdsl.errors import WarehouseError
    from metricdsl.runtime.output import status
    from metricdsl.runtime.warehouse import load_for

    try:
        with status("loading data…"):
            load_for(warehouse, model, project, db, data, replace)
    except WarehouseError as error:
        warehouse_failure(error)


def execute_or_exit(warehouse: Warehouse, model: m.Project, project: Path, data: Path | None, db: str | None,
                    statement: str, replace: bool = False, request: QueryRequest | None = None) -> QueryResult:
    """Load the data `run` reads (after compiling, so query errors come first) and the plans its
    planned(…) reads, then run the statement."""
    from metricdsl.errors import WarehouseError
    from metricdsl.runtime.output import status

    load_or_fail(warehouse, model, project, db, data, replace)
    if request is not None:
        prepare_plans_or_exit(warehouse, model, request, db)
    try:
        with status(f"running the query on {warehouse.dialect}…"):
            return warehouse.execute(statement)
    except WarehouseError as error:
        fail(f"the database said: {error}")


def prepare_plans_or_exit(warehouse: Warehouse, model: m.Project, request: QueryRequest, db: str | None) -> None:
    """The saved plans the request's planned(…) reads: planned and saved on the embedded DuckDB, else
    present in the database (E703)."""
    from metricdsl.allocate import CalendarError, PlanError
    from metricdsl.errors import BaselineError, CheckFailed, WarehouseError
    from metricdsl.runtime.output import status
    from metricdsl.runtime.planned import prepare_plans, targets_read
    from metricdsl.runtime.warehouse import is_embedded

    metrics = model.queries[request.query].metrics if request.query in model.queries else request.metrics
    if not targets_read(model, metrics):
        return
    try:
        with status("saving the plans that planned(…) reads…"):
            prepare_plans(warehouse, model, metrics, is_embedded(db), db)
    except CheckFailed as failure:
        exit_on_check_failure(failure)
    except (BaselineError, PlanError, CalendarError) as error:
        fail(f"planning the targets that planned(…) reads: {error}")
    except WarehouseError as error:
        warehouse_failure(error)
