"""A SQL target: a sqlglot dialect to print with, and the capabilities of that engine version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from metricdsl.sql.capabilities import CAPABILITY_TABLE, DEFAULT_VERSIONS, Capabilities, capabilities

DIALECTS = tuple(CAPABILITY_TABLE)


@dataclass(frozen=True)
class Target:
    name: str
    sqlglot: Any  # a sqlglot dialect name or instance
    capabilities: Capabilities
    version: str | None = None  # as given, for the header of the SQL


def target(name: str, impala_version: str = DEFAULT_VERSIONS["impala"]) -> Target:
    if name not in CAPABILITY_TABLE:
        raise ValueError(f"unknown dialect `{name}`; choose one of {', '.join(DIALECTS)}")
    if name == "impala":
        from metricdsl.sql.dialects.impala import impala_dialect

        dialect = impala_dialect(impala_version)
        return Target(name, dialect, dialect.capabilities, impala_version)
    if name == "spark":
        from metricdsl.sql.dialects.spark import spark_dialect

        return Target(name, spark_dialect(), capabilities(name))
    return Target(name, name, capabilities(name))
