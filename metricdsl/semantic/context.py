"""What every semantic pass shares: the diagnostics reporter, the symbol table and the resolved tables.

A pass is a module of functions (or one small class) that receives the `Scope`; what it reads and
writes there is visible in its code. `check` fills a Scope declaration by declaration;
`Scope.from_model` rebuilds one from a checked project, to check more queries against it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from metricdsl.diagnostics import Diagnostic, Note
from metricdsl.ir import model as m
from metricdsl.ir.targets import TargetSpec
from metricdsl.semantic.join_graph import JoinGraph
from metricdsl.source import Span

SymbolKind = Literal["source", "dimension", "metric", "query", "calendar", "target", "scorecard"]


@dataclass
class Reporter:
    """Collects diagnostics; `mark`/`failed_since` answer "did this step report an error?"."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    error_count: int = 0

    def error(self, code: str, message: str, span: Span | None, help: str | None = None,
              notes: Iterable[Note] = ()) -> None:
        """Report a problem; a `W…` code is a warning, which does not count as a failure."""
        diagnostic = Diagnostic(code, message, span, help, tuple(notes))
        self.diagnostics.append(diagnostic)
        if diagnostic.severity == "error":
            self.error_count += 1

    def mark(self) -> int:
        return self.error_count

    def failed_since(self, mark: int) -> bool:
        return self.error_count != mark


@dataclass(frozen=True)
class Symbol:
    """A declared name: its kind, and where it is declared (None when known from a checked model)."""

    kind: SymbolKind
    span: Span | None


@dataclass
class Symbols:
    """The project's names. Sources have a namespace of their own; metrics, dimensions, queries,
    calendars and targets share one. The first declaration of a name wins."""

    sources: dict[str, Symbol] = field(default_factory=dict)
    shared: dict[str, Symbol] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)  # declared where the parser failed: no follow-up errors
    folded: dict[tuple[bool, str], str] = field(default_factory=dict)  # (is a source, lower case) → first name

    def declare(self, name: str, symbol: Symbol) -> None:
        is_source = symbol.kind == "source"
        (self.sources if is_source else self.shared)[name] = symbol
        self.folded.setdefault((is_source, name.lower()), name)

    def same_but_case(self, name: str, is_source: bool) -> str | None:
        """An earlier name of the namespace that differs from `name` only in case, or None."""
        first = self.folded.get((is_source, name.lower()))
        return first if first is not None and first != name else None

    def is_a(self, name: str, kind: SymbolKind) -> bool:
        if kind == "source":
            return name in self.sources
        symbol = self.shared.get(name)
        return symbol is not None and symbol.kind == kind

    def named(self, kind: SymbolKind) -> list[str]:
        """The names of one kind, in declaration order (the pool for did-you-mean hints)."""
        if kind == "source":
            return list(self.sources)
        return [name for name, symbol in self.shared.items() if symbol.kind == kind]

    def known(self, name: str, kind: SymbolKind) -> bool:
        """Declared as `kind`, or declared in a broken declaration (so already reported)."""
        return self.is_a(name, kind) or name in self.broken


@dataclass
class Scope:
    """The state of one semantic check, shared by every pass."""

    report: Reporter = field(default_factory=Reporter)
    symbols: Symbols = field(default_factory=Symbols)
    sources: dict[str, m.Source] = field(default_factory=dict)
    dimensions: dict[str, m.Dimension] = field(default_factory=dict)
    dimension_types: dict[str, str] = field(default_factory=dict)  # also of dimensions that failed later checks
    metric_exprs: dict[str, m.MetricExpr] = field(default_factory=dict)  # also of metrics that failed later checks
    metrics: dict[str, m.Metric] = field(default_factory=dict)
    joins: JoinGraph = field(default_factory=lambda: JoinGraph({}))
    stored_targets: set[str] = field(default_factory=set)  # targets with a `store:` table (planned(T))
    targets: dict[str, TargetSpec] = field(default_factory=dict)  # checked before the queries

    @classmethod
    def from_model(cls, project: m.Project) -> Scope:
        """The scope of a checked project: every name it declares and every table it resolved."""
        symbols = Symbols()
        tables: tuple[tuple[SymbolKind, Iterable[str]], ...] = (
            ("source", project.sources), ("dimension", project.dimensions), ("metric", project.metrics),
            ("query", project.queries), ("calendar", project.calendars), ("target", project.targets),
            ("scorecard", project.scorecards))
        for kind, names in tables:
            for name in names:
                symbols.declare(name, Symbol(kind, None))
        return cls(
            symbols=symbols,
            sources=dict(project.sources),
            dimensions=dict(project.dimensions),
            dimension_types={name: dimension.type for name, dimension in project.dimensions.items()},
            metric_exprs={name: metric.expr for name, metric in project.metrics.items()},
            metrics=dict(project.metrics),
            joins=JoinGraph(project.sources),
            stored_targets={name for name, spec in project.targets.items() if spec.store is not None},
            targets=dict(project.targets),
        )
