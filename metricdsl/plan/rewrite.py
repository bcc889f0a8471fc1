"""Plan rewrites for targets that cannot run every plan as it is.

`split_count_distinct` serves engines that allow several ``COUNT(DISTINCT …)`` in one SELECT
block only when they share one argument (Impala before 3.1, IMPALA-110). A scan whose measures
hold several *distinct classes* becomes several scans of the same source, time shift and
window, each with at most one class; the generator already combines any number of scans on
the group keys (UNION ALL + GROUP BY), so the result rows do not change.

A distinct class is the pair (argument, condition): a FILTER condition becomes part of the
distinct argument on such engines (``COUNT(DISTINCT IF(c, k, NULL))``), so two counts of the
same key under different conditions are two classes.
"""

from __future__ import annotations

import dataclasses

from metricdsl.ir import model as m
from metricdsl.plan.nodes import RESERVED_RELATION_NAMES, Measure, QueryPlan, Scan, fresh_name

DISTINCT_FUNCS = frozenset({"count_distinct"})


DistinctClass = tuple[m.RowExpr | None, m.RowExpr | None]  # argument, condition


def distinct_class(measure: Measure) -> DistinctClass | None:
    """The class of a DISTINCT aggregate (argument and condition), or None for other aggregates."""
    if measure.func not in DISTINCT_FUNCS:
        return None
    return measure.arg, measure.condition


def distinct_groups(scan: Scan) -> list[list[Measure]]:
    """The scan's measures regrouped so that each group holds at most one distinct class.

    The first group keeps every non-distinct measure and the first class; each further class
    gets a group of its own. Measure order is kept within each group.
    """
    class_index: dict[DistinctClass, int] = {}
    groups: list[list[Measure]] = [[]]
    for measure in scan.measures:
        key = distinct_class(measure)
        if key is None:
            groups[0].append(measure)
            continue
        index = class_index.setdefault(key, len(class_index))
        if index >= len(groups):
            groups.append([])
        groups[index].append(measure)
    return groups


def split_name(scan_name: str, taken: set[str]) -> str:
    """`scan_orders` → `scan_orders_distinct2`, `…_distinct3` …: the first name not taken."""
    return fresh_name(f"{scan_name}_distinct", taken, separator="", bare=False)


def split_scan(scan: Scan, taken: set[str]) -> list[Scan]:
    if scan.bucketed:  # its distinct counts are grouped keys, one per SELECT already (sql/windows.py)
        return [scan]
    groups = distinct_groups(scan)
    if len(groups) == 1:
        return [scan]
    first = dataclasses.replace(scan, measures=list(groups[0]))
    rest = [dataclasses.replace(scan, name=split_name(scan.name, taken), measures=list(group)) for group in groups[1:]]
    return [first, *rest]


def split_count_distinct(plan: QueryPlan) -> QueryPlan:
    """The same plan with at most one distinct class per scan (a new plan; the input is unchanged)."""
    taken = {scan.name for scan in plan.scans} | set(RESERVED_RELATION_NAMES)
    scans = [part for scan in plan.scans for part in split_scan(scan, taken)]
    return dataclasses.replace(plan, scans=scans)
