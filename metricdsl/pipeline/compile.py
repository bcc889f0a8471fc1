"""Compiling a request: the query (named or ad-hoc) → its plan → a sqlglot tree or SQL text."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from metricdsl.diagnostics import Diagnostic, did_you_mean
from metricdsl.errors import CheckFailed
from metricdsl.ir import model as m
from metricdsl.pipeline.request import QueryRequest, parse_as_of

if TYPE_CHECKING:
    from sqlglot import exp

    from metricdsl.plan.nodes import QueryPlan
    from metricdsl.sql.job import Job
    from metricdsl.sql.target import Target


_RESOLVING = threading.Lock()


def resolved_target(dialect: str, impala_version: str) -> Target:
    """The target, with its sqlglot dialect loaded under a lock: sqlglot loads dialect modules lazily, and
    two threads loading them at once could print PostgreSQL with another dialect's generator."""
    from sqlglot.dialects.dialect import Dialect

    from metricdsl.sql.target import target

    with _RESOLVING:
        chosen = target(dialect, impala_version)
        Dialect.get_or_raise(chosen.sqlglot)
    return chosen


def build_query(project: m.Project, request: QueryRequest) -> m.Query:
    """A named query (with the request's overrides), or an ad-hoc one written like a query block and
    checked the same way."""
    if request.query is not None:
        if request.query not in project.queries:
            unknown = Diagnostic("E501", f"unknown query `{request.query}`", None,
                                 did_you_mean(request.query, project.queries))
            raise CheckFailed([unknown])
        if request.metrics or request.by:
            raise CheckFailed([Diagnostic("E501", f"a named query (`{request.query}`) has its own metrics and `by`",
                                          None, "give either a query name or metrics and dimensions, not both")])
        named = project.queries[request.query]
        return with_overrides(project, named, request) if request.overrides else named
    from metricdsl.pipeline.adhoc import adhoc_query

    return adhoc_query(project, request)


def with_overrides(project: m.Project, named: m.Query, request: QueryRequest) -> m.Query:
    """The named query with `--period`, `--order`, `--limit` replacing its own and `--where` added with `and`.

    The overrides are checked as an ad-hoc query over the named query's metrics and `by`, so a bad
    override gets the diagnostics (and positions) an ad-hoc query would."""
    probe = QueryRequest(metrics=named.metrics, by=named.by_names, where=request.where, period=request.period,
                         order=request.order, limit=request.limit)
    from metricdsl.pipeline.adhoc import adhoc_query

    checked = adhoc_query(project, probe)
    update: dict[str, object] = {}
    if request.where is not None and checked.where is not None:
        update["where"] = checked.where if named.where is None else m.Apply(op="and", args=(named.where, checked.where))
    if request.period is not None:
        update["period"] = checked.period
    if request.order:
        update["order"] = checked.order
    if request.limit is not None:
        update["limit"] = checked.limit
    return named.model_copy(update=update)


def as_of_value(request: QueryRequest) -> m.AsOf | None:
    """The request's `--as-of`: a date or a placeholder (None: relative periods use CURRENT_DATE)."""
    if request.as_of is None:
        return None
    try:
        value = parse_as_of(request.as_of)
    except ValueError as error:
        raise CheckFailed([Diagnostic("E109", f"--as-of: {error}", None)]) from None
    return m.AsOf(placeholder=value) if isinstance(value, str) else m.AsOf(date=value)


def check_as_of(project: m.Project, query: m.Query, as_of: m.AsOf | None) -> None:
    """An as-of date limits every source's rows by its time column: a source without one is an error."""
    if as_of is None or query.period is not None:
        return  # a period already requires a time column on every source (E406)
    problems = [Diagnostic("E406", f"metric `{name}` reads `{base}`, which has no `time:` column, so --as-of cannot "
                           "limit it to the as-of date", None, "leave out --as-of for this query")
                for name in query.metrics for base in project.metrics[name].sources
                if project.sources[base].time_column is None]
    if problems:
        raise CheckFailed(problems)


@dataclass(frozen=True)
class Compiled:
    """A request made ready for the SQL stage: its plan, the as-of date and the header's notes."""

    query: m.Query
    plan: QueryPlan
    as_of: m.AsOf | None
    notes: tuple[str, ...]


def prepare(project: m.Project, request: QueryRequest, chosen: Target) -> Compiled:
    as_of = as_of_value(request)
    query = build_query(project, request)
    check_as_of(project, query, as_of)
    return Compiled(query, plan_for(project, query, chosen), as_of, header_notes(request, as_of))


def header_notes(request: QueryRequest, as_of: m.AsOf | None) -> tuple[str, ...]:
    """What the SQL's header states besides the query: its overrides and its as-of date."""
    notes = []
    for name in request.overrides:
        if name == "where":
            notes.append(f"overridden: where {request.where} (added to the query's where with `and`)")
        elif name == "order":
            notes.append(f"overridden: order {', '.join(request.order)}")
        else:
            notes.append(f"overridden: {name} {getattr(request, name)}")
    if as_of is not None:
        notes.append(f"as of: {as_of.text}")
    return tuple(notes)


def compile_statement(project: m.Project, request: QueryRequest, dialect: str = "duckdb",
                      impala_version: str = "3.4") -> exp.Select:
    """The query's statement as a sqlglot tree (print it with the target's sqlglot dialect)."""
    from metricdsl.sql.render import build_statement

    chosen = resolved_target(dialect, impala_version)
    compiled = prepare(project, request, chosen)
    return build_statement(project, compiled.plan, chosen, compiled.as_of)


def compile_sql(project: m.Project, request: QueryRequest, dialect: str = "duckdb",
                impala_version: str = "3.4") -> str:
    """The query's SQL text: a header naming the query and its files, then the statement."""
    from metricdsl.sql.render import render

    chosen = resolved_target(dialect, impala_version)
    compiled = prepare(project, request, chosen)
    return render(project, compiled.plan, chosen, compiled.as_of, compiled.notes)


@dataclass(frozen=True)
class Output:
    """What `build` writes for one query: the file's text and, for a scheduler, where it writes and reads."""

    text: str
    table: str | None  # `SCHEMA.query` for a job (`--into`), None for a plain SELECT
    reads: tuple[str, ...]


def compile_output(project: m.Project, request: QueryRequest, dialect: str = "duckdb", impala_version: str = "3.4",
                   into: str | None = None) -> Output:
    """The query's SQL file: its SELECT, or with `into` the job that writes its rows into `into.<query>`.

    Raises CheckFailed, and JobError when the job cannot be written (a column named `as_of`)."""
    from metricdsl.sql.job import build_job, read_tables
    from metricdsl.sql.render import build_statement, header, sql_text

    chosen = resolved_target(dialect, impala_version)
    compiled = prepare(project, request, chosen)
    statement = build_statement(project, compiled.plan, chosen, compiled.as_of)
    if into is None:
        text = header(compiled.plan, chosen, compiled.notes) + "\n" + sql_text(statement, chosen) + ";\n"
        return Output(text, None, read_tables(statement))
    job = build_job(compiled.query.name, statement, chosen, into, compiled.as_of)
    notes = (*compiled.notes, f"job: replaces the rows of the as-of date in {job.target_table}")
    return Output(job.script(chosen, header(compiled.plan, chosen, notes)), job.target_table, job.reads)


def compile_job(project: m.Project, request: QueryRequest, dialect: str, into: str) -> tuple[Job, Target]:
    """The job of a named query for `run --into`: its statements, to execute one by one."""
    from metricdsl.sql.job import build_job
    from metricdsl.sql.render import build_statement

    chosen = resolved_target(dialect, "3.4")
    compiled = prepare(project, request, chosen)
    statement = build_statement(project, compiled.plan, chosen, compiled.as_of)
    return build_job(compiled.query.name, statement, chosen, into, compiled.as_of), chosen


def plan_for(project: m.Project, query: m.Query, chosen: Target) -> QueryPlan:
    """The query's plan, with COUNT(DISTINCT …) split apart where the target allows only one per SELECT."""
    from metricdsl.plan.planner import plan_query

    plan = plan_query(project, query)
    if not chosen.capabilities.multiple_count_distinct:
        from metricdsl.plan.rewrite import split_count_distinct

        plan = split_count_distinct(plan)
    if not chosen.capabilities.percentile_cont:
        from metricdsl.plan.percentiles import split_percentiles

        plan = split_percentiles(plan)
    return plan
