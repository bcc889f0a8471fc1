"""Loading a project: find the `.metric` files, parse each, check them together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from metricdsl.diagnostics import Diagnostic, sort_key
from metricdsl.errors import CheckFailed
from metricdsl.ir import model as m
from metricdsl.semantic import check
from metricdsl.source import DecodeFailure, SourceFile, display_path, find_files, read_source
from metricdsl.syntax import ast


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


def load_project(path: Path | str, prove: bool = True) -> m.Project:
    """The checked model of a project; raises CheckFailed (with `.loaded`) when it has errors."""
    loaded = load(path, prove)
    if loaded.model is None:
        raise CheckFailed(loaded.diagnostics, loaded)
    return loaded.model


def read_or_report(path: Path, unreadable: dict[str, SourceFile] | None = None) -> SourceFile | Diagnostic:
    try:
        return read_source(path)
    except DecodeFailure as failure:
        if unreadable is not None and failure.shown is not None:
            unreadable[failure.span.file] = failure.shown
        return Diagnostic("E001", f"file is not valid UTF-8: {failure.detail}", failure.span)
    except OSError as error:
        return Diagnostic("E005", f"cannot read `{display_path(path)}`: {error.strerror}", None)


def parse_cached(source: SourceFile) -> tuple[ast.FileAST, list[Diagnostic]]:
    """parse_file, remembered per file content in the user's cache (signed JSON of the tree, see
    `pipeline.astjson` and `pipeline.store`): unchanged files are not parsed again."""
    from metricdsl.pipeline import astjson, store

    if not store.enabled():
        return parse_file(source)
    entry = store.file_key("ast", source.path, source.text.encode("utf-8"))
    stored = store.get_bytes(entry)
    remembered = astjson.decode(stored) if stored is not None else None
    if remembered is not None:
        return remembered
    parsed = parse_file(source)
    try:
        store.put_bytes(entry, astjson.encode(parsed))
    except (TypeError, ValueError, RecursionError):
        pass  # a tree the cache cannot hold is only parsed again next time
    return parsed


def parse_file(source: SourceFile) -> tuple[ast.FileAST, list[Diagnostic]]:
    """The parser's parse_file, imported when a file is parsed: a project whose trees are all stored
    is checked without importing the parser (nor lark)."""
    from metricdsl.syntax.parse import parse_file as parse

    use_saved_parser()
    return parse(source)


def use_saved_parser() -> None:
    """Load the parser from the signed store, and save it there once built.

    Also under METRICDSL_NO_CACHE=1: the saved parser is derived from the grammar file alone (like
    bytecode from source), so it cannot make a result stale, and building it costs more than the
    rest of a cold compile."""
    from metricdsl.pipeline import store
    from metricdsl.syntax.parse import use_parser_cache

    use_parser_cache(store)


def check_sources(root: Path, inputs: list[SourceFile | Diagnostic], prove: bool = True) -> LoadedProject:
    diagnostics = [i for i in inputs if isinstance(i, Diagnostic)]
    sources = [i for i in inputs if isinstance(i, SourceFile)]
    trees = []
    for tree, problems in map(parse_cached, sources):
        trees.append(tree)
        diagnostics.extend(problems)
    checked = check(trees, prove)
    model = checked.model
    diagnostics.extend(checked.diagnostics)
    diagnostics = sorted(set(diagnostics), key=sort_key)
    has_errors = any(d.severity == "error" for d in diagnostics)
    return LoadedProject(root, None if has_errors else model, diagnostics, {s.path: s for s in sources})
