"""Stage 2: syntax trees → checked model (metricdsl.ir.model), reporting every problem of the project.

The checker never stops at the first error: each declaration is checked on its own, and a
declaration that fails keeps its name known so that it does not cause follow-up errors.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import cast

from metricdsl.diagnostics import Diagnostic, Note, did_you_mean
from metricdsl.ir import model as m
from metricdsl.ir.walk import (
    additive,
    filtered_nodes,
    find_cycles,
    first_index,
    inside_aggregate,
    is_product,
    is_sum,
    leaf_sources,
    refs,
    walk_metric,
    walk_row,
)
from metricdsl.semantic.exact import mark_exact
from metricdsl.semantic.joins import JoinGraph
from metricdsl.semantic.targets import check_calendars, check_targets
from metricdsl.semantic.types import (
    COLUMN_TYPES,
    comparable,
    is_numeric,
    is_orderable,
    parse_column_type,
    unify_numeric,
)
from metricdsl.semantic.vocabulary import (
    AGGREGATES,
    CATEGORIES,
    COMPARISONS,
    DIMENSION_PROPERTIES,
    METRIC_FUNCTIONS,
    METRIC_PROPERTIES,
    ROW_FUNCTIONS,
    SOURCE_PROPERTIES,
    STATUSES,
)
from metricdsl.source import Span
from metricdsl.syntax import ast


def time_hint(grain: str) -> str:
    """Help for an unknown `time.<grain>`: the nearest grain, else the list of time dimensions."""
    import difflib

    close = difflib.get_close_matches(grain, m.TIME_GRAINS, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"`time.{g}`" for g in close) + "?"
    return "time dimensions: " + ", ".join(f"time.{g}" for g in m.TIME_GRAINS)


def location(span: Span) -> m.Location:
    return m.Location(file=span.file, line=span.line, column=span.column)


@dataclass
class Declared:
    """Names of the project, and the declarations behind them (first one wins)."""

    sources: dict[str, ast.SourceDecl] = field(default_factory=dict)
    dimensions: dict[str, ast.DimensionDecl] = field(default_factory=dict)
    metrics: dict[str, ast.MetricDecl] = field(default_factory=dict)
    blocks: dict[str, dict[str, ast.BlockDecl]] = field(
        default_factory=lambda: {"query": {}, "calendar": {}, "target": {}})
    decompositions: list[ast.DecomposeDecl] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)

    def shared_names(self) -> set[str]:
        names = set(self.dimensions) | set(self.metrics)
        for kind in self.blocks.values():
            names |= set(kind)
        return names


class Checker:
    def __init__(self, files: Sequence[ast.FileAST], prove: bool = True) -> None:
        self.files = files
        self.prove = prove  # prove decompositions exact (sympy); compiling queries does not need it
        self.diagnostics: list[Diagnostic] = []
        self.declared = Declared()
        self.sources: dict[str, m.Source] = {}
        self.dimensions: dict[str, m.Dimension] = {}
        self.metric_exprs: dict[str, m.MetricExpr] = {}
        self.metrics: dict[str, m.Metric] = {}
        self.graph = JoinGraph({})
        self.dimension_types: dict[str, str] = {}

    @classmethod
    def from_model(cls, project: m.Project) -> Checker:
        """A checker that knows a checked project, for checking more queries against it."""
        checker = cls([])
        checker.sources = dict(project.sources)
        checker.dimensions = dict(project.dimensions)
        checker.metrics = dict(project.metrics)
        checker.metric_exprs = {name: metric.expr for name, metric in project.metrics.items()}
        checker.dimension_types = {name: dim.type for name, dim in project.dimensions.items()}
        checker.graph = JoinGraph(project.sources)
        names = checker.declared
        # A checker made from a model only checks queries, which read these tables for their names.
        names.sources = cast("dict[str, ast.SourceDecl]", dict.fromkeys(project.sources))
        names.dimensions = cast("dict[str, ast.DimensionDecl]", dict.fromkeys(project.dimensions))
        names.metrics = cast("dict[str, ast.MetricDecl]", dict.fromkeys(project.metrics))
        return checker

    # ---- entry point ----------------------------------------------------------------------
    def run(self) -> m.Project:
        self.collect_names()
        for decl in self.declared.sources.values():
            self.check_source(decl)
        self.graph = JoinGraph(self.sources)
        self.check_join_targets()
        for dimension in self.declared.dimensions.values():
            self.check_dimension(dimension)
        for metric in self.declared.metrics.values():
            self.resolve_metric(metric)
        self.finish_metrics()
        decompositions = [d for d in map(self.check_decomposition, self.declared.decompositions) if d]
        self.check_decomposition_cycles(decompositions)
        if self.prove:
            decompositions = mark_exact(decompositions, self.metrics)  # sympy: only when there are identities
        queries = {name: q for name, decl in self.declared.blocks["query"].items()
                   if (q := self.check_query(decl)) is not None}
        return m.Project(
            files=tuple(f.path for f in self.files),
            sources=self.sources, dimensions=self.dimensions, metrics=self.metrics, queries=queries,
            decompositions=tuple(decompositions), join_paths=self.graph.unique_paths(),
            calendars=(calendars := check_calendars(self)),
            targets=check_targets(self, decompositions, calendars),
        )

    def error(self, code: str, message: str, span: Span | None, help: str | None = None,
              notes: Iterable[Note] = ()) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, help, tuple(notes)))

    # ---- names ----------------------------------------------------------------------------
    def collect_names(self) -> None:
        first_shared: dict[str, tuple[str, Span]] = {}
        for file in self.files:
            self.declared.broken |= set(file.broken_names)
            for decl in file.declarations:
                if isinstance(decl, ast.DecomposeDecl):
                    self.declared.decompositions.append(decl)
                elif isinstance(decl, ast.SourceDecl):
                    self.declare_source(decl)
                else:
                    self.declare_shared(decl, first_shared)

    def reserved_word(self, kind: str, decl: ast.Declaration) -> None:
        from metricdsl.syntax.parse import KEYWORDS

        if decl.name in KEYWORDS:
            self.error("E106", f"`{decl.name}` is a keyword and cannot name a {kind}", decl.name_span,
                       f"rename the {kind}, e.g. `{decl.name}_`")

    def declare_source(self, decl: ast.SourceDecl) -> None:
        self.reserved_word("source", decl)
        if decl.name == "time":
            self.error("E106", "no source may be called `time`: it is the built-in time dimension",
                       decl.name_span, "rename the source, e.g. `time_dim`")
            return
        first = self.declared.sources.get(decl.name)
        if first is not None:
            self.duplicate("source", decl.name, decl.name_span, first.name_span, "source")
            return
        self.declared.sources[decl.name] = decl

    def declare_shared(self, decl: ast.Declaration, first_shared: dict[str, tuple[str, Span]]) -> None:
        assert not isinstance(decl, (ast.SourceDecl, ast.DecomposeDecl))
        name = decl.name
        self.reserved_word(_kind(decl), decl)
        if name in first_shared:
            first = first_shared[name]
            self.duplicate(_kind(decl), name, decl.name_span, first[1], first[0])
            return
        first_shared[name] = (_kind(decl), decl.name_span)
        if isinstance(decl, ast.DimensionDecl):
            self.declared.dimensions[name] = decl
        elif isinstance(decl, ast.MetricDecl):
            self.declared.metrics[name] = decl
        else:
            self.declared.blocks[decl.kind][name] = decl

    def duplicate(self, kind: str, name: str, span: Span, first: Span, first_kind: str) -> None:
        if kind == first_kind:
            message = f"{kind} `{name}` is declared twice"
        else:
            message = f"{kind} `{name}` has the same name as {first_kind} `{name}`"
        help_text = ("rename one of the two sources" if kind == "source" else
                     "metrics, dimensions, queries, calendars and targets share one namespace; rename one")
        self.error("E105", message, span, help_text, [Note(first, f"{first_kind} `{name}` is first declared here")])

    # ---- properties ------------------------------------------------------------------------
    def properties(self, block: ast.Block | None, allowed: Sequence[str], what: str) -> dict[str, ast.Property]:
        found: dict[str, ast.Property] = {}
        if block is None:
            return found
        for entry in block.entries:
            if not isinstance(entry, ast.Property):
                if not (isinstance(entry, (ast.NestedBlock, ast.JoinEntry)) and what == "source"):
                    self.error("E107", f"unexpected entry in a {what}", entry.span)
                continue
            if entry.key not in allowed:
                self.error("E107", f"unknown property `{entry.key}` in a {what}", entry.key_span,
                           did_you_mean(entry.key, allowed) or "known properties: " + ", ".join(allowed))
            elif entry.key in found:
                self.error("E109", f"property `{entry.key}` is given twice", entry.key_span,
                           notes=[Note(found[entry.key].key_span, "first given here")])
            else:
                found[entry.key] = entry
        return found

    def plain_names(self, prop: ast.Property) -> list[tuple[str, Span]]:
        names = []
        for item in prop.items:
            if item.kind == "plain" and isinstance(item.expr, ast.Name):
                names.append((item.expr.dotted, item.expr.span))
            else:
                self.error("E109", f"`{prop.key}` takes a comma-separated list of names", item.span)
        return names

    def single_name(self, prop: ast.Property) -> tuple[str, Span] | None:
        names = self.plain_names(prop)
        if len(names) != 1 or len(prop.items) != 1:
            if names:
                self.error("E109", f"`{prop.key}` takes one name", prop.span)
            return None
        return names[0]

    def text_value(self, prop: ast.Property) -> str | None:
        item = prop.items[0]
        if len(prop.items) == 1 and isinstance(item.expr, (ast.Text, ast.SqlString)) and item.kind == "plain":
            return item.expr.value
        if len(prop.items) == 1 and isinstance(item.expr, (ast.Name, ast.Number)) and item.kind == "plain":
            return item.expr.dotted if isinstance(item.expr, ast.Name) else item.expr.text
        self.error("E109", f"`{prop.key}` takes a \"text\" value", prop.span)
        return None

    def bool_value(self, prop: ast.Property) -> bool:
        item = prop.items[0]
        if len(prop.items) == 1 and isinstance(item.expr, ast.Boolean):
            return item.expr.value
        self.error("E109", f"`{prop.key}` takes true or false", prop.span)
        return False

    def choice_value(self, prop: ast.Property, choices: Sequence[str]) -> str | None:
        value = self.text_value(prop)
        if value is not None and value not in choices:
            self.error("E109", f"`{prop.key}` must be one of {', '.join(choices)}", prop.items[0].span,
                       did_you_mean(value, choices))
            return None
        return value

    # ---- sources --------------------------------------------------------------------------
    def check_source(self, decl: ast.SourceDecl) -> None:
        props = self.properties(decl.block, SOURCE_PROPERTIES, "source")
        columns = self.declared_columns(decl)
        misspelled = any(isinstance(e, ast.Property) and e.key not in SOURCE_PROPERTIES
                         and did_you_mean(e.key, ["table"]) for e in decl.block.entries)
        if "table" not in props and not misspelled:
            self.error("E108", f"source `{decl.name}` needs a `table:`", decl.name_span,
                       "add e.g. `table: dw.fact_orders`")
        table = self.single_name(props["table"]) if "table" in props else None
        time_column = self.column_property(props.get("time"), columns, decl.name)
        keys = [self.checked_column(n, s, columns, decl.name) for n, s in self.plain_names(props["key"])] \
            if "key" in props else []
        if time_column and columns is not None and columns.get(time_column) not in ("date", "timestamp", None):
            self.error("E203", f"time column `{time_column}` is {columns[time_column]}, not a date or timestamp",
                       props["time"].items[0].span)
        if columns is None:
            self.error("W001", f"source `{decl.name}` declares no columns: column names are trusted", decl.name_span,
                       "add a `columns { name: type, … }` block so that `check` can validate every reference")
        self.sources[decl.name] = m.Source(
            name=decl.name, label=decl.label, table=tuple(table[0].split(".")) if table else (decl.name,),
            time_column=time_column, key=tuple(k for k in keys if k), columns=columns,
            joins=(), location=location(decl.name_span))

    def declared_columns(self, decl: ast.SourceDecl) -> dict[str, str] | None:
        blocks = [e for e in decl.block.entries if isinstance(e, ast.NestedBlock)]
        for extra in blocks:
            if extra.name != "columns":
                self.error("E107", f"unknown block `{extra.name}` in a source", extra.name_span,
                           did_you_mean(extra.name, ["columns"]))
        column_blocks = [b for b in blocks if b.name == "columns"]
        if not column_blocks:
            return None
        columns: dict[str, str] = {}
        for entry in column_blocks[0].block.entries:
            if not isinstance(entry, ast.Property) or len(entry.items) != 1:
                self.error("E206", "a column is written `name: type`", entry.span)
                continue
            if entry.key in columns:
                self.error("E105", f"column `{entry.key}` is declared twice", entry.key_span)
                continue
            column_type = parse_column_type(entry.items[0].expr)
            if column_type is None:
                self.error("E206", "unknown column type", entry.items[0].span,
                           "column types: " + ", ".join(COLUMN_TYPES) + ", decimal(p, s)")
                column_type = "unknown"
            columns[entry.key] = column_type
        return columns

    def column_property(self, prop: ast.Property | None, columns: dict[str, str] | None, source: str) -> str | None:
        if prop is None:
            return None
        named = self.single_name(prop)
        return self.checked_column(named[0], named[1], columns, source) if named else None

    def checked_column(self, name: str, span: Span, columns: dict[str, str] | None, source: str) -> str | None:
        if columns is not None and name not in columns:
            self.error("E102", f"source `{source}` has no column `{name}`", span, did_you_mean(name, columns))
            return None
        return name

    def check_join_targets(self) -> None:
        for decl in self.declared.sources.values():
            joins = [j for e in decl.block.entries if isinstance(e, ast.JoinEntry) and (j := self.check_join(decl, e))]
            source = self.sources[decl.name]
            self.sources[decl.name] = source.model_copy(update={"joins": tuple(joins)})
        self.graph = JoinGraph(self.sources)

    def check_join(self, decl: ast.SourceDecl, entry: ast.JoinEntry) -> m.Join | None:
        target = self.sources.get(entry.target)
        if target is None:
            self.unknown_source(entry.target, entry.target_span)
            return None
        pairs = self.join_pairs(decl.name, target, entry.condition)
        if pairs is None:
            return None
        if target.key and {t for _, t in pairs} != set(target.key):
            self.error("E303", f"join to `{target.name}` is not many-to-one: it matches on "
                       f"{', '.join(t for _, t in pairs)} but the key of `{target.name}` is {', '.join(target.key)}",
                       entry.condition.span, "join on the whole key of the joined source")
        return m.Join(target=target.name, pairs=tuple(pairs))

    def join_pairs(self, here: str, target: m.Source, condition: ast.Expr) -> list[tuple[str, str]] | None:
        if isinstance(condition, ast.Binary) and condition.op == "and":
            left, right = self.join_pairs(here, target, condition.left), self.join_pairs(here, target, condition.right)
            return None if left is None or right is None else left + right
        if not (isinstance(condition, ast.Binary) and condition.op == "="
                and isinstance(condition.left, ast.Name) and isinstance(condition.right, ast.Name)):
            self.error("E109", "a join condition is `column = target.column` (joined with `and`)", condition.span)
            return None
        sides = [self.join_side(here, target, n) for n in (condition.left, condition.right)]
        local = [c for owner, c in sides if owner == here]
        remote = [c for owner, c in sides if owner == target.name]
        if len(local) != 1 or len(remote) != 1:
            if all(s[0] for s in sides):
                self.error("E109", f"a join condition compares a column of `{here}` with one of `{target.name}`",
                           condition.span)
            return None
        return [(local[0], remote[0])]

    def join_side(self, here: str, target: m.Source, name: ast.Name) -> tuple[str | None, str]:
        parts = name.parts
        owner, column = (here, parts[0]) if len(parts) == 1 else (parts[0], parts[-1])
        if len(parts) > 2 or owner not in (here, target.name):
            self.error("E101", f"`{name.dotted}` is neither a column of `{here}` nor of `{target.name}`", name.span)
            return (None, column)
        columns = self.sources[owner].columns
        if columns is not None and column not in columns:
            self.error("E102", f"source `{owner}` has no column `{column}`", name.span, did_you_mean(column, columns))
            return (None, column)
        return (owner, column)

    def unknown_source(self, name: str, span: Span) -> None:
        if name in self.declared.broken:
            return
        self.error("E101", f"unknown source `{name}`", span, did_you_mean(name, self.declared.sources))

    # ---- row expressions ------------------------------------------------------------------
    def row(self, expr: ast.Expr, context: RowContext) -> tuple[m.RowExpr, str]:
        """Resolve a row-level expression; returns it with its type ("unknown" when undeclared)."""
        if isinstance(expr, ast.Name):
            return self.row_name(expr, context)
        if isinstance(expr, ast.Binary):
            return self.row_binary(expr, context)
        if isinstance(expr, ast.Unary):
            return self.row_unary(expr, context)
        if isinstance(expr, ast.Call):
            return self.row_call(expr, context)
        if isinstance(expr, ast.Case):
            return self.row_case(expr, context)
        if isinstance(expr, (ast.InList, ast.Between, ast.Like, ast.IsNull)):
            return self.row_predicate(expr, context)
        return self.row_literal(expr)

    def row_literal(self, expr: ast.Expr) -> tuple[m.RowExpr, str]:
        if isinstance(expr, ast.Number):
            return m.Lit(type="number", value=str(expr.value)), "number"
        if isinstance(expr, ast.SqlString):
            return m.Lit(type="string", value=expr.value), "string"
        if isinstance(expr, ast.DateLiteral):
            return m.Lit(type="date", value=expr.value.isoformat()), "date"
        if isinstance(expr, ast.Boolean):
            return m.Lit(type="bool", value="true" if expr.value else "false"), "bool"
        if isinstance(expr, ast.Null):
            return m.Lit(type="null", value=None), "null"
        if isinstance(expr, ast.Text):
            self.error("E109", "a \"label\" is not a value here", expr.span, f"SQL strings use single quotes: '{expr.value}'")
        else:
            self.error("E109", "this value cannot be used in a row expression", expr.span)
        return m.Lit(type="null", value=None), "null"

    def row_name(self, expr: ast.Name, context: RowContext) -> tuple[m.RowExpr, str]:
        parts = expr.parts
        if parts[0] == "time" and len(parts) == 2:
            return self.time_ref(expr)
        if len(parts) == 2:
            return self.column_ref(parts[0], parts[1], expr.span)
        if len(parts) == 1:
            return self.bare_name(expr, context)
        self.error("E111", f"`{expr.dotted}` is not a name: write `source.column`", expr.span)
        return m.Lit(type="null", value=None), "unknown"

    def time_ref(self, expr: ast.Name) -> tuple[m.RowExpr, str]:
        grain = expr.parts[1]
        if grain not in m.TIME_GRAINS:
            self.error("E104", f"unknown time dimension `{expr.dotted}`", expr.span, time_hint(grain))
            return m.Lit(type="null", value=None), "unknown"
        return m.TimeRef(grain=grain), "date"  # type: ignore[arg-type]

    def column_ref(self, source_name: str, column: str, span: Span) -> tuple[m.RowExpr, str]:
        source = self.sources.get(source_name)
        if source is None:
            if source_name in self.declared.sources or source_name in self.declared.broken:
                return m.Lit(type="null", value=None), "unknown"
            help_text = did_you_mean(source_name, self.declared.sources)
            self.error("E101", f"unknown source `{source_name}`", Span(span.file, span.line, span.column, span.line,
                       span.column + len(source_name)), help_text)
            return m.Lit(type="null", value=None), "unknown"
        if source.columns is not None and column not in source.columns:
            self.error("E102", f"source `{source_name}` has no column `{column}`", span,
                       did_you_mean(column, source.columns))
            return m.Lit(type="null", value=None), "unknown"
        column_type = source.columns[column] if source.columns is not None else "unknown"
        return m.Col(source=source_name, column=column), column_type

    def bare_name(self, expr: ast.Name, context: RowContext) -> tuple[m.RowExpr, str]:
        name = expr.parts[0]
        if context.own_source is not None:
            return self.column_ref(context.own_source, name, expr.span)
        if name in self.declared.dimensions:
            return m.DimRef(name=name), self.dimension_types.get(name, "unknown")
        if name not in self.declared.broken:
            hint = did_you_mean(name, self.declared.dimensions)
            column = self.similar_column(name)
            if column is not None and (hint is None or not hint.startswith("did you mean")):
                hint = f"did you mean the column `{column}`? (a bare name in a condition is a dimension)"
            if name in self.declared.metrics:
                hint = f"`{name}` is a metric; conditions compare dimensions or columns"
            elif name in self.declared.sources:
                hint = f"`{name}` is a source; name one of its columns as `{name}.column`"
            self.error("E104", f"unknown dimension `{name}`", expr.span, hint)
        return m.Lit(type="null", value=None), "unknown"

    def similar_column(self, name: str) -> str | None:
        """`source.column` for the declared column spelled most like `name`, if one is close."""
        import difflib

        columns = {f"{s.name}.{c}": c for s in self.sources.values() for c in (s.columns or {})}
        close = difflib.get_close_matches(name, sorted(set(columns.values())), n=1, cutoff=0.75)
        return next((q for q, c in sorted(columns.items()) if close and c == close[0]), None)

    def row_binary(self, expr: ast.Binary, context: RowContext) -> tuple[m.RowExpr, str]:
        left, left_type = self.row(expr.left, context)
        right, right_type = self.row(expr.right, context)
        op = expr.op
        if op in ("and", "or"):
            for side, side_type in ((expr.left, left_type), (expr.right, right_type)):
                self.expect_bool(side, side_type)
            return m.Apply(op=op, args=(left, right)), "bool"
        if op in COMPARISONS:
            if not comparable(left_type, right_type):
                self.error("E203", f"cannot compare {left_type} with {right_type}", expr.span)
            return m.Apply(op=op, args=(left, right)), "bool"
        for side, side_type in ((expr.left, left_type), (expr.right, right_type)):
            if not is_numeric(side_type):
                self.error("E203", f"arithmetic `{op}` needs numbers, not {side_type}", side.span)
        return m.Apply(op=op, args=(left, right)), "double" if op == "/" else unify_numeric(left_type, right_type)

    def expect_bool(self, expr: ast.Expr, found: str) -> None:
        if found not in ("bool", "unknown", "null"):
            self.error("E202", f"expected a condition (true/false), found {found}", expr.span)

    def row_unary(self, expr: ast.Unary, context: RowContext) -> tuple[m.RowExpr, str]:
        operand, operand_type = self.row(expr.operand, context)
        if expr.op == "not":
            self.expect_bool(expr.operand, operand_type)
            return m.Apply(op="not", args=(operand,)), "bool"
        if not is_numeric(operand_type):
            self.error("E203", f"unary `{expr.op}` needs a number, not {operand_type}", expr.span)
        return (m.Apply(op="neg", args=(operand,)) if expr.op == "-" else operand), operand_type

    def row_predicate(self, expr: ast.InList | ast.Between | ast.Like | ast.IsNull, context: RowContext) -> tuple[m.RowExpr, str]:
        operand, operand_type = self.row(expr.operand, context)
        prefix = "not_" if expr.negated else ""
        if isinstance(expr, ast.IsNull):
            return m.Apply(op="is_not_null" if expr.negated else "is_null", args=(operand,)), "bool"
        others = list(expr.items) if isinstance(expr, ast.InList) else (
            [expr.low, expr.high] if isinstance(expr, ast.Between) else [expr.pattern])
        resolved = []
        for other in others:
            value, value_type = self.row(other, context)
            if not comparable(operand_type, value_type):
                self.error("E203", f"cannot compare {operand_type} with {value_type}", other.span)
            resolved.append(value)
        if isinstance(expr, ast.Like) and operand_type not in ("string", "unknown"):
            self.error("E203", f"`like` needs a string, not {operand_type}", expr.operand.span)
        op = {ast.InList: "in", ast.Between: "between", ast.Like: "like"}[type(expr)]
        return m.Apply(op=prefix + op, args=(operand, *resolved)), "bool"

    def row_case(self, expr: ast.Case, context: RowContext) -> tuple[m.RowExpr, str]:
        whens = []
        types = []
        for condition, value in expr.whens:
            cond, cond_type = self.row(condition, context)
            self.expect_bool(condition, cond_type)
            resolved, value_type = self.row(value, context)
            whens.append((cond, resolved))
            types.append(value_type)
        otherwise = None
        if expr.otherwise is not None:
            otherwise, other_type = self.row(expr.otherwise, context)
            types.append(other_type)
        known = [t for t in types if t not in ("null", "unknown")]
        result = known[0] if known else "unknown"
        if known and all(is_numeric(t) for t in known):
            result = "double" if any(t == "double" for t in known) else known[0]
        elif any(not comparable(result, t) for t in known):
            self.error("E203", "the branches of `case` have different types: " + ", ".join(known), expr.span)
        return m.CaseExpr(whens=tuple(whens), otherwise=otherwise), result

    def row_call(self, expr: ast.Call, context: RowContext) -> tuple[m.RowExpr, str]:
        name = expr.name
        if name in AGGREGATES:
            if context.allow_aggregates:
                agg, agg_type = self.aggregate(expr, context.aggregate_source)
                return (agg if agg is not None else m.Lit(type="null", value=None)), agg_type
            self.error("E205", f"aggregate `{name}(…)` where a row value is expected", expr.span,
                       "aggregates belong in metrics; dimensions and conditions work row by row")
            return m.Lit(type="null", value=None), "unknown"
        if name not in ROW_FUNCTIONS:
            self.error("E110", f"unknown function `{name}`", expr.name_span,
                       did_you_mean(name, [*ROW_FUNCTIONS, *AGGREGATES]))
            return m.Lit(type="null", value=None), "unknown"
        low, high = ROW_FUNCTIONS[name]
        if not low <= len(expr.args) <= high:
            self.error("E110", f"`{name}` takes {_arity(low, high)}, not {len(expr.args)}", expr.span)
            return m.Lit(type="null", value=None), "unknown"
        return self.row_function(expr, context)

    def row_function(self, expr: ast.Call, context: RowContext) -> tuple[m.RowExpr, str]:
        name = expr.name
        if name == "date_trunc":
            return self.date_trunc(expr, context)
        resolved = [self.row(arg, context) for arg in expr.args]
        args = tuple(r for r, _ in resolved)
        first_type = resolved[0][1]
        if name in ("year", "quarter", "month", "week", "day"):
            if first_type not in ("date", "timestamp", "unknown"):
                self.error("E203", f"`{name}` needs a date, not {first_type}", expr.args[0].span)
            return m.Apply(op=name, args=args), "int"
        if name in ("lower", "upper"):
            return m.Apply(op=name, args=args), "string"
        if name == "length":
            return m.Apply(op=name, args=args), "int"
        if name == "coalesce":
            return m.Apply(op=name, args=args), next((t for _, t in resolved if t not in ("null", "unknown")), "unknown")
        if not is_numeric(first_type):
            self.error("E203", f"`{name}` needs a number, not {first_type}", expr.args[0].span)
        return m.Apply(op=name, args=args), first_type

    def date_trunc(self, expr: ast.Call, context: RowContext) -> tuple[m.RowExpr, str]:
        grain = expr.args[0]
        if not isinstance(grain, ast.SqlString) or grain.value not in m.TIME_GRAINS:
            self.error("E110", "date_trunc's first argument is one of " + ", ".join(f"'{g}'" for g in m.TIME_GRAINS),
                       grain.span)
            return m.Lit(type="null", value=None), "date"
        value, _ = self.row(expr.args[1], context)
        return m.Apply(op="date_trunc", args=(m.Lit(type="string", value=grain.value), value)), "date"

    # ---- aggregates -----------------------------------------------------------------------
    def aggregate(self, expr: ast.Call, required_source: str | None = None) -> tuple[m.Agg | None, str]:
        func = expr.name
        if len(expr.args) != 1:
            self.error("E110", f"`{func}` takes one argument, not {len(expr.args)}", expr.span)
            return None, "unknown"
        arg = expr.args[0]
        if func == "count" and isinstance(arg, ast.Name) and len(arg.parts) == 1 and (
                arg.parts[0] in self.declared.sources or arg.parts[0] not in self.declared.dimensions):
            return self.count_rows(arg)
        before = len(self.errors())
        resolved, arg_type = self.row(arg, RowContext(inside_aggregate=True))
        if len(self.errors()) != before:
            return None, "unknown"  # already reported (unknown source or column): no follow-up error
        base = self.base_source(resolved, arg.span)
        if base is None:
            return None, "unknown"
        if required_source is not None and base != required_source:
            self.error("E304", f"this aggregate reads `{base}`, but the key it qualifies reads `{required_source}`",
                       expr.span)
        self.check_aggregate_type(func, arg_type, arg.span)
        result_type = {"count": "bigint", "count_distinct": "bigint", "avg": "double", "sum": arg_type}.get(func, arg_type)
        return m.Agg(func=func, arg=resolved, source=base, type=result_type), result_type  # type: ignore[arg-type]

    def count_rows(self, arg: ast.Name) -> tuple[m.Agg | None, str]:
        name = arg.parts[0]
        if name not in self.sources:
            if name not in self.declared.sources:
                self.unknown_source(name, arg.span)
            return None, "bigint"
        return m.Agg(func="count", arg=None, source=name, type="bigint"), "bigint"

    def check_aggregate_type(self, func: str, arg_type: str, span: Span) -> None:
        if func in ("sum", "avg") and not is_numeric(arg_type):
            self.error("E201", f"`{func}` needs a numeric argument, not {arg_type}", span,
                       "count(…) or count_distinct(…) count values of any type")
        elif func in ("min", "max") and not is_orderable(arg_type):
            self.error("E201", f"`{func}` needs an orderable argument, not {arg_type}", span)

    def base_source(self, expr: m.RowExpr, span: Span) -> str | None:
        """The one source of the expression's columns from which all the others are reachable."""
        mentioned = sorted(self.column_sources(expr))
        if not mentioned:
            self.error("E304", "an aggregate needs a column (`sum(orders.amount)`) or a source (`count(orders)`)", span)
            return None
        for candidate in mentioned:
            if all(self.graph.path(candidate, other) is not None for other in mentioned if other != candidate):
                return candidate
        self.error("E304", "this aggregate mixes sources that no join connects: " + ", ".join(mentioned), span,
                   "declare a `join` from the fact source to the others")
        return None

    def column_sources(self, expr: m.RowExpr | None) -> set[str]:
        found: set[str] = set()
        for node in walk_row(expr):
            if isinstance(node, m.Col):
                found.add(node.source)
            elif isinstance(node, m.DimRef) and node.name in self.dimensions:
                found |= self.column_sources(self.dimensions[node.name].expr)
        return found

    def check_reachable(self, base: str, expr: m.RowExpr | None, span: Span, what: str) -> bool:
        ok = True
        for node in walk_row(expr):
            if isinstance(node, m.TimeRef) and self.sources[base].time_column is None:
                self.error("E406", f"source `{base}` has no `time:` column, so {what} cannot use time.{node.grain}", span)
                ok = False
            if isinstance(node, m.DimRef) and node.name in self.dimensions:
                for target in sorted(self.column_sources(self.dimensions[node.name].expr)):
                    ok &= self.reach(base, target, span, f"dimension `{node.name}` ({what})")
            if isinstance(node, m.Col):
                ok &= self.reach(base, node.source, span, f"`{node.source}.{node.column}` ({what})")
        return ok

    def reach(self, base: str, target: str, span: Span, what: str) -> bool:
        if base == target or base not in self.sources:
            return True
        paths = self.graph.paths(base, target)
        if not paths:
            self.error("E301", f"{what} is not reachable from source `{base}`", span,
                       f"no chain of `join`s leads from `{base}` to `{target}`")
            return False
        if len(paths) > 1:
            shown = " and ".join(" -> ".join((base, *p)) for p in paths[:2])
            self.error("E302", f"two join paths lead from `{base}` to `{target}`: {shown}", span,
                       "remove one of the joins, or declare a dimension on the intended path's source")
            return False
        return True

    # ---- dimensions -----------------------------------------------------------------------
    def check_dimension(self, decl: ast.DimensionDecl) -> None:
        props = self.properties(decl.block, DIMENSION_PROPERTIES, "dimension")
        before = len(self.errors())
        expr, expr_type = self.row(decl.expr, RowContext(in_dimension=True))
        if len(self.errors()) != before:
            return  # already reported: no follow-up error about the same expression
        for node in walk_row(expr):
            if isinstance(node, (m.DimRef, m.TimeRef)):
                self.error("E109", "a dimension is an expression over columns (`source.column`)", decl.expr.span)
                return
        mentioned = sorted(self.column_sources(expr))
        base = next((c for c in mentioned if all(self.graph.path(c, o) for o in mentioned if o != c)), None)
        if base is None:
            if mentioned:
                self.error("E304", "a dimension reads one source and the sources reachable from it; "
                           + ", ".join(mentioned) + " are not joined", decl.expr.span)
            elif not any(d.code in ("E101", "E102") and d.span and d.span.line == decl.span.line for d in self.diagnostics):
                self.error("E109", "a dimension needs at least one column (`source.column`)", decl.expr.span)
            return
        self.dimension_types[decl.name] = expr_type
        description = self.text_value(props["description"]) if "description" in props else None
        self.dimensions[decl.name] = m.Dimension(
            name=decl.name, label=decl.label, expr=expr, source=base, type=expr_type,
            description=description, location=location(decl.name_span))

    # ---- metrics --------------------------------------------------------------------------
    def resolve_metric(self, decl: ast.MetricDecl) -> None:
        before = len(self.errors())
        expr = self.metric_expr(decl.expr)
        if decl.having is not None:
            expr = self.having(decl, expr)
        if decl.where is not None and expr is not None:
            condition, condition_type = self.row(decl.where, RowContext())
            self.expect_bool(decl.where, condition_type)
            expr = m.Filtered(expr=expr, condition=condition)
        if expr is not None and len(self.errors()) == before:
            self.metric_exprs[decl.name] = expr

    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def metric_expr(self, expr: ast.Expr) -> m.MetricExpr | None:
        if isinstance(expr, ast.Number):
            return m.Const(value=str(expr.value))
        if isinstance(expr, ast.Name):
            return self.metric_name(expr)
        if isinstance(expr, ast.Binary) and expr.op in "+-*/":
            left, right = self.metric_expr(expr.left), self.metric_expr(expr.right)
            return m.Arith(op=expr.op, args=(left, right)) if left and right else None  # type: ignore[arg-type]
        if isinstance(expr, ast.Unary) and expr.op in "+-":
            operand = self.metric_expr(expr.operand)
            return operand if expr.op == "+" or operand is None else m.Arith(op="neg", args=(operand,))
        if isinstance(expr, ast.Call):
            return self.metric_call(expr)
        self.error("E203", "a metric is arithmetic over aggregates, metrics and numbers", expr.span,
                   "conditions go after the expression: `… where <condition>`")
        return None

    def metric_name(self, expr: ast.Name) -> m.MetricExpr | None:
        name = expr.dotted
        if len(expr.parts) == 2 and expr.parts[0] in self.declared.sources:
            self.error("E204", f"column `{name}` outside an aggregate", expr.span,
                       f"a metric aggregates rows: sum({name}), count_distinct({name}), …")
            return None
        if name in self.declared.metrics:
            return m.MetricRef(metric=name)
        if name not in self.declared.broken:
            hint = did_you_mean(name, self.declared.metrics)
            if name in self.declared.dimensions:
                hint = f"`{name}` is a dimension; use it in `where` or in a query's `by`"
            elif name in self.declared.sources:
                hint = f"to count the rows of `{name}`, write count({name})"
            self.error("E103", f"unknown metric `{name}`", expr.span, hint)
        return None

    def metric_call(self, expr: ast.Call) -> m.MetricExpr | None:
        if expr.name in AGGREGATES:
            agg, _ = self.aggregate(expr)
            return m.AggLeaf(agg=agg) if agg else None
        if expr.name in ("lag", "growth", "cumulative"):
            return self.time_function(expr)
        if expr.name in ("abs", "round", "floor", "ceil", "coalesce"):
            args = [self.metric_expr(a) for a in expr.args]
            ok = all(args) and (len(args) >= 1 if expr.name == "coalesce" else 1 <= len(args) <= (2 if expr.name == "round" else 1))
            if not all(args):
                return None
            if not ok:
                self.error("E110", f"wrong number of arguments to `{expr.name}`", expr.span)
                return None
            return m.Arith(op=expr.name, args=tuple(args))  # type: ignore[arg-type]
        self.error("E110", f"unknown function `{expr.name}` in a metric", expr.name_span,
                   did_you_mean(expr.name, [*AGGREGATES, *METRIC_FUNCTIONS]))
        return None

    def time_function(self, expr: ast.Call) -> m.MetricExpr | None:
        if len(expr.args) != 2:
            self.error("E110", f"`{expr.name}` takes a metric and a duration: {expr.name}(revenue, 1 year)", expr.span)
            return None
        inner = self.metric_expr(expr.args[0])
        window = expr.args[1]
        if inner is None:
            return None
        if expr.name == "cumulative":
            if isinstance(window, ast.Name) and len(window.parts) == 1 and window.parts[0] in ("year", "quarter", "month", "week"):
                return m.Cumulative(expr=inner, unit=window.parts[0])  # type: ignore[arg-type]
            if isinstance(window, ast.Duration) and window.unit != "period" and window.count > 0:
                return m.Cumulative(expr=inner, unit=window.unit, count=window.count)  # type: ignore[arg-type]
            self.error("E407", "cumulative takes a boundary (year, quarter, month, week) or a window like `7 days`",
                       window.span)
            return None
        if isinstance(window, ast.Duration) and window.count > 0:
            return m.Lag(expr=inner, count=window.count, unit=window.unit, growth=expr.name == "growth")  # type: ignore[arg-type]
        self.error("E407", f"`{expr.name}` takes an offset like `1 year` or `1 period`", window.span)
        return None

    def having(self, decl: ast.MetricDecl, expr: m.MetricExpr | None) -> m.MetricExpr | None:
        assert decl.having is not None
        if not (isinstance(expr, m.AggLeaf) and expr.agg.func == "count_distinct"):
            if expr is not None:
                self.error("E109", "`having` qualifies a single count_distinct(…)", decl.having.span,
                           "write `count_distinct(orders.customer_id) having count(orders) >= 2`")
            return None
        context = RowContext(allow_aggregates=True, aggregate_source=expr.agg.source)
        condition, condition_type = self.row(decl.having, context)
        self.expect_bool(decl.having, condition_type)
        for node in walk_row(condition):
            if isinstance(node, m.Col) and not inside_aggregate(condition, node):
                self.error("E204", f"column `{node.source}.{node.column}` outside an aggregate in `having`",
                           decl.having.span)
                return None
        assert expr.agg.arg is not None
        return m.DistinctHaving(key=expr.agg.arg, source=expr.agg.source, condition=condition)

    def finish_metrics(self) -> None:
        cycles = self.metric_cycles()
        for name, decl in self.declared.metrics.items():
            if name in cycles or name not in self.metric_exprs:
                continue
            sources = tuple(sorted(self.metric_sources(name)))
            if not self.check_metric_filters(decl, self.metric_exprs[name]):
                continue
            card = self.metric_card(decl)
            self.metrics[name] = m.Metric(
                name=name, label=decl.label, expr=self.metric_exprs[name], card=card,
                additive=self.is_additive(self.metric_exprs[name]), sources=sources,
                location=location(decl.name_span))

    def metric_cycles(self) -> set[str]:
        graph = {name: sorted(refs(expr)) for name, expr in self.metric_exprs.items()}
        on_cycle: set[str] = set()
        for cycle in find_cycles(graph):
            text = " -> ".join([*cycle, cycle[0]])
            for name in cycle:
                self.error("E401", f"metric cycle: {text}", self.declared.metrics[name].name_span,
                           "a metric cannot depend on itself")
            on_cycle |= set(cycle)
        return on_cycle | {n for n, deps in graph.items() if any(d in on_cycle for d in deps)}

    def metric_sources(self, name: str) -> set[str]:
        return {agg_source for agg_source in leaf_sources(self.metric_exprs[name], self.metric_exprs)}

    def check_metric_filters(self, decl: ast.MetricDecl, expr: m.MetricExpr) -> bool:
        ok = True
        for node, bases in filtered_nodes(expr, self.metric_exprs):
            for base in sorted(bases):
                ok &= self.check_reachable(base, node.condition, decl.where.span if decl.where else decl.span,
                                           f"the `where` of metric `{decl.name}`")
        return ok

    def is_additive(self, expr: m.MetricExpr) -> bool:
        return additive(expr, self.metric_exprs, set())

    def metric_card(self, decl: ast.MetricDecl) -> m.MetricCard:
        props = self.properties(decl.block, METRIC_PROPERTIES, "metric")
        values: dict[str, object] = {}
        for key in ("description", "unit", "format", "owner", "version", "label"):
            if key in props:
                values[key] = self.text_value(props[key])
        for key in ("core", "kpi"):
            if key in props:
                values[key] = self.bool_value(props[key])
        if "category" in props:
            values["category"] = self.choice_value(props["category"], CATEGORIES)
        if "status" in props:
            values["status"] = self.choice_value(props["status"], STATUSES) or "published"
        if "dimensions" in props:
            values["dimensions"] = tuple(self.allowed_dimensions(props["dimensions"]))
        values.pop("label", None)
        return m.MetricCard(**{k: v for k, v in values.items() if v is not None})  # type: ignore[arg-type]

    def allowed_dimensions(self, prop: ast.Property) -> list[str]:
        names = []
        for name, span in self.plain_names(prop):
            if name != "time" and not name.startswith("time.") and name not in self.declared.dimensions:
                self.error("E104", f"unknown dimension `{name}`", span, did_you_mean(name, [*self.declared.dimensions, "time"]))
            names.append(name)
        return names

    # ---- decompositions -------------------------------------------------------------------
    def check_decomposition(self, decl: ast.DecomposeDecl) -> m.Decomposition | None:
        if decl.metric not in self.declared.metrics:
            if decl.metric not in self.declared.broken:
                self.error("E103", f"unknown metric `{decl.metric}`", decl.name_span,
                           did_you_mean(decl.metric, self.declared.metrics))
            return None
        if decl.by is not None:
            return self.check_decompose_by(decl)
        assert decl.expr is not None
        formula = self.metric_expr(decl.expr)
        if formula is None:
            return None
        for node in walk_metric(formula):
            if isinstance(node, (m.AggLeaf, m.DistinctHaving, m.Lag, m.Cumulative)):
                self.error("E404", "a decomposition is written over metric names: `revenue = aov * buyers`", decl.expr.span)
                return None
        drivers = tuple(sorted(refs(formula), key=lambda n: first_index(formula, n)))
        kind = "multiplicative" if is_product(formula) else ("additive" if is_sum(formula) else "formula")
        return m.Decomposition(metric=decl.metric, kind=kind, drivers=drivers, formula=formula,  # type: ignore[arg-type]
                               location=location(decl.name_span))

    def check_decompose_by(self, decl: ast.DecomposeDecl) -> m.Decomposition | None:
        assert decl.by is not None
        by = decl.by.dotted
        if by.startswith("time.") and by.split(".", 1)[1] not in m.TIME_GRAINS:
            self.error("E104", f"unknown time dimension `{by}`", decl.by.span, time_hint(by.split(".", 1)[1]))
            return None
        if not by.startswith("time.") and by not in self.declared.dimensions:
            self.error("E104", f"unknown dimension `{by}`", decl.by.span, did_you_mean(by, self.declared.dimensions))
            return None
        expr = self.metric_exprs.get(decl.metric)
        if expr is None:
            return None
        if not self.is_additive(expr):
            self.error("E402", f"`decompose {decl.metric} by {by}`: `{decl.metric}` is not additive, so its parts "
                       f"would not sum to it", decl.span,
                       "only sums and counts (and their filtered references) split by a dimension; "
                       "count_distinct, avg, min, max and ratios double count or do not add up")
            return None
        row: m.RowExpr = m.TimeRef(grain=by.split(".")[1]) if by.startswith("time.") else m.DimRef(name=by)  # type: ignore[arg-type]
        for base in sorted(self.metric_sources(decl.metric)):
            self.check_reachable(base, row, decl.by.span, f"`decompose {decl.metric} by {by}`")
        return m.Decomposition(metric=decl.metric, kind="by", by=by, location=location(decl.name_span))

    def check_decomposition_cycles(self, decompositions: list[m.Decomposition]) -> None:
        """A cycle is reported at the decomposition of every metric on it."""
        graph: dict[str, list[str]] = {}
        spans: dict[str, Span] = {}
        for decomposition in decompositions:
            graph.setdefault(decomposition.metric, []).extend(decomposition.drivers)
            where = decomposition.location
            spans.setdefault(decomposition.metric, Span(where.file, where.line, where.column, where.line,
                                                        where.column + len(decomposition.metric)))
        for cycle in find_cycles(graph):
            text = " -> ".join([*cycle, cycle[0]])
            for metric in cycle:
                self.error("E403", f"decompositions form a cycle: {text}", spans[metric],
                           "a driver cannot be decomposed back into the metric it drives")

    # ---- queries --------------------------------------------------------------------------
    def check_query(self, decl: ast.BlockDecl) -> m.Query | None:
        from metricdsl.semantic.queries import QueryChecker

        return QueryChecker(self).check(decl)


@dataclass(frozen=True)
class RowContext:
    own_source: str | None = None  # inside a source block: bare names are its columns
    inside_aggregate: bool = False
    in_dimension: bool = False
    allow_aggregates: bool = False  # `having` conditions
    aggregate_source: str | None = None


def _kind(decl: ast.Declaration) -> str:
    if isinstance(decl, ast.BlockDecl):
        return decl.kind
    return {ast.DimensionDecl: "dimension", ast.MetricDecl: "metric"}.get(type(decl), "declaration")


def _arity(low: int, high: int) -> str:
    if low == high:
        return f"{low} argument{'s' if low > 1 else ''}"
    return f"at least {low} argument" if high >= 99 else f"{low} to {high} arguments"


def parse_period(item: ast.Item, report: object) -> m.Period | None:
    """`2026`, `2026-01-01 .. 2026-06-30`, `2025 .. 2026`, or one date."""
    def bound(expr: ast.Expr, end: bool) -> datetime.date | None:
        if isinstance(expr, ast.DateLiteral):
            return expr.value
        if isinstance(expr, ast.Number) and expr.value == expr.value.to_integral_value() and 1000 <= expr.value <= 9999:
            year = int(expr.value)
            return datetime.date(year, 12, 31) if end else datetime.date(year, 1, 1)
        return None

    if item.kind == "plain":
        start, end = bound(item.expr, False), bound(item.expr, True)
    elif item.kind == "range" and item.upper is not None:
        start, end = bound(item.expr, False), bound(item.upper, True)
    else:
        return None
    if start is None or end is None or start > end:
        return None
    return m.Period(start=start, end=end)
