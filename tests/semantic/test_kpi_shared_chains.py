"""The balance and cohort checks follow referenced metrics once per metric: over a chain where each
metric uses the previous one twice, a check that expanded every reference took 2^n steps."""

from __future__ import annotations

import time
from pathlib import Path

from metricdsl.api import compile_sql, load_project

SPEC = """
source orders {
  table: orders
  time: order_date
  key: order_id
  columns { order_id: int, order_date: date, customer_id: int, amount: decimal(10, 2) }
}
metric m0 = sum(orders.amount)
"""


def test_balance_and_cohort_checks_over_a_shared_chain(tmp_path: Path) -> None:
    levels = 40
    text = SPEC + "".join(f"metric m{i} = m{i - 1} + m{i - 1} / 2\n" for i in range(1, levels + 1))
    text += (f"metric top_close = closing(m{levels})\nmetric top_ytd = cumulative(m{levels}, year)\n"
             f"metric top_ly = lag(m{levels}, 1 year)\n")
    (tmp_path / "spec.metric").write_text(text, encoding="utf-8")
    started = time.perf_counter()
    project = load_project(tmp_path)
    sql = compile_sql(project, metrics=["top_close", "top_ytd", "top_ly"], by=["time.month"], period="2026")
    assert time.perf_counter() - started < 20
    assert "orders" in sql and project.metrics["top_close"].additive
