"""Metrics that each use the previous one twice: the plan shares every sub-metric (planned once per
filters, shift and window) and the SQL computes each shared value once, so plan, snapshot and SQL
grow linearly with the number of levels (they doubled with every level: 1.2 MB of SQL at 14)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from metricdsl.api import build_query, compile_sql, load_project
from metricdsl.plan.nodes import Compute, QueryPlan, Value
from metricdsl.plan.planner import plan_query
from metricdsl.plan.snapshot import plan_json
from metricdsl.sql.shared import SHARE_SIZE, shared_levels

SOURCE = """
source orders {
  table: orders
  time: order_date
  key: order_id
  columns { order_id: int, order_date: date, channel: string, amount: decimal(10, 2) }
}
dimension channel = orders.channel
metric m0 = sum(orders.amount)
"""


def chain(folder: Path, levels: int, step: str = "m{p} + m{p} / 2") -> Any:
    text = SOURCE + "".join(f"metric m{i} = {step.format(p=i - 1)}\n" for i in range(1, levels + 1))
    text += f"metric phone_top = m{levels} where channel = 'phone'\nmetric top_ly = lag(m{levels}, 1 year)\n"
    folder.mkdir()
    (folder / "spec.metric").write_text(text, encoding="utf-8")
    return load_project(folder)


def distinct_values(plan: QueryPlan) -> int:
    seen: set[int] = set()
    stack: list[Value] = [o.value for o in plan.metrics]
    while stack:
        value = stack.pop()
        if id(value) not in seen:
            seen.add(id(value))
            stack.extend(value.args if isinstance(value, Compute) else ())
    return len(seen)


def sizes(tmp_path: Path, levels: int, **request: Any) -> tuple[int, int, int]:
    project = chain(tmp_path / f"chain{levels}", levels)
    metrics = [f"m{levels}", "phone_top", *(["top_ly"] if request.get("by") else [])]
    plan = plan_query(project, build_query(project, metrics=metrics, **request))
    sql = compile_sql(project, metrics=metrics, **request)
    compact = json.dumps(json.loads(plan_json(plan)), separators=(",", ":"))  # indentation grows with depth
    return distinct_values(plan), len(compact), len(sql)


@pytest.mark.parametrize("request_", [{}, {"by": ["time.month", "channel"], "period": "2026"}])
def test_plan_and_sql_grow_linearly(tmp_path: Path, request_: dict[str, Any]) -> None:
    small, medium, large = (sizes(tmp_path, n, **request_) for n in (10, 20, 30))
    for kind, (a, b, c) in zip(("plan values", "plan snapshot", "SQL"), zip(small, medium, large)):
        assert a < b < c, kind
        assert abs((c - b) - (b - a)) <= 0.05 * (c - b), f"{kind} does not grow linearly: {a}, {b}, {c}"
    assert large[2] < 40_000  # three metrics over 30 levels (it was megabytes)


def test_growth_chains_grow_with_their_distinct_sub_metrics(tmp_path: Path) -> None:
    """`growth` reads its argument twice (now and a year earlier): level i needs m(i-1) at i shifts,
    so there are about n²/2 distinct sub-metrics, and the SQL holds each once."""
    sql_sizes = []
    for levels in (10, 20):
        project = chain(tmp_path / f"growth{levels}", levels, step="growth(m{p}, 1 year) + m{p}")
        sql = compile_sql(project, metrics=[f"m{levels}"], by=["time.year"], period="2026")
        distinct = levels * (levels + 1) // 2
        assert len(sql) < 600 * distinct
        sql_sizes.append(len(sql))
    assert sql_sizes[1] < 5 * sql_sizes[0]  # quadratic (4x), not exponential (1024x)


def test_small_shared_values_are_repeated_inline() -> None:
    """A value read twice but small (below SHARE_SIZE nodes) is written twice: ordinary queries keep their shape."""
    from metricdsl.plan.nodes import MeasureRef

    ratio = Compute("/", (MeasureRef("a", True), MeasureRef("b", True)))
    big = ratio
    for _ in range(SHARE_SIZE):
        big = Compute("+", (big, MeasureRef("c", True)))
    levels = shared_levels([ratio, Compute("*", (ratio, ratio)), big, Compute("-", (big, big))], {"shared_1"})
    assert [[v.value for v in level] for level in levels] == [[big]]
    assert levels[0][0].column == "shared_1_2"  # fresh against the names taken
