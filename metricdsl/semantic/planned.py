"""`planned(T)` (LANGUAGE.md §9, "Following a plan"): the saved target of each output group.

A metric may read the plan of a target that has a `store:` table (E603 otherwise). The plan holds
a target per month (and week, if it spreads to weeks) and per member of its split dimension, so a
query can group it only by those: `time.month`/`quarter`/`year`, `time.week` when the plan has
weeks, `time.day` (months shared by working days), and the split dimension; filters may name only
those too (E604). A saved target is a number per bucket: it is not shifted, accumulated or taken
as a balance or a cohort (E604 where a metric tries).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from metricdsl.diagnostics import did_you_mean
from metricdsl.grains import grain_rank, parse_time_name
from metricdsl.ir import model as m
from metricdsl.ir.targets import TargetSpec, planned_rows
from metricdsl.ir.walk import metric_children, reads, walk_metric, walk_row
from metricdsl.semantic.context import Scope
from metricdsl.semantic.names import name_argument
from metricdsl.source import Span
from metricdsl.syntax import ast

PLANNED_FUNCTIONS = ("planned",)
WRAPPERS = (m.Lag, m.Cumulative, m.Balance, m.Cohort)
WRAPPER_NAMES = {m.Lag: "lag/growth", m.Cumulative: "cumulative", m.Balance: "closing/opening", m.Cohort: "a cohort"}


def planned_function(scope: Scope, expr: ast.Call) -> m.MetricExpr | None:
    """planned(T): T a declared target with a `store:` table."""
    arg = name_argument(scope, expr, "`planned` takes one target: planned(revenue_2027)")
    if arg is None:
        return None
    name, symbols = arg.dotted, scope.symbols
    if not symbols.is_a(name, "target"):
        if name not in symbols.broken:
            hint = did_you_mean(name, symbols.named("target"))
            if symbols.is_a(name, "metric"):
                hint = f"`{name}` is a metric; planned() reads the saved plan of a `target` that plans it"
            scope.report.error("E603", f"unknown target `{name}` in planned(…)", arg.span,
                               hint or _targets_hint(symbols.named("target")))
        return None
    if name not in scope.stored_targets:
        scope.report.error("E603", f"target `{name}` has no `store:` table, so it has no saved plan to read",
                           arg.span, f"add `store: schema.table` to target `{name}`, then save its plan: "
                           f"metricdsl plan --target {name} --save")
        return None
    return m.Planned(target=name)


def _targets_hint(names: list[str]) -> str:
    return "targets: " + ", ".join(names) if names else "the project declares no `target`"


def check_planned_wrappers(scope: Scope, decl: ast.MetricDecl, expr: m.MetricExpr) -> bool:
    """E604: a saved target is not shifted, accumulated, or taken as a balance or cohort."""
    for node in walk_metric(expr):
        if isinstance(node, WRAPPERS) and reads(node, scope.metric_exprs, (m.Planned,)):
            scope.report.error("E604", f"{WRAPPER_NAMES[type(node)]}(…) of planned(…): a saved plan is one target "
                               "per bucket, read as it is", decl.expr.span,
                               "use planned(T) directly; its quarter and year are the sums of its months")
            return False
    return True


# ---- per query ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlannedUse:
    """One planned(T) a metric reads, with the `where` conditions of the metrics on the way to it."""

    target: str
    conditions: tuple[m.RowExpr, ...]


def planned_uses(scope: Scope, expr: m.MetricExpr, conditions: tuple[m.RowExpr, ...] = (),
                 seen: frozenset[str] = frozenset()) -> Iterator[PlannedUse]:
    if isinstance(expr, m.Planned):
        yield PlannedUse(expr.target, conditions)
    elif isinstance(expr, m.Filtered):
        yield from planned_uses(scope, expr.expr, (*conditions, expr.condition), seen)
    elif isinstance(expr, m.MetricRef):
        if expr.metric in scope.metric_exprs and expr.metric not in seen:
            yield from planned_uses(scope, scope.metric_exprs[expr.metric], conditions, seen | {expr.metric})
    else:
        for child in metric_children(expr):
            yield from planned_uses(scope, child, conditions, seen)


def time_problem(spec: TargetSpec, grain: str) -> str | None:
    """Why the plan of `spec` has no value per `time.<grain>` bucket, or None."""
    grains = spec.spread_grains
    if grain == "week" and "week" not in grains:
        return "its plan has no weeks (`spread: month, week …` adds them)"
    if grain != "year" and "month" not in grains:
        return "its plan has no months (add `spread: month …`)"
    return None


def check_query_planned(scope: Scope, metric: m.Metric, span: Span, by: list[str], where: m.RowExpr | None) -> None:
    """E604 for a `by` dimension or a filter that a saved plan the metric reads cannot serve (a total's or
    rank's `within` dimensions are among the query's `by`: E413)."""
    if not reads(metric.expr, scope.metric_exprs, (m.Planned,)):  # linear; planned_uses walks every path
        return
    grain = next((g for name in by if (g := parse_time_name(name)) is not None), None)
    for use in dict.fromkeys(planned_uses(scope, metric.expr)):
        spec = scope.targets.get(use.target)
        if spec is None:
            continue  # the target has errors of its own
        problem = _grouping_problem(spec, by, grain) or _filter_problem(
            spec, [c for c in (where, *use.conditions) if c is not None], planned_rows(spec, grain))
        if problem:
            scope.report.error("E604", f"metric `{metric.name}` reads planned({spec.name}), which cannot be "
                               f"{problem}", span, _serves(spec))
            return


def _grouping_problem(spec: TargetSpec, names: list[str], grain: str | None) -> str | None:
    for name in names:
        time_grain = parse_time_name(name)
        if time_grain is not None:
            problem = time_problem(spec, time_grain)
            if problem:
                return f"grouped by `{name}`: {problem}"
        elif name != spec.split_dimension:
            return f"grouped by `{name}`: {_split_text(spec)}"
    return None


def _filter_problem(spec: TargetSpec, conditions: list[m.RowExpr], rows: str) -> str | None:
    for condition in conditions:
        for node in walk_row(condition):
            if isinstance(node, m.Col):
                return f"filtered on column `{node.source}.{node.column}`: a plan has no source rows"
            if isinstance(node, m.Agg):
                return "filtered on an aggregate: a plan has no source rows"
            if isinstance(node, m.DimRef) and node.name != spec.split_dimension:
                return f"filtered on `{node.name}`: {_split_text(spec)}"
            if isinstance(node, m.TimeRef) and grain_rank(node.grain) < grain_rank(rows):
                return f"filtered on `time.{node.grain}`: at this grain it reads {rows} rows"
    return None


def _split_text(spec: TargetSpec) -> str:
    if spec.split_dimension is None:
        return "its plan is not split"
    return f"its plan is split by `{spec.split_dimension}` only"


def _serves(spec: TargetSpec) -> str:
    grains = ["time.year"] if "month" not in spec.spread_grains else \
        ["time.day", *(["time.week"] if "week" in spec.spread_grains else []), "time.month", "time.quarter", "time.year"]
    dims = [spec.split_dimension] if spec.split_dimension else []
    return f"planned({spec.name}) can be grouped and filtered by " + ", ".join([*dims, *grains])
