"""Completion: what may be typed at the cursor, read from the text before it (which need not parse).

The vocabulary (functions, aggregates, property keys) is the checker's own
(metricdsl.semantic.vocabulary), so what is offered is what `check` accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from metricdsl.grains import TIME_GRAINS
from metricdsl.semantic.vocabulary import (
    AGGREGATES,
    CALENDAR_PROPERTIES,
    DIMENSION_PROPERTIES,
    KPI_WORDS,
    METRIC_FUNCTIONS,
    METRIC_PROPERTIES,
    QUERY_PROPERTIES,
    ROW_FUNCTIONS,
    SCORECARD_PROPERTIES,
    SOURCE_PROPERTIES,
    TARGET_PROPERTIES,
)
from metricdsl.syntax import ast
from metricdsl.syntax.keywords import DECLARATION_KEYWORDS, DECLARATION_START
from metricdsl.syntax.text import span_text
from metricdsl.tools.lsp.features import METRIC_REFERENCE_KEYS, source_columns
from metricdsl.tools.lsp.index import ProjectState

PROPERTY_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?!:)")
MEMBER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]*)$")
CALENDAR_ARGUMENT = re.compile(r"\btime_progress\(\s*\w*$")  # the cursor is on time_progress's calendar
PLANNED_ARGUMENT = re.compile(r"\bplanned\(\s*[A-Za-z0-9_]*$")  # planned(T) takes a target
BLOCK_PROPERTIES = {"query": QUERY_PROPERTIES, "calendar": CALENDAR_PROPERTIES, "target": TARGET_PROPERTIES,
                    "scorecard": SCORECARD_PROPERTIES}
KPIS_BLOCK = re.compile(r"\bkpis[ \t\r\n]*\{[^}]*$")


@dataclass(frozen=True)
class Completion:
    label: str
    kind: str  # metric dimension source column time keyword function property target
    detail: str | None = None


TIME = Completion("time", "time", "time.day … time.year")


def complete(state: ProjectState, path: str, line0: int, column0: int) -> list[Completion]:
    parsed = state.files.get(path)
    if parsed is None:
        return []
    lines = parsed.lines()
    before = lines[line0][:column0] if line0 < len(lines) else ""
    member = MEMBER.search(before)
    if member:
        return member_completions(state, member.group(1))
    offset = sum(len(line) + 1 for line in lines[:line0]) + len(before)
    text = "\n".join(lines)[:offset]
    declarations = list(DECLARATION_START.finditer(text))
    if not declarations or (not before.strip() and text.count("{") == text.count("}")):
        return keywords(DECLARATION_KEYWORDS)
    head = declarations[-1]
    return in_declaration(state, head.group(1), text[head.start():])


def member_completions(state: ProjectState, owner: str) -> list[Completion]:
    if owner == "time":
        return [Completion(grain, "time", f"time.{grain}") for grain in TIME_GRAINS]
    site = state.sources.get(owner)
    if site is None or not isinstance(site.decl, ast.SourceDecl):
        return []
    source = state.files[site.path].source
    return [Completion(name, "column", span_text(source, prop.items[0].span) if prop.items else None)
            for name, prop in source_columns(site.decl).items()]


def in_declaration(state: ProjectState, kind: str, text: str) -> list[Completion]:
    in_block = text.count("{") > text.count("}")
    keys = PROPERTY_KEY.findall(text)
    key = keys[-1] if keys and in_block else None
    if kind == "scorecard" and KPIS_BLOCK.search(text):
        return kpi_completions(state, text)
    if kind in BLOCK_PROPERTIES:
        return block_completions(state, kind, key) if in_block else []
    if kind == "metric":
        return metric_completions(state, text, in_block)
    if kind == "dimension":
        if in_block:
            return properties(DIMENSION_PROPERTIES)
        return source_names(state) + functions(ROW_FUNCTIONS) + keywords(("case", "when", "then", "else"))
    if kind == "decompose":
        return names(state, ast.MetricDecl, "metric") + names(state, ast.DimensionDecl, "dimension")
    return properties(SOURCE_PROPERTIES) + keywords(("join",)) + source_names(state)


def metric_completions(state: ProjectState, text: str, in_block: bool) -> list[Completion]:
    if in_block:
        return properties(METRIC_PROPERTIES) + names(state, ast.DimensionDecl, "dimension")
    if CALENDAR_ARGUMENT.search(text):
        return block_names(state, "calendar")
    if re.search(r"\b(where|having)\b", text):
        return names(state, ast.DimensionDecl, "dimension") + source_names(state) + functions(AGGREGATES)
    if PLANNED_ARGUMENT.search(text):
        return block_names(state, "target")
    return (names(state, ast.MetricDecl, "metric") + source_names(state) + functions((*AGGREGATES, *METRIC_FUNCTIONS))
            + keywords(("where", "having")))


def block_completions(state: ProjectState, kind: str, key: str | None) -> list[Completion]:
    """Inside a query, calendar or target block: what the current key's value names, else the keys."""
    values = value_completions(state, kind, key)
    return properties(BLOCK_PROPERTIES[kind]) if values is None else values


def value_completions(state: ProjectState, kind: str, key: str | None) -> list[Completion] | None:
    """The names a property's value may be written with; None when its value names no declaration."""
    if key is None:
        return None
    metrics = names(state, ast.MetricDecl, "metric")
    dimensions = names(state, ast.DimensionDecl, "dimension")
    if kind == "query":
        grouping = [*dimensions, TIME]
        return {"metrics": metrics, "by": grouping, "where": grouping, "order": metrics + grouping}.get(key)
    if kind == "target":
        return {**dict.fromkeys(METRIC_REFERENCE_KEYS["target"], metrics), "split": dimensions}.get(key)
    if kind == "scorecard":
        return {"by": dimensions}.get(key)
    return None


def kpi_completions(state: ProjectState, text: str) -> list[Completion]:
    """Inside a scorecard's `kpis { … }`: a KPI is `metric: weight 40%, target T` or `… range lo .. hi`."""
    line = text.rsplit("\n", 1)[-1]
    if re.search(r"\btarget[ \t]+[A-Za-z0-9_]*$", line):
        return block_names(state, "target")
    if PROPERTY_KEY.search(line):
        return keywords(KPI_WORDS)
    return names(state, ast.MetricDecl, "metric")

def names(state: ProjectState, kind: type, label: str) -> list[Completion]:
    return [Completion(name, label, getattr(d.decl, "label", None)) for name, d in sorted(state.of_kind(kind).items())]


def block_names(state: ProjectState, kind: str) -> list[Completion]:
    """The declared calendars, targets, … (blocks of `kind`), for a name written where one is expected."""
    return [Completion(name, kind, d.decl.label) for name, d in sorted(state.of_kind(ast.BlockDecl).items())
            if isinstance(d.decl, ast.BlockDecl) and d.decl.kind == kind]


def source_names(state: ProjectState) -> list[Completion]:
    return [Completion(name, "source", getattr(d.decl, "label", None)) for name, d in sorted(state.sources.items())]


def properties(keys: Iterable[str]) -> list[Completion]:
    return [Completion(key, "property") for key in keys]


def functions(names_: Iterable[str]) -> list[Completion]:
    return [Completion(name, "function") for name in names_]


def keywords(words: Iterable[str]) -> list[Completion]:
    return [Completion(word, "keyword") for word in words]
