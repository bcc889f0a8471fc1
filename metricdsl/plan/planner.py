"""Stage 3: a checked query → a logical plan: which sources to scan, what each computes, how to combine.

Every aggregate is computed by one *scan* of its base source at the query's grain; aggregates
over the same source (and the same time shift or window) share the scan, each with its own
filter. Scans are combined on the group keys, and metrics are computed on top from the
combined measures. The SQL stage turns this plan into a statement per dialect.
"""

from __future__ import annotations

from dataclasses import dataclass

from metricdsl.errors import PlanningBug
from metricdsl.ir import model as m
from metricdsl.plan.balances import plan_balance
from metricdsl.plan.cohorts import plan_cohort
from metricdsl.plan.nodes import (
    ZERO_WHEN_EMPTY,
    Compute,
    DistinctHavingMeasure,
    MeasureKey,
    MeasureRef,
    Number,
    OrderBy,
    OutputDim,
    OutputMetric,
    ProgressPlan,
    QueryPlan,
    Scan,
    Shift,
    TotalPlan,
    Value,
    Window,
    column_name,
    conjunction,
    fresh_name,
)
from metricdsl.plan.peers import plan_rank, plan_total
from metricdsl.plan.percentiles import new_measure
from metricdsl.plan.planned import plan_planned
from metricdsl.plan.progress import plan_progress

ScanKey = tuple[str, Shift | None, Window | None, str]


@dataclass
class Checkpoint:
    scans: dict[ScanKey, Scan]
    measures: dict[ScanKey, tuple[int, DistinctHavingMeasure | None]]
    measure_keys: dict[MeasureKey, MeasureRef]
    references: dict[tuple[str, tuple[m.RowExpr, ...], Shift | None, Window | None], Value]
    used_names: set[str]
    files: set[str]
    peers: list[TotalPlan]
    progress: list[ProgressPlan]


class Planner:
    def __init__(self, project: m.Project, query: m.Query) -> None:
        self.project = project
        self.query = query
        self.scans: dict[ScanKey, Scan] = {}
        self.measure_keys: dict[MeasureKey, MeasureRef] = {}
        self.references: dict[tuple[str, tuple[m.RowExpr, ...], Shift | None, Window | None], Value] = {}
        self.used_names: set[str] = {ref.column for ref in query.by}
        self.files: set[str] = set()
        self.grain = query.grain
        self.peers: list[TotalPlan] = []  # total(m): planned at coarser groupings, see plan/peers.py
        self.progress: list[ProgressPlan] = []  # time_progress(cal): joined on the time bucket, see plan/progress.py

    def plan(self) -> QueryPlan:
        outputs = [OutputMetric(name, self.metric_value(name)) for name in self.query.metrics]
        dims = [OutputDim(ref.name, ref.column, ref.grain) for ref in self.query.by]
        for ref in self.query.by:
            if isinstance(ref, m.DimRef):
                self.files.add(self.project.dimensions[ref.name].location.file)
        order = [OrderBy(column_name(o.name), o.descending) for o in self.query.order]
        ordered = {o.column for o in order}
        order += [OrderBy(d.column, False) for d in dims if d.column not in ordered]  # ties: same rows everywhere
        return QueryPlan(
            name=self.query.name, dims=dims, scans=list(self.scans.values()), metrics=outputs,
            where=self.query.where, period=self.query.period, order=order, limit=self.query.limit,
            files=sorted(self.files), peers=self.peers, progress=self.progress)

    def metric_value(self, name: str) -> Value:
        metric = self.project.metrics[name]
        self.files.add(metric.location.file)
        return self.reference(name, (), None, None, name)

    def inline(self, expr: m.MetricExpr, filters: tuple[m.RowExpr, ...], shift: Shift | None,
               window: Window | None, owner: str) -> Value:
        if isinstance(expr, m.Const):
            return Number(expr.value)
        if isinstance(expr, m.MetricRef):
            return self.reference(expr.metric, filters, shift, window, owner)
        if isinstance(expr, m.Filtered):
            return self.inline(expr.expr, (*filters, expr.condition), shift, window, owner)
        if isinstance(expr, m.Arith):
            return Compute(expr.op, tuple(self.inline(a, filters, shift, window, owner) for a in expr.args))
        if isinstance(expr, m.AggLeaf):
            return self.measure(expr.agg, filters, shift, window, owner)
        if isinstance(expr, m.DistinctHaving):
            return self.having_measure(expr, filters, shift, window, owner)
        if isinstance(expr, m.Lag):
            return self.lag(expr, filters, shift, window, owner)
        if isinstance(expr, m.Cumulative):
            if window is not None:
                raise PlanningBug("cumulative inside cumulative is not supported")
            anchor = shift if expr.count is None else None  # a to-date window moves with the offsets around it
            return self.inline(expr.expr, filters, shift, Window(expr.unit, expr.count, anchor), owner)
        if isinstance(expr, m.Total):
            return plan_total(self, expr, filters, shift, window, owner)
        if isinstance(expr, m.Rank):
            return plan_rank(self, expr, filters, shift, window, owner)
        if isinstance(expr, m.Balance):
            return plan_balance(self, expr, filters, shift, window, owner)
        if isinstance(expr, m.Cohort):
            return plan_cohort(self, expr, filters, shift, window, owner)
        if isinstance(expr, m.TimeProgress):
            return plan_progress(self, expr)
        if isinstance(expr, m.Planned):
            return plan_planned(self, expr, filters, shift, window, owner)
        raise PlanningBug(f"cannot plan {type(expr).__name__}")

    def reference(self, name: str, filters: tuple[m.RowExpr, ...], shift: Shift | None, window: Window | None,
                  owner: str) -> Value:
        """A referenced metric, planned once per (filters, shift, window): a metric used twice per level
        of a chain is one shared value, so the plan stays linear in the number of distinct sub-metrics."""
        key = (name, filters, shift, window)
        if key not in self.references:
            metric = self.project.metrics[name]
            self.files.add(metric.location.file)
            self.references[key] = self.inline(metric.expr, filters, shift, window, owner if filters else name)
        return self.references[key]

    def lag(self, expr: m.Lag, filters: tuple[m.RowExpr, ...], shift: Shift | None, window: Window | None,
            owner: str) -> Value:
        if self.grain is None:
            raise PlanningBug("lag and growth need a time dimension in the query")
        unit = self.grain if expr.unit == "period" else expr.unit
        offset = Shift.of(expr.count, unit)
        earlier = self.inline(expr.expr, filters, offset if shift is None else shift + offset, window, owner)
        if not expr.growth:
            return earlier
        current = self.inline(expr.expr, filters, shift, window, owner)
        return Compute("growth", (current, earlier))

    def scan_for(self, source: str, shift: Shift | None, window: Window | None, kind: str = "plain") -> Scan:
        key = (source, shift, window, kind)
        if key not in self.scans or kind == "having":
            suffix = "" if shift is None else shift.label
            suffix += "" if window is None else f"_cum{window.count or ''}{window.unit}"
            suffix += "" if window is None or window.anchor is None else "_at" + window.anchor.label.removeprefix("_lag")
            name = f"scan_{source}{suffix}" + ("_having" if kind == "having" else "")
            scan = Scan(self.unique(name), source, shift, window)
            self.scans[key if kind != "having" else (*key[:3], f"having{len(self.scans)}")] = scan
            self.files.add(self.project.sources[source].location.file)
            return scan
        return self.scans[key]

    def measure(self, agg: m.Agg, filters: tuple[m.RowExpr, ...], shift: Shift | None, window: Window | None,
                owner: str) -> MeasureRef:
        condition = conjunction(filters)
        scan = self.scan_for(agg.source, shift, window)
        identity = (scan.name, agg, condition)
        if identity in self.measure_keys:
            return self.measure_keys[identity]
        column = self.unique(owner)
        scan.measures.append(new_measure(column, agg, condition))
        ref = MeasureRef(column, agg.func in ZERO_WHEN_EMPTY)
        self.measure_keys[identity] = ref
        return ref

    def having_measure(self, expr: m.DistinctHaving, filters: tuple[m.RowExpr, ...], shift: Shift | None,
                       window: Window | None, owner: str) -> MeasureRef:
        condition = conjunction(filters)
        identity = ("having", expr.source, shift, window, expr, condition)
        if identity in self.measure_keys:
            return self.measure_keys[identity]
        scan = self.scan_for(expr.source, shift, window, kind="having")
        column = self.unique(owner)
        scan.having = DistinctHavingMeasure(column, expr.key, expr.condition, condition)
        ref = self.measure_keys[identity] = MeasureRef(column, True)
        return ref

    @property
    def scan_list(self) -> list[Scan]:
        return list(self.scans.values())

    def checkpoint(self) -> Checkpoint:
        """What the planner reads so far, to try a plan and take it back (see plan/peers.py)."""
        return Checkpoint(dict(self.scans), {k: (len(s.measures), s.having) for k, s in self.scans.items()},
                          dict(self.measure_keys), dict(self.references), set(self.used_names), set(self.files),
                          list(self.peers), list(self.progress))

    def reads_more_than(self, point: Checkpoint) -> bool:
        """Has a scan or a measure been added since `point`?"""
        return self.scans.keys() != point.scans.keys() or any(
            (len(scan.measures), scan.having) != point.measures[key] for key, scan in self.scans.items())

    def rollback(self, point: Checkpoint) -> None:
        for key, (count, having) in point.measures.items():
            del self.scans[key].measures[count:]
            self.scans[key].having = having
        self.scans, self.measure_keys, self.references = point.scans, point.measure_keys, point.references
        self.used_names, self.files, self.peers, self.progress = point.used_names, point.files, point.peers, point.progress

    def unique(self, base: str) -> str:
        return fresh_name(base, self.used_names)


def plan_query(project: m.Project, query: m.Query) -> QueryPlan:
    return Planner(project, query).plan()
