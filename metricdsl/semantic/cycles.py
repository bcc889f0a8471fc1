"""Cycles in a dependency graph (metrics that reference each other, decompositions of drivers)."""

from __future__ import annotations


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Each elementary cycle once (Tarjan's strongly connected components, then one cycle per component)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(start: str) -> None:
        work = [(start, iter(graph.get(start, ())))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            advanced = False
            for nxt in edges:
                if nxt not in graph and nxt not in index:
                    continue
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(graph.get(nxt, ()))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    item = stack.pop()
                    on_stack.discard(item)
                    component.append(item)
                    if item == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    components.append(component)

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return [_cycle_in(sorted(c), graph) for c in components]


def _cycle_in(component: list[str], graph: dict[str, list[str]]) -> list[str]:
    members = set(component)
    path = [component[0]]
    while True:
        nxt = next(n for n in graph[path[-1]] if n in members)
        if nxt in path:
            return path[path.index(nxt):]
        path.append(nxt)
