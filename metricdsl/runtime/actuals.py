"""Actuals of a target's period for `plan --actuals-through DATE` (LANGUAGE.md §9, re-planning).

One ad-hoc query (`baseline.actuals_query`), compiled like `metricdsl sql --metrics M --by
SPLIT,time.day --period START .. END`: the target's metric per split member and day, from the
period's first day through the last day of the last locked bucket (`allocate.replan.lock_horizon`).
It runs on the same database as the baseline (`--db`, or the in-memory DuckDB loaded with the
project's data); for a `--baseline FILE` it is part of the emitted SQL (`--emit-sql
--actuals-through DATE`) and comes back as the file's `actual` rows (`actual,member,YYYY-MM-DD,metric,value`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from metricdsl.allocate.models import Actuals, TargetSpec
from metricdsl.allocate.replan import lock_horizon
from metricdsl.errors import BaselineError
from metricdsl.ir import model as m
from metricdsl.pipeline.compile import compile_sql
from metricdsl.runtime.baseline import BaselineRow, actuals_query, rows_of

if TYPE_CHECKING:
    from metricdsl.runtime.warehouse import Warehouse


def fetch_actuals(project: m.Project, spec: TargetSpec, warehouse: Warehouse, through: datetime.date) -> Actuals:
    """The metric per member and day through the lock horizon (raises CheckFailed or WarehouseError)."""
    query = actuals_query(spec, through)
    if query is None:
        return Actuals(through=through)
    result = warehouse.execute(compile_sql(project, query.request, warehouse.dialect))
    return actuals_from_rows(spec, rows_of(query, result), through)


def actuals_from_rows(spec: TargetSpec, rows: Iterable[BaselineRow], through: datetime.date,
                      required: bool = False) -> Actuals:
    """The `actual` rows as Actuals; with `required` (rows from a file), they must reach the last locked
    day: the emitted query returns a row for every day (0 without sales), so a file emitted for an
    earlier DATE is caught instead of counting its missing days as 0."""
    member_days: dict[tuple[str | None, datetime.date], float] = {}
    covered: datetime.date | None = None
    for row in rows:
        if row.kind != "actual":
            continue
        if row.metric != spec.metric:
            raise BaselineError(f"an `actual` row is for {row.metric}, but target {spec.name} plans {spec.metric}")
        assert row.month is not None
        covered = max(covered or row.month, row.month)
        key = (row.member, row.month)
        member_days[key] = member_days.get(key, 0.0) + (row.value or 0.0)
    horizon = lock_horizon(spec, through)
    if required and horizon is not None and (covered is None or covered < horizon):
        found = f"end on {covered}" if covered else "are missing"
        raise BaselineError(f"the `actual` rows of the baseline files {found}, but --actuals-through {through} locks "
                            f"every bucket through {horizon}; print the SQL that returns them with `plan --target "
                            f"{spec.name} --emit-sql --actuals-through {through}`")
    return Actuals(through=through, member_days=member_days)
