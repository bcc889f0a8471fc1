"""Ad-hoc queries from the command line, written as a query block and checked like one."""

from __future__ import annotations

from metricdsl.diagnostics import Diagnostic
from metricdsl.errors import CheckFailed
from metricdsl.ir import model as m
from metricdsl.pipeline.request import QueryRequest
from metricdsl.semantic import check_query
from metricdsl.source import SourceFile
from metricdsl.syntax import ast

ADHOC_NAME = "adhoc"
ADHOC_FILE = "<command line>"


def adhoc_text(request: QueryRequest) -> str:
    """The request as a query block: parsed and checked like one, it gets the same diagnostics."""
    lines = [f"query {ADHOC_NAME} {{", f"  metrics: {', '.join(request.metrics)}"]
    if request.by:
        lines.append(f"  by: {', '.join(request.by)}")
    if request.where:
        lines.append(f"  where: {request.where}")
    if request.period:
        lines.append(f"  period: {request.period}")
    if request.order:
        lines.append(f"  order: {', '.join(request.order)}")
    if request.limit is not None:
        lines.append(f"  limit: {request.limit}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def adhoc_query(project: m.Project, request: QueryRequest) -> m.Query:
    if not request.metrics:
        raise CheckFailed([Diagnostic("E108", "name at least one metric (--metrics a,b or --query NAME)", None)])
    # here, not above: a named query needs no parser (nor lark); through load's parse_file, which
    # loads the saved parser (the checked project may come from the store, so load has not run)
    from metricdsl.pipeline.load import parse_file

    source = SourceFile(ADHOC_FILE, adhoc_text(request))
    tree, problems = parse_file(source)
    declarations = [d for d in tree.declarations if isinstance(d, ast.BlockDecl)]
    query, found = check_query(project, declarations[0]) if declarations and not problems else (None, [])
    diagnostics = problems + found
    if query is None or any(d.severity == "error" for d in diagnostics):
        raise CheckFailed(diagnostics, None, {ADHOC_FILE: source})
    return query
