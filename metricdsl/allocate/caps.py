"""Absolute caps (LANGUAGE.md §9): `cap: conversion <= 0.95`, and the ceiling 1 of a `%` driver.

The engine shares the uplift in multipliers, so an absolute ceiling becomes the multiplier cap
ceiling / baseline of that driver; with a multiplier cap too, the tighter one holds. A driver
without a positive baseline keeps its multiplier cap only (its target is left empty anyway).
"""

from __future__ import annotations

from metricdsl.allocate.models import Baseline, DriverSpec, TargetSpec


def effective_driver(spec: TargetSpec, baseline: Baseline, metric: str) -> DriverSpec:
    """The driver's settings with its ceiling folded into `cap` (a multiple of its baseline)."""
    driver = spec.driver(metric)
    base = baseline.total if metric == spec.metric else baseline.drivers.get(metric)
    if driver.ceiling is None or base is None or base <= 0:
        return driver
    limit = driver.ceiling / base
    cap = limit if driver.cap is None else min(driver.cap, limit)
    return driver.model_copy(update={"cap": cap})
