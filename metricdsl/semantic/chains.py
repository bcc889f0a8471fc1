"""Long chains of one associative operator, regrouped so that every later stage stays shallow.

The parser builds `a + b - c + …` as a left-deep tree, one level per term; the planner, the IR
serialisation and sqlglot all walk trees recursively, so a sum of a thousand terms would exhaust
Python's recursion limit. The checkers read such a chain as a list of terms (`chain_terms`,
without recursion) and build a balanced tree from it (`regroup`): depth log2(n) instead of n.
Chains of up to REGROUP_FROM terms keep their left-deep shape, so ordinary SQL reads as written.
Repeated signs (`- - x`, `not not c`) collapse (`strip_signs`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from metricdsl.syntax import ast

T = TypeVar("T")
REGROUP_FROM = 32
SUM_OPS = ("+", "-")
FLIP = {"+": "-", "-": "+"}


def chain_ops(op: str) -> tuple[str, ...] | None:
    """The operators that continue a chain that `op` is part of, or None when `op` does not chain."""
    if op in SUM_OPS:
        return SUM_OPS
    return (op,) if op in ("*", "and", "or") else None


def chain_terms(expr: ast.Binary) -> list[tuple[str, ast.Expr]]:
    """The terms of the chain that `expr` ends, each with the operator before it (the first gets
    the chain's neutral sign: `+` for sums, the operator itself otherwise)."""
    ops = chain_ops(expr.op) or (expr.op,)
    terms: list[tuple[str, ast.Expr]] = []
    node: ast.Expr = expr
    while isinstance(node, ast.Binary) and node.op in ops:
        terms.append((node.op, node.right))
        node = node.left
    terms.append(("+" if ops == SUM_OPS else ops[0], node))
    terms.reverse()
    return terms


def regroup(terms: list[tuple[str, T]], make: Callable[[str, T, T], T]) -> T:
    """The chain as a tree: left-deep when short, balanced when long (same value either way)."""
    if len(terms) <= REGROUP_FROM:
        result = terms[0][1]
        for op, value in terms[1:]:
            result = make(op, result, value)
        return result
    return _balanced(terms, make)


def _balanced(terms: list[tuple[str, T]], make: Callable[[str, T, T], T]) -> T:
    if len(terms) == 1:
        return terms[0][1]
    middle = len(terms) // 2
    op = terms[middle][0]
    rest = terms[middle + 1:]
    if op == "-":  # a - b + c - d == a - (b - c + d): the signs inside the right half flip
        rest = [(FLIP[sign], value) for sign, value in rest]
    neutral = "+" if op in SUM_OPS else op
    return make(op, _balanced(terms[:middle], make), _balanced([(neutral, terms[middle][1]), *rest], make))


def strip_signs(expr: ast.Unary) -> tuple[int, ast.Expr]:
    """How many `-` (or `not`) a run of unary operators applies, and the operand under them."""
    flips = 0
    node: ast.Expr = expr
    logical = expr.op == "not"
    while isinstance(node, ast.Unary) and (node.op == "not") == logical:
        flips += node.op in ("-", "not")
        node = node.operand
    return flips, node
