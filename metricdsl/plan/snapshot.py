"""A query plan as plain JSON data: reviewable snapshots beside the SQL goldens (as MetricFlow keeps
its dataflow plans beside per-engine SQL), so a planner change shows up once, not as three SQL diffs.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from pydantic import BaseModel

from metricdsl.plan.nodes import Compute, QueryPlan, Value


def plain(value: Any, shared: dict[int, int] | None = None, written: set[int] | None = None) -> Any:
    """Dataclasses as objects tagged with their class, IR models as their JSON, tuples as lists.

    A value in `shared` (id → number; a `Compute` that several metrics read) is written out in full
    once, tagged `"shared": n`, and after that as `{"node": "Compute", "shared": n}`, so the snapshot
    of a metric that uses another twice per level grows linearly, as the plan does."""
    shared = {} if shared is None else shared
    written = set() if written is None else written
    if id(value) in shared:
        if id(value) in written:
            return {"node": type(value).__name__, "shared": shared[id(value)]}
        written.add(id(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: plain(getattr(value, f.name), shared, written) for f in dataclasses.fields(value)
                  if not (f.metadata.get("omit_empty") and not getattr(value, f.name))}
        tag = {"shared": shared[id(value)]} if id(value) in shared else {}
        return {"node": type(value).__name__, **fields, **tag}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, (list, tuple)):
        return [plain(item, shared, written) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item, shared, written) for key, item in value.items()}
    return value


def shared_values(plan: QueryPlan) -> dict[int, int]:
    """The `Compute` values read more than once (by several metrics or twice by one), numbered in
    the order they are first met."""
    uses: dict[int, int] = {}
    order: list[int] = []
    stack: list[Value] = [o.value for o in reversed(plan.metrics)]
    while stack:
        value = stack.pop()
        if not isinstance(value, Compute):
            continue
        uses[id(value)] = uses.get(id(value), 0) + 1
        if uses[id(value)] == 1:
            order.append(id(value))
            stack.extend(reversed(value.args))
    return {key: n for n, key in enumerate((k for k in order if uses[k] > 1), start=1)}


def plan_json(plan: QueryPlan) -> str:
    """The plan as indented JSON, stable from run to run."""
    return json.dumps(plain(plan, shared_values(plan)), indent=2, ensure_ascii=False, default=str) + "\n"
