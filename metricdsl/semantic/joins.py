"""Checking the `join` entries of sources: each is `column = target.column` (joined with `and`)
and many-to-one, i.e. it matches the whole key of the joined source."""

from __future__ import annotations

from collections.abc import Sequence

from metricdsl.diagnostics import did_you_mean
from metricdsl.ir import model as m
from metricdsl.semantic.context import Scope
from metricdsl.semantic.join_graph import JoinGraph
from metricdsl.semantic.names import unknown_source
from metricdsl.syntax import ast


def check_joins(scope: Scope, decls: Sequence[ast.SourceDecl]) -> None:
    """Give every checked source its joins, then build the join graph."""
    for decl in decls:
        joins = [j for e in decl.block.entries if isinstance(e, ast.JoinEntry) and (j := _join(scope, decl, e))]
        source = scope.sources[decl.name]
        scope.sources[decl.name] = source.model_copy(update={"joins": tuple(joins)})
    scope.joins = JoinGraph(scope.sources)


def _join(scope: Scope, decl: ast.SourceDecl, entry: ast.JoinEntry) -> m.Join | None:
    target = scope.sources.get(entry.target)
    if target is None:
        unknown_source(scope, entry.target, entry.target_span)
        return None
    pairs = _pairs(scope, decl.name, target, entry.condition)
    if pairs is None:
        return None
    if target.key and {t for _, t in pairs} != set(target.key):
        scope.report.error(
            "E303", f"join to `{target.name}` is not many-to-one: it matches on "
            f"{', '.join(t for _, t in pairs)} but the key of `{target.name}` is {', '.join(target.key)}",
            entry.condition.span, "join on the whole key of the joined source")
    return m.Join(target=target.name, pairs=tuple(pairs))


def _pairs(scope: Scope, here: str, target: m.Source, condition: ast.Expr) -> list[tuple[str, str]] | None:
    """The (local column, target column) pairs of a condition, or None when it is not a join condition."""
    if isinstance(condition, ast.Binary) and condition.op == "and":
        left, right = _pairs(scope, here, target, condition.left), _pairs(scope, here, target, condition.right)
        return None if left is None or right is None else left + right
    if not (isinstance(condition, ast.Binary) and condition.op == "="
            and isinstance(condition.left, ast.Name) and isinstance(condition.right, ast.Name)):
        scope.report.error("E109", "a join condition is `column = target.column` (joined with `and`)",
                           condition.span)
        return None
    sides = [_side(scope, here, target, n) for n in (condition.left, condition.right)]
    local = [c for owner, c in sides if owner == here]
    remote = [c for owner, c in sides if owner == target.name]
    if len(local) != 1 or len(remote) != 1:
        if all(s[0] for s in sides):
            scope.report.error("E109", f"a join condition compares a column of `{here}` with one of `{target.name}`",
                               condition.span)
        return None
    return [(local[0], remote[0])]


def _side(scope: Scope, here: str, target: m.Source, name: ast.Name) -> tuple[str | None, str]:
    """The owner (None when reported) and column of one side of `a = b`."""
    parts = name.parts
    owner, column = (here, parts[0]) if len(parts) == 1 else (parts[0], parts[-1])
    if len(parts) > 2 or owner not in (here, target.name):
        scope.report.error("E101", f"`{name.dotted}` is neither a column of `{here}` nor of `{target.name}`",
                           name.span)
        return (None, column)
    columns = scope.sources[owner].columns
    if columns is not None and column not in columns:
        scope.report.error("E102", f"source `{owner}` has no column `{column}`", name.span,
                           did_you_mean(column, columns))
        return (None, column)
    return (owner, column)
