"""What each SQL engine (and version) can run: one table of overrides over one set of defaults.

The defaults are what DuckDB and PostgreSQL accept. A dialect lists only where it differs, as
`False` (never) or as the version from which the flag holds (PRQL's `DialectHandler`, Malloy's
`Dialect` flags). The statement builder reads the flags that change the *shape* of the SQL
(`generate_series`, `materialized_ctes`), the pipeline reads `multiple_count_distinct` to
rewrite the plan, and the Impala generator reads the ones that change how a node is *spelled*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

VersionTuple = tuple[int, int, int]
VersionLike = str | tuple[int, ...]


@dataclass(frozen=True)
class Capabilities:
    """What one engine version accepts, as far as metricdsl's SQL is concerned.

    Attributes:
        version: the engine version, as ``(major, minor, patch)``; None for unversioned dialects.
        generate_series: a calendar from ``generate_series``; otherwise from a numbers CTE.
        materialized_ctes: ``WITH x AS MATERIALIZED (…)`` computes a CTE read twice only once.
        multiple_count_distinct: several ``COUNT(DISTINCT …)`` over different arguments in one
            SELECT block (Impala: IMPALA-110, 3.1). Otherwise the plan is split per distinct class.
        date_type: the ``DATE`` type and ``CAST(… AS DATE)`` (Impala: IMPALA-7368, 3.3). Otherwise
            dates are stored as ``TIMESTAMP`` at midnight, and ``DATE`` is written ``TIMESTAMP``.
        pipe_concat: ``||`` concatenates strings (Impala 4.0). Otherwise ``||`` is logical OR,
            and ``CONCAT(a, b)`` is emitted instead.
        grouping_sets: ``GROUPING SETS`` / ``ROLLUP`` / ``CUBE`` (Impala: IMPALA-9298, 4.0).
        transactions: ``BEGIN`` … ``COMMIT`` around several statements, with ``DELETE``. A warehouse
            job replaces its as-of date's rows in one transaction; otherwise (Impala, Spark) the
            result table is partitioned by ``as_of`` and the job overwrites that partition.
        percentile_cont: an exact continuous percentile aggregate (Impala has only APPX_MEDIAN, which
            is approximate). Otherwise each percentile gets a scan of its own, computed from row numbers.
        round_doubles: ``ROUND(double, n)`` exists and rounds halves away from zero. Otherwise
            (PostgreSQL: half to even, and no digit count) the argument is cast to ``NUMERIC``.
        code_point_strings: strings compare, sort and take ``MIN``/``MAX`` by code point whatever
            the database. Otherwise (PostgreSQL: the database's collation) ``COLLATE "C"`` is added.
        values_tables: ``(VALUES (…), (…)) AS t(a, b)`` is a table with named columns. Otherwise
            literal rows are a ``UNION ALL`` of one-row selects.
    """

    version: VersionTuple | None = None
    generate_series: bool = True
    materialized_ctes: bool = True
    multiple_count_distinct: bool = True
    date_type: bool = True
    pipe_concat: bool = True
    grouping_sets: bool = True
    transactions: bool = True
    percentile_cont: bool = True
    round_doubles: bool = True
    code_point_strings: bool = True
    values_tables: bool = True


Override = bool | VersionTuple
"""A flag's value for a dialect: fixed, or true from that version on."""

CAPABILITY_TABLE: Mapping[str, Mapping[str, Override]] = {
    "duckdb": {},
    "postgres": {"round_doubles": False, "code_point_strings": False},
    "impala": {
        "generate_series": False,
        "materialized_ctes": False,
        "multiple_count_distinct": (3, 1, 0),
        "date_type": (3, 3, 0),
        "pipe_concat": (4, 0, 0),
        "grouping_sets": (4, 0, 0),
        "percentile_cont": False,
        "transactions": False,
        "values_tables": False,
    },
    "spark": {  # Spark SQL 3.5+ (and Databricks): sqlglot's Spark dialect
        # generate_series is written EXPLODE(SEQUENCE(…)) by metricdsl.sql.generators.spark
        # PERCENTILE(x, p) is exact (the generator writes percentile_cont so); ROUND is HALF_UP on doubles and
        # decimals; strings compare by their UTF-8 bytes (code point order) by default
        "materialized_ctes": False,
        "transactions": False,
    },
}

DEFAULT_VERSIONS: Mapping[str, str] = {
    "impala": "3.4",  # CDH 6.3 / CDP 7.1 ship Impala 3.x: the conservative choice
}


def parse_version(version: VersionLike) -> VersionTuple:
    """``"3.4"`` -> ``(3, 4, 0)``; a tuple is padded to three parts."""
    parts = [int(p) for p in version.split(".")] if isinstance(version, str) else list(version)
    parts.extend([0] * (3 - len(parts)))
    return (parts[0], parts[1], parts[2])


def capabilities(dialect: str, version: VersionLike | None = None) -> Capabilities:
    """The flags of `dialect` at `version` (default: the dialect's default version, if it has one)."""
    overrides = CAPABILITY_TABLE[dialect]
    chosen = version if version is not None else DEFAULT_VERSIONS.get(dialect)
    parsed = parse_version(chosen) if chosen is not None else None
    flags: dict[str, Any] = {name: _holds(value, parsed) for name, value in overrides.items()}
    return Capabilities(version=parsed, **flags)


def _holds(value: Override, version: VersionTuple | None) -> bool:
    if isinstance(value, bool):
        return value
    return version is not None and version >= value
