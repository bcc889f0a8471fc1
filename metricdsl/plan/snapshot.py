"""A query plan as plain JSON data: reviewable snapshots beside the SQL goldens (as MetricFlow keeps
its dataflow plans beside per-engine SQL), so a planner change shows up once, not as three SQL diffs.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from pydantic import BaseModel

from metricdsl.plan.nodes import QueryPlan


def plain(value: Any) -> Any:
    """Dataclasses as objects tagged with their class, IR models as their JSON, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                  if not (f.metadata.get("omit_empty") and not getattr(value, f.name))}
        return {"node": type(value).__name__, **fields}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def plan_json(plan: QueryPlan) -> str:
    """The plan as indented JSON, stable from run to run."""
    return json.dumps(plain(plan), indent=2, ensure_ascii=False, default=str) + "\n"
