"""`metricdsl verify`: residuals of empirical decompositions on data; exact ones are proven."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.paths import SPECS_DIR

from metricdsl.cli import main

EMPIRICAL = """
metric paid_orders = count(orders) where orders.status = 'paid'
metric mean_amount = avg(orders.amount) where orders.status = 'paid'
metric refund_size = avg(orders.amount) where orders.status = 'refunded'
decompose revenue = paid_orders * mean_amount   # true on data: avg × count = sum, but not provable
"""
FALSE = "decompose cost = paid_orders * refund_size  # false on data\n"


def project(tmp_path: Path, extra: str) -> Path:
    folder = tmp_path / "p"
    shutil.copytree(SPECS_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (folder / "extra.metric").write_text(extra, encoding="utf-8")
    return folder


def verify(*args: str) -> Any:
    return CliRunner().invoke(main, ["verify", *args], catch_exceptions=False)


def test_an_empirical_identity_that_holds_on_data(tmp_path: Path) -> None:
    result = verify(str(project(tmp_path, EMPIRICAL)), "--by", "product")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "paid_orders * mean_amount" in line)
    assert "empirical" in row and "ok" in row and "12" in row
    assert result.stdout.count("exact (proven)") == 5  # the example's decompositions


def test_a_false_identity_fails_with_its_residual(tmp_path: Path, postgres_url: str) -> None:
    folder = project(tmp_path, EMPIRICAL + FALSE)
    for db in ([], ["--db", postgres_url]):
        if db:
            CliRunner().invoke(main, ["seed", str(folder), "--db", postgres_url, "--replace"], catch_exceptions=False)
        result = verify(str(folder), *db)
        assert result.exit_code == 1
        row = next(line for line in result.stdout.splitlines() if "cost = paid_orders * refund_size" in line)
        assert "FAIL" in row and "(overall)" in row
        assert result.stderr == "error: 1 decomposition(s) exceed the tolerance 1e-09 or could not be measured\n"


def test_tolerance_and_residual_values(tmp_path: Path) -> None:
    from metricdsl.api import load_project
    from metricdsl.ir.printing import equation
    from metricdsl.runtime.verify import measure
    from metricdsl.runtime.warehouse import connect

    folder = project(tmp_path, EMPIRICAL + FALSE)
    model = load_project(folder)
    with connect() as warehouse:
        warehouse.load_data(model, folder / "data", replace=True)
        results = {equation(r.decomposition): r for r in measure(model, warehouse, period="2026")}
        cost = warehouse.execute("SELECT SUM(cost), COUNT(*) FROM dw.fact_orders o WHERE status = 'paid' "
                                 "AND order_date BETWEEN DATE '2026-01-01' AND DATE '2026-12-31'").rows[0]
        price = warehouse.execute("SELECT AVG(amount) FROM dw.fact_orders WHERE status = 'refunded' "
                                  "AND order_date BETWEEN DATE '2026-01-01' AND DATE '2026-12-31'").rows[0][0]
    expected = abs(float(cost[0]) - cost[1] * float(price)) / float(cost[0])
    assert results["cost = paid_orders * refund_size"].worst == pytest.approx(expected, rel=1e-9)
    holds = results["revenue = paid_orders * mean_amount"]
    assert not holds.exact and holds.worst is not None and holds.worst < 1e-12
    assert results["revenue = aov * buyers"].exact and results["revenue = aov * buyers"].worst is None
    assert verify(str(folder), "--period", "2026", "--tolerance", f"{expected * 1.01}").exit_code == 0
