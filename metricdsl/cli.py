"""The `metricdsl` command. Imports are lazy so that `metricdsl sql` starts fast."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from rich.table import Table

    from metricdsl.diagnostics import Diagnostic
    from metricdsl.errors import CheckFailed
    from metricdsl.ir import model as m
    from metricdsl.pipeline.request import QueryRequest
    from metricdsl.runtime.verify import Residual
    from metricdsl.runtime.warehouse import QueryResult, Warehouse
    from metricdsl.source import SourceFile

DEFAULT_PROJECT = "specs"
project_argument = click.argument("project", default=DEFAULT_PROJECT, type=click.Path(path_type=Path))


def split_list(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def query_options(function: Any) -> Any:
    options = [
        click.option("--query", "-q", "query", help="A named query of the project."),
        click.option("--metrics", "-m", multiple=True, help="Ad-hoc: metrics, comma-separated."),
        click.option("--by", "-b", multiple=True, help="Ad-hoc: dimensions (time.month, product), comma-separated."),
        click.option("--where", "-w", help="Ad-hoc: a condition over dimensions, e.g. \"channel = 'phone'\"."),
        click.option("--period", "-p", help="Ad-hoc: 2026 or 2026-01-01 .. 2026-06-30."),
        click.option("--order", multiple=True, help="Ad-hoc: output columns to sort by, e.g. 'revenue desc'."),
        click.option("--limit", type=int, help="Ad-hoc: at most this many rows."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


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


def warehouse_failure(error: Exception) -> NoReturn:
    """A WarehouseError as the CLI says it: the CSV diagnostics of a failed load, else one line."""
    from metricdsl.errors import DataLoadFailed

    if isinstance(error, DataLoadFailed):
        print_diagnostics(error.diagnostics, error.files)
    fail(str(error))


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
                 period: str | None, order: Sequence[str], limit: int | None) -> QueryRequest:
    from metricdsl.pipeline.request import QueryRequest

    if query and metrics:
        fail("give either --query or --metrics, not both", 2)
    if not query and not metrics:
        fail("name a query (--query NAME) or metrics (--metrics a,b)", 2)
    return QueryRequest.of(query, split_list(metrics), split_list(by), where, period, split_list(order), limit)


class SafeGroup(click.Group):
    """Turns an unexpected exception into one line and exit code 2 instead of a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except Exception as error:  # noqa: BLE001 - the last line of defence for users
            fail(f"internal error: {type(error).__name__}: {error} (please report this with the spec that caused it)", 2)


@click.group(cls=SafeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="metricdsl")
def main() -> None:
    """metricdsl: one definition per metric, compiled to SQL and to target plans.

    \b
    Example:
      metricdsl check specs
      metricdsl run specs --query monthly_kpi
      metricdsl sql specs --metrics revenue,aov --by time.month --period 2026 --dialect postgres
    """


@main.command()
@project_argument
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github", "sarif"]), default="text",
              show_default=True)
def check(project: Path, fmt: str) -> None:
    """Check every file of PROJECT and report every error (exit 1 if any).

    \b
    Example:  metricdsl check specs --format github
    """
    from metricdsl.diagnostics.render import to_github, to_json
    from metricdsl.pipeline.load import load

    loaded = load(project)
    if fmt == "json":
        click.echo(to_json(loaded.diagnostics))
    elif fmt == "github":
        for diagnostic in loaded.diagnostics:
            click.echo(to_github(diagnostic))
    elif fmt == "sarif":
        from metricdsl.diagnostics.render import to_sarif

        click.echo(to_sarif(loaded.diagnostics))
    else:
        print_diagnostics(loaded.diagnostics, loaded.files, err=False)
        click.echo(summary(loaded))
    if loaded.model is None:
        sys.exit(1)


def summary(loaded: Any) -> str:
    errors, warnings = len(loaded.errors), len(loaded.diagnostics) - len(loaded.errors)
    if loaded.model is None:
        return f"{errors} error(s), {warnings} warning(s)"
    model = loaded.model
    return (f"ok: {len(model.files)} file(s), {len(model.sources)} sources, {len(model.dimensions)} dimensions, "
            f"{len(model.metrics)} metrics, {len(model.queries)} queries; {warnings} warning(s)")


@main.command()
@project_argument
@query_options
@click.option("--dialect", "-d", type=click.Choice(["duckdb", "postgres", "impala"]), default="duckdb", show_default=True)
@click.option("--impala-version", default="3.4", show_default=True, callback=impala_version_value,
              help="Impala version the SQL must run on.")
@click.option("--no-cache", is_flag=True, help="Compile even if this exact input was compiled before.")
def sql(project: Path, query: str | None, metrics: tuple[str, ...], by: tuple[str, ...], where: str | None,
        period: str | None, order: tuple[str, ...], limit: int | None, dialect: str, impala_version: str,
        no_cache: bool) -> None:
    """Print the SQL of a query.

    \b
    Example:  metricdsl sql specs --query monthly_kpi --dialect impala
              metricdsl sql specs --metrics revenue,aov --by time.month,product --period 2026
    """
    request = request_from(query, metrics, by, where, period, order, limit)
    from metricdsl.errors import CheckFailed
    from metricdsl.pipeline.cache import cached_sql

    try:
        text = cached_sql(project, request, dialect, impala_version, use_cache=not no_cache)
    except CheckFailed as failure:
        exit_on_check_failure(failure)
    click.echo(text, nl=False)


@main.command()
@project_argument
@click.option("--dialect", "-d", "dialects", default="duckdb,postgres,impala", show_default=True,
              help="Comma-separated dialects.")
@click.option("--out", "-o", "out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--impala-version", default="3.4", show_default=True, callback=impala_version_value)
def build(project: Path, dialects: str, out: Path, impala_version: str) -> None:
    """Write every named query as OUT/<dialect>/<query>.sql (all or nothing).

    \b
    Example:  metricdsl build specs --dialect duckdb,postgres,impala --out build/sql
    """
    from metricdsl.sql.target import DIALECTS

    chosen = split_list([dialects])
    unknown = [d for d in chosen if d not in DIALECTS]
    if unknown:
        fail(f"unknown dialect(s) {', '.join(unknown)}; choose from {', '.join(DIALECTS)}", 2)
    model = load_or_exit(project)
    if not model.queries:
        fail(f"{project} declares no `query` blocks to build")
    from metricdsl.pipeline.request import QueryRequest
    from metricdsl.runtime.output import OutputFailed, staged_folder

    files = {Path(d) / f"{name}.sql": compile_or_exit(model, QueryRequest(query=name), d, impala_version)
             for d in chosen for name in sorted(model.queries)}
    try:
        with staged_folder(out) as stage:  # all or nothing: written beside OUT, then renamed into it
            for path, text in files.items():
                (stage / path).parent.mkdir(parents=True, exist_ok=True)
                (stage / path).write_text(text, encoding="utf-8")
    except OutputFailed as error:
        fail(str(error))
    click.echo(f"wrote {len(files)} file(s) to {out}")


@main.command()
@project_argument
@query_options
@click.option("--db", help="duckdb:///path.duckdb or postgresql://user@host:port/db (default: in-memory DuckDB).")
@click.option("--data", type=click.Path(path_type=Path), help="CSV folder to load first (default for in-memory "
              "DuckDB: PROJECT/data).")
@replace_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--show-sql", is_flag=True, help="Print the SQL before the result.")
def run(project: Path, query: str | None, metrics: tuple[str, ...], by: tuple[str, ...], where: str | None,
        period: str | None, order: tuple[str, ...], limit: int | None, db: str | None, data: Path | None,
        replace: bool, fmt: str, show_sql: bool) -> None:
    """Compile a query, execute it and print the result.

    \b
    Example:  metricdsl run specs --query monthly_kpi
              metricdsl run specs --metrics revenue --by product --format csv
              metricdsl run specs --query monthly_kpi --db postgresql://postgres@127.0.0.1:5432/postgres
    """
    from metricdsl.errors import WarehouseError
    from metricdsl.runtime.warehouse import connect

    request = request_from(query, metrics, by, where, period, order, limit)
    replace_needs_data(replace, data)
    model = load_or_exit(project)
    try:
        warehouse = connect(db)
    except WarehouseError as error:
        fail(str(error))
    with warehouse:
        statement = compile_or_exit(model, request, warehouse.dialect)
        if show_sql:
            click.echo(statement, err=True)
        result = execute_or_exit(warehouse, model, project, data, db, statement, replace)
    from metricdsl.ir.formats import declared_formats
    from metricdsl.runtime.output import render_result

    click.echo(render_result(result, fmt, title=request.title, formats=declared_formats(model)), nl=False)


def execute_or_exit(warehouse: Warehouse, model: m.Project, project: Path, data: Path | None, db: str | None,
                    statement: str, replace: bool = False) -> QueryResult:
    """Load the data `run` reads (after compiling, so query errors come first), then run the statement."""
    from metricdsl.errors import WarehouseError
    from metricdsl.runtime.output import status
    from metricdsl.runtime.warehouse import load_for

    try:
        with status("loading data…"):
            load_for(warehouse, model, project, db, data, replace)
    except WarehouseError as error:
        warehouse_failure(error)
    try:
        with status(f"running the query on {warehouse.dialect}…"):
            return warehouse.execute(statement)
    except WarehouseError as error:
        fail(f"the database said: {error}")


@main.command()
@project_argument
@click.option("--db", required=True, help="duckdb:///path.duckdb or postgresql://user@host:port/db")
@click.option("--data", type=click.Path(path_type=Path), help="CSV folder (default: PROJECT/data).")
@replace_option
def seed(project: Path, db: str, data: Path | None, replace: bool) -> None:
    """Create the sources' tables in a database and load the project's sample CSVs.

    Each DATA/<schema.table>.csv replaces its table (dropped and created from the source's declared
    columns), all in one transaction: a bad file changes nothing. Tables that already hold rows are
    replaced only with --replace. Columns are matched by header name; an empty field is NULL.

    \b
    Example:  metricdsl seed specs --db postgresql://postgres@127.0.0.1:5432/postgres
              metricdsl seed specs --db duckdb:///warehouse.duckdb --replace
    """
    from metricdsl.errors import WarehouseError
    from metricdsl.runtime.warehouse import connect

    model = load_or_exit(project)
    folder = data or project / "data"
    if not folder.is_dir():
        fail(f"data folder {folder} does not exist")
    try:
        with connect(db) as warehouse:
            tables = warehouse.load_data(model, folder, replace=replace)
    except WarehouseError as error:
        warehouse_failure(error)
    click.echo(f"loaded {len(tables)} table(s): {', '.join(tables)}")


@main.command("fmt")
@project_argument
@click.option("--check", "check_only", is_flag=True, help="Change nothing; print a diff of what would change (exit 1).")
def fmt_command(project: Path, check_only: bool) -> None:
    """Rewrite the .metric files of PROJECT in the canonical layout (all files or none).

    \b
    Example:  metricdsl fmt specs
              metricdsl fmt specs --check      # in CI: exit 1 if a file is not formatted
    """
    from metricdsl.source import SourceFile, display_path
    from metricdsl.syntax.fmt import format_project, write_results

    if not project.exists():
        fail(f"project path `{project}` does not exist")
    results = format_project(project)
    if not results:
        fail(f"no .metric files in `{project}`")
    broken = [r for r in results if r.formatted is None]
    for result in broken:
        shown = display_path(result.path)
        click.echo(f"{shown}: {result.error}; left unchanged", err=True)
        print_diagnostics(result.problems, {shown: SourceFile(shown, result.original)})
    changed = [r for r in results if r.changed]
    if check_only:
        from metricdsl.syntax.fmt import unified_diff

        for result in changed:
            click.echo(unified_diff(result, display_path(result.path)), nl=False)
        click.echo(f"{len(changed)} of {len(results)} file(s) would be reformatted", err=True)
        sys.exit(1 if changed or broken else 0)
    if broken:
        fail(f"{len(broken)} file(s) cannot be formatted; no file was changed")
    written = write_results(results)
    click.echo(f"reformatted {len(written)} of {len(results)} file(s)")


@main.command("docs")
@project_argument
@click.option("--out", "-o", "out", required=True, type=click.Path(path_type=Path), help="Output folder.")
def docs_command(project: Path, out: Path) -> None:
    """Write a metric catalog: OUT/index.html (self-contained) and OUT/catalog.md.

    \b
    Example:  metricdsl docs specs --out build/catalog
    """
    from metricdsl.pipeline.load import load
    from metricdsl.tools.catalog import write_catalog

    loaded = load(project)
    if loaded.model is None:
        print_diagnostics(loaded.diagnostics, loaded.files)
        fail(f"{len(loaded.errors)} error(s) in {project}")
    from metricdsl.runtime.output import OutputFailed, staged_folder

    try:
        with staged_folder(out) as stage:
            written = write_catalog(loaded.model, loaded.files, stage)
    except OutputFailed as error:
        fail(str(error))
    click.echo(f"wrote {len(written)} file(s) to {out}")


@main.command("lsp")
def lsp_command() -> None:
    """Run the language server on stdin/stdout (editors start it; see docs/editors.md).

    \b
    Example:  metricdsl lsp
    """
    from metricdsl.tools.lsp import serve

    serve()


def open_or_exit(model: m.Project, project: Path, db: str | None, data: Path | None,
                 replace: bool = False) -> Warehouse:
    """`--db`, or an in-memory DuckDB holding PROJECT/data (or --data), as `run` reads them."""
    from metricdsl.errors import WarehouseError
    from metricdsl.runtime.warehouse import open_for

    try:
        return open_for(model, project, db, data, replace)
    except WarehouseError as error:
        warehouse_failure(error)


@main.command()
@project_argument
@click.option("--db", help="duckdb:///path.duckdb or postgresql://… (default: in-memory DuckDB with PROJECT/data).")
@click.option("--data", type=click.Path(path_type=Path), help="CSV folder to load first.")
@replace_option
@click.option("--by", "by", help="Measure residuals per group of this dimension (default: overall).")
@click.option("--period", help="Only rows of this period: 2026 or 2026-01-01 .. 2026-06-30.")
@click.option("--tolerance", type=float, default=1e-9, show_default=True, callback=tolerance_value,
              help="Largest relative residual allowed.")
@click.option("--keys", "keys_only", is_flag=True, help="Only check that join and `key:` keys are unique.")
@click.pass_context
def verify(ctx: click.Context, project: Path, db: str | None, data: Path | None, replace: bool, by: str | None,
           period: str | None, tolerance: float, keys_only: bool) -> None:
    """Check the data: join keys are unique, and every empirical decomposition holds (exit 1 if not).

    Keys: for every `join` (many-to-one) the joined table's key, and every source's `key:`, must not
    occur twice; a duplicated key double counts every row joined to it. The duplicated keys are
    counted and a few shown. --keys runs only this check.

    Exact decompositions (proven from the definitions by `check`) are listed as "exact (proven)".
    For the others, the metric and its drivers are queried per group of --by, the formula is
    evaluated on each row and the worst relative residual |m − f| / |m| is reported.

    \b
    Example:  metricdsl verify specs --by product
              metricdsl verify specs --keys --db postgresql://postgres@127.0.0.1:5432/postgres
              metricdsl verify specs --db postgresql://postgres@127.0.0.1:5432/postgres --tolerance 0.01
    """
    from rich.console import Console

    from metricdsl.ir.printing import equation
    from metricdsl.runtime.keys import check_keys, key_table
    from metricdsl.runtime.output import status
    from metricdsl.runtime.verify import measure

    explicit = [f"--{name}" for name in ("by", "period", "tolerance")
                if ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE]
    if keys_only and explicit:
        fail(f"{', '.join(explicit)} measure(s) decompositions and does not apply with --keys", 2)
    replace_needs_data(replace, data)
    model = load_or_exit(project, prove=True)
    with open_or_exit(model, project, db, data, replace) as warehouse:
        keys = check_keys(model, warehouse)
        results = [] if keys_only else measure(model, warehouse, by=by, period=period,
                                                step=lambda d: status(f"measuring {equation(d)}…"))
    console = Console(width=140)
    console.print(key_table(keys))
    if not keys_only and not model.decompositions:
        click.echo(f"{project} declares no decompositions")
    elif not keys_only:
        console.print(residual_table(results, tolerance, by))
    problems = [f"{len(bad)} key(s) are not unique or could not be checked" for bad in
                [[k for k in keys if k.failed]] if bad]
    problems += [f"{len(bad)} decomposition(s) exceed the tolerance {tolerance:g} or could not be measured"
                 for bad in [[r for r in results if r.exceeds(tolerance)]] if bad]
    if problems:
        fail("; ".join(problems))


@main.command()
@project_argument
@click.option("--target", "-t", "target_name", required=True, help="A `target` of the project.")
@click.option("--db", help="duckdb:///path.duckdb or postgresql://… (default: in-memory DuckDB with PROJECT/data).")
@click.option("--data", type=click.Path(path_type=Path), help="CSV folder to load first.")
@replace_option
@click.option("--baseline", "baseline_files", multiple=True, type=click.Path(path_type=Path),
              help="Baseline CSV (kind,member,month,metric,value) instead of a database; may repeat.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "xlsx"]), default="table",
              show_default=True)
@click.option("--out", "-o", type=click.Path(path_type=Path), help="Write the plan here (required for xlsx).")
@click.option("--mermaid", type=click.Path(path_type=Path), help="Also write the driver tree as Mermaid.")
@click.option("--emit-sql", is_flag=True, help="Print the baseline SQL (its result is a --baseline CSV) and stop.")
@click.option("--dialect", "-d", type=click.Choice(["duckdb", "postgres", "impala"]), default="duckdb",
              show_default=True, help="Dialect of --emit-sql.")
@click.option("--impala-version", default="3.4", show_default=True, callback=impala_version_value)
def plan(project: Path, target_name: str, db: str | None, data: Path | None, replace: bool,
         baseline_files: tuple[Path, ...],
         fmt: str, out: Path | None, mermaid: Path | None, emit_sql: bool, dialect: str, impala_version: str) -> None:
    """Allocate a target: drivers, split and spread over months and weeks (LANGUAGE.md §9).

    \b
    Example:  metricdsl plan specs --target revenue_2027
              metricdsl plan specs --target revenue_2027 --format xlsx --out plan.xlsx --mermaid tree.mmd
              metricdsl plan specs --target revenue_2027 --emit-sql --dialect impala > baseline.sql
              metricdsl plan specs --target revenue_2027 --baseline baseline.csv --format json
    """
    from metricdsl.allocate.outputs import plan_files, render_text, write_all

    replace_needs_data(replace, data)
    model = load_or_exit(project)
    spec = target_or_exit(model, target_name)
    if emit_sql:
        click.echo(baseline_sql_or_exit(model, spec, dialect, impala_version), nl=False)
        return
    if fmt == "xlsx" and out is None:
        fail("--format xlsx writes a workbook: add --out FILE.xlsx", 2)
    if baseline_files and (db or data):
        fail("give either a database (--db/--data) or --baseline files, not both", 2)
    from metricdsl.ir.formats import unit_formats
    from metricdsl.runtime.output import status

    with status(f"querying the baseline of {spec.name}…"):
        baseline = baseline_or_exit(model, spec, project, db, data, baseline_files, replace)
    with status(f"allocating {spec.name}…"):
        result = allocate_or_exit(spec, baseline)
    files = plan_files(result, spec, fmt, out, mermaid, unit_formats(model))
    if out is None:
        click.echo(render_text(result, fmt, unit_formats(model)), nl=False)
    if fmt != "table" or out is not None:
        for warning in result.diagnostics:
            click.echo(warning_line(warning), err=True)
    write_all(files)
    for path in files:
        click.echo(f"wrote {path}", err=True)


def warning_line(warning: Diagnostic) -> str:
    """`warning[W003]: …` for a code of the catalogue (docs/errors.md), `warning: …` for the others."""
    from metricdsl.diagnostics import CODES

    code = f"[{warning.code}]" if warning.code in CODES else ""
    return f"warning{code}: {warning.message}"


def target_or_exit(model: m.Project, name: str) -> Any:
    from metricdsl.diagnostics import did_you_mean

    if name not in model.targets:
        known = did_you_mean(name, model.targets) or ("targets: " + ", ".join(sorted(model.targets))
                                                      if model.targets else "the project declares no `target`")
        fail(f"unknown target `{name}` ({known})")
    return model.targets[name]


def baseline_sql_or_exit(model: m.Project, spec: Any, dialect: str, impala_version: str) -> str:
    from metricdsl.errors import CheckFailed
    from metricdsl.runtime.baseline import baseline_sql

    try:
        return baseline_sql(model, spec, dialect, impala_version)
    except CheckFailed as failure:
        print_diagnostics(failure.diagnostics, failure.sources)
        fail(f"the baseline queries of target {spec.name} have errors")


def baseline_or_exit(model: m.Project, spec: Any, project: Path, db: str | None, data: Path | None,
                     files: tuple[Path, ...], replace: bool = False) -> Any:
    from metricdsl.errors import BaselineError, CheckFailed, WarehouseError
    from metricdsl.runtime.baseline import fetch_baseline, read_baseline_csv

    try:
        if files:
            return read_baseline_csv(files, spec)
        with open_or_exit(model, project, db, data, replace) as warehouse:
            return fetch_baseline(model, spec, warehouse)
    except CheckFailed as failure:
        print_diagnostics(failure.diagnostics, failure.sources)
        fail(f"the baseline queries of target {spec.name} have errors")
    except (BaselineError, WarehouseError) as error:
        fail(f"baseline of target {spec.name}: {error}")


def allocate_or_exit(spec: Any, baseline: Any) -> Any:
    from metricdsl.allocate import CalendarError, PlanError, WorkCalendar, allocate

    try:
        return allocate(spec, baseline, WorkCalendar(spec.spread_calendar))
    except (PlanError, CalendarError) as error:
        fail(f"target {spec.name}: {error}")


def residual_table(results: Sequence[Residual], tolerance: float, by: str | None) -> Table:
    """A rich table: one row per decomposition, exact or with its worst residual and a verdict."""
    from rich.table import Table

    from metricdsl.ir.printing import equation

    table = Table(title=f"Decompositions ({'by ' + by if by else 'overall'}; tolerance {tolerance:g} relative)",
                  title_justify="left")
    for column in ("decomposition", "kind", "status", "worst residual", "where", "groups", "verdict"):
        table.add_column(column, justify="right" if column in ("worst residual", "groups") else "left")
    for result in results:
        table.add_row(equation(result.decomposition), result.decomposition.kind, *_cells(result, tolerance))
    return table


def _cells(result: Residual, tolerance: float) -> tuple[str, str, str, str, str]:
    if result.exact:
        return "exact (proven)", "–", "–", "–", "ok"
    if result.error is not None:
        return "empirical", "–", "–", "–", f"error: {result.error}"
    if result.worst is None:
        return "empirical", "–", "–", f"0 (+{result.skipped} null)", "no data"
    verdict = "FAIL" if result.worst > tolerance else "ok"
    groups = f"{result.groups}" + (f" (+{result.skipped} null)" if result.skipped else "")
    return "empirical", f"{result.worst:.3e}", result.group or "", groups, verdict


if __name__ == "__main__":
    main()
