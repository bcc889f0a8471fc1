"""Planning balances (LANGUAGE.md §5): `closing(m)` and `opening(m)`.

m is additive, so it is a combination of sums and counts. It is planned as usual by a planner of
the same kind that shares this planner's names, and each scan it produced is marked with the
balance kind. The SQL stage (metricdsl.sql.balances) aggregates such a scan to (day, group) once
(a CTE of its own), finds each time bucket's latest (earliest) day with rows by a window over those
aggregated rows — the same day for every group of the bucket — and keeps that day's values: never
a join of raw rows.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol

from metricdsl.errors import PlanningBug
from metricdsl.ir import model as m
from metricdsl.plan.nodes import Scan, Shift, Value, Window

ScanKey = tuple[str, Shift | None, Window | None, str]


class PlannerLike(Protocol):
    """What this module uses of metricdsl.plan.planner.Planner."""

    project: m.Project
    query: m.Query
    files: set[str]
    used_names: set[str]
    scans: dict[ScanKey, Scan]

    def __init__(self, project: m.Project, query: m.Query) -> None: ...

    def inline(self, expr: m.MetricExpr, filters: tuple[m.RowExpr, ...], shift: Shift | None,
               window: Window | None, owner: str) -> Value: ...

    def unique(self, base: str) -> str: ...


def plan_balance(planner: PlannerLike, expr: m.Balance, filters: tuple[m.RowExpr, ...], shift: Shift | None,
                 window: Window | None, owner: str) -> Value:
    if window is not None:  # the checker rejects cumulative(…) over a balance (E415)
        raise PlanningBug("a balance inside a cumulative window")
    kind = "closing" if expr.closing else "opening"
    sub = type(planner)(planner.project, planner.query)
    sub.used_names = planner.used_names  # measure columns stay unique in the whole statement
    value = sub.inline(expr.expr, filters, shift, None, owner)
    for key, scan in sub.scans.items():
        if scan.balance is not None or scan.having is not None:
            raise PlanningBug("a balance of a balance or of count_distinct … having")
        suffix = scan.name.removeprefix(f"scan_{scan.source}")
        name = planner.unique(f"{kind}_{scan.source}{suffix}")
        planner.scans[(key[0], key[1], key[2], f"{kind}:{name}")] = dataclasses.replace(scan, name=name, balance=kind)
    planner.files |= sub.files
    return value
