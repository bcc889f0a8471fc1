"""`metricdsl verify`: are the keys that joins and `key:` promise unique in the warehouse?

A `join` is many-to-one: each row of the declaring source matches at most one row of the joined
source. When the joined table holds a key twice, every row that joins to it is counted twice by
every metric that reaches through the join — silently. A source's `key:` promises the same of its
own table. For each such promise this counts the keys (NULLs aside: they never match) that occur
more than once, with a few examples, in one grouped query per table and key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from metricdsl.errors import WarehouseError
from metricdsl.ir import model as m
from metricdsl.sql.types import table_ref

if TYPE_CHECKING:
    from rich.table import Table

    from metricdsl.runtime.warehouse import Warehouse

EXAMPLES = 5


@dataclass(frozen=True)
class KeyPromise:
    """Columns of a source's table that must be unique, and who promised it."""

    label: str  # `orders → customers (customer_id)` or `customers key (customer_id)`
    source: m.Source
    columns: tuple[str, ...]


@dataclass(frozen=True)
class KeyCheck:
    promise: KeyPromise
    duplicates: int = 0  # keys that occur more than once
    examples: tuple[tuple[tuple[Any, ...], int], ...] = ()  # (key values, rows), most rows first
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or self.duplicates > 0


def promises(project: m.Project) -> list[KeyPromise]:
    """Every join's target key and every `key:`, once per table and columns."""
    found: dict[tuple[tuple[str, ...], tuple[str, ...]], KeyPromise] = {}
    for source in project.sources.values():
        for join in source.joins:
            target = project.sources[join.target]
            columns = tuple(pair[1] for pair in join.pairs)
            label = f"{source.name} → {target.name} ({', '.join(columns)})"
            found.setdefault((target.table, columns), KeyPromise(label, target, columns))
    for source in project.sources.values():
        if source.key:
            label = f"{source.name} key ({', '.join(source.key)})"
            found.setdefault((source.table, source.key), KeyPromise(label, source, source.key))
    return list(found.values())


def duplicates_query(promise: KeyPromise, dialect: str) -> str:
    """The key values that occur more than once (most rows first, at most EXAMPLES), each with its row
    count and the number of such keys."""
    keys = [exp.column(c, quoted=True) for c in promise.columns]
    rows = exp.func("count", exp.Star())
    grouped = (exp.select(*keys, exp.alias_(rows, "metricdsl_rows", quoted=True))
               .from_(table_ref(promise.source.table))
               .where(exp.and_(*[exp.Not(this=exp.Is(this=k.copy(), expression=exp.null())) for k in keys]))
               .group_by(*[k.copy() for k in keys])
               .having(exp.GT(this=rows.copy(), expression=exp.Literal.number(1))))
    total = exp.Window(this=exp.func("count", exp.Star()))
    outer = (exp.select(*[exp.column(c, quoted=True) for c in promise.columns],
                        exp.column("metricdsl_rows", quoted=True),
                        exp.alias_(total, "metricdsl_keys", quoted=True))
             .from_(exp.alias_(grouped.subquery(), "duplicated", table=True))
             .order_by(exp.Ordered(this=exp.column("metricdsl_rows", quoted=True), desc=True),
                       *[exp.Ordered(this=exp.column(c, quoted=True), nulls_first=False) for c in promise.columns])
             .limit(EXAMPLES))
    return outer.sql(dialect=dialect, pretty=True)


def check_keys(project: m.Project, warehouse: Warehouse) -> list[KeyCheck]:
    results = []
    for promise in promises(project):
        try:
            found = warehouse.execute(duplicates_query(promise, warehouse.dialect)).rows
        except WarehouseError as error:
            results.append(KeyCheck(promise, error=str(error)))
            continue
        width = len(promise.columns)
        examples = tuple((tuple(row[:width]), int(row[width])) for row in found)
        results.append(KeyCheck(promise, int(found[0][width + 1]) if found else 0, examples))
    return results


def example_text(check: KeyCheck) -> str:
    def key(values: tuple[Any, ...]) -> str:
        shown = ", ".join("NULL" if v is None else str(v) for v in values)
        return f"({shown})" if len(values) > 1 else shown

    more = check.duplicates - len(check.examples)
    text = "; ".join(f"{key(values)} ×{count}" for values, count in check.examples)
    return text + (f"; and {more} more" if more > 0 else "")


def key_table(results: list[KeyCheck]) -> Table:
    from rich.table import Table

    table = Table(title="Join keys (a key that occurs twice double counts every row joined to it)",
                  title_justify="left")
    for column in ("key", "table", "duplicated keys", "examples (key ×rows)", "verdict"):
        table.add_column(column, justify="right" if column == "duplicated keys" else "left")
    for check in results:
        name = ".".join(check.promise.source.table)
        if check.error is not None:
            table.add_row(check.promise.label, name, "–", "–", f"error: {check.error}")
        else:
            table.add_row(check.promise.label, name, str(check.duplicates), example_text(check) or "–",
                          "FAIL" if check.duplicates else "ok")
    return table
