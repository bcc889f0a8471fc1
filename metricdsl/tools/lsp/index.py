"""The project as the language server sees it: the text and parsed tree of every `.metric` file of
the workspace folder (open documents override the files on disk) and an index of declared names.

A change re-parses only the declarations of the changed file whose text changed; a request
(hover, completion, …) brings the trees and the name index up to date first (`refresh`). The
checker runs only when diagnostics are wanted (`check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from metricdsl.diagnostics import Diagnostic, sort_key
from metricdsl.semantic import check
from metricdsl.source import SourceFile, find_files, normalize_newlines, read_bytes
from metricdsl.syntax import ast
from metricdsl.tools.lsp.incremental import Chunk, parse_incremental


@dataclass
class Parsed:
    source: SourceFile
    tree: ast.FileAST
    problems: list[Diagnostic]

    def lines(self) -> list[str]:
        return self._lines

    @cached_property
    def _lines(self) -> list[str]:  # computed once: every position conversion reads them
        return [line.rstrip("\r") for line in self.source.text.split("\n")]


@dataclass
class DeclarationSite:
    """A declaration and the file it is written in."""

    path: str
    decl: ast.Declaration


@dataclass
class ProjectState:
    root: Path | None = None
    files: dict[str, Parsed] = field(default_factory=dict)
    dirty: dict[str, str] = field(default_factory=dict)  # path → new text, not parsed yet
    diagnostics: dict[str, list[Diagnostic]] = field(default_factory=dict)
    sources: dict[str, DeclarationSite] = field(default_factory=dict)
    shared: dict[str, DeclarationSite] = field(default_factory=dict)  # metrics, dimensions, queries, calendars, targets
    chunks: dict[str, dict[str, Chunk]] = field(default_factory=dict)  # path → declaration text → parsed
    checked: bool = False

    def load_folder(self, root: Path) -> None:
        self.root = root
        for path in find_files(root):
            key = str(path.resolve())
            if key not in self.files and key not in self.dirty:
                try:
                    self.dirty[key] = read_bytes(path).decode("utf-8").removeprefix("\ufeff")
                except (OSError, UnicodeDecodeError):
                    continue
        self.checked = False

    def set_text(self, path: str, text: str) -> None:
        self.dirty[path] = text
        self.checked = False

    def refresh(self) -> bool:
        """Parse the changed files and rebuild the name index; False when nothing changed.

        The checker is not run here (see `check`): hover, definition and completion only need
        the trees, so they stay fast on large projects; diagnostics follow after the debounce.
        """
        if not self.dirty:
            return False
        for path, raw in self.dirty.items():
            text = normalize_newlines(raw)  # a lone CR ends a line for LSP clients too
            tree, problems, self.chunks[path] = parse_incremental(path, text, self.chunks.get(path, {}))
            self.files[path] = Parsed(SourceFile(path, text), tree, problems)
        self.dirty.clear()
        self.build_index()
        self.checked = False
        return True

    def check(self) -> bool:
        """Bring the trees up to date and run the checker; False when nothing changed."""
        self.refresh()
        if self.checked:
            return False
        self.run_checker()
        self.checked = True
        return True

    def run_checker(self) -> None:
        found: list[Diagnostic] = [d for parsed in self.files.values() for d in parsed.problems]
        try:
            found.extend(check([self.files[path].tree for path in sorted(self.files)]).diagnostics)
        except Exception as error:  # noqa: BLE001 - a half-typed file must never stop the server
            found.append(Diagnostic("E002", f"internal checker error: {type(error).__name__}: {error}", None))
        self.diagnostics = {path: [] for path in self.files}
        for diagnostic in sorted(set(found), key=sort_key):
            if diagnostic.span is not None and diagnostic.span.file in self.diagnostics:
                self.diagnostics[diagnostic.span.file].append(diagnostic)

    def build_index(self) -> None:
        self.sources, self.shared = {}, {}
        for path in sorted(self.files):
            for decl in self.files[path].tree.declarations:
                if isinstance(decl, ast.SourceDecl):
                    self.sources.setdefault(decl.name, DeclarationSite(path, decl))
                elif not isinstance(decl, ast.DecomposeDecl):
                    self.shared.setdefault(decl.name, DeclarationSite(path, decl))

    def of_kind(self, kind: type) -> dict[str, DeclarationSite]:
        return {name: d for name, d in self.shared.items() if isinstance(d.decl, kind)}

    def shown(self, path: str) -> str:
        if self.root is not None:
            try:
                return Path(path).relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path
