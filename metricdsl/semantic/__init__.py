"""Stage 2: syntax trees → the checked IR (`metricdsl.ir.model.Project`) and every diagnostic.

`check` checks a whole project; `check_query` checks one more query block against a checked
project (ad-hoc queries from the command line). Neither ever stops at the first error: each
declaration is checked on its own, and a declaration that fails keeps its name known so that it
does not cause follow-up errors.

The passes share a `Scope` (`context.py`) and run in the order below; each lives in a module of
its own (names, sources, joins, dimensions, metrics, decompositions, queries, calendars, targets,
scorecards).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from metricdsl.diagnostics import Diagnostic
from metricdsl.ir import model as m
from metricdsl.semantic.calendars import check_calendars
from metricdsl.semantic.context import Scope
from metricdsl.semantic.decompositions import check_decompositions
from metricdsl.semantic.dimensions import check_dimension
from metricdsl.semantic.exact import mark_exact
from metricdsl.semantic.joins import check_joins
from metricdsl.semantic.metrics import MetricResolver, finish_metrics
from metricdsl.semantic.names import collect_names
from metricdsl.semantic.queries import QueryChecker
from metricdsl.semantic.scorecards import check_scorecards
from metricdsl.semantic.sources import check_source
from metricdsl.semantic.targets import check_targets
from metricdsl.syntax import ast


@dataclass(frozen=True)
class Checked:
    """The outcome of checking: the model (built even when there are errors) and the diagnostics."""

    model: m.Project
    diagnostics: list[Diagnostic]


def check(files: Sequence[ast.FileAST], prove: bool = True) -> Checked:
    """Check the files of one project together; `prove=False` skips proving decompositions exact."""
    scope = Scope()
    declared = collect_names(scope, files)
    for source in declared.sources:
        check_source(scope, source)
    check_joins(scope, declared.sources)
    for dimension in declared.dimensions:
        check_dimension(scope, dimension)
    scope.stored_targets = {decl.name for decl in declared.targets
                            if any(p.key == "store" for p in decl.block.properties())}
    resolver = MetricResolver(scope)
    for metric in declared.metrics:
        resolver.resolve(metric)
    finish_metrics(scope, declared.metrics)
    decompositions = check_decompositions(scope, declared.decompositions)
    if prove:
        decompositions = mark_exact(decompositions, scope.metrics)  # sympy: only when there are identities
    calendars = check_calendars(scope, declared.calendars)
    scope.targets = check_targets(scope, declared.targets, decompositions, calendars)  # planned(T) needs them
    queries = {decl.name: query for decl in declared.queries
               if (query := QueryChecker(scope).check(decl)) is not None}
    model = m.Project(
        files=tuple(f.path for f in files),
        sources=scope.sources, dimensions=scope.dimensions, metrics=scope.metrics, queries=queries,
        decompositions=tuple(decompositions), join_paths=scope.joins.unique_paths(),
        calendars=calendars, targets=scope.targets,
        scorecards=check_scorecards(scope, declared.scorecards),
    )
    return Checked(model, scope.report.diagnostics)


def check_query(project: m.Project, decl: ast.BlockDecl) -> tuple[m.Query | None, list[Diagnostic]]:
    """Check one query block against a checked project."""
    scope = Scope.from_model(project)
    return QueryChecker(scope).check(decl), scope.report.diagnostics
