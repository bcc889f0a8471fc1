"""The saved plans a query's planned(T) reads, made ready before it runs (LANGUAGE.md §9).

On the embedded in-memory DuckDB nothing is saved between runs, so `run` computes the plan of each
target the query reads (its baseline from the same database, just loaded) and saves it into the
target's `store:` table first. A real database (`--db`) is used as it is: a store table it lacks is
E703, naming the command that saves the plan, before anything runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from metricdsl.allocate import WorkCalendar, allocate
from metricdsl.allocate.models import PlanResult
from metricdsl.diagnostics import Diagnostic
from metricdsl.errors import PlanMissing
from metricdsl.ir import model as m
from metricdsl.ir.targets import TargetSpec
from metricdsl.ir.walk import planned_targets
from metricdsl.runtime.baseline import fetch_baseline
from metricdsl.runtime.plan_store import save_plan
from metricdsl.runtime.warehouse import Warehouse, redact_url


def targets_read(model: m.Project, metrics: Iterable[str]) -> list[TargetSpec]:
    """The targets whose saved plans the metrics read, through the metrics they reference."""
    exprs = {name: metric.expr for name, metric in model.metrics.items()}
    return [model.targets[name] for name in planned_targets(metrics, exprs) if name in model.targets]


def prepare_plans(warehouse: Warehouse, model: m.Project, metrics: Iterable[str], embedded: bool,
                  db: str | None = None) -> list[str]:
    """Make the saved plans the metrics read available; returns the targets planned and saved here.

    Embedded: plan and save each (raises CheckFailed, BaselineError, PlanError, CalendarError, WarehouseError).
    Else: PlanMissing (E703) for every store table the database lacks.
    """
    specs = targets_read(model, metrics)
    if embedded:
        for spec in specs:
            save_plan(warehouse, spec, plan_of(model, spec, warehouse), datetime.now())
        return [spec.name for spec in specs]
    missing = [spec for spec in specs if spec.store is not None and not warehouse.table_exists(spec.store)]
    if missing:
        raise PlanMissing([_missing(spec, warehouse.dialect, db) for spec in missing])
    return []


def plan_of(model: m.Project, spec: TargetSpec, warehouse: Warehouse) -> PlanResult:
    """The allocation of `spec` on the baseline that `warehouse` holds."""
    baseline = fetch_baseline(model, spec, warehouse)
    return allocate(spec, baseline, WorkCalendar(spec.spread_calendar))


def _missing(spec: TargetSpec, dialect: str, db: str | None) -> Diagnostic:
    assert spec.store is not None
    table = ".".join(spec.store)
    where = f" --db {redact_url(db)}" if db else ""
    return Diagnostic("E703", f"planned({spec.name}) reads table {table}, which the {dialect} database does not "
                      "have: the plan has not been saved there", None,
                      f"save it first: metricdsl plan --target {spec.name} --save{where}")
