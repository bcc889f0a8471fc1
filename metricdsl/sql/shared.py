"""Computed values that several metrics share, computed once in a column instead of repeated.

The planner plans a referenced metric once per (filters, shift, window), so a metric that uses
the previous one twice per level is a DAG of `Compute` nodes, not a tree. Printed as a tree, its
SQL would double with every level (1.2 MB at 14 levels); instead every node that is referenced
more than once and is not small gets a column of its own, computed in a chain of CTEs above the
grouped measures (one CTE per nesting level: a SELECT cannot read its own aliases on every
engine). The SQL then grows with the number of distinct sub-metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

from metricdsl.plan.nodes import Compute, Value, fresh_name

SHARE_SIZE = 8
"""A shared value is given a column when its expression, written out, has at least this many nodes;
smaller ones are cheaper to repeat (and the SQL of ordinary queries keeps its shape)."""


@dataclass(frozen=True)
class SharedValue:
    value: Compute
    column: str


def shared_levels(outputs: list[Value], taken: set[str]) -> list[list[SharedValue]]:
    """The values to compute once, grouped by level: a value reads only shared values of lower levels."""
    nodes = _distinct_nodes(outputs)
    uses: dict[int, int] = {}
    for value in outputs:
        uses[id(value)] = uses.get(id(value), 0) + 1
    for node in nodes.values():
        if isinstance(node, Compute):
            for arg in node.args:
                uses[id(arg)] = uses.get(id(arg), 0) + 1
    sizes: dict[int, int] = {}
    shared = {key for key, node in nodes.items()
              if isinstance(node, Compute) and uses[key] > 1 and _size(node, sizes) >= SHARE_SIZE}
    levels: dict[int, int] = {}
    for key in shared:
        _level(nodes[key], shared, levels)
    seen_at = {key: index for index, key in enumerate(nodes)}
    ordered = sorted(shared, key=lambda key: (levels[key], seen_at[key]))
    columns = {key: fresh_name(f"shared_{n}", taken) for n, key in enumerate(ordered, start=1)}
    grouped: list[list[SharedValue]] = [[] for _ in range(max((levels[key] for key in shared), default=0))]
    for key in ordered:
        node = nodes[key]
        assert isinstance(node, Compute)
        grouped[levels[key] - 1].append(SharedValue(node, columns[key]))
    return grouped


def _distinct_nodes(outputs: list[Value]) -> dict[int, Value]:
    """Every node reachable from the outputs, once each, in first-seen (depth-first) order."""
    nodes: dict[int, Value] = {}
    stack = list(reversed(outputs))
    while stack:
        node = stack.pop()
        if id(node) in nodes:
            continue
        nodes[id(node)] = node
        if isinstance(node, Compute):
            stack.extend(reversed(node.args))
    return nodes


def _size(node: Value, sizes: dict[int, int]) -> int:
    """The number of nodes of the value written out as a tree (memoised: the DAG is visited once)."""
    if id(node) not in sizes:
        sizes[id(node)] = 1 + sum(_size(arg, sizes) for arg in node.args) if isinstance(node, Compute) else 1
    return sizes[id(node)]


def _level(node: Value, shared: set[int], levels: dict[int, int]) -> int:
    """1 + the highest level of the shared values the node reads (0 for a node that reads none)."""
    if id(node) in levels:
        return levels[id(node)]
    below = max((_level(arg, shared, levels) for arg in node.args), default=0) if isinstance(node, Compute) else 0
    level = below + 1 if id(node) in shared else below
    levels[id(node)] = level
    return level
