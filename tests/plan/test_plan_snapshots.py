"""Plan snapshots: the query plan of every golden case, as JSON beside the SQL goldens.

Regenerate after an intended planner change and review with ``git diff tests/golden/plans``::

    METRICDSL_UPDATE_GOLDENS=1 python -m pytest tests/plan/test_plan_snapshots.py
"""

from __future__ import annotations

import json
import os

import pytest
from golden.cases import GOLDEN_DIR, UPDATE_ENV, Case, all_cases, load
from sql.test_golden import unified_diff

from metricdsl.api import build_query
from metricdsl.plan.planner import plan_query
from metricdsl.plan.snapshot import plan_json

CASES = all_cases()
PLANS = GOLDEN_DIR / "plans"


def snapshot(case: Case) -> str:
    project = load(case.path)
    return plan_json(plan_query(project, build_query(project, query=case.query)))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_plan_matches_snapshot(case: Case) -> None:
    actual = snapshot(case)
    path = PLANS / f"{case.id}.json"
    if os.environ.get(UPDATE_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"no plan snapshot {path.name}; run with {UPDATE_ENV}=1"
    diff = unified_diff(path.read_text(encoding="utf-8"), actual, f"plans/{path.name}")
    assert not diff, f"the plan differs from its snapshot ({UPDATE_ENV}=1 to accept):\n{diff}"


def test_a_snapshot_names_every_scan_and_output() -> None:
    case = next(c for c in CASES if c.id == "specs__monthly_kpi")
    data = json.loads(snapshot(case))
    assert data["node"] == "QueryPlan" and data["name"] == "monthly_kpi"
    assert [d["column"] for d in data["dims"]] == ["time_month"]
    assert [m["name"] for m in data["metrics"]] == ["revenue", "cost", "profit", "margin_rate", "buyers",
                                                    "order_count", "aov", "repeat_buyers", "repeat_rate"]
    assert {s["source"] for s in data["scans"]} == {"orders"}
    assert all(s["node"] == "Scan" for s in data["scans"])
    revenue = next(m for s in data["scans"] for m in s["measures"] if m["column"] == "revenue")
    assert (revenue["func"], revenue["arg"], revenue["condition"]["op"]) == (
        "sum", {"kind": "col", "source": "orders", "column": "amount"}, "=")
