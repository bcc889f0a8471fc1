"""Hover text (Markdown) for what is under the cursor: a metric's card and formula as written, a
dimension's formula, a source's table and columns, a column's type, the built-in time dimension."""

from __future__ import annotations

from metricdsl.source import SourceFile
from metricdsl.syntax import ast
from metricdsl.syntax.text import declared_text, span_text
from metricdsl.tools.lsp.features import Resolved, kind_of, scorecard_kpis, source_columns
from metricdsl.tools.lsp.index import ProjectState

SOURCE_FACTS = ("table", "time", "key")
METRIC_FACTS = ("unit", "owner", "category", "kind", "direction", "status", "version")


def hover_markdown(state: ProjectState, resolved: Resolved) -> str | None:
    if resolved.kind == "time":
        grain = resolved.name.partition(".")[2] or "day … year"
        return (f"**time dimension** `time.{grain}`\n\nBuilt in: buckets each metric's own source on its `time:` "
                "column; the value is the first day of the bucket (weeks start on Monday).")
    if resolved.site is None:
        return None
    site = resolved.site
    source = state.files[site.path].source
    where = f"\n\ndefined at {state.shown(site.path)}:{site.decl.name_span.line}"
    decl = site.decl
    if resolved.kind == "column" and isinstance(decl, ast.SourceDecl):
        return column_hover(decl, resolved.name, source) + where
    if isinstance(decl, ast.MetricDecl):
        return metric_hover(decl, source) + where
    if isinstance(decl, ast.DimensionDecl):
        return f"**dimension** `{decl.name}`{_label(decl.label)}\n\n```metric\n{declared_text(source, decl)}\n```" + where
    if isinstance(decl, ast.SourceDecl):
        return source_hover(decl, source) + where
    if isinstance(decl, ast.BlockDecl) and decl.kind == "scorecard":
        return scorecard_hover(decl, source) + where
    return f"**{kind_of(decl)}** `{decl.name}`{_label(getattr(decl, 'label', None))}" + where


def _label(label: str | None) -> str:
    return f" — {label}" if label else ""


def block_values(block: ast.Block | None, source: SourceFile) -> dict[str, str]:
    """key → value of each property, labels unquoted, other values as written."""
    values: dict[str, str] = {}
    for prop in block.properties() if block else []:
        items = [item.expr.value if isinstance(item.expr, ast.Text) and item.kind == "plain"
                 else span_text(source, item.span) for item in prop.items]
        values[prop.key] = ", ".join(items)
    return values


def metric_hover(decl: ast.MetricDecl, source: SourceFile) -> str:
    card = block_values(decl.block, source)
    flags = [flag for flag, key in (("core", "core"), ("KPI", "kpi")) if card.get(key) == "true"]
    facts = [f"{key}: {card[key]}" for key in METRIC_FACTS if key in card]
    lines = [f"**metric** `{decl.name}`{_label(decl.label)}", "", f"```metric\n{declared_text(source, decl)}\n```"]
    if "description" in card:
        lines += ["", card["description"]]
    if facts or flags:
        lines += ["", " · ".join(facts + flags)]
    if "dimensions" in card:
        lines += ["", f"dimensions: {card['dimensions']}"]
    return "\n".join(lines)


def source_hover(decl: ast.SourceDecl, source: SourceFile) -> str:
    values = block_values(decl.block, source)
    facts = [f"{key}: `{values[key]}`" for key in SOURCE_FACTS if key in values]
    columns = [f"- `{name}`: {span_text(source, prop.items[0].span) if prop.items else ''}"
               for name, prop in source_columns(decl).items()]
    joins = [f"- join `{e.target}`" for e in decl.block.entries if isinstance(e, ast.JoinEntry)]
    return "\n".join([f"**source** `{decl.name}`{_label(decl.label)}", "", " · ".join(facts), "", *columns, *joins])


def column_hover(decl: ast.SourceDecl, name: str, source: SourceFile) -> str:
    column = source_columns(decl).get(name.split(".", 1)[1])
    kind = span_text(source, column.items[0].span) if column and column.items else "undeclared"
    return f"**column** `{name}`: `{kind}`\n\nof source `{decl.name}`{_label(decl.label)}"


def scorecard_hover(decl: ast.BlockDecl, source: SourceFile) -> str:
    """The scorecard's members and period, and each KPI as written (weight, target or range)."""
    values = block_values(decl.block, source)
    facts = [f"{key}: `{values[key]}`" for key in ("by", "period", "cap") if key in values]
    kpis = [f"- `{kpi.key}`: {', '.join(span_text(source, item.span) for item in kpi.items)}"
            for kpi in scorecard_kpis(decl)]
    lines = [f"**scorecard** `{decl.name}`{_label(decl.label)}", "", " · ".join(facts), "", *kpis]
    if "description" in values:
        lines += ["", values["description"]]
    return "\n".join(lines)
