"""Actuals of a target's period for `plan --actuals-through DATE` (LANGUAGE.md §9, re-planning).

One ad-hoc query, compiled like `metricdsl sql --metrics M --by SPLIT,time.day --period START .. END`:
the target's metric per split member and day, from the period's first day through the last day
of the last locked bucket (`allocate.replan.lock_horizon`). It runs on the same database as the
baseline (`--db`, or the in-memory DuckDB loaded with the project's data).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from metricdsl.allocate.models import Actuals, TargetSpec
from metricdsl.allocate.replan import lock_horizon
from metricdsl.ir import model as m
from metricdsl.pipeline.compile import compile_sql
from metricdsl.pipeline.request import QueryRequest
from metricdsl.runtime.baseline import member_text, number_or_none

if TYPE_CHECKING:
    from metricdsl.runtime.warehouse import Warehouse

DAY = "time.day"


def actuals_request(spec: TargetSpec, through: datetime.date) -> QueryRequest | None:
    """The query of the actuals to lock, or None when no bucket ends by `through`."""
    horizon = lock_horizon(spec, through)
    if horizon is None:
        return None
    split = (spec.split_dimension,) if spec.split_dimension else ()
    return QueryRequest(metrics=(spec.metric,), by=(*split, DAY), period=f"{spec.period_start} .. {horizon}")


def fetch_actuals(project: m.Project, spec: TargetSpec, warehouse: Warehouse, through: datetime.date) -> Actuals:
    """The metric per member and day through the lock horizon (raises CheckFailed or WarehouseError)."""
    request = actuals_request(spec, through)
    if request is None:
        return Actuals(through=through)
    result = warehouse.execute(compile_sql(project, request, warehouse.dialect))
    index = {name: position for position, name in enumerate(result.columns)}
    split_column = spec.split_dimension.replace(".", "_") if spec.split_dimension else None
    member_days: dict[tuple[str | None, datetime.date], float] = {}
    for row in result.rows:
        value = number_or_none(row[index[spec.metric]])
        if value is None:
            continue
        member = member_text(row[index[split_column]]) if split_column else None
        key = (member, _day(row[index[DAY.replace(".", "_")]]))
        member_days[key] = member_days.get(key, 0.0) + value
    return Actuals(through=through, member_days=member_days)


def _day(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])
