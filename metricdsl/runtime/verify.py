"""`metricdsl verify`: measure the empirical decompositions (LANGUAGE.md §6) on a warehouse.

`measure` computes, for every decomposition that is not proven exact, the
metric and its drivers with the compiler (grouped by one dimension, or overall), evaluates the
formula in Python on each row and reports the worst relative residual |m − f| / |m|.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from metricdsl.errors import CheckFailed, WarehouseError
from metricdsl.ir import model as m
from metricdsl.pipeline.compile import compile_sql
from metricdsl.pipeline.request import QueryRequest

if TYPE_CHECKING:
    from metricdsl.runtime.warehouse import QueryResult, Warehouse

DEFAULT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Residual:
    """The outcome of one decomposition: proven exact, or the worst residual on data."""

    decomposition: m.Decomposition
    exact: bool
    worst: float | None = None  # relative |m − f| / |m|; inf where m is 0 and f is not
    group: str | None = None  # the group of the worst residual
    groups: int = 0  # groups compared
    skipped: int = 0  # groups where the metric or the formula is null
    error: str | None = None  # the query could not be compiled or run

    def exceeds(self, tolerance: float) -> bool:
        return self.error is not None or (self.worst is not None and self.worst > tolerance)


def evaluate(expr: m.MetricExpr, values: Mapping[str, float | None]) -> float | None:
    """The formula on one row of metric values; null propagates and x / 0 is null (as in SQL)."""
    if isinstance(expr, m.Const):
        return float(expr.value)
    if isinstance(expr, m.MetricRef):
        return values.get(expr.metric)
    if not isinstance(expr, m.Arith):
        raise TypeError(f"cannot evaluate a {expr.kind} in a decomposition formula")
    args = [evaluate(a, values) for a in expr.args]
    if expr.op == "coalesce":
        return next((a for a in args if a is not None), None)
    if any(a is None for a in args):
        return None
    return _apply(expr.op, [a for a in args if a is not None])


def _apply(op: str, args: list[float]) -> float | None:
    if op == "/":
        return None if args[1] == 0 else args[0] / args[1]
    table: dict[str, Any] = {
        "+": lambda: args[0] + args[1], "-": lambda: args[0] - args[1], "*": lambda: args[0] * args[1],
        "neg": lambda: -args[0], "abs": lambda: abs(args[0]), "floor": lambda: float(math.floor(args[0])),
        "ceil": lambda: float(math.ceil(args[0])),
        "round": lambda: float(round(Decimal(repr(args[0])), int(args[1]) if len(args) > 1 else 0)),
    }
    return float(table[op]())


def relative_residual(actual: float, formula: float) -> float:
    if actual == formula:
        return 0.0
    return abs(actual - formula) / abs(actual) if actual != 0 else math.inf


def measure(project: m.Project, warehouse: Warehouse, by: str | None = None, period: str | None = None,
            step: Callable[[m.Decomposition], AbstractContextManager[Any]] | None = None) -> list[Residual]:
    """Every decomposition: proven exact ones as they are, the others measured on `warehouse`
    (each inside `step(decomposition)`, e.g. a progress spinner)."""
    results = []
    for decomposition in project.decompositions:
        if decomposition.exact:
            results.append(Residual(decomposition, exact=True))
            continue
        with step(decomposition) if step is not None else nullcontext():
            results.append(measure_one(project, warehouse, decomposition, by, period))
    return results


def measure_one(project: m.Project, warehouse: Warehouse, decomposition: m.Decomposition, by: str | None,
                period: str | None) -> Residual:
    metrics = tuple(dict.fromkeys([decomposition.metric, *decomposition.drivers]))
    request = QueryRequest(metrics=metrics, by=(by,) if by else (), period=period)
    try:
        sql = compile_sql(project, request, warehouse.dialect)
        result = warehouse.execute(sql)
    except (CheckFailed, WarehouseError) as error:
        return Residual(decomposition, exact=False, error=str(error))
    return residual_of(decomposition, result, by)


def residual_of(decomposition: m.Decomposition, result: QueryResult, by: str | None) -> Residual:
    assert decomposition.formula is not None
    group_column = by.replace(".", "_") if by else None
    worst: float | None = None
    worst_group: str | None = None
    compared = skipped = 0
    for row in result.rows:
        values = {name: _number(value) for name, value in zip(result.columns, row)}
        actual = values.get(decomposition.metric)
        formula = evaluate(decomposition.formula, values)
        if actual is None or formula is None:
            skipped += 1
            continue
        compared += 1
        error = relative_residual(actual, formula)
        if worst is None or error > worst:
            worst = error
            worst_group = _group_text(row[result.columns.index(group_column)]) if group_column else "(overall)"
    return Residual(decomposition, exact=False, worst=worst, group=worst_group, groups=compared, skipped=skipped)


def _number(value: object) -> float | None:
    if value is None or isinstance(value, (str, bool)):
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    return None


def _group_text(value: object) -> str:
    return "NULL" if value is None else str(value)
