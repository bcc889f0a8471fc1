"""Spark SQL (3.5+, as run by Spark and Databricks): sqlglot's Spark dialect, with one override in
:mod:`metricdsl.sql.generators.spark` (the calendar's series). What Spark can run is Spark's row of
:data:`metricdsl.sql.capabilities.CAPABILITY_TABLE`; docs/dialects.md describes the SQL it gets.
"""

from __future__ import annotations

from sqlglot.dialects.spark import Spark

from metricdsl.sql.generators.spark import SparkSqlGenerator


class SparkSql(Spark):
    """Spark SQL as metricdsl writes it (registered with sqlglot as `sparksql`)."""

    Generator = SparkSqlGenerator


def spark_dialect() -> SparkSql:
    return SparkSql()
