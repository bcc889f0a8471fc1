"""A project's CSVs as Spark tables (explicit schemas), and comparing Spark's rows with another engine's."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlglot import exp

_LOADED: dict[int, Path] = {}


def load_into_spark(spark: Any, project_dir: Path) -> Any:
    """Create each source's table over its CSV (`USING csv`, the declared column types); once per project."""
    from metricdsl.sql.types import sql_type
    from support.projects import load_project

    path = Path(project_dir).resolve()
    project = load_project(path)
    if _LOADED.get(id(spark)) == path:
        return project
    for source in project.sources.values():
        csv = path / "data" / (".".join(source.table) + ".csv")
        if not csv.exists() or source.columns is None:
            continue
        table = exp.Table(this=exp.to_identifier(source.table[-1], quoted=True),
                          db=exp.to_identifier(source.table[-2], quoted=True) if len(source.table) > 1 else None)
        if len(source.table) > 1:
            spark.sql(exp.Create(this=exp.Table(this=exp.to_identifier(source.table[-2], quoted=True)),
                                 kind="SCHEMA", exists=True).sql("spark"))
        spark.sql(exp.Drop(tables=[table.copy()], kind="TABLE", exists=True).sql("spark"))
        ddl = ", ".join(f"{exp.to_identifier(name, quoted=True).sql('spark')} "
                        f"{exp.DataType.build(sql_type(kind)).sql('spark')}" for name, kind in source.columns.items())
        schema = spark.read.schema(ddl).csv(str(csv)).schema
        spark.catalog.createTable(table.sql("spark"), path=str(csv), source="csv", schema=schema, header="true",
                                  escape='"')
    _LOADED[id(spark)] = path
    return project


def spark_rows(spark: Any, sql: str) -> list[tuple[Any, ...]]:
    """The rows of one statement (a trailing `;` and the header comment are fine)."""
    return [tuple(row) for row in spark.sql(sql.strip().rstrip(";")).collect()]


def same_value(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, (int, float, Decimal)) and isinstance(right, (int, float, Decimal)) \
            and not isinstance(left, bool) and not isinstance(right, bool):
        return math.isclose(float(left), float(right), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(left, datetime.datetime) or isinstance(right, datetime.datetime):
        return str(left)[:10] == str(right)[:10]
    return bool(left == right)


def row_differences(actual: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]) -> list[str]:
    """Row by row (order matters), numbers to 1e-9 relative, NULL only equals NULL."""
    if len(actual) != len(expected):
        return [f"{len(actual)} rows, expected {len(expected)}"]
    return [f"row {i}: {a} != {e}" for i, (a, e) in enumerate(zip(actual, expected))
            if len(a) != len(e) or not all(same_value(x, y) for x, y in zip(a, e))]
