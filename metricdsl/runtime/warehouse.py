"""Running SQL: an embedded DuckDB or a PostgreSQL server, and loading a project's sample data.

Sample data lives in `<project>/data/<table>.csv` (named after the source's `table:`), and is
loaded into tables created from the sources' declared column types.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from sqlglot import exp

from metricdsl.errors import WarehouseError
from metricdsl.ir import model as m
from metricdsl.sql.types import sql_type, table_ref


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]


class Warehouse:
    dialect = "duckdb"

    def execute(self, sql: str) -> QueryResult:
        raise NotImplementedError

    def run_script(self, statements: Iterable[str]) -> None:
        for statement in statements:
            self.execute(statement)

    def copy_csv(self, table: exp.Table, columns: list[str], path: Path) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def load_data(self, project: m.Project, data_dir: Path | str) -> list[str]:
        """Create every source table that has a CSV in data_dir and load it; returns the tables loaded."""
        loaded = []
        for source in project.sources.values():
            path = Path(data_dir) / (".".join(source.table) + ".csv")
            if not path.exists():
                continue
            if source.columns is None:
                raise WarehouseError(f"source `{source.name}` declares no columns, so its table cannot be created")
            table = table_ref(source.table)
            if len(source.table) > 1:
                self.execute(exp.Create(this=exp.Table(this=exp.to_identifier(source.table[-2], quoted=True)),
                                        kind="SCHEMA", exists=True).sql(self.dialect))
            self.execute(exp.Drop(tables=[table.copy()], kind="TABLE", exists=True).sql(self.dialect))
            self.execute(create_table(table, source.columns).sql(self.dialect))
            self.copy_csv(table, list(source.columns), path)
            loaded.append(".".join(source.table))
        return loaded

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def create_table(table: exp.Table, columns: dict[str, str]) -> exp.Create:
    defs = [exp.ColumnDef(this=exp.to_identifier(name, quoted=True), kind=exp.DataType.build(sql_type(t)))
            for name, t in columns.items()]
    return exp.Create(this=exp.Schema(this=table, expressions=defs), kind="TABLE")


class DuckDBWarehouse(Warehouse):
    dialect = "duckdb"

    def __init__(self, path: str = ":memory:") -> None:
        import duckdb

        self.connection = duckdb.connect(path)

    def execute(self, sql: str) -> QueryResult:
        import duckdb

        try:
            cursor = self.connection.execute(sql)
        except duckdb.Error as error:
            raise WarehouseError(str(error)) from None
        if cursor.description is None:
            return QueryResult([], [])
        return QueryResult([d[0] for d in cursor.description], [tuple(r) for r in cursor.fetchall()])

    def copy_csv(self, table: exp.Table, columns: list[str], path: Path) -> None:
        select = exp.select(*[exp.column(c, quoted=True) for c in columns]).from_(
            exp.Anonymous(this="read_csv", expressions=[
                exp.Literal.string(str(path)),
                exp.EQ(this=exp.column("header"), expression=exp.true()),
                exp.EQ(this=exp.column("all_varchar"), expression=exp.true()),
                exp.EQ(this=exp.column("nullstr"), expression=exp.Literal.string("")),
            ]))
        insert = exp.insert(select, table.copy(), columns=[exp.to_identifier(c, quoted=True) for c in columns])
        self.execute(insert.sql("duckdb"))

    def close(self) -> None:
        self.connection.close()


class PostgresWarehouse(Warehouse):
    dialect = "postgres"

    def __init__(self, url: str) -> None:
        import psycopg

        try:
            self.connection = psycopg.connect(url, autocommit=True)
        except psycopg.Error as error:
            raise WarehouseError(f"cannot connect to {url}: {error}") from None

    def execute(self, sql: str) -> QueryResult:
        import psycopg

        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql.encode("utf-8"))
                if cursor.description is None:
                    return QueryResult([], [])
                return QueryResult([d.name for d in cursor.description], [tuple(r) for r in cursor.fetchall()])
        except psycopg.Error as error:
            raise WarehouseError(str(error).strip()) from None

    def copy_csv(self, table: exp.Table, columns: list[str], path: Path) -> None:
        names = ", ".join(exp.to_identifier(c, quoted=True).sql("postgres") for c in columns)
        statement = f"COPY {table.sql('postgres')} ({names}) FROM STDIN WITH (FORMAT csv, HEADER true)"
        data = path.read_bytes()
        with self.connection.cursor() as cursor, cursor.copy(statement.encode("utf-8")) as copy:
            copy.write(data)

    def close(self) -> None:
        self.connection.close()


def connect(url: str | None = None) -> Warehouse:
    """`None` or `duckdb:///:memory:` (embedded), `duckdb:///path.duckdb`, or `postgresql://…`."""
    if url is None or url in ("duckdb://", "duckdb:///:memory:", ":memory:"):
        return DuckDBWarehouse()
    if url.startswith("duckdb:///"):
        return DuckDBWarehouse(url.removeprefix("duckdb:///"))
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresWarehouse(url)
    raise WarehouseError(f"unsupported database URL `{url}`: use duckdb:///path.duckdb or postgresql://user@host:port/db")


class DataFolderMissing(WarehouseError):
    """The CSV folder to load does not exist."""


def data_folder(project: Path, db: str | None, data: Path | None) -> Path | None:
    """The CSVs to load before querying: `--data`, else PROJECT/data for the in-memory DuckDB.

    A database named with `--db` is used as it is unless `--data` is given: its tables may be real.
    """
    if data is not None:
        return data
    return project / "data" if db is None and project.is_dir() else None


def load_for(warehouse: Warehouse, model: m.Project, project: Path, db: str | None, data: Path | None) -> list[str]:
    """Load the CSVs of `data_folder` into `warehouse`; returns the tables loaded."""
    folder = data_folder(project, db, data)
    if folder is None:
        return []
    if not folder.is_dir():
        raise DataFolderMissing(f"data folder {folder} does not exist")
    return warehouse.load_data(model, folder)


def open_for(model: m.Project, project: Path, db: str | None, data: Path | None) -> Warehouse:
    """`db` (default: an in-memory DuckDB) holding the CSVs of `data_folder`; raises WarehouseError."""
    warehouse = connect(db)
    try:
        load_for(warehouse, model, project, db, data)
    except BaseException:
        warehouse.close()
        raise
    return warehouse


def rows_to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows(["" if v is None else v for v in row] for row in result.rows)
    return buffer.getvalue()
