"""What the SQL benchmarks share: timing one statement, and a PostgreSQL database of their own."""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def timed(run: Callable[[str], Any], sql: str) -> float:
    """Seconds `run(sql)` takes (the rows fetched)."""
    start = time.perf_counter()
    run(sql)
    return time.perf_counter() - start


@contextmanager
def postgres_database(name: str) -> Iterator[str | None]:
    """The URL of a new, empty database `name` on the server of METRICDSL_BENCH_PG (default
    127.0.0.1:5432, user postgres), dropped afterwards; None, with a message, when no server answers."""
    import psycopg

    admin = os.environ.get("METRICDSL_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name}")
            connection.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as error:
        print(f"PostgreSQL skipped: no server at {admin} ({str(error).strip().splitlines()[0]})")
        yield None
        return
    try:
        yield admin.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name}")


def engine_arguments(doc: str | None, rows: int, pg_rows: int, repeat: int, what: str = "rows") -> argparse.Namespace:
    """The command line of a benchmark on DuckDB and PostgreSQL: --rows, --pg-rows, --repeat, --no-postgres."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=rows, help=f"DuckDB {what} (default {rows // 1_000_000}M)")
    parser.add_argument("--pg-rows", type=int, default=pg_rows,
                        help=f"PostgreSQL {what} (default {pg_rows // 1_000_000}M)")
    parser.add_argument("--repeat", type=int, default=repeat)
    parser.add_argument("--no-postgres", action="store_true")
    return parser.parse_args()
