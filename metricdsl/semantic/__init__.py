"""Stage 2: syntax trees → the checked IR (`metricdsl.ir.model.Project`) and every diagnostic.

`check` checks a whole project; `check_query` checks one more query block against a checked
project (ad-hoc queries from the command line). Neither ever stops at the first error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from metricdsl.diagnostics import Diagnostic
from metricdsl.ir import model as m
from metricdsl.syntax import ast


@dataclass(frozen=True)
class Checked:
    """The outcome of checking: the model (built even when there are errors) and the diagnostics."""

    model: m.Project
    diagnostics: list[Diagnostic]


def check(files: Sequence[ast.FileAST], prove: bool = True) -> Checked:
    """Check the files of one project together; `prove=False` skips proving decompositions exact."""
    from metricdsl.semantic.checker import Checker

    checker = Checker(files, prove)
    model = checker.run()
    return Checked(model, checker.diagnostics)


def check_query(project: m.Project, decl: ast.BlockDecl) -> tuple[m.Query | None, list[Diagnostic]]:
    """Check one query block against a checked project."""
    from metricdsl.semantic.checker import Checker

    checker = Checker.from_model(project)
    query = checker.check_query(decl)
    return query, checker.diagnostics
