"""Ad-hoc queries from the command line, written as a query block and checked like one."""

from __future__ import annotations

from collections.abc import Sequence

from metricdsl.diagnostics import Diagnostic
from metricdsl.errors import CheckFailed
from metricdsl.ir import model as m
from metricdsl.semantic import check_query
from metricdsl.source import SourceFile
from metricdsl.syntax import ast
from metricdsl.syntax.parse import parse_file

ADHOC_NAME = "adhoc"
ADHOC_FILE = "<command line>"


def adhoc_text(metrics: Sequence[str], by: Sequence[str], where: str | None, period: str | None,
               order: Sequence[str], limit: int | None) -> str:
    lines = [f"query {ADHOC_NAME} {{", f"  metrics: {', '.join(metrics)}"]
    if by:
        lines.append(f"  by: {', '.join(by)}")
    if where:
        lines.append(f"  where: {where}")
    if period:
        lines.append(f"  period: {period}")
    if order:
        lines.append(f"  order: {', '.join(order)}")
    if limit is not None:
        lines.append(f"  limit: {limit}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def adhoc_query(project: m.Project, metrics: Sequence[str], by: Sequence[str], where: str | None,
                period: str | None, order: Sequence[str], limit: int | None) -> m.Query:
    if not metrics:
        raise CheckFailed([Diagnostic("E108", "name at least one metric (--metrics a,b or --query NAME)", None)])
    source = SourceFile(ADHOC_FILE, adhoc_text(metrics, by, where, period, order, limit))
    tree, problems = parse_file(source)
    declarations = [d for d in tree.declarations if isinstance(d, ast.BlockDecl)]
    query, found = check_query(project, declarations[0]) if declarations and not problems else (None, [])
    diagnostics = problems + found
    if query is None or any(d.severity == "error" for d in diagnostics):
        raise CheckFailed(diagnostics, None, {ADHOC_FILE: source})
    return query
