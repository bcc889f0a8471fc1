"""Absolute caps and `%` drivers (LANGUAGE.md §9): `cap: conversion <= 0.95`, never above 100%.

The plan runs on the example warehouse (DuckDB and PostgreSQL); the reference is plain Python
over hand-written SQL: the drivers' baselines, then water-filling by hand.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from support.paths import SPECS_DIR

from metricdsl.allocate import InfeasibleTarget, allocate
from metricdsl.allocate.models import DriverSpec, TargetSpec
from metricdsl.pipeline.load import load
from metricdsl.runtime.baseline import fetch_baseline

TARGET = "revenue_2027"
PAID = "status = 'paid' AND order_date BETWEEN DATE '2026-01-01' AND DATE '2026-12-31'"


def scalar(engine: Any, sql: str) -> float:
    return float(engine.execute(sql).rows[0][0])


def reference_baseline(engine: Any) -> dict[str, float]:
    revenue = scalar(engine, f"SELECT SUM(amount) FROM dw.fact_orders WHERE {PAID}")
    buyers = scalar(engine, f"SELECT COUNT(DISTINCT customer_id) FROM dw.fact_orders WHERE {PAID}")
    reach = scalar(engine, "SELECT COUNT(DISTINCT customer_id) FROM dw.fact_calls "
                           "WHERE call_date BETWEEN DATE '2026-01-01' AND DATE '2026-12-31'")
    return {"revenue": revenue, "aov": revenue / buyers, "reach": reach, "conversion": buyers / reach}


def shares(log_target: float, weights: dict[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {name: math.exp(log_target * weight / total) for name, weight in weights.items()}


def with_drivers(spec: TargetSpec, **drivers: DriverSpec) -> TargetSpec:
    return spec.model_copy(update={"drivers": {**spec.drivers, **drivers}})


def test_a_percent_driver_is_never_planned_above_one(engine: Any, load: Any) -> None:
    project = load(SPECS_DIR)
    spec = project.targets[TARGET]
    assert spec.drivers["conversion"] == DriverSpec(metric="conversion", cap=1.5, ceiling=1.0, weight=1.0)
    base = reference_baseline(engine)
    plan = allocate(spec, fetch_baseline(project, spec, engine))
    rows = {row.metric: row for row in plan.drivers}
    multiplier = plan.target_value / base["revenue"]
    conversion = 1.0 / base["conversion"]  # the 1.5x cap of 84.5% would be 126.7%: the 100% ceiling binds
    assert conversion < 1.5
    expected = {"conversion": conversion, **shares(math.log(multiplier / conversion), {"aov": 1, "reach": 2})}
    assert {name: rows[name].multiplier for name in expected} == pytest.approx(expected, rel=1e-9)
    assert rows["conversion"].target == pytest.approx(1.0, rel=1e-9)
    assert rows["conversion"].capped and rows["conversion"].cap == pytest.approx(conversion, rel=1e-12)
    assert not rows["reach"].capped and not rows["aov"].capped


def test_an_absolute_ceiling_binds_beside_a_multiple(engine: Any, load: Any) -> None:
    project = load(SPECS_DIR)
    base = reference_baseline(engine)
    baseline = fetch_baseline(project, project.targets[TARGET], engine)
    spec = with_drivers(project.targets[TARGET],
                        conversion=DriverSpec(metric="conversion", cap=1.5, ceiling=0.9),
                        aov=DriverSpec(metric="aov", ceiling=base["aov"] * 1.8))
    plan = allocate(spec, baseline)
    rows = {row.metric: row for row in plan.drivers}
    multiplier = plan.target_value / base["revenue"]
    expected = {"conversion": 0.9 / base["conversion"], "aov": 1.8}
    expected["reach"] = multiplier / expected["conversion"] / expected["aov"]
    assert {name: rows[name].multiplier for name in expected} == pytest.approx(expected, rel=1e-9)
    assert rows["conversion"].target == pytest.approx(0.9, rel=1e-9)
    assert rows["aov"].target == pytest.approx(base["aov"] * 1.8, rel=1e-9)
    assert rows["conversion"].capped and rows["aov"].capped and not rows["reach"].capped


def test_ceilings_that_cannot_reach_the_target_are_an_error(engine: Any, load: Any) -> None:
    project = load(SPECS_DIR)
    base = reference_baseline(engine)
    baseline = fetch_baseline(project, project.targets[TARGET], engine)
    spec = with_drivers(project.targets[TARGET],
                        aov=DriverSpec(metric="aov", ceiling=base["aov"] * 2),
                        reach=DriverSpec(metric="reach", ceiling=base["reach"] * 3))
    reach = 2 * 3 / base["conversion"]
    needed = round(base["revenue"] * 10, -4) / base["revenue"]
    with pytest.raises(InfeasibleTarget, match=rf"caps reach at most {reach:.4g}x of the needed {needed:.4g}x"):
        allocate(spec, baseline)


def test_cap_forms_are_checked(tmp_path: Path) -> None:
    for name in ("sources.metric", "dimensions.metric", "metrics.metric"):
        shutil.copy(SPECS_DIR / name, tmp_path / name)
    (tmp_path / "t.metric").write_text(
        'metric reach = count_distinct(calls.customer_id)\n'
        'metric conversion = buyers / reach { unit: "%" }\n'
        "decompose buyers = reach * conversion\n"
        "target t {\n  metric: revenue\n  period: 2027\n  growth: 10x\n"
        "  tree: revenue = aov * buyers, buyers = reach * conversion\n"
        "  cap: conversion <= 1.5x, conversion <= 2, conversion <= 1.2x, aov <= 9000, reach <= 0.5\n}\n",
        encoding="utf-8")
    loaded = load(tmp_path)
    assert loaded.diagnostics == []
    assert loaded.model is not None
    assert loaded.model.targets["t"].drivers == {
        "conversion": DriverSpec(metric="conversion", cap=1.2, ceiling=1.0),  # the tighter of each kind; % → 1
        "aov": DriverSpec(metric="aov", ceiling=9000.0),
        "reach": DriverSpec(metric="reach", ceiling=0.5),
    }
