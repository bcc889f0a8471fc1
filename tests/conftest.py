"""Fixtures for the acceptance tests: warehouses on DuckDB and PostgreSQL.

* ``duckdb_url``   — an in-memory DuckDB (``duckdb:///:memory:``).
* ``postgres_url`` — a fresh database ``metricdsl_test_<random>`` on 127.0.0.1:5432 (user
  postgres, or the admin URL in ``METRICDSL_TEST_PG_ADMIN``), created for the session and
  dropped at its end.  Unreachable server: the test is skipped with the reason, unless
  ``CI=true``, where it fails.
* ``engine``       — parametrized over ``duckdb`` and ``postgres``: a connected
  ``metricdsl.runtime.warehouse`` Warehouse, one per engine for the whole session.
* ``dialect``      — the ``compile_sql`` dialect that goes with the current ``engine``.
* ``spark``        — a local Spark session (pyspark, local mode) for the whole test session.
  Java or pyspark missing: the test is skipped with the reason, unless ``CI=true``, where it
  fails.
* ``load``         — ``load(project_dir) -> Project``: loads the project with
  ``metricdsl.api.load_project`` and its ``data/`` into the current engine (once per engine
  while consecutive tests use the same project; see ``support/projects.py``).

Helpers live in ``tests/support/`` and are imported as ``support.<module>``: pytest puts
``tests/`` on ``sys.path`` (``pythonpath`` in pyproject.toml).

metricdsl is imported inside fixtures only, so that collecting any test file never fails
while the compiler is incomplete.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from support.projects import forget, load_into

# The compiler's caches go to a folder of this test session, never to the user's ~/.cache.
os.environ.setdefault("METRICDSL_CACHE_DIR", tempfile.mkdtemp(prefix="metricdsl-test-cache-"))
os.environ.setdefault("METRICDSL_CACHE_KEY_FILE",  # and its signing key too, never the user's ~/.config
                      os.path.join(tempfile.mkdtemp(prefix="metricdsl-test-key-"), "cache.key"))

pytest_plugins = ["fuzz.fuzz_fixtures"]  # the differential fuzzer's warehouses and hypothesis profiles

PG_ADMIN_URL = os.environ.get("METRICDSL_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
ENGINES = ("duckdb", "postgres")
DIALECTS = {"duckdb": "duckdb", "postgres": "postgres"}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: PostgreSQL is required)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def strict_ir() -> Iterator[None]:
    """Every IR node built in this process is validated strictly (the CLI run in a subprocess builds
    them unvalidated, as users run it: see `metricdsl.ir.model.Frozen`)."""
    from metricdsl.ir.model import validate_construction

    validate_construction(True)
    yield
    validate_construction(False)


@pytest.fixture(scope="session")
def duckdb_url() -> str:
    return "duckdb:///:memory:"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
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
    name = f"metricdsl_test_{secrets.token_hex(6)}"
    # C collation: strings sort by code point on PostgreSQL as they do on DuckDB, so `order`
    # over Chinese names gives the same rows on both (collation is the engine's, not the
    # language's business).
    admin.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
    parts = urlsplit(PG_ADMIN_URL)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A connected ``metricdsl.runtime.warehouse`` Warehouse on DuckDB or PostgreSQL."""
    url = request.getfixturevalue(f"{request.param}_url")
    from metricdsl.runtime import warehouse

    connection = warehouse.connect(url)
    try:
        yield connection
    finally:
        forget(connection)
        connection.close()


@pytest.fixture
def dialect(request: pytest.FixtureRequest, engine: Any) -> str:
    """The dialect to compile for the current ``engine``."""
    return DIALECTS[request.node.callspec.params["engine"]]


@pytest.fixture
def load(engine: Any) -> Callable[[Path], Any]:
    """``load(project_dir)``: the loaded Project, with its data in the current engine."""

    def _load(project_dir: Path) -> Any:
        return load_into(engine, project_dir)

    return _load


def _spark_unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: Spark is required)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Spark session for the whole test session, tuned for tiny tables."""
    import shutil

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        _spark_unavailable("Java is not installed: Spark needs a Java 17+ runtime (apt-get install openjdk-17-jre)")
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        _spark_unavailable(f"pyspark is not installed: {exc} (pip install -e '.[test]')")
        raise
    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    settings = {
        "spark.sql.warehouse.dir": str(warehouse),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": "1",
        "spark.default.parallelism": "1",
        "spark.sql.adaptive.enabled": "false",
        "spark.sql.codegen.wholeStage": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={warehouse}",
    }
    builder = SparkSession.builder.master("local[2]").appName("metricdsl-tests")
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:
        _spark_unavailable(f"Spark did not start: {exc}")
        raise
    session.sparkContext.setLogLevel("OFF")
    try:
        yield session
    finally:
        session.stop()
