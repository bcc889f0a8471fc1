"""SQL targets as a few capability flags over a sqlglot dialect (the PRQL way: overrides, not code paths)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DIALECTS = ("duckdb", "postgres", "impala")


@dataclass(frozen=True)
class Target:
    name: str
    sqlglot: Any  # a sqlglot dialect name or instance
    filter_clause: bool = True  # SUM(x) FILTER (WHERE c); otherwise the dialect rewrites it
    generate_series: bool = True  # a calendar from generate_series; otherwise a numbers CTE
    multiple_count_distinct: bool = True  # several COUNT(DISTINCT …) over different keys in one SELECT
    materialized_ctes: bool = True  # WITH x AS MATERIALIZED (…): compute a CTE read twice only once
    version: str | None = None


def target(name: str, impala_version: str = "3.4") -> Target:
    if name in ("duckdb", "postgres"):
        return Target(name, name)
    if name == "impala":
        from metricdsl.sql.dialects.impala import impala_dialect, supports_multiple_count_distinct

        return Target(
            "impala", impala_dialect(impala_version), filter_clause=False, generate_series=False,
            materialized_ctes=False,
            multiple_count_distinct=supports_multiple_count_distinct(impala_version), version=impala_version)
    raise ValueError(f"unknown dialect `{name}`; choose one of {', '.join(DIALECTS)}")
