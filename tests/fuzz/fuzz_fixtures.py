"""Fixtures of the differential fuzzer (a pytest plugin, registered by ``tests/conftest.py``).

Not a ``conftest.py``: a second module named ``conftest`` would shadow ``tests/conftest.py`` for
the test modules that import from it, and a plugin loaded at start-up lets
``--hypothesis-profile=deep`` work for any selection of tests.

One DuckDB and one PostgreSQL warehouse hold the data of every corpus schema the fuzzer draws
from (``fuzz_model.WORLDS``), loaded once per session.

The PostgreSQL database is created with an ICU (``en-US``) collation, not ``C``: LANGUAGE.md §3
fixes string order to code points on every engine, so the SQL must say so itself and a
natural-language default collation must not change any answer.  Unreachable server: the tests
are skipped with the reason, unless ``CI=true``, where they fail (as in ``tests/conftest.py``).

Also registers the hypothesis profile ``deep`` (``pytest --hypothesis-profile=deep tests/fuzz``).
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the fuzzer's modules, as its tests import them
import fuzz_profiles
from fuzz_model import WORLDS

PG_ADMIN_URL = os.environ.get("METRICDSL_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")

settings.register_profile("deep", fuzz_profiles.deep())


def pytest_configure(config: pytest.Config) -> None:
    fuzz_profiles.active["profile"] = config.getoption("hypothesis_profile", None) or "default"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: PostgreSQL is required)", pytrace=False)
    pytest.skip(reason)


def _create_database(admin: Any, name: str) -> str:
    """A database with a natural-language collation; returns the collation it got."""
    import psycopg

    try:
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' "
                      "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
        return "ICU en-US"
    except psycopg.Error:  # a server without ICU: its default collation
        admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
        return "server default"


@pytest.fixture(scope="session")
def fuzz_postgres_url() -> Iterator[str]:
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a test dependency
        _unavailable(f"psycopg is not installed: {exc}")
        raise
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        _unavailable(f"PostgreSQL is unreachable at {PG_ADMIN_URL}: {exc}".strip())
        raise
    name = f"metricdsl_fuzz_{secrets.token_hex(6)}"
    _create_database(admin, name)
    parts = urlsplit(PG_ADMIN_URL)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.fixture(scope="session")
def fuzz_engines(fuzz_postgres_url: str) -> Iterator[dict[str, Any]]:
    """``{"duckdb": Warehouse, "postgres": Warehouse}``, each with every world's tables."""
    from metricdsl.api import load_project
    from metricdsl.runtime import warehouse

    engines = {"duckdb": warehouse.connect("duckdb:///:memory:"), "postgres": warehouse.connect(fuzz_postgres_url)}
    try:
        for world in WORLDS.values():
            project = load_project(world.folder)
            for engine in engines.values():
                engine.load_data(project, world.data_dir, replace=True)
        yield engines
    finally:
        for engine in engines.values():
            engine.close()
