"""`verify` / `verify --keys`: duplicated join keys and `key:` keys are found on DuckDB and PostgreSQL."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from metricdsl.cli import main
from metricdsl.pipeline.load import load_project
from metricdsl.runtime.keys import check_keys, promises
from metricdsl.runtime.warehouse import Warehouse, connect

SCHEMA = f"keys_{secrets.token_hex(4)}"
SPEC = f"""
source orders {{
  table: {SCHEMA}.orders
  key: order_id
  columns {{ order_id: bigint, customer_id: bigint, amount: decimal(18, 2) }}
  join customers on customer_id = customers.customer_id
}}
source customers {{
  table: {SCHEMA}.customers
  key: customer_id
  columns {{ customer_id: bigint, segment: string }}
}}
dimension segment = customers.segment
metric revenue = sum(orders.amount)
"""
ORDERS = "order_id,customer_id,amount\n1,7,100\n2,9,50\n3,1,40\n3,1,0\n4,,5\n"
CUSTOMERS = "customer_id,segment\n1,A\n7,A\n7,B\n9,A\n9,B\n9,C\n2,A\n2,A\n8,B\n8,B\n,A\n,B\n"


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Warehouse, Path]]:
    url = request.getfixturevalue(f"{request.param}_url")
    (tmp_path / "spec.metric").write_text(SPEC, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / f"{SCHEMA}.orders.csv").write_text(ORDERS, encoding="utf-8")
    (tmp_path / "data" / f"{SCHEMA}.customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    connection = connect(url)
    connection.load_data(load_project(tmp_path), tmp_path / "data")
    try:
        yield connection, tmp_path
    finally:
        if connection.dialect == "postgres":
            connection.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        connection.close()


def expected_duplicates(csv_text: str, column: int) -> Counter[int]:
    keys = Counter(int(line.split(",")[column]) for line in csv_text.splitlines()[1:] if line.split(",")[column])
    return Counter({key: n for key, n in keys.items() if n > 1})


def test_duplicated_keys_are_counted_with_examples(warehouse: tuple[Warehouse, Path]) -> None:
    connection, folder = warehouse
    model = load_project(folder)
    assert [p.label for p in promises(model)] == ["orders → customers (customer_id)", "orders key (order_id)"]
    joined, own = check_keys(model, connection)
    customers = expected_duplicates(CUSTOMERS, 0)  # {7: 2, 9: 3, 2: 2, 8: 2}; NULL keys never match
    assert joined.duplicates == len(customers) == 4
    ranked = sorted(customers.items(), key=lambda kv: (-kv[1], kv[0]))
    assert [(values[0], n) for values, n in joined.examples] == ranked
    assert own.duplicates == 1 and own.examples == (((3,), 2),)
    # what the duplicate does: revenue through the join counts an order once per copy of its customer
    counted = connection.execute(f'SELECT SUM(o.amount) FROM "{SCHEMA}"."orders" o '
                                 f'LEFT JOIN "{SCHEMA}"."customers" c ON o.customer_id = c.customer_id').rows[0][0]
    assert float(counted) == 100 * 2 + 50 * 3 + 40 + 0 + 5 != 195


def test_verify_fails_and_names_the_keys(tmp_path: Path) -> None:
    (tmp_path / "spec.metric").write_text(SPEC, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / f"{SCHEMA}.orders.csv").write_text(ORDERS, encoding="utf-8")
    (tmp_path / "data" / f"{SCHEMA}.customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", str(tmp_path), "--keys"])  # the embedded DuckDB with data/
    assert result.exit_code == 1, result.output
    assert "9 ×3; 2 ×2; 7 ×2; 8 ×2" in result.stdout and "3 ×2" in result.stdout
    assert result.stderr == "error: 2 key(s) are not unique or could not be checked\n"
    plain = CliRunner().invoke(main, ["verify", str(tmp_path)])  # plain verify checks the keys too
    assert plain.exit_code == 1 and "declares no decompositions" in plain.stdout
    assert plain.stderr == result.stderr


def test_verify_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    (tmp_path / "spec.metric").write_text(SPEC, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / f"{SCHEMA}.orders.csv").write_text(ORDERS, encoding="utf-8")
    (tmp_path / "data" / f"{SCHEMA}.customers.csv").write_text(CUSTOMERS, encoding="utf-8")
    try:
        seeded = CliRunner().invoke(main, ["seed", str(tmp_path), "--db", postgres_url])
        assert seeded.exit_code == 0, seeded.output
        result = CliRunner().invoke(main, ["verify", str(tmp_path), "--keys", "--db", postgres_url])
        assert result.exit_code == 1 and "9 ×3; 2 ×2; 7 ×2; 8 ×2" in result.stdout, result.output
    finally:
        with connect(postgres_url) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


def test_keys_only_refuses_decomposition_options(tmp_path: Path) -> None:
    (tmp_path / "spec.metric").write_text(SPEC, encoding="utf-8")
    result = CliRunner().invoke(main, ["verify", str(tmp_path), "--keys", "--tolerance", "0.1"])
    assert result.exit_code == 2
    assert result.stderr == "error: --tolerance measure(s) decompositions and does not apply with --keys\n"


def test_unique_keys_pass() -> None:
    from support.paths import SPECS_DIR

    result = CliRunner().invoke(main, ["verify", str(SPECS_DIR), "--keys"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count(" ok ") == 6  # specs/customers.metric: balances → products and its key
