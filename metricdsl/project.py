"""Loading a project: find the `.metric` files, parse each, check them together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from metricdsl import ast
from metricdsl import model as m
from metricdsl.diagnostics import Diagnostic, sort_key
from metricdsl.parse import parse_file, parser
from metricdsl.source import DecodeFailure, SourceFile, display_path, read_source


@dataclass
class LoadedProject:
    """The result of `check`: the model (None when there are errors), every diagnostic, the sources read."""

    root: Path
    model: m.Project | None
    diagnostics: list[Diagnostic]
    files: dict[str, SourceFile] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def find_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted((p for p in root.rglob("*.metric") if p.is_file()), key=lambda p: p.relative_to(root).as_posix())


def load(root: Path | str, prove: bool = True) -> LoadedProject:
    """Read, parse and check a project; `prove=False` skips proving decompositions exact (slow sympy)."""
    root = Path(root)
    if not root.exists():
        return LoadedProject(root, None, [Diagnostic("E005", f"project path `{root}` does not exist", None,
                                                     "pass the folder that holds your .metric files")])
    paths = find_files(root)
    if not paths:
        return LoadedProject(root, None, [Diagnostic("E005", f"no .metric files in `{display_path(root)}`", None,
                                                     "a project is a folder of .metric files")])
    unreadable: dict[str, SourceFile] = {}
    loaded = check_sources(root, [read_or_report(p, unreadable) for p in paths], prove)
    loaded.files.update(unreadable)  # so that the report shows the line with the invalid byte
    return loaded


def read_or_report(path: Path, unreadable: dict[str, SourceFile] | None = None) -> SourceFile | Diagnostic:
    try:
        return read_source(path)
    except DecodeFailure as failure:
        if unreadable is not None and failure.shown is not None:
            unreadable[failure.span.file] = failure.shown
        return Diagnostic("E001", f"file is not valid UTF-8: {failure.detail}", failure.span)
    except OSError as error:
        return Diagnostic("E005", f"cannot read `{display_path(path)}`: {error.strerror}", None)


PARALLEL_BYTES = 200_000  # below this, starting workers costs more than it saves


def parse_all(sources: list[SourceFile]) -> list[tuple[ast.FileAST, list[Diagnostic]]]:
    """Parse every file; large projects are parsed on all cores (forked workers share the loaded parser)."""
    import os

    workers = min(len(sources), os.cpu_count() or 1)
    if workers < 2 or sum(len(s.text) for s in sources) < PARALLEL_BYTES or not _can_fork():
        return [parse_file(source) for source in sources]
    import multiprocessing

    parser()  # build (or load) the LALR tables once, before forking
    ordered = sorted(range(len(sources)), key=lambda i: -len(sources[i].text))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(parse_file, [sources[i] for i in ordered], chunksize=1)
    by_index = dict(zip(ordered, results))
    return [by_index[i] for i in range(len(sources))]


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def check_sources(root: Path, inputs: list[SourceFile | Diagnostic], prove: bool = True) -> LoadedProject:
    from metricdsl.check import Checker

    diagnostics = [i for i in inputs if isinstance(i, Diagnostic)]
    sources = [i for i in inputs if isinstance(i, SourceFile)]
    trees = []
    for tree, problems in parse_all(sources):
        trees.append(tree)
        diagnostics.extend(problems)
    checker = Checker(trees, prove)
    model = checker.run()
    diagnostics.extend(checker.diagnostics)
    diagnostics = sorted(set(diagnostics), key=sort_key)
    has_errors = any(d.severity == "error" for d in diagnostics)
    return LoadedProject(root, None if has_errors else model, diagnostics, {s.path: s for s in sources})
