"""`metricdsl score`, and `sql`/`run --scorecard`: a scorecard's score per member (LANGUAGE.md §9)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from metricdsl.cli.options import (
    DEFAULT_PROJECT,
    check_as_of,
    exit_on_check_failure,
    fail,
    load_or_exit,
    print_diagnostics,
    refuse,
    replace_needs_data,
    replace_option,
)

if TYPE_CHECKING:
    from metricdsl.ir import model as m
    from metricdsl.pipeline.scorecard import CompiledScorecard

QUERY_FLAGS = ("query", "metrics", "by", "where", "period", "order", "limit")


@click.command("score")
@click.argument("names", nargs=-1, metavar="[PROJECT] SCORECARD")
@click.option("--db", help="duckdb:///path.duckdb or postgresql://user@host:port/db (default: in-memory DuckDB).")
@click.option("--data", type=click.Path(path_type=Path), help="CSV folder to load first (default for in-memory "
              "DuckDB: PROJECT/data).")
@replace_option
@click.option("--as-of", "as_of", metavar="DATE", help="Score the actuals through this date (clipped to the "
              "scorecard's period); a target KPI is measured against its whole period's plan.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--show-sql", is_flag=True, help="Print the SQL (on stderr) before the result.")
def score_command(names: tuple[str, ...], db: str | None, data: Path | None, replace: bool, as_of: str | None,
                  fmt: str, show_sql: bool) -> None:
    """Score every member of a scorecard's dimension: each KPI's value, points and weighted points,
    and the total, best first (ties by member).

    \b
    Example:  metricdsl score specs agents_2026
              metricdsl score specs agents_2026 --as-of 2026-06-30 --format json
              metricdsl score specs agents_2026 --db postgresql://postgres@127.0.0.1:5432/postgres
    """
    if len(names) not in (1, 2):
        fail("give the scorecard's name: metricdsl score [PROJECT] SCORECARD", 2)
    project = Path(names[0]) if len(names) == 2 else Path(DEFAULT_PROJECT)
    run_scorecard(project, names[-1], db, data, replace, as_of, fmt, show_sql)


def run_scorecard(project: Path, name: str, db: str | None, data: Path | None, replace: bool, as_of: str | None,
                  fmt: str, show_sql: bool) -> None:
    """Compile the scorecard for the database, run it and print the scores."""
    from metricdsl.cli.options import connect_or_exit, execute_or_exit
    from metricdsl.runtime.scores import render_scores

    check_as_of(as_of, placeholder_allowed=False)
    replace_needs_data(replace, data)
    model = load_or_exit(project)
    with connect_or_exit(db) as warehouse:
        compiled = compiled_or_exit(model, name, warehouse.dialect, "3.4", as_of)
        text = compiled.text()
        if show_sql:
            click.echo(text, err=True)
        from metricdsl.pipeline.request import QueryRequest

        plans = QueryRequest(metrics=compiled.plan_metrics) if compiled.plan_metrics else None
        result = execute_or_exit(warehouse, compiled.model, project, data, db, text, replace, plans)
    click.echo(render_scores(model, compiled.card, result, fmt), nl=False)


def scorecard_sql(ctx: click.Context, project: Path, name: str, as_of: str | None, dialect: str,
                  impala_version: str) -> None:
    """`metricdsl sql --scorecard NAME`: the scorecard's SQL on stdout."""
    refuse(ctx, QUERY_FLAGS, "with --scorecard (a scorecard has its own KPIs, dimension and period)")
    refuse(ctx, ["no_cache"], "with --scorecard (a scorecard's SQL is not cached)")
    check_as_of(as_of)
    click.echo(compiled_or_exit(load_or_exit(project), name, dialect, impala_version, as_of).text(), nl=False)


def run_scorecard_command(ctx: click.Context, project: Path, name: str, db: str | None, data: Path | None,
                          replace: bool, as_of: str | None, fmt: str, show_sql: bool) -> None:
    """`metricdsl run --scorecard NAME`: as `metricdsl score`."""
    refuse(ctx, (*QUERY_FLAGS, "into"), "with --scorecard (a scorecard has its own KPIs, dimension and period)")
    run_scorecard(project, name, db, data, replace, as_of, fmt, show_sql)


def compiled_or_exit(model: m.Project, name: str, dialect: str, impala_version: str,
                     as_of: str | None) -> CompiledScorecard:
    from metricdsl.errors import CheckFailed
    from metricdsl.pipeline.scorecard import compile_scorecard

    try:
        return compile_scorecard(model, name, dialect, impala_version, as_of)
    except CheckFailed as failure:
        if failure.loaded is not None:
            exit_on_check_failure(failure)
        print_diagnostics(failure.diagnostics, failure.sources)
        fail(f"cannot score `{name}`")
