"""Running a warehouse job (`run --into SCHEMA`) and describing jobs for a scheduler (`build`'s jobs.json)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from metricdsl.errors import WarehouseError
from metricdsl.runtime.warehouse import Warehouse
from metricdsl.sql.job import Job
from metricdsl.sql.render import sql_text
from metricdsl.sql.target import Target


def run_job(warehouse: Warehouse, job: Job, target: Target) -> int:
    """Execute the job's statements in order; returns the rows it wrote for its as-of date.

    When a statement fails inside the job's transaction, the transaction is rolled back, so the
    rows written by an earlier run stay in place; the error is raised again (WarehouseError)."""
    in_transaction = False
    try:
        for statement in job.statements:
            warehouse.execute(sql_text(statement, target))
            in_transaction = (in_transaction or isinstance(statement, exp.Transaction)) and \
                not isinstance(statement, exp.Commit)
    except WarehouseError:
        if in_transaction:
            rollback(warehouse, target)
        raise
    count = warehouse.execute(sql_text(job.written, target)).rows
    return int(count[0][0]) if count else 0


def rollback(warehouse: Warehouse, target: Target) -> None:
    try:
        warehouse.execute(sql_text(exp.Rollback(), target))
    except WarehouseError:
        pass  # the engine already ended the transaction: nothing of it was committed


@dataclass(frozen=True)
class ManifestEntry:
    """One query of `jobs.json`: the file `build` wrote, the table it writes (if a job) and what it reads."""

    query: str
    file: str
    table: str | None
    reads: tuple[str, ...]


def manifest(dialect: str, into: str | None, as_of: str | None, entries: Sequence[ManifestEntry]) -> str:
    """`DIR/<dialect>/jobs.json`: so a scheduler can run each file and wire the jobs' dependencies
    (a job whose `reads` holds another job's `table` runs after it)."""
    tables = {entry.table: entry.query for entry in entries if entry.table is not None}
    jobs = [{"query": e.query, "file": e.file, "table": e.table, "reads": list(e.reads),
             "after": sorted({tables[t] for t in e.reads if t in tables and tables[t] != e.query})}
            for e in entries]
    document = {"dialect": dialect, "into": into, "as_of": as_of, "jobs": jobs}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
