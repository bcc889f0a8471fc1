"""The `metricdsl` command. Imports are lazy so that `metricdsl sql` starts fast."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.table import Table

    from metricdsl.ir import model as m
    from metricdsl.pipeline.request import QueryRequest
    from metricdsl.runtime.verify import Residual
    from metricdsl.runtime.warehouse import Warehouse

from metricdsl.cli.options import (
    DIALECT_CHOICES,
    as_of_option,
    check_as_of,
    check_schema,
    compile_or_exit,
    connect_or_exit,
    execute_or_exit,
    exit_on_check_failure,
    fail,
    impala_version_value,
    load_or_exit,
    load_or_fail,
    open_or_exit,
    prepare_plans_or_exit,
    print_diagnostics,
    project_argument,
    query_options,
    refuse,
    replace_needs_data,
    replace_option,
    request_from,
    save_flags_or_exit,
    save_or_exit,
    save_sql_text,
    split_list,
    tolerance_value,
    warehouse_failure,
)
from metricdsl.cli.replan import actuals_through_option, replan_flags_or_exit, replan_or_exit, through_date
from metricdsl.cli.score import run_scorecard_command, score_command, scorecard_sql
from metricdsl.cli.targets import (
    allocate_or_exit,
    baseline_or_exit,
    baseline_sql_or_exit,
    target_or_exit,
    warning_line,
)
from metricdsl.cli.track import track as track_command


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
@click.option("--dialect", "-d", type=click.Choice(DIALECT_CHOICES), default="duckdb", show_default=True)
@click.option("--impala-version", default="3.4", show_default=True, callback=impala_version_value,
              help="Impala version the SQL must run on (with --dialect impala).")
@click.option("--no-cache", is_flag=True, help="Compile even if this exact input was compiled before.")
@click.pass_context
def sql(ctx: click.Context, project: Path, query: str | None, scorecard: str | None, metrics: tuple[str, ...],
        by: tuple[str, ...], where: str | None, period: str | None, order: tuple[str, ...], limit: int | None,
        as_of: str | None, dialect: str, impala_version: str, no_cache: bool) -> None:
    """Print the SQL of a query.

    \b
    Example:  metricdsl sql specs --query monthly_kpi --dialect impala
              metricdsl sql specs --metrics revenue,aov --by time.month,product --period 2026
              metricdsl sql specs --query monthly_kpi --period 'this month' --as-of '{{ ds }}' --dialect spark
              metricdsl sql specs --scorecard agents_2026 --dialect impala
    """
    if dialect != "impala":
        refuse(ctx, ["impala_version"], f"to --dialect {dialect}")
    if scorecard is not None:
        scorecard_sql(ctx, project, scorecard, as_of, dialect, impala_version)
        return
    check_as_of(as_of)
    request = request_from(query, metrics, by, where, period, order, limit, as_of)
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
              help="Comma-separated dialects: duckdb, postgres, impala, spark.")
@click.option("--out", "-o", "out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--impala-version", default="3.4", show_default=True, callback=impala_version_value,
              help="With impala among the dialects.")
@click.option("--into", metavar="SCHEMA", help="Write each query as a job that replaces its as-of date's rows in "
              "SCHEMA.<query> (created if missing; first column as_of).")
@as_of_option
@click.pass_context
def build(ctx: click.Context, project: Path, dialects: str, out: Path, impala_version: str, into: str | None,
          as_of: str | None) -> None:
    """Write every named query as OUT/<dialect>/<query>.sql, and OUT/<dialect>/jobs.json (all or nothing).

    jobs.json lists each query, its file, the table it writes (with --into) and the tables it reads,
    so that a scheduler can run the files and wire their dependencies.

    \b
    Example:  metricdsl build specs --dialect duckdb,postgres,impala --out build/sql
              metricdsl build specs --dialect impala,spark --into kpi --as-of '{{ ds }}' --out build/jobs
    """
    from metricdsl.sql.target import DIALECTS

    chosen = split_list([dialects])
    unknown = [d for d in chosen if d not in DIALECTS]
    if unknown:
        fail(f"unknown dialect(s) {', '.join(unknown)}; choose from {', '.join(DIALECTS)}", 2)
    if "impala" not in chosen:
        refuse(ctx, ["impala_version"], "without impala among the dialects")
    check_as_of(as_of)
    check_schema(into)
    partitioned = [d for d in chosen if d in ("impala", "spark")]
    if into is not None and as_of is None and partitioned:
        fail(f"on {' and '.join(partitioned)} a job overwrites the partition of its as-of date: with --into, give "
             "--as-of DATE or a scheduler placeholder such as --as-of '{{ ds }}'", 2)
    model = load_or_exit(project)
    if not model.queries:
        fail(f"{project} declares no `query` blocks to build")
    from metricdsl.runtime.jobs import ManifestEntry, manifest
    from metricdsl.runtime.output import OutputFailed, staged_folder

    files = {}
    for dialect in chosen:
        entries = []
        for name in sorted(model.queries):
            output = output_or_exit(model, name, dialect, impala_version, into, as_of)
            files[Path(dialect) / f"{name}.sql"] = output.text
            entries.append(ManifestEntry(name, f"{name}.sql", output.table, output.reads))
        files[Path(dialect) / "jobs.json"] = manifest(dialect, into, as_of, entries)
    try:
        with staged_folder(out) as stage:  # all or nothing: written beside OUT, then renamed into it
            for path, text in files.items():
                (stage / path).parent.mkdir(parents=True, exist_ok=True)
                (stage / path).write_text(text, encoding="utf-8")
    except OutputFailed as error:
        fail(str(error))
    click.echo(f"wrote {len(files)} file(s) to {out}")


def output_or_exit(model: m.Project, name: str, dialect: str, impala_version: str, into: str | None,
                   as_of: str | None) -> Any:
    from metricdsl.errors import CheckFailed
    from metricdsl.pipeline.compile import compile_output
    from metricdsl.pipeline.request import QueryRequest
    from metricdsl.sql.job import JobError

    try:
        return compile_output(model, QueryRequest(query=name, as_of=as_of), dialect, impala_version, into)
    except CheckFailed as failure:
        exit_on_check_failure(failure)
    except JobError as error:
        fail(str(error))


@main.command()
@project_argument
@query_options
@click.option("--db", help="duckdb:///path.duckdb or postgresql://user@host:port/db (default: in-memory DuckDB).")
@click.option("--data", type=click.Path(path_type=Path), help="CSV folder to load first (default for in-memory "
              "DuckDB: PROJECT/data).")
@replace_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--show-sql", is_flag=True, help="Print the SQL (with --into: the job) before the result.")
@click.option("--into", metavar="SCHEMA", help="Write the query's rows into SCHEMA.<query> for the as-of date, "
              "replacing that date's rows (created if missing; first column as_of).")
@click.pass_context
def run(ctx: click.Context, project: Path, query: str | None, scorecard: str | None, metrics: tuple[str, ...],
        by: tuple[str, ...], where: str | None, period: str | None, order: tuple[str, ...], limit: int | None,
        as_of: str | None, db: str | None, data: Path | None, replace: bool, fmt: str, show_sql: bool,
        into: str | None) -> None:
    """Compile a query, execute it and print the result (or write it into a table with --into).

    \b
    Example:  metricdsl run specs --query monthly_kpi
              metricdsl run specs --metrics revenue --by product --format csv
              metricdsl run specs --query monthly_kpi --db postgresql://postgres@127.0.0.1:5432/postgres
              metricdsl run specs --query monthly_kpi --as-of 2026-12-01 --into kpi --db duckdb:///kpi.duckdb
              metricdsl run specs --scorecard agents_2026 --format json
    """
    if scorecard is not None:
        run_scorecard_command(ctx, project, scorecard, db, data, replace, as_of, fmt, show_sql)
        return
    check_as_of(as_of, placeholder_allowed=False)
    check_schema(into)
    if into is not None:
        refuse(ctx, ["fmt"], "with --into: the rows go to the table, nothing is printed but a summary")
        if not query:
            fail("--into writes a named query's rows into SCHEMA.<query>: give --query NAME", 2)
    request = request_from(query, metrics, by, where, period, order, limit, as_of)
    replace_needs_data(replace, data)
    model = load_or_exit(project)
    with connect_or_exit(db) as warehouse:
        if into is not None:
            written = run_job_or_exit(warehouse, model, project, data, db, request, into, show_sql, replace)
            click.echo(f"wrote {written} row(s) to {into}.{query} for as_of {as_of or 'CURRENT_DATE'}")
            return
        statement = compile_or_exit(model, request, warehouse.dialect)
        if show_sql:
            click.echo(statement, err=True)
        result = execute_or_exit(warehouse, model, project, data, db, statement, replace, request)
    from metricdsl.ir.formats import declared_formats
    from metricdsl.runtime.output import render_result

    click.echo(render_result(result, fmt, title=request.title, formats=declared_formats(model)), nl=False)


def run_job_or_exit(warehouse: Warehouse, model: m.Project, project: Path, data: Path | None, db: str | None,
                    request: QueryRequest, into: str, show_sql: bool, replace: bool) -> int:
    """Compile the query's job, load the data `run` reads, run the job; returns the rows written."""
    from metricdsl.errors import CheckFailed, WarehouseError
    from metricdsl.pipeline.compile import compile_job
    from metricdsl.runtime.jobs import run_job
    from metricdsl.runtime.output import status
    from metricdsl.sql.job import JobError
    from metricdsl.sql.render import sql_text

    try:
        job, target = compile_job(model, request, warehouse.dialect, into)
    except CheckFailed as failure:
        exit_on_check_failure(failure)
    except JobError as error:
        fail(str(error))
    if show_sql:
        click.echo("".join(sql_text(s, target) + ";\n" for s in job.statements), err=True)
    load_or_fail(warehouse, model, project, db, data, replace)
    prepare_plans_or_exit(warehouse, model, request, db)
    try:
        with status(f"running the job on {warehouse.dialect}…"):
            return run_job(warehouse, job, target)
    except WarehouseError as error:
        fail(f"the database said: {error}; the rows of earlier runs are unchanged")


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
    from metricdsl.pipeline.load import use_saved_parser
    from metricdsl.source import SourceFile, display_path
    from metricdsl.syntax.fmt import format_project, write_results

    use_saved_parser()
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
    import gc

    from metricdsl.tools.lsp import serve

    gc.enable()  # a long-lived process: see metricdsl/__main__.py
    serve()


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
@click.option("--dialect", "-d", type=click.Choice(DIALECT_CHOICES), default="duckdb",
              show_default=True, help="Dialect of --emit-sql / --emit-save-sql.")
@click.option("--impala-version", default="3.4", show_default=True, callback=impala_version_value,
              help="With --emit-sql/--emit-save-sql --dialect impala.")
@click.option("--save", is_flag=True, help="Write the plan into the target's `store:` table of --db.")
@click.option("--emit-save-sql", is_flag=True, help="Print the statements that save the plan (--dialect) and stop.")
@actuals_through_option
@click.pass_context
def plan(ctx: click.Context, project: Path, target_name: str, db: str | None, data: Path | None, replace: bool,
         baseline_files: tuple[Path, ...], fmt: str, out: Path | None, mermaid: Path | None, emit_sql: bool,
         dialect: str, impala_version: str, save: bool, emit_save_sql: bool, actuals_through: Any) -> None:
    """Allocate a target: drivers, split and spread over months and weeks (LANGUAGE.md §9).

    \b
    Example:  metricdsl plan specs --target revenue_2027
              metricdsl plan specs --target revenue_2027 --format xlsx --out plan.xlsx --mermaid tree.mmd
              metricdsl plan specs --target revenue_2027 --emit-sql --dialect impala > baseline.sql
              metricdsl plan specs --target revenue_2027 --baseline baseline.csv --format json
              metricdsl plan specs --target revenue_2026 --actuals-through 2026-06-30
    """
    from metricdsl.allocate.outputs import plan_files, render_text, write_all

    through = through_date(actuals_through)
    if emit_sql:
        refuse(ctx, ["db", "data", "replace", "baseline_files", "fmt", "out", "mermaid"],
               "with --emit-sql (it prints the SQL and stops)")
    elif not emit_save_sql:
        refuse(ctx, ["dialect"], "without --emit-sql or --emit-save-sql")
    if not (emit_sql or emit_save_sql) or dialect != "impala":
        refuse(ctx, ["impala_version"], "without --emit-sql/--emit-save-sql --dialect impala")
    replace_needs_data(replace, data)
    if baseline_files and (db or data):
        fail("give either a database (--db/--data) or --baseline files, not both", 2)
    model = load_or_exit(project)
    spec = target_or_exit(model, target_name)
    save_flags_or_exit(spec, save, emit_save_sql, emit_sql, db, fmt, out, mermaid)
    if through is not None:
        replan_flags_or_exit(project, spec, through)
    if emit_sql:
        click.echo(baseline_sql_or_exit(model, spec, dialect, impala_version, through), nl=False)
        return
    if emit_save_sql:
        result = (replan_or_exit(model, spec, project, db, data, replace, through, baseline_files) if through is not None else
                  allocate_or_exit(spec, baseline_or_exit(model, spec, project, db, data, baseline_files, replace)))
        for warning in result.diagnostics:
            click.echo(warning_line(warning), err=True)
        click.echo(save_sql_text(spec, result, dialect, impala_version), nl=False)
        return
    if fmt == "xlsx" and out is None:
        fail("--format xlsx writes a workbook: add --out FILE.xlsx", 2)
    from metricdsl.ir.formats import unit_formats
    from metricdsl.runtime.output import status

    if through is not None:
        result = replan_or_exit(model, spec, project, db, data, replace, through, baseline_files)
    else:
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
    if save:
        save_or_exit(spec, result, db)


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


main.add_command(track_command)
main.add_command(score_command)

if __name__ == "__main__":
    main()
