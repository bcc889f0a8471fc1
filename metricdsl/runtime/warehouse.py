"""Running SQL: an embedded DuckDB or a PostgreSQL server, and loading a project's sample data.

Sample data lives in `<project>/data/<table>.csv` (named after the source's `table:`), and is
loaded into tables created from the sources' declared column types: every file read and checked
first (`csvdata`), then every table replaced in one transaction, so a failure leaves the database
as it was. A table that already holds rows is replaced only when asked (`replace=True`, `--replace`).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

from sqlglot import exp

from metricdsl.errors import DataLoadFailed, MissingData, TablesNotEmpty, WarehouseError
from metricdsl.ir import model as m
from metricdsl.runtime.csvdata import CsvProblems, CsvTable, read_table
from metricdsl.source import display_path
from metricdsl.sql.types import sql_type, table_ref

CONNECT_TIMEOUT_SECONDS = 10


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


class Warehouse:
    dialect = "duckdb"

    def __init__(self) -> None:
        # tables that a query may read but that are neither in the database nor in the data folder
        self.missing_data: dict[str, Path] = {}

    def execute(self, sql: str) -> QueryResult:
        try:
            return self._execute(sql)
        except WarehouseError:
            self._explain_missing(sql)
            raise

    def _execute(self, sql: str) -> QueryResult:
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[None]:
        raise NotImplementedError
        yield

    def run_script(self, statements: Iterable[str]) -> None:
        for statement in statements:
            self.execute(statement)

    def insert_rows(self, table: exp.Table, data: CsvTable) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def discard(self) -> None:
        """Close after a failed command: a database file this connection created is removed again."""
        self.close()

    def load_data(self, project: m.Project, data_dir: Path | str, *, replace: bool = False) -> list[str]:
        """Create every source table that has a CSV in data_dir and load it; returns the tables loaded.

        All or nothing: raises DataLoadFailed (the files' problems) or TablesNotEmpty (tables with rows
        and not `replace`) before touching anything, and WarehouseError (the transaction rolled back).
        """
        tables, problems, shown, missing = [], [], {}, {}
        for source in project.sources.values():
            path = Path(data_dir) / (".".join(source.table) + ".csv")
            if not path.is_file():
                if source.columns is not None:
                    missing[".".join(source.table)] = path
                continue
            if source.columns is None:
                raise WarehouseError(f"source `{source.name}` declares no columns, so its table cannot be created")
            read = read_table(source, path)
            if isinstance(read, CsvProblems):
                problems.extend(read.diagnostics)
                if read.shown is not None:
                    shown[read.shown.path] = read.shown
            else:
                tables.append(read)
        if problems:
            raise DataLoadFailed(problems, shown)
        occupied = [".".join(t.source.table) for t in tables if self.has_rows(t.source.table)]
        if occupied and not replace:
            raise TablesNotEmpty(f"table(s) {', '.join(occupied)} already hold rows; nothing was loaded "
                                 f"(replace them with --replace)")
        with self.transaction():
            for read in tables:
                self._replace_table(read)
        self.missing_data = {name: path for name, path in missing.items()
                             if not self.table_exists(tuple(name.split(".")))}
        return [".".join(t.source.table) for t in tables]

    def _replace_table(self, read: CsvTable) -> None:
        source, table = read.source, table_ref(read.source.table)
        assert source.columns is not None
        if len(source.table) > 1:
            self.execute(exp.Create(this=exp.Table(this=exp.to_identifier(source.table[-2], quoted=True)),
                                    kind="SCHEMA", exists=True).sql(self.dialect))
        self.execute(exp.Drop(tables=[table.copy()], kind="TABLE", exists=True).sql(self.dialect))
        self.execute(create_table(table, source.columns).sql(self.dialect))
        try:
            self.insert_rows(table, read)
        except WarehouseError as error:
            raise WarehouseError(f"{display_path(read.path)}: the database refused the data: {error}") from None

    def table_exists(self, parts: tuple[str, ...]) -> bool:
        schema: exp.Expression = (exp.Literal.string(parts[-2]) if len(parts) > 1
                                  else exp.Anonymous(this="current_schema", expressions=[]))
        query = exp.select(exp.func("count", exp.Star())).from_(exp.table_("tables", db="information_schema")).where(
            exp.and_(exp.column("table_schema").eq(schema), exp.column("table_name").eq(exp.Literal.string(parts[-1]))))
        return bool(self.execute(query.sql(self.dialect)).rows[0][0])

    def has_rows(self, parts: tuple[str, ...]) -> bool:
        if not self.table_exists(parts):
            return False
        probe = exp.select(exp.Literal.number(1)).from_(table_ref(parts)).limit(1)
        return bool(self.execute(probe.sql(self.dialect)).rows)

    def _explain_missing(self, sql: str) -> None:
        for name, path in self.missing_data.items():
            if table_ref(tuple(name.split("."))).sql(self.dialect) in sql:
                raise MissingData(f"no data for table {name}: {display_path(path)} does not exist "
                                  f"(the data folder holds one <schema.table>.csv per source)") from None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None or (kind is SystemExit and _exit_code(exc[0]) == 0):
            self.close()
        else:
            self.discard()


def _exit_code(error: object) -> object:
    return error.code if isinstance(error, SystemExit) else None


def create_table(table: exp.Table, columns: dict[str, str]) -> exp.Create:
    defs = [exp.ColumnDef(this=exp.to_identifier(name, quoted=True), kind=exp.DataType.build(sql_type(t)))
            for name, t in columns.items()]
    return exp.Create(this=exp.Schema(this=table, expressions=defs), kind="TABLE")


class DuckDBWarehouse(Warehouse):
    dialect = "duckdb"

    def __init__(self, path: str = ":memory:") -> None:
        import duckdb

        super().__init__()
        self.created: Path | None = None
        if path != ":memory:":
            file = Path(path)
            if not file.parent.is_dir():
                raise WarehouseError(f"cannot open {path}: the folder {file.parent} does not exist")
            self.created = None if file.exists() else file
        try:
            self.connection = duckdb.connect(path)
        except duckdb.Error as error:
            raise WarehouseError(f"cannot open {path}: {error}") from None

    def _execute(self, sql: str) -> QueryResult:
        """On the main thread the query runs on a worker while the main thread waits, so that Ctrl-C
        reaches Python at once: the query is then interrupted and KeyboardInterrupt raised."""
        import duckdb

        if threading.current_thread() is not threading.main_thread():
            return self._run(sql)
        outcome: dict[str, Any] = {}
        done = threading.Event()  # not Thread.join: an interrupted join marks a live thread as stopped

        def work() -> None:
            try:
                outcome["result"] = self._run(sql)
            except BaseException as error:  # noqa: BLE001 - handed to the main thread
                outcome["error"] = error
            finally:
                done.set()

        threading.Thread(target=work, name="metricdsl-duckdb", daemon=True).start()
        try:
            while not done.wait(0.05):
                pass
        except KeyboardInterrupt:
            while not done.is_set():
                try:
                    self.connection.interrupt()
                except (duckdb.Error, RuntimeError):
                    pass  # the connection is between two calls of the statement: try again
                done.wait(0.1)
            outcome.clear()
            raise
        if "error" in outcome:
            raise outcome["error"]
        result: QueryResult = outcome["result"]
        return result

    def _run(self, sql: str) -> QueryResult:
        import duckdb

        cursor = None
        try:
            cursor = self.connection.execute(sql)
            if cursor.description is None:
                return QueryResult([], [])
            return QueryResult([d[0] for d in cursor.description], [tuple(r) for r in cursor.fetchall()])
        except duckdb.InterruptException:
            raise KeyboardInterrupt from None
        except duckdb.Error as error:
            raise WarehouseError(str(error)) from None
        except RuntimeError as error:  # how DuckDB 2 reports a query stopped by SIGINT on the main thread
            if "interrupted" in str(error).lower():
                raise KeyboardInterrupt from None
            raise
        finally:
            cursor = None  # a traceback that keeps the pending result would keep the connection busy

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def insert_rows(self, table: exp.Table, data: CsvTable) -> None:
        """The checked rows, written to a plain CSV (empty = NULL) that DuckDB reads with fixed options."""
        handle, name = tempfile.mkstemp(suffix=".csv", prefix="metricdsl-load-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                writer = csv.writer(stream, lineterminator="\n")
                writer.writerow(data.columns)
                writer.writerows(["" if v is None else v for v in row] for row in data.rows)
            options = {"header": exp.true(), "all_varchar": exp.true(), "nullstr": exp.Literal.string(""),
                       "allow_quoted_nulls": exp.true(), "delim": exp.Literal.string(","),
                       "quote": exp.Literal.string('"'), "escape": exp.Literal.string('"')}
            reader = exp.Anonymous(this="read_csv", expressions=[exp.Literal.string(name), *(
                exp.EQ(this=exp.column(key), expression=value) for key, value in options.items())])
            select = exp.select(*[exp.column(c, quoted=True) for c in data.columns]).from_(reader)
            insert = exp.insert(select, table.copy(), columns=[exp.to_identifier(c, quoted=True) for c in data.columns])
            self.execute(insert.sql("duckdb"))
        finally:
            os.unlink(name)

    def close(self) -> None:
        self.connection.close()

    def discard(self) -> None:
        self.close()
        if self.created is not None:
            for leftover in (self.created, self.created.with_name(self.created.name + ".wal")):
                leftover.unlink(missing_ok=True)


class PostgresWarehouse(Warehouse):
    dialect = "postgres"

    def __init__(self, url: str) -> None:
        import psycopg

        super().__init__()
        secrets_ = url_secrets(url)
        options: dict[str, Any] = {"autocommit": True}
        if "connect_timeout" not in parse_qs(urlsplit(url).query):
            options["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
        try:
            self.connection = psycopg.connect(url, **options)
        except psycopg.Error as error:
            raise WarehouseError(redact(f"cannot connect to {redact_url(url)}: {error}".strip(), secrets_)) from None
        except ValueError as error:  # a malformed URL
            raise WarehouseError(redact(f"invalid database URL {redact_url(url)}: {error}", secrets_)) from None

    def _execute(self, sql: str) -> QueryResult:
        import psycopg

        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql.encode("utf-8"))
                if cursor.description is None:
                    return QueryResult([], [])
                return QueryResult([d.name for d in cursor.description], [tuple(r) for r in cursor.fetchall()])
        except psycopg.Error as error:
            raise WarehouseError(str(error).strip()) from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.connection.transaction():
            yield

    def insert_rows(self, table: exp.Table, data: CsvTable) -> None:
        import psycopg
        from psycopg import sql

        parts = [part.name for part in table.parts]
        statement = sql.SQL("COPY {table} ({columns}) FROM STDIN").format(
            table=sql.Identifier(*parts), columns=sql.SQL(", ").join(sql.Identifier(c) for c in data.columns))
        try:
            with self.connection.cursor() as cursor, cursor.copy(statement) as copy:
                for row in data.rows:
                    copy.write_row(row)
        except psycopg.Error as error:
            raise WarehouseError(str(error).strip()) from None

    def close(self) -> None:
        self.connection.close()


def url_secrets(url: str) -> list[str]:
    """The password of a database URL (in the user part or as `password=`), to keep out of every message."""
    try:
        parts = urlsplit(url)
        found = [parts.password or ""] + parse_qs(parts.query).get("password", [])
    except ValueError:
        return []
    return [s for value in found if value for s in {value, unquote(value)}]


def redact_url(url: str) -> str:
    """The URL with its password replaced by `***`."""
    return redact(url, url_secrets(url))


def redact(text: str, secrets_: list[str]) -> str:
    for secret in sorted(secrets_, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def is_embedded(url: str | None) -> bool:
    """The embedded in-memory DuckDB: it starts empty and keeps nothing after the command."""
    return url is None or url in ("duckdb://", "duckdb:///:memory:", ":memory:")


def connect(url: str | None = None) -> Warehouse:
    """`None` or `duckdb:///:memory:` (embedded), `duckdb:///path.duckdb`, or `postgresql://…`."""
    if url is None or is_embedded(url):
        return DuckDBWarehouse()
    if url.startswith("duckdb:///"):
        return DuckDBWarehouse(url.removeprefix("duckdb:///"))
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresWarehouse(url)
    raise WarehouseError(f"unsupported database URL `{redact_url(url)}`: use duckdb:///path.duckdb (relative), "
                         f"duckdb:////abs/path.duckdb or postgresql://user@host:port/db")


class DataFolderMissing(WarehouseError):
    """The CSV folder to load does not exist."""


def data_folder(project: Path, db: str | None, data: Path | None) -> Path | None:
    """The CSVs to load before querying: `--data`, else PROJECT/data for the in-memory DuckDB.

    A database named with `--db` is used as it is unless `--data` is given: its tables may be real.
    """
    if data is not None:
        return data
    return project / "data" if db is None and project.is_dir() else None


def load_for(warehouse: Warehouse, model: m.Project, project: Path, db: str | None, data: Path | None,
             replace: bool = False) -> list[str]:
    """Load the CSVs of `data_folder` into `warehouse`; returns the tables loaded.

    The embedded in-memory DuckDB starts empty, so replacing is only a question for `--db`.
    """
    folder = data_folder(project, db, data)
    if folder is None:
        return []
    if not folder.is_dir():
        raise DataFolderMissing(f"data folder {folder} does not exist")
    return warehouse.load_data(model, folder, replace=replace)


def open_for(model: m.Project, project: Path, db: str | None, data: Path | None,
             replace: bool = False) -> Warehouse:
    """`db` (default: an in-memory DuckDB) holding the CSVs of `data_folder`; raises WarehouseError."""
    warehouse = connect(db)
    try:
        load_for(warehouse, model, project, db, data, replace)
    except BaseException:
        warehouse.discard()
        raise
    return warehouse


def rows_to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(["" if v is None else v for v in row] for row in result.rows)
    return buffer.getvalue()
