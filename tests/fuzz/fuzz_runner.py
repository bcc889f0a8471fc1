"""One differential run: write a generated project, compile its query for DuckDB and PostgreSQL,
run it on both and compare each answer with the plain-Python reference.

A disagreement is raised as one of a few exception classes, by what went wrong where (check
rejected the project; an engine rejected the SQL; an engine returned other rows than the
reference), so that hypothesis keeps and shrinks one example of each kind instead of stopping
at the first.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fuzz_model import FuzzProject
from fuzz_reference import Expected, differences, expected_result

DIALECTS = ("duckdb", "postgres")


class Disagreement(AssertionError):
    """The compiler's answer is not the reference's."""


class CheckRejected(Disagreement):
    """`check` (or the query's own checks) rejected a valid project."""


class SqlRejectedByBoth(Disagreement):
    pass


class SqlRejectedByDuckDB(Disagreement):
    pass


class SqlRejectedByPostgres(Disagreement):
    pass


class WrongOnBoth(Disagreement):
    pass


class WrongOnDuckDB(Disagreement):
    pass


class WrongOnPostgres(Disagreement):
    pass


KINDS: dict[tuple[str, frozenset[str]], type[Disagreement]] = {
    ("rejected", frozenset(DIALECTS)): SqlRejectedByBoth,
    ("rejected", frozenset({"duckdb"})): SqlRejectedByDuckDB,
    ("rejected", frozenset({"postgres"})): SqlRejectedByPostgres,
    ("wrong", frozenset(DIALECTS)): WrongOnBoth,
    ("wrong", frozenset({"duckdb"})): WrongOnDuckDB,
    ("wrong", frozenset({"postgres"})): WrongOnPostgres,
}


@dataclass(frozen=True)
class Problem:
    dialect: str | None  # None: before any engine ran
    kind: str  # rejected-project, rejected, wrong
    text: str


def write_project(project: FuzzProject, folder: Path) -> Path:
    (folder / "spec.metric").write_text(project.text(), encoding="utf-8")
    return folder


def compile_project(project: FuzzProject, dialect: str) -> str:
    """The SQL of the project's query (``check`` errors raise ``CheckFailed``)."""
    from metricdsl.api import compile_sql, load_project

    with tempfile.TemporaryDirectory(prefix="metricdsl-fuzz-") as folder:
        model = load_project(write_project(project, Path(folder)))
    return compile_sql(model, dialect=dialect, **project.query.compile_args())


def problems_of(project: FuzzProject, engines: dict[str, Any], expected: Expected) -> list[Problem]:
    """What went wrong on each engine; empty when both agree with the reference."""
    from metricdsl.api import CheckFailed, MetricDslError, compile_sql, load_project

    with tempfile.TemporaryDirectory(prefix="metricdsl-fuzz-") as folder:
        try:
            model = load_project(write_project(project, Path(folder)))
        except CheckFailed as failed:
            return [Problem(None, "rejected-project", f"check rejected a valid project: {shown(failed)}")]
    problems = []
    for dialect in DIALECTS:
        try:
            sql = compile_sql(model, dialect=dialect, **project.query.compile_args())
        except CheckFailed as failed:
            return [Problem(None, "rejected-project", f"the query was rejected: {shown(failed)}")]
        try:
            result = engines[dialect].execute(sql)
        except MetricDslError as error:
            first = str(error).splitlines()[0]
            problems.append(Problem(dialect, "rejected", f"{dialect} rejected the SQL: {first}\n--- SQL ---\n{sql}"))
            continue
        diff = differences(result.columns, result.rows, expected)
        if diff:
            problems.append(Problem(dialect, "wrong", f"{dialect} differs from the reference\n{diff}\n--- SQL ---\n{sql}"))
    return problems


def shown(failed: Any) -> str:
    """A ``CheckFailed``'s diagnostics, one per line: code, message, line and column."""
    lines = []
    for d in failed.diagnostics:
        where = f" (spec.metric:{d.span.line}:{d.span.column})" if d.span is not None else ""
        lines.append(f"{d.code}: {d.message}{where}")
    return "\n".join(lines)


def disagreements(project: FuzzProject, engines: dict[str, Any], expected: Expected | None = None) -> list[str]:
    """The problems as readable paragraphs."""
    found = problems_of(project, engines, expected if expected is not None else expected_result(project))
    return [p.text for p in found]


def assert_agree(project: FuzzProject, engines: dict[str, Any], expected: Expected | None = None) -> None:
    """Raise the ``Disagreement`` subclass that says what went wrong, with the whole story."""
    found = problems_of(project, engines, expected if expected is not None else expected_result(project))
    if not found:
        return
    story = report(project, [p.text for p in found])
    if found[0].kind == "rejected-project":
        raise CheckRejected(story)
    kind = "rejected" if any(p.kind == "rejected" for p in found) else "wrong"
    dialects = frozenset(p.dialect for p in found if p.kind == kind and p.dialect)
    raise KINDS[(kind, dialects)](story)


def report(project: FuzzProject, problems: list[str]) -> str:
    return f"{project.describe()}\n\n" + "\n\n".join(problems)
