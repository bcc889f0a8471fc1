"""Planning `planned(T)` (LANGUAGE.md §9): a scan of target T's saved plan (its `store:` table).

Every planned(T) of a query reads one scan of T's table; each use is a measure of it (the sum of
the saved targets, filtered by its metric's `where`), 0 where a group has no saved rows. Which rows
the scan reads follows from the query: the split members' rows when it groups or filters by T's
split dimension, else the whole's; weeks at week grain, days (months shared by working days) at
day grain, months otherwise (the year row when the plan has no months). The SQL stage
(metricdsl.sql.planned) writes the read; the checker (metricdsl.semantic.planned) has made sure the
query asks nothing else of the plan.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol

from metricdsl.errors import PlanningBug
from metricdsl.ir import model as m
from metricdsl.ir.targets import planned_rows
from metricdsl.ir.walk import walk_row
from metricdsl.plan.nodes import Measure, MeasureKey, MeasureRef, PlannedRead, Scan, Shift, Window, conjunction

ScanKey = tuple[str, Shift | None, Window | None, str]


class PlannerLike(Protocol):
    """What this module uses of metricdsl.plan.planner.Planner."""

    project: m.Project
    query: m.Query
    scans: dict[ScanKey, Scan]
    measure_keys: dict[MeasureKey, MeasureRef]

    def unique(self, base: str) -> str: ...


def plan_planned(planner: PlannerLike, expr: m.Planned, filters: tuple[m.RowExpr, ...], shift: Shift | None,
                 window: Window | None, owner: str) -> MeasureRef:
    if shift is not None or window is not None:  # the checker rejects lag/cumulative of planned (E604)
        raise PlanningBug("planned(…) inside lag or cumulative")
    condition = conjunction(filters)
    identity = ("planned", expr.target, condition)
    if identity in planner.measure_keys:
        return planner.measure_keys[identity]
    scan = _scan(planner, expr.target, filters)
    column = planner.unique(owner)
    scan.measures.append(Measure(column, "sum", None, condition, "double"))
    ref = planner.measure_keys[identity] = MeasureRef(column, True)
    return ref


def _scan(planner: PlannerLike, target: str, filters: tuple[m.RowExpr, ...]) -> Scan:
    """The one scan of T's plan; it reads the members' rows as soon as one use needs them."""
    spec = planner.project.targets[target]
    if spec.store is None:
        raise PlanningBug(f"planned({target}) of a target without a store")
    members = spec.split_dimension is not None and _names_split(planner.query, filters, spec.split_dimension)
    key: ScanKey = (f"planned:{target}", None, None, "planned")
    scan = planner.scans.get(key)
    if scan is None:
        read = PlannedRead(target=target, store=spec.store, rows=planned_rows(spec, planner.query.grain),
                           members=members, split_dimension=spec.split_dimension, calendar=spec.spread_calendar,
                           period=(spec.period_start, spec.period_end))
        scan = planner.scans[key] = Scan(planner.unique(f"planned_{target}"), key[0], planned=read)
    elif members and scan.planned is not None and not scan.planned.members:
        scan.planned = dataclasses.replace(scan.planned, members=True)  # the members add up to the whole
    return scan


def _names_split(query: m.Query, filters: tuple[m.RowExpr, ...], split: str) -> bool:
    if any(isinstance(ref, m.DimRef) and ref.name == split for ref in query.by):
        return True
    conditions = [*filters, *([query.where] if query.where is not None else [])]
    return any(isinstance(node, m.DimRef) and node.name == split for c in conditions for node in walk_row(c))
