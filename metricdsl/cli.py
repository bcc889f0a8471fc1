"""The `metricdsl` command. Imports are lazy so that `metricdsl sql` starts fast."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Sequence

import click

if TYPE_CHECKING:
    from metricdsl import model as m
    from metricdsl.diagnostics import Diagnostic
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


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def print_diagnostics(diagnostics: list[Diagnostic], files: dict[str, SourceFile], err: bool = True) -> None:
    from metricdsl.diagnostics import render_text

    for diagnostic in diagnostics:
        click.echo(render_text(diagnostic, files), err=err)


def load_or_exit(project: Path, show_warnings: bool = False) -> m.Project:
    from metricdsl.project import load

    loaded = load(project)
    shown = loaded.diagnostics if (show_warnings or loaded.model is None) else []
    print_diagnostics(shown, loaded.files)
    if loaded.model is None:
        fail(f"{len(loaded.errors)} error(s) in {project}")
    return loaded.model


def compile_or_exit(model: m.Project, dialect: str, impala_version: str = "3.4", **request: Any) -> str:
    from metricdsl.api import CheckFailed, compile_sql

    try:
        return compile_sql(model, dialect=dialect, impala_version=impala_version, **request)
    except CheckFailed as failure:
        print_diagnostics(failure.diagnostics, failure.sources)
        fail("the query has errors")


def request_from(query: str | None, metrics: Sequence[str], by: Sequence[str], where: str | None,
                 period: str | None, order: Sequence[str], limit: int | None) -> dict[str, Any]:
    if query and metrics:
        fail("give either --query or --metrics, not both", 2)
    if not query and not metrics:
        fail("name a query (--query NAME) or metrics (--metrics a,b)", 2)
    return {"query": query, "metrics": split_list(metrics) or None, "by": split_list(by) or None,
            "where": where, "period": period, "order": split_list(order) or None, "limit": limit}


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
    from metricdsl.diagnostics import to_github, to_json
    from metricdsl.project import load

    loaded = load(project)
    if fmt == "json":
        click.echo(to_json(loaded.diagnostics))
    elif fmt == "github":
        for diagnostic in loaded.diagnostics:
            click.echo(to_github(diagnostic))
    elif fmt == "sarif":
        from metricdsl.diagnostics import to_sarif

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
@click.option("--impala-version", default="3.4", show_default=True, help="Impala version the SQL must run on.")
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
    from metricdsl import cache

    options = ["sql", dialect, impala_version, repr(sorted(request.items()))]
    entry = cache.key(project, options) if cache.enabled() and not no_cache else None
    cached = cache.get(entry) if entry else None
    if cached is not None:
        click.echo(cached, nl=False)
        return
    text = compile_or_exit(load_or_exit(project), dialect, impala_version, **request)
    if entry:
        cache.put(entry, text)
    click.echo(text, nl=False)


@main.command()
@project_argument
@click.option("--dialect", "-d", "dialects", default="duckdb,postgres,impala", show_default=True,
              help="Comma-separated dialects.")
@click.option("--out", "-o", "out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--impala-version", default="3.4", show_default=True)
def build(project: Path, dialects: str, out: Path, impala_version: str) -> None:
    """Write every named query as OUT/<dialect>/<query>.sql (all or nothing).

    \b
    Example:  metricdsl build specs --dialect duckdb,postgres,impala --out build/sql
    """
    from metricdsl.sql.dialect import DIALECTS

    chosen = split_list([dialects])
    unknown = [d for d in chosen if d not in DIALECTS]
    if unknown:
        fail(f"unknown dialect(s) {', '.join(unknown)}; choose from {', '.join(DIALECTS)}", 2)
    model = load_or_exit(project)
    if not model.queries:
        fail(f"{project} declares no `query` blocks to build")
    files = {out / d / f"{name}.sql": compile_or_exit(model, d, impala_version, query=name)
             for d in chosen for name in sorted(model.queries)}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    click.echo(f"wrote {len(files)} file(s) to {out}")


@main.command()
@project_argument
@query_options
@click.option("--db", help="duckdb:///path.duckdb or postgresql://user@host:port/db (default: in-memory DuckDB).")
@click.option("--data", type=click.Path(path_type=Path), help="CSV folder to load first (default for in-memory "
              "DuckDB: PROJECT/data).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--show-sql", is_flag=True, help="Print the SQL before the result.")
def run(project: Path, query: str | None, metrics: tuple[str, ...], by: tuple[str, ...], where: str | None,
        period: str | None, order: tuple[str, ...], limit: int | None, db: str | None, data: Path | None,
        fmt: str, show_sql: bool) -> None:
    """Compile a query, execute it and print the result.

    \b
    Example:  metricdsl run specs --query monthly_kpi
              metricdsl run specs --metrics revenue --by product --format csv
              metricdsl run specs --query monthly_kpi --db postgresql://postgres@127.0.0.1:5432/postgres
    """
    from metricdsl.warehouse import WarehouseError, connect

    request = request_from(query, metrics, by, where, period, order, limit)
    model = load_or_exit(project)
    try:
        warehouse = connect(db)
    except WarehouseError as error:
        fail(str(error))
    with warehouse:
        statement = compile_or_exit(model, warehouse.dialect, **request)
        if show_sql:
            click.echo(statement, err=True)
        result = execute_or_exit(warehouse, model, project, data, db, statement)
    from metricdsl.output import render_result

    click.echo(render_result(result, fmt, title=request["query"] or "query"), nl=False)


def execute_or_exit(warehouse: Any, model: m.Project, project: Path, data: Path | None, db: str | None,
                    statement: str) -> Any:
    from metricdsl.warehouse import WarehouseError

    folder = data if data is not None else (project / "data" if db is None and project.is_dir() else None)
    try:
        if folder is not None:
            if not folder.is_dir():
                fail(f"data folder {folder} does not exist")
            warehouse.load_data(model, folder)
        return warehouse.execute(statement)
    except WarehouseError as error:
        fail(f"the database said: {error}")


@main.command()
@project_argument
@click.option("--db", required=True, help="duckdb:///path.duckdb or postgresql://user@host:port/db")
@click.option("--data", type=click.Path(path_type=Path), help="CSV folder (default: PROJECT/data).")
def seed(project: Path, db: str, data: Path | None) -> None:
    """Create the sources' tables in a database and load the project's sample CSVs.

    \b
    Example:  metricdsl seed specs --db postgresql://postgres@127.0.0.1:5432/postgres
    """
    from metricdsl.warehouse import WarehouseError, connect

    model = load_or_exit(project)
    folder = data or project / "data"
    if not folder.is_dir():
        fail(f"data folder {folder} does not exist")
    try:
        with connect(db) as warehouse:
            tables = warehouse.load_data(model, folder)
    except WarehouseError as error:
        fail(str(error))
    click.echo(f"loaded {len(tables)} table(s): {', '.join(tables)}")


@main.command("fmt")
@project_argument
@click.option("--check", "check_only", is_flag=True, help="Change nothing; list the files that would change (exit 1).")
def fmt_command(project: Path, check_only: bool) -> None:
    """Rewrite the .metric files of PROJECT in the canonical layout (all files or none).

    \b
    Example:  metricdsl fmt specs
              metricdsl fmt specs --check      # in CI: exit 1 if a file is not formatted
    """
    from metricdsl.fmt import format_project, write_results
    from metricdsl.source import SourceFile, display_path

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
        for result in changed:
            click.echo(display_path(result.path))
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
    from metricdsl.catalog import write_catalog
    from metricdsl.project import load

    loaded = load(project)
    if loaded.model is None:
        print_diagnostics(loaded.diagnostics, loaded.files)
        fail(f"{len(loaded.errors)} error(s) in {project}")
    written = write_catalog(loaded.model, loaded.files, out)
    click.echo(f"wrote {len(written)} file(s) to {out}")


@main.command("lsp")
def lsp_command() -> None:
    """Run the language server on stdin/stdout (editors start it; see docs/editors.md).

    \b
    Example:  metricdsl lsp
    """
    from metricdsl.lsp import serve

    serve()


if __name__ == "__main__":
    main()
