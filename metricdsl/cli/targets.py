"""What `plan` and `track` share: finding a target, opening the warehouse, its baseline and its plan."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from metricdsl.cli.options import fail, open_or_exit, print_diagnostics

if TYPE_CHECKING:
    from metricdsl.diagnostics import Diagnostic
    from metricdsl.ir import model as m


def warning_line(warning: Diagnostic) -> str:
    """`warning[W003]: …` for a code of the catalogue (docs/errors.md), `warning: …` for the others."""
    from metricdsl.diagnostics import CODES

    code = f"[{warning.code}]" if warning.code in CODES else ""
    return f"warning{code}: {warning.message}"


def target_or_exit(model: m.Project, name: str) -> Any:
    from metricdsl.diagnostics import did_you_mean

    if name not in model.targets:
        known = did_you_mean(name, model.targets) or ("targets: " + ", ".join(sorted(model.targets))
                                                      if model.targets else "the project declares no `target`")
        fail(f"unknown target `{name}` ({known})")
    return model.targets[name]


def baseline_sql_or_exit(model: m.Project, spec: Any, dialect: str, impala_version: str, through: Any = None) -> str:
    from metricdsl.errors import CheckFailed
    from metricdsl.runtime.baseline import baseline_sql

    try:
        return baseline_sql(model, spec, dialect, impala_version, through)
    except CheckFailed as failure:
        print_diagnostics(failure.diagnostics, failure.sources)
        fail(f"the baseline queries of target {spec.name} have errors")


def baseline_or_exit(model: m.Project, spec: Any, project: Path, db: str | None, data: Path | None,
                     files: tuple[Path, ...], replace: bool = False) -> Any:
    from metricdsl.errors import BaselineError, CheckFailed, WarehouseError
    from metricdsl.runtime.baseline import fetch_baseline, read_baseline_csv

    try:
        if files:
            return read_baseline_csv(files, spec)
        with open_or_exit(model, project, db, data, replace) as warehouse:
            return fetch_baseline(model, spec, warehouse)
    except CheckFailed as failure:
        print_diagnostics(failure.diagnostics, failure.sources)
        fail(f"the baseline queries of target {spec.name} have errors")
    except (BaselineError, WarehouseError) as error:
        fail(f"baseline of target {spec.name}: {error}")


def allocate_or_exit(spec: Any, baseline: Any) -> Any:
    from metricdsl.allocate import CalendarError, PlanError, WorkCalendar, allocate

    try:
        return allocate(spec, baseline, WorkCalendar(spec.spread_calendar))
    except (PlanError, CalendarError) as error:
        fail(f"target {spec.name}: {error}")


