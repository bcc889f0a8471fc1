"""Planning customers over time (LANGUAGE.md §5): retained, churned, new and converted.

Each is a scan of its own with one `CohortMeasure`: the key metric's source, key and filters (the
metric's `where`s and any outer ones), and for `converted` the second key metric. The SQL stage
(metricdsl.sql.cohorts) reduces rows to distinct (bucket, group, key) — or (time, key) for
`converted` — before it joins the small sets, so raw rows are never joined to raw rows.
"""

from __future__ import annotations

from typing import Protocol

from metricdsl.errors import PlanningBug
from metricdsl.ir import model as m
from metricdsl.plan.nodes import CohortMeasure, MeasureKey, MeasureRef, Scan, Shift, Value, Window, conjunction

ScanKey = tuple[str, Shift | None, Window | None, str]


class PlannerLike(Protocol):
    """What this module uses of metricdsl.plan.planner.Planner."""

    project: m.Project
    query: m.Query
    files: set[str]
    scans: dict[ScanKey, Scan]
    measure_keys: dict[MeasureKey, MeasureRef]

    @property
    def grain(self) -> str | None: ...

    def unique(self, base: str) -> str: ...


def plan_cohort(planner: PlannerLike, expr: m.Cohort, filters: tuple[m.RowExpr, ...], shift: Shift | None,
                window: Window | None, owner: str) -> Value:
    if shift is not None or window is not None or planner.grain is None:  # the checker rejects these (E417, E405)
        raise PlanningBug(f"{expr.op} under a lag or window, or without a time dimension")
    source, key, condition = _key(planner, expr.expr, filters)
    measure = CohortMeasure("", expr.op, key, condition)
    if expr.op in ("retained", "churned"):
        assert expr.count is not None and expr.unit is not None
        measure.shift = Shift.of(expr.count, planner.grain if expr.unit == "period" else expr.unit)
    if expr.op == "converted":
        assert expr.other is not None and expr.count is not None and expr.unit is not None
        measure.other_source, measure.other_key, measure.other_condition = _key(planner, expr.other, filters)
        measure.window = (expr.count, expr.unit)
    identity = ("cohort", source, measure.op, measure.key, measure.condition, measure.shift, measure.other_source,
                measure.other_key, measure.other_condition, measure.window)
    if identity in planner.measure_keys:
        return planner.measure_keys[identity]
    measure.column = planner.unique(owner)
    name = planner.unique(f"{expr.op}_{source}")
    planner.scans[(source, None, None, f"cohort:{name}")] = Scan(name, source, cohort=measure)
    planner.files.add(planner.project.sources[source].location.file)
    if measure.other_source is not None:
        planner.files.add(planner.project.sources[measure.other_source].location.file)
    ref = planner.measure_keys[identity] = MeasureRef(measure.column, True)
    return ref


def _key(planner: PlannerLike, expr: m.MetricExpr,
         filters: tuple[m.RowExpr, ...]) -> tuple[str, m.RowExpr, m.RowExpr | None]:
    """The source, key and filter of a key metric (one count_distinct under references and `where`s)."""
    if isinstance(expr, m.MetricRef):
        metric = planner.project.metrics[expr.metric]
        planner.files.add(metric.location.file)
        return _key(planner, metric.expr, filters)
    if isinstance(expr, m.Filtered):
        return _key(planner, expr.expr, (*filters, expr.condition))
    if isinstance(expr, m.AggLeaf) and expr.agg.func == "count_distinct" and expr.agg.arg is not None:
        return expr.agg.source, expr.agg.arg, conjunction(filters)
    raise PlanningBug("not a key metric")  # the checker reports it (E417)
