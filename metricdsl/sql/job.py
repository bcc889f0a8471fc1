"""A query as a warehouse job: its result written into `SCHEMA.<query>` for one as-of date (LANGUAGE.md §10).

The job is idempotent: it creates the table where missing (first column `as_of`), then replaces
exactly the rows of its as-of date. Engines with transactions (DuckDB, PostgreSQL) delete that
date's rows and insert the new ones in one transaction; Impala and Spark keep `as_of` as a STRING
partition column and `INSERT OVERWRITE … PARTITION (as_of = 'YYYY-MM-DD')`. The table is created
with `CREATE TABLE IF NOT EXISTS … AS <query> LIMIT 0`, so its column types are the engine's own.
Every statement is a sqlglot tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from metricdsl.ir import model as m
from metricdsl.sql.bounds import as_of_day, day_sql
from metricdsl.sql.render import sql_text
from metricdsl.sql.rows import col, ident
from metricdsl.sql.target import Target

AS_OF = "as_of"
FILE_FORMAT = "PARQUET"


class JobError(ValueError):
    """A job that cannot be written for this target (e.g. Impala without an as-of date)."""


@dataclass(frozen=True)
class Job:
    """The statements of one job, in order, and what a scheduler needs to know about it."""

    query: str
    schema: str
    table: str
    statements: tuple[exp.Expr, ...]
    reads: tuple[str, ...]  # the physical tables the query reads, `schema.table`
    written: exp.Select  # counts the rows of the job's as-of date once it has run

    @property
    def target_table(self) -> str:
        return f"{self.schema}.{self.table}"

    def script(self, target: Target, header: str) -> str:
        """The job as one SQL file: the header, then each statement ended by `;`."""
        return header + "\n" + "".join(sql_text(s, target) + ";\n" for s in self.statements)


def build_job(name: str, statement: exp.Select, target: Target, schema: str, as_of: m.AsOf | None) -> Job:
    """The job that writes `statement`'s rows into `schema.name` for the as-of date."""
    table = exp.Table(this=ident(name), db=ident(schema))
    columns = [select.alias_or_name for select in statement.expressions]
    if AS_OF in columns:
        raise JobError(f"query `{name}` returns a column named `{AS_OF}`, which the job's table needs for the as-of date")
    reads = read_tables(statement)
    if target.capabilities.transactions:
        statements = transactional(statement, table, schema, columns, as_of)
        value = day_sql(as_of_day(as_of))
    else:
        statements = overwrite(statement, table, schema, as_of, name, hive_format=target.name == "impala")
        value = exp.Literal.string(as_of.text if as_of is not None else "")
    written = exp.select(exp.Count(this=exp.Star())).from_(table.copy()).where(
        exp.EQ(this=col(AS_OF), expression=value))
    return Job(name, schema, name, tuple(statements), reads, written)


def transactional(statement: exp.Select, table: exp.Table, schema: str, columns: list[str],
                  as_of: m.AsOf | None) -> list[exp.Expr]:
    """Create where missing, then delete the date's rows and insert the new ones in one transaction."""
    value = day_sql(as_of_day(as_of))
    rows = with_column(statement, exp.alias_(value.copy(), ident(AS_OF)), first=True)
    create = exp.Create(this=table.copy(), kind="TABLE", exists=True, expression=rows.copy().limit(0))
    delete = exp.delete(table.copy(), where=exp.EQ(this=col(AS_OF), expression=value.copy()))
    insert = exp.insert(rows, table.copy(), columns=[ident(c) for c in [AS_OF, *columns]])
    return [exp.Transaction(), create_schema(schema), create, delete, insert, exp.Commit()]


def overwrite(statement: exp.Select, table: exp.Table, schema: str, as_of: m.AsOf | None, name: str,
              hive_format: bool) -> list[exp.Expr]:
    """Create where missing (partitioned by `as_of`), then overwrite the as-of date's partition.

    Impala writes `STORED AS PARQUET`; Spark `USING PARQUET` (a data source table, no Hive needed)."""
    if as_of is None:
        raise JobError(f"query `{name}`: on Impala and Spark a job writes the partition of its as-of date, so it "
                       "needs --as-of DATE or a scheduler placeholder such as --as-of '{{ ds }}'")
    partition = exp.Literal.string(as_of.text)
    rows = with_column(statement, exp.alias_(partition.copy(), ident(AS_OF)), first=False)  # partition column last
    partitioned = exp.PartitionedByProperty(this=exp.Schema(expressions=[ident(AS_OF)]))
    file_format = exp.FileFormatProperty(this=exp.Var(this=FILE_FORMAT), hive_format=hive_format or None)
    # Impala: PARTITIONED BY … STORED AS …; Spark: USING … PARTITIONED BY …
    properties = exp.Properties(expressions=[partitioned, file_format] if hive_format else [file_format, partitioned])
    create = exp.Create(this=table.copy(), kind="TABLE", exists=True, expression=rows.limit(0),
                        properties=properties)
    target = table.copy()
    target.set("partition", exp.Partition(expressions=[exp.EQ(this=col(AS_OF), expression=partition)]))
    insert = exp.Insert(this=target, expression=statement.copy(), overwrite=True)
    return [create_schema(schema), create, insert]


def create_schema(schema: str) -> exp.Create:
    return exp.Create(this=exp.Table(this=ident(schema)), kind="SCHEMA", exists=True)


def with_column(statement: exp.Select, column: exp.Expr, first: bool) -> exp.Select:
    select = statement.copy()
    expressions = list(select.expressions)
    select.set("expressions", [column, *expressions] if first else [*expressions, column])
    return select


def read_tables(statement: exp.Select) -> tuple[str, ...]:
    """The physical tables a statement reads (`schema.table`), its own CTEs left out."""
    ctes = {cte.alias_or_name for cte in statement.find_all(exp.CTE)}
    names = set()
    for table in statement.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier) or (not table.db and table.name in ctes):
            continue
        names.add(".".join(part.name for part in table.parts))
    return tuple(sorted(names))
