"""The join graph: which sources each source reaches, and by how many paths."""

from __future__ import annotations

from collections.abc import Mapping

from metricdsl.ir import model as m

MAX_VISITS = 2  # a source reached twice is ambiguous; no need to know a third path


class JoinGraph:
    def __init__(self, sources: Mapping[str, m.Source]) -> None:
        self.edges = {name: [j.target for j in source.joins] for name, source in sources.items()}
        self._paths: dict[str, dict[str, list[tuple[str, ...]]]] = {}

    def paths(self, base: str, target: str) -> list[tuple[str, ...]]:
        """Up to two distinct join paths from base to target (sources after base, target last)."""
        if base not in self._paths:
            self._paths[base] = self._explore(base)
        return self._paths[base].get(target, [])

    def path(self, base: str, target: str) -> tuple[str, ...] | None:
        found = self.paths(base, target)
        return found[0] if found else None

    def _explore(self, base: str) -> dict[str, list[tuple[str, ...]]]:
        found: dict[str, list[tuple[str, ...]]] = {}
        stack: list[tuple[str, tuple[str, ...]]] = [(base, ())]
        while stack:
            node, path = stack.pop()
            for target in reversed(self.edges.get(node, [])):
                if target == base or target in path:
                    continue
                routes = found.setdefault(target, [])
                if len(routes) >= MAX_VISITS:
                    continue
                routes.append((*path, target))
                stack.append((target, (*path, target)))
        return found

    def unique_paths(self) -> dict[str, dict[str, tuple[str, ...]]]:
        return {
            base: {target: routes[0] for target in self.edges if len(routes := self.paths(base, target)) == 1}
            for base in self.edges
        }
