"""The package's architecture, checked on its source (ARCHITECTURE.md §4.1 and §5.1).

Every module of `metricdsl` is read with `ast`; every `import` and `from … import` counts, wherever
it stands (module level, inside a function, under `if TYPE_CHECKING:`), relative imports resolved.
`from metricdsl.x import name` is an edge to the module `metricdsl.x.name` when that module exists,
otherwise to `metricdsl.x` (for a package: its `__init__`). Sub-packages belong to their stage
(`metricdsl.sql.dialects.impala` is in `sql`).

From that graph: no import cycle between modules, and imports only point down the layer table;
two different stages of one layer never import each other. Two exceptions, both by design: the L0
modules are the shared foundation (`errors` carries `diagnostics`, which point into `source`), so
among them only the cycle rule applies; and `__main__` exists to call `cli`. Size limits: no class
over 400 lines, no module over 700, at most 8 modules at the package's top level.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO_ROOT / "metricdsl"

# Stage → layer. The package root (`metricdsl/__init__.py`) sits beneath every layer: it imports nothing.
LAYERS = {
    "source": 0, "errors": 0, "grains": 0, "diagnostics": 0,
    "syntax": 1, "ir": 1,
    "semantic": 2,
    "plan": 3, "allocate": 3,
    "sql": 4,
    "pipeline": 5,
    "runtime": 6, "tools": 6,
    "cli": 7, "api": 7, "__main__": 7,
}
ROOT_STAGE = ""
ROOT_LAYER = -1
FOUNDATION_LAYER = 0  # its stages may import each other; the cycle rule still orders them
ENTRY_POINTS = {("__main__", "cli")}
MAX_CLASS_LINES = 400
MAX_MODULE_LINES = 700
MAX_TOP_LEVEL_MODULES = 8


@dataclass(frozen=True)
class Import:
    """One edge of the import graph and the statement that makes it."""

    source: str
    target: str
    path: Path
    line: int

    @property
    def where(self) -> str:
        return f"{_shown(self.path)}:{self.line}"


@dataclass(frozen=True)
class Package:
    """A package's modules (dotted name → file) and every import between them."""

    modules: dict[str, Path]
    imports: list[Import]


def _shown(path: Path) -> str:
    """A path as the failure message shows it: relative to the repository when inside it."""
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def module_name(package_dir: Path, path: Path) -> str:
    parts = [package_dir.name, *path.relative_to(package_dir).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def scan(package_dir: Path) -> Package:
    """Read every module under `package_dir` and collect the imports that stay inside the package."""
    modules = {module_name(package_dir, path): path for path in sorted(package_dir.rglob("*.py"))}
    imports = [edge for name, path in modules.items() for edge in imports_of(name, path, modules)]
    return Package(modules, imports)


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> Iterator[Import]:
    own_package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        for target in _targets(node, own_package):
            module = _nearest_module(target, modules)
            if module is not None:
                yield Import(name, module, path, node.lineno)


def _targets(node: ast.AST, own_package: str) -> list[str]:
    """The dotted names one statement imports: `import a.b` → a.b; `from a import b` → a.b (module or not)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        anchor = own_package.rsplit(".", node.level - 1)[0] if node.level > 1 else own_package
        base = f"{anchor}.{base}" if base else anchor
    return [f"{base}.{alias.name}" for alias in node.names]


def _nearest_module(dotted: str, modules: dict[str, Path]) -> str | None:
    """The longest prefix of `dotted` that is a module of the package (None: outside the package)."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT_STAGE


def layer_of(stage: str) -> int:
    return ROOT_LAYER if stage == ROOT_STAGE else LAYERS[stage]


def layer_violation(edge: Import) -> str | None:
    """Why this import breaks the layer table, or None when it is allowed."""
    source, target = stage_of(edge.source), stage_of(edge.target)
    if source == target or target == ROOT_STAGE or (source, target) in ENTRY_POINTS:
        return None
    if layer_of(target) < layer_of(source) or layer_of(source) == layer_of(target) == FOUNDATION_LAYER:
        return None
    rule = "imports a higher layer" if layer_of(target) > layer_of(source) else "imports a sibling stage of its layer"
    return (f"{edge.where}: {edge.source} ({source}, L{layer_of(source)}) {rule}: "
            f"{edge.target} ({target}, L{layer_of(target)})")


def find_cycles(imports: Iterable[Import]) -> list[list[Import]]:
    """For every module on a cycle, the shortest cycle through it (each cycle once), as its import edges."""
    graph: dict[str, dict[str, Import]] = {}
    for edge in imports:
        graph.setdefault(edge.source, {}).setdefault(edge.target, edge)
    cycles: dict[frozenset[tuple[str, str]], list[Import]] = {}
    for group in _strongly_connected(graph):
        for start in sorted(group):
            cycle = _shortest_cycle(graph, group, start)
            if cycle:
                cycles.setdefault(frozenset((edge.source, edge.target) for edge in cycle), cycle)
    return list(cycles.values())


def _strongly_connected(graph: dict[str, dict[str, Import]]) -> list[set[str]]:
    """Kosaraju: the second pass over the reversed graph, in reverse finishing order, yields the groups."""
    order: list[str] = []
    seen: set[str] = set()
    for start in sorted(graph):
        _finish_order(graph, start, seen, order)
    reverse: dict[str, set[str]] = {}
    for source, targets in graph.items():
        for target in targets:
            reverse.setdefault(target, set()).add(source)
    groups: list[set[str]] = []
    assigned: set[str] = set()
    for start in reversed(order):
        if start not in assigned:
            group: set[str] = set()
            stack = [start]
            while stack:
                node = stack.pop()
                if node not in assigned:
                    assigned.add(node)
                    group.add(node)
                    stack.extend(reverse.get(node, ()))
            groups.append(group)
    return groups


def _finish_order(graph: dict[str, dict[str, Import]], start: str, seen: set[str], order: list[str]) -> None:
    """Depth-first search without recursion; appends each node once all it reaches is finished."""
    if start in seen:
        return
    seen.add(start)
    stack = [(start, iter(sorted(graph.get(start, {}))))]
    while stack:
        node, children = stack[-1]
        child = next((c for c in children if c not in seen), None)
        if child is None:
            stack.pop()
            order.append(node)
        else:
            seen.add(child)
            stack.append((child, iter(sorted(graph.get(child, {})))))


def _shortest_cycle(graph: dict[str, dict[str, Import]], group: set[str], start: str) -> list[Import]:
    """Breadth-first from `start` back to itself, staying inside its group (empty: `start` is on no cycle)."""
    came_by: dict[str, Import] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for target, edge in sorted(graph.get(node, {}).items()):
                if target == start:
                    path = [edge]
                    while path[0].source != start:
                        path.insert(0, came_by[path[0].source])
                    return path
                if target in group and target not in came_by:
                    came_by[target] = edge
                    following.append(target)
        frontier = following
    return []


def describe_cycle(cycle: list[Import]) -> str:
    return " → ".join(f"{edge.source} ({edge.where})" for edge in cycle) + f" → {cycle[0].source}"


def class_lengths(path: Path) -> Iterator[tuple[str, int, int]]:
    """(class name, first line, length in lines) of every class in the file, nested ones included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
            first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            yield node.name, first, node.end_lineno - first + 1


@cache
def metricdsl() -> Package:
    return scan(PACKAGE_DIR)


# ---- the rules, on metricdsl ----


def test_every_module_belongs_to_a_stage_of_the_layer_table() -> None:
    unknown = sorted({stage_of(name) for name in metricdsl().modules} - {ROOT_STAGE, *LAYERS})
    assert unknown == [], f"stages missing from the layer table (ARCHITECTURE.md §5.1): {unknown}"


def test_the_package_root_imports_nothing() -> None:
    root = PACKAGE_DIR / "__init__.py"
    statements = [node for node in ast.walk(ast.parse(root.read_text(encoding="utf-8")))
                  if isinstance(node, ast.Import | ast.ImportFrom)]
    assert [f"{_shown(root)}:{node.lineno}" for node in statements] == []


def test_no_import_cycles() -> None:
    cycles = [describe_cycle(cycle) for cycle in find_cycles(metricdsl().imports)]
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_imports_point_down_the_layers() -> None:
    violations = [reason for edge in metricdsl().imports if (reason := layer_violation(edge))]
    assert violations == [], "imports against the layer table:\n" + "\n".join(violations)


def test_the_ir_imports_only_layer_zero() -> None:
    outside = [f"{edge.where}: {edge.target}" for edge in metricdsl().imports
               if stage_of(edge.source) == "ir" and stage_of(edge.target) != "ir"
               and layer_of(stage_of(edge.target)) > 0]
    assert outside == [], "the IR imports above L0:\n" + "\n".join(outside)


def test_no_class_over_the_limit() -> None:
    too_long = [f"{_shown(path)}:{line}: class {name} is {length} lines"
                for path in metricdsl().modules.values() for name, line, length in class_lengths(path)
                if length > MAX_CLASS_LINES]
    assert too_long == [], f"classes over {MAX_CLASS_LINES} lines:\n" + "\n".join(too_long)


def test_no_module_over_the_limit() -> None:
    sizes = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in metricdsl().modules.values()}
    too_long = [f"{_shown(path)}: {lines} lines" for path, lines in sizes.items() if lines > MAX_MODULE_LINES]
    assert too_long == [], f"modules over {MAX_MODULE_LINES} lines:\n" + "\n".join(too_long)


def test_few_modules_at_the_top_level() -> None:
    top_level = sorted(path.name for path in PACKAGE_DIR.glob("*.py"))
    assert len(top_level) <= MAX_TOP_LEVEL_MODULES, f"{len(top_level)} top-level modules: {top_level}"


# ---- the graph code itself, on a small package written for the test ----


def _write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_the_graph_sees_every_kind_of_import(tmp_path: Path) -> None:
    package_dir = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": "from . import d\n",
        "pkg/sub/d.py": "from ..b import thing\nimport os\n",
        "pkg/b.py": "thing = 1\n",
        "pkg/a.py": ("from typing import TYPE_CHECKING\n"
                     "from pkg.b import thing\n"
                     "if TYPE_CHECKING:\n"
                     "    from .sub.d import thing as other\n"
                     "def f() -> None:\n"
                     "    import pkg.sub\n"
                     "    from pkg import sub, b\n"
                     "    from pkg.sub import missing\n"),
    })
    edges = {(edge.source, edge.target, edge.line) for edge in scan(package_dir).imports}
    assert edges == {
        ("pkg.sub", "pkg.sub.d", 1),
        ("pkg.sub.d", "pkg.b", 1),
        ("pkg.a", "pkg.b", 2),
        ("pkg.a", "pkg.sub.d", 4),
        ("pkg.a", "pkg.sub", 6),
        ("pkg.a", "pkg.sub", 7),
        ("pkg.a", "pkg.b", 7),
        ("pkg.a", "pkg.sub", 8),
    }


def test_a_cycle_is_reported_with_the_lines_that_make_it(tmp_path: Path) -> None:
    package_dir = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg import b\n",
        "pkg/b.py": "\ndef f() -> None:\n    from pkg.c import x\n",
        "pkg/c.py": "from .a import y\nfrom . import d\n",
        "pkg/d.py": "import pkg.c\n",
        "pkg/e.py": "from pkg import a\n",
    })
    cycles = [describe_cycle(cycle) for cycle in find_cycles(scan(package_dir).imports)]
    assert cycles == [(f"pkg.a ({tmp_path}/pkg/a.py:1) → pkg.b ({tmp_path}/pkg/b.py:3) "
                       f"→ pkg.c ({tmp_path}/pkg/c.py:1) → pkg.a"),
                      f"pkg.c ({tmp_path}/pkg/c.py:2) → pkg.d ({tmp_path}/pkg/d.py:1) → pkg.c"]


@pytest.mark.parametrize(("source", "target", "rule"), [
    ("metricdsl.sql.generate", "metricdsl.pipeline.cache", "imports a higher layer"),
    ("metricdsl.plan.planner", "metricdsl.allocate.engine", "imports a sibling stage of its layer"),
    ("metricdsl.ir.model", "metricdsl.syntax.ast", "imports a sibling stage of its layer"),
    ("metricdsl.runtime.baseline", "metricdsl.api", "imports a higher layer"),
    ("metricdsl.api", "metricdsl.cli", "imports a sibling stage of its layer"),
    ("metricdsl.errors", "metricdsl.diagnostics", None),
    ("metricdsl.__main__", "metricdsl.cli", None),
    ("metricdsl.sql.dialects.impala", "metricdsl.sql.generate", None),
    ("metricdsl.cli", "metricdsl.ir.model", None),
    ("metricdsl.semantic.checker", "metricdsl", None),
])
def test_the_layer_rule(source: str, target: str, rule: str | None) -> None:
    reason = layer_violation(Import(source, target, PACKAGE_DIR / "x.py", 3))
    assert (reason is None) == (rule is None)
    if rule is not None:
        assert reason is not None and reason.startswith(f"metricdsl/x.py:3: {source} (") and rule in reason
