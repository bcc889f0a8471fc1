"""Plan rewrite for engines without an exact percentile aggregate (Impala).

Such an engine computes `median`/`percentile` from row numbers over the rows of each group
(see `metricdsl.sql.percentiles`), which needs the scan's rows ordered by that one argument under
that one filter. So every percentile measure gets a scan of its own (same source, time shift and
window); the generator combines any number of scans on the group keys, so the rows do not change.
"""

from __future__ import annotations

import dataclasses

from metricdsl.ir import model as m
from metricdsl.plan.nodes import RESERVED_RELATION_NAMES, Measure, PercentileMeasure, QueryPlan, Scan, fresh_name

PERCENTILE_FUNCS = frozenset({"median", "percentile"})


def new_measure(column: str, agg: m.Agg, condition: m.RowExpr | None) -> Measure:
    """The measure of an aggregate: a PercentileMeasure (with its fraction) for median and percentile."""
    if agg.fraction is not None:
        return PercentileMeasure(column, agg.func, agg.arg, condition, agg.type, agg.fraction)
    return Measure(column, agg.func, agg.arg, condition, agg.type)


def is_percentile_scan(scan: Scan) -> bool:
    """A scan whose one measure is a percentile (what `split_percentiles` produces)."""
    return scan.having is None and len(scan.measures) == 1 and scan.measures[0].func in PERCENTILE_FUNCS


def split_scan(scan: Scan, taken: set[str]) -> list[Scan]:
    if scan.having is not None:
        return [scan]
    others = [mz for mz in scan.measures if mz.func not in PERCENTILE_FUNCS]
    percentiles = [mz for mz in scan.measures if mz.func in PERCENTILE_FUNCS]
    if not percentiles or (not others and len(percentiles) == 1):
        return [scan]
    parts = [dataclasses.replace(scan, measures=others)] if others else []
    first_name = scan.name if not others else None
    for measure in percentiles:
        name = first_name or fresh_name(f"{scan.name}_percentile", taken, separator="", bare=False)
        first_name = None
        parts.append(dataclasses.replace(scan, name=name, measures=[measure]))
    return parts


def split_percentiles(plan: QueryPlan) -> QueryPlan:
    """The same plan with each percentile measure in a scan of its own (a new plan)."""
    taken = {scan.name for scan in plan.scans} | set(RESERVED_RELATION_NAMES)
    scans = [part for scan in plan.scans for part in split_scan(scan, taken)]
    return dataclasses.replace(plan, scans=scans)
