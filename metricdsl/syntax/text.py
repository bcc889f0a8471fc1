"""Source text recovered from spans: what a span covers, and a declaration's formula as written.

The language server shows these in hovers and the catalog prints them on metric cards.
(`metricdsl.ir.printing.formula_text` prints a formula from the IR instead.)
"""

from __future__ import annotations

from metricdsl.source import SourceFile, Span
from metricdsl.syntax import ast


def span_text(source: SourceFile, span: Span) -> str:
    """The text a span covers (columns are 1-based code points, the end is exclusive)."""
    lines = source.text.split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1:span.end_column - 1]
    parts = [lines[span.line - 1][span.column - 1:], *lines[span.line:span.end_line - 1],
             lines[span.end_line - 1][:span.end_column - 1]]
    return "\n".join(part.rstrip("\r") for part in parts)


def formula_span(decl: ast.MetricDecl | ast.DimensionDecl) -> Span:
    """From the start of the expression to the end of its `having`/`where` (the block excluded)."""
    last = decl.expr
    if isinstance(decl, ast.MetricDecl):
        last = decl.where or decl.having or decl.expr
    return decl.expr.span.to(last.span)


def declared_text(source: SourceFile, decl: ast.MetricDecl | ast.DimensionDecl) -> str:
    """A metric's or dimension's formula as its source file spells it, on one line."""
    return " ".join(span_text(source, formula_span(decl)).split())
