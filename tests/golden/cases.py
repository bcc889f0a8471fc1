"""Which projects, queries and dialects have golden SQL files, and how each file is produced.

Layout: ``tests/golden/<variant>/<project>__<query>.sql`` where variant is ``duckdb``,
``postgres``, ``impala`` (Impala 3.4), ``impala-3.0`` (only the queries whose plan
`split_count_distinct` changes, so the split is reviewable) or ``spark`` (Spark SQL 3.5+). Projects: the example ``specs/``,
every ``tests/corpus/<case>/`` and ``tests/golden/projects/<name>/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

GOLDEN_DIR = Path(__file__).resolve().parent
TESTS_DIR = GOLDEN_DIR.parent
REPO_ROOT = TESTS_DIR.parent
PROJECT_DIRS = (REPO_ROOT / "specs", *sorted(p for p in (TESTS_DIR / "corpus").iterdir() if p.is_dir()),
                *sorted(p for p in (GOLDEN_DIR / "projects").iterdir() if p.is_dir()))
UPDATE_ENV = "METRICDSL_UPDATE_GOLDENS"


@dataclass(frozen=True)
class Variant:
    """One column of goldens: a dialect, and for Impala a version."""

    name: str
    dialect: str
    impala_version: str = "3.4"
    split_only: bool = False  # only queries whose plan the distinct split changes

    def sqlglot_dialect(self) -> Any:
        """The dialect that reads the golden back: the project's Impala dialect, sqlglot's own otherwise."""
        if self.dialect == "spark":
            return "spark"
        from metricdsl.sql.target import target

        return target(self.dialect, self.impala_version).sqlglot


VARIANTS = (
    Variant("duckdb", "duckdb"),
    Variant("postgres", "postgres"),
    Variant("impala", "impala", "3.4"),
    Variant("impala-3.0", "impala", "3.0", split_only=True),
    Variant("spark", "spark"),
)


@dataclass(frozen=True)
class Case:
    project: str
    path: Path
    query: str

    @property
    def id(self) -> str:
        return f"{self.project}__{self.query}"

    def golden(self, variant: Variant) -> Path:
        return GOLDEN_DIR / variant.name / f"{self.id}.sql"

    def sql(self, variant: Variant) -> str:
        from metricdsl.api import compile_sql

        return compile_sql(load(self.path), query=self.query, dialect=variant.dialect,
                           impala_version=variant.impala_version)


@cache
def load(path: Path) -> Any:
    from metricdsl.api import load_project

    return load_project(path)


def project_name(path: Path) -> str:
    return path.name


def all_cases() -> list[Case]:
    return [Case(project_name(path), path, query) for path in PROJECT_DIRS for query in sorted(load(path).queries)]


NOT_EXECUTED = {"planned": "reads a saved plan (planned(T)); tests/runtime/test_planned.py saves and runs it "
                           "on DuckDB and PostgreSQL"}
"""Golden projects without data/: their SQL is golden, parsed back and linted, not run by the round trips."""


def executable_cases() -> list[Case]:
    """The cases the Impala and Spark round trips run on the project's data."""
    cases = [case for case in all_cases() if (case.path / "data").is_dir()]
    assert {c.project for c in all_cases()} - {c.project for c in cases} == set(NOT_EXECUTED)
    return cases


def is_split(case: Case) -> bool:
    """Whether Impala before 3.1 gets a different plan (several distinct classes in one scan)."""
    from metricdsl.api import build_query
    from metricdsl.plan.planner import plan_query
    from metricdsl.plan.rewrite import split_count_distinct

    project = load(case.path)
    plan = plan_query(project, build_query(project, query=case.query))
    return len(split_count_distinct(plan).scans) != len(plan.scans)


def cases_for(variant: Variant) -> list[Case]:
    return [case for case in all_cases() if not variant.split_only or is_split(case)]
