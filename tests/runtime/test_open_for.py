"""`open_for`: which CSVs a warehouse holds before `run`, `verify` and `plan` query it (the data-folder rule)."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest

from metricdsl.api import load_project
from metricdsl.ir import model as m
from metricdsl.runtime.warehouse import DataFolderMissing, Warehouse, data_folder, load_for, open_for

SPECS = Path(__file__).resolve().parent.parent.parent / "specs"
ALL_TABLES = ["dw.dim_agent", "dw.dim_customer", "dw.dim_product", "dw.fact_balances", "dw.fact_calls",
              "dw.fact_orders"]


@cache
def specs() -> m.Project:
    return load_project(SPECS)


def tables(warehouse: Warehouse) -> list[str]:
    rows = warehouse.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables "
                             "ORDER BY 1").rows
    return [row[0] for row in rows]


def csv_rows(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) - 1


def test_in_memory_duckdb_holds_the_projects_data() -> None:
    assert data_folder(SPECS, None, None) == SPECS / "data"
    with open_for(specs(), SPECS, None, None) as warehouse:
        assert warehouse.dialect == "duckdb"
        assert tables(warehouse) == ALL_TABLES
        orders = warehouse.execute('SELECT COUNT(*) FROM "dw"."fact_orders"').rows[0][0]
        assert orders == csv_rows(SPECS / "data" / "dw.fact_orders.csv")


def test_an_explicit_data_folder_is_loaded_instead(tmp_path: Path) -> None:
    shutil.copy(SPECS / "data" / "dw.dim_product.csv", tmp_path)
    with open_for(specs(), SPECS, None, tmp_path) as warehouse:
        assert tables(warehouse) == ["dw.dim_product"]


def test_a_named_database_gets_no_data_unless_asked(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    assert data_folder(SPECS, url, None) is None
    with open_for(specs(), SPECS, url, None) as warehouse:
        assert tables(warehouse) == []
        assert sorted(load_for(warehouse, specs(), SPECS, url, SPECS / "data")) == ALL_TABLES
    with open_for(specs(), SPECS, url, None) as warehouse:
        assert tables(warehouse) == ALL_TABLES  # the file kept what was loaded, and nothing was reloaded


def test_a_project_given_as_a_file_has_no_default_data() -> None:
    assert data_folder(SPECS / "queries.metric", None, None) is None


def test_a_missing_data_folder_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(DataFolderMissing, match=f"^data folder {missing} does not exist$"):
        open_for(specs(), SPECS, None, missing)
