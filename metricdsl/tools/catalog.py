"""The metric catalog (`metricdsl docs`): one self-contained index.html and one catalog.md.

Each metric gets a card: its definition card, the formula as written, the dimensions it may be
grouped by, its lineage (every table and column it reads, through the metrics it refers to and
the dimensions its filters use) and its decomposition tree: an inline SVG in the HTML page (laid
out by `tree_svg`, no script or network needed), a Mermaid diagram in the Markdown. In the HTML,
every metric named in a formula links to its card, the tree's nodes link to theirs, and a search
box (a few lines of inline script, nothing loaded) filters the cards.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from metricdsl.grains import TIME_GRAINS, time_name
from metricdsl.ir import model as m
from metricdsl.ir.formats import declared_format
from metricdsl.ir.walk import walk_metric, walk_row
from metricdsl.source import SourceFile
from metricdsl.syntax import ast
from metricdsl.syntax.parse import parse_file
from metricdsl.syntax.text import declared_text
from metricdsl.tools.tree_svg import build_tree, render_svg


@dataclass(frozen=True)
class Card:
    metric: m.Metric
    formula: str
    dimensions: tuple[str, ...]
    lineage: dict[str, tuple[str, ...]]  # table → columns read (empty: rows counted only)
    mermaid: str | None
    svg: str | None
    defined_at: str
    scorecards: tuple[str, ...] = ()  # `agents_2027 (40%, target revenue_2027)`: where it is a KPI


# ---- formula text --------------------------------------------------------------------------
def formulas(files: dict[str, SourceFile]) -> dict[str, str]:
    """metric name → its formula as written, for every metric of the files."""
    result: dict[str, str] = {}
    for source in files.values():
        tree, _ = parse_file(source)
        for decl in tree.declarations:
            if isinstance(decl, ast.MetricDecl):
                result.setdefault(decl.name, declared_text(source, decl))
    return result


# ---- lineage and dimensions ------------------------------------------------------------------
def row_columns(expr: m.RowExpr | None, project: m.Project, seen: set[str]) -> set[tuple[str, str]]:
    """(source, column) pairs a row expression reads, dimensions expanded."""
    found: set[tuple[str, str]] = set()
    for node in walk_row(expr):
        if isinstance(node, m.Col):
            found.add((node.source, node.column))
        elif isinstance(node, m.DimRef) and node.name in project.dimensions and node.name not in seen:
            found |= row_columns(project.dimensions[node.name].expr, project, seen | {node.name})
    return found


def metric_reads(expr: m.MetricExpr, project: m.Project, seen: frozenset[str]) -> tuple[set[str], set[tuple[str, str]]]:
    """The sources whose rows a metric expression aggregates and the columns it reads."""
    sources: set[str] = set()
    columns: set[tuple[str, str]] = set()
    for node in walk_metric(expr):
        if isinstance(node, m.MetricRef) and node.metric in project.metrics and node.metric not in seen:
            more_sources, more_columns = metric_reads(project.metrics[node.metric].expr, project, seen | {node.metric})
            sources |= more_sources
            columns |= more_columns
        elif isinstance(node, m.AggLeaf):
            sources.add(node.agg.source)
            columns |= row_columns(node.agg, project, set())
        elif isinstance(node, m.DistinctHaving):
            sources.add(node.source)
            columns |= row_columns(node.key, project, set()) | row_columns(node.condition, project, set())
        elif isinstance(node, m.Filtered):
            columns |= row_columns(node.condition, project, set())
    return sources, columns


def lineage(metric: m.Metric, project: m.Project) -> dict[str, tuple[str, ...]]:
    sources, columns = metric_reads(metric.expr, project, frozenset({metric.name}))
    tables: dict[str, set[str]] = {}
    for source in sources | {s for s, _ in columns}:
        tables.setdefault(table_name(project, source), set())
    for source, column in columns:
        tables[table_name(project, source)].add(column)
    return {table: tuple(sorted(cols)) for table, cols in sorted(tables.items())}


def table_name(project: m.Project, source: str) -> str:
    found = project.sources.get(source)
    return ".".join(found.table) if found else source


def allowed_dimensions(metric: m.Metric, project: m.Project) -> tuple[str, ...]:
    if metric.card.dimensions is not None:
        return metric.card.dimensions
    def reachable(dimension: m.Dimension) -> bool:
        return all(dimension.source == s or dimension.source in project.join_paths.get(s, {}) for s in metric.sources)
    names = [name for name, dimension in sorted(project.dimensions.items()) if reachable(dimension)]
    if metric.sources and all(project.sources[s].time_column for s in metric.sources if s in project.sources):
        names += [time_name(grain) for grain in TIME_GRAINS]
    return tuple(names)


# ---- decomposition trees ---------------------------------------------------------------------
def decomposition_edges(name: str, project: m.Project, seen: frozenset[str] = frozenset()) -> list[tuple[str, str, str]]:
    """(parent, label, child) edges of every decomposition reachable from a metric."""
    edges: list[tuple[str, str, str]] = []
    for decomposition in project.decompositions:
        if decomposition.metric != name or name in seen:
            continue
        if decomposition.kind == "by" and decomposition.by:
            edges.append((name, "by", decomposition.by))
            continue
        label = {"multiplicative": "×", "additive": "+"}.get(decomposition.kind, "ƒ")
        for driver in decomposition.drivers:
            edges.append((name, label, driver))
            edges.extend(decomposition_edges(driver, project, seen | {name}))
    return edges


def mermaid(name: str, project: m.Project) -> str | None:
    edges = decomposition_edges(name, project)
    if not edges:
        return None
    nodes = sorted({n for parent, _, child in edges for n in (parent, child)})
    ids = {node: f"n{i}" for i, node in enumerate(nodes)}
    lines = ["graph TD"]
    lines += [f'  {ids[node]}["{_mermaid_label(node, project)}"]' for node in nodes]
    lines += [f"  {ids[parent]} -->|{label}| {ids[child]}" for parent, label, child in dict.fromkeys(edges)]
    return "\n".join(lines)


def _mermaid_label(node: str, project: m.Project) -> str:
    metric = project.metrics.get(node)
    text = f"{node} · {metric.label}" if metric and metric.label else node
    return text.replace('"', "#quot;")


# ---- cards and output ------------------------------------------------------------------------
def tree_svg(name: str, project: m.Project) -> str | None:
    edges = decomposition_edges(name, project)
    if not edges:
        return None

    def label_of(node: str) -> str | None:
        found = project.metrics.get(node) or project.dimensions.get(node)
        return found.label if found is not None else None

    root = build_tree(name, edges, label_of, lambda node: node in project.metrics)
    return render_svg(root, f"decomposition of {name}")


def build_cards(project: m.Project, files: dict[str, SourceFile]) -> list[Card]:
    texts = formulas(files)
    return [Card(metric, texts.get(name, ""), allowed_dimensions(metric, project), lineage(metric, project),
                 mermaid(name, project), tree_svg(name, project), f"{metric.location.file}:{metric.location.line}",
                 kpi_of(name, project))
            for name, metric in sorted(project.metrics.items())]


def kpi_of(metric: str, project: m.Project) -> tuple[str, ...]:
    """The scorecards that score the metric, each with its weight and how it scores."""
    return tuple(f"{card.name} ({kpi.weight_percent}, {kpi.scoring})" for card in project.scorecards.values()
                 for kpi in card.kpis if kpi.metric == metric)


# ---- formulas with links ---------------------------------------------------------------------
_TOKENS = re.compile(r"""(?P<sql>'(?:[^']|'')*')|(?P<text>"(?:[^"\\]|\\.)*")|(?P<comment>\#[^\n]*)"""
                     r"""|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|(?P<other>.)""", re.DOTALL)


def linked_formula(formula: str, metrics: set[str], own: str) -> str:
    """The formula as escaped HTML, each other metric it names a link to that metric's card."""
    out: list[str] = []
    for token in _TOKENS.finditer(formula):
        text = token.group(0)
        if token.lastgroup == "name" and text in metrics and text != own:
            out.append(f'<a href="#metric-{html.escape(text)}" class="ref">{html.escape(text)}</a>')
        else:
            out.append(html.escape(text))
    return "".join(out)


def _facts(card: Card) -> list[tuple[str, str]]:
    c = card.metric.card
    flags = ", ".join(flag for flag, on in (("core", c.core), ("KPI", c.kpi)) if on) or "—"
    return [("unit", c.unit or "—"), ("format", _format_fact(c)), ("owner", c.owner or "—"),
            ("category", c.category or "—"), ("kind", c.kind or "—"), ("direction", c.direction or "—"),
            ("flags", flags), ("status", c.status or "—"), ("version", c.version or "—"),
            ("additive", "yes" if card.metric.additive else "no"),
            *([("scorecards", "; ".join(card.scorecards))] if card.scorecards else []), ("defined at", card.defined_at)]


def _format_fact(card: m.MetricCard) -> str:
    """The format and an example of it: `0.0%` (e.g. 12.3%)."""
    found = declared_format(card)
    if card.format is None or found is None:
        return card.format or "—"
    return f"{card.format} (e.g. {found.render(0.1234 if found.percent else 1234567.891)})"


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:1.2rem 2rem}header h1{margin:0;font-size:1.4rem}
nav{padding:.8rem 2rem;line-height:1.9}nav a{margin-right:.8rem;color:#2457c5;text-decoration:none}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(28rem,1fr));gap:1rem;padding:0 2rem 2rem}
.card{background:#fff;border:1px solid #d9dde5;border-radius:8px;padding:1rem 1.2rem}
.card h2{margin:0 0 .2rem;font-size:1.15rem}.card h2 code{color:#2457c5}
.label{color:#555;margin:0 0 .6rem}.desc{margin:.4rem 0 .8rem}
pre{background:#f0f2f5;padding:.6rem;border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:8rem 1fr;gap:.2rem .6rem;margin:.6rem 0}dt{color:#666}dd{margin:0}
.badge{display:inline-block;border-radius:4px;padding:0 .4rem;font-size:.8rem;margin-left:.3rem;background:#e4e9f5}
.badge.deprecated{background:#f7d9d9}.badge.draft{background:#fff1c7}
h3{font-size:.95rem;margin:.8rem 0 .3rem}ul{margin:.2rem 0;padding-left:1.2rem}
pre a.ref{color:#2457c5}.tree-box{overflow-x:auto}
svg.tree .node{fill:#eef2fb;stroke:#2457c5}svg.tree .node.dimension{fill:#f3f3f3;stroke:#888}
svg.tree .edge{stroke:#888;stroke-width:1.2}svg.tree text{font-size:13px;fill:#1d2330}
svg.tree .node-label{font-size:11px;fill:#555}svg.tree .edge-label{font-size:12px;fill:#d9480f}
svg.tree a:hover .node{fill:#dbe5fa}
.search{padding:.8rem 2rem 0}.search input{font-size:1rem;padding:.35rem .6rem;width:min(28rem,90%)}
[hidden]{display:none!important}
"""

# Filters cards (and nav links) by name, label and description; `?q=…` in the URL pre-fills it.
SEARCH_SCRIPT = """
(function(){var box=document.getElementById('search');var cards=document.querySelectorAll('article.card');
var links=document.querySelectorAll('nav a');var count=document.getElementById('count');
function apply(){var q=box.value.trim().toLowerCase();var shown=0;cards.forEach(function(c){
var hit=!q||c.getAttribute('data-search').indexOf(q)>=0;c.hidden=!hit;if(hit){shown++;}});
links.forEach(function(a){a.hidden=q&&document.getElementById(a.getAttribute('href').slice(1)).hidden;});
count.textContent=shown+' of '+cards.length+' metric(s)';}
var initial=new URLSearchParams(location.search).get('q');if(initial){box.value=initial;}
box.addEventListener('input',apply);apply();})();
"""


def render_html(cards: list[Card], title: str) -> str:
    e = html.escape
    nav = " ".join(f'<a href="#metric-{e(c.metric.name)}">{e(c.metric.name)}</a>' for c in cards)
    metrics = {card.metric.name for card in cards}
    body = "\n".join(_html_card(card, metrics) for card in cards)
    return (f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{e(title)}</title>\n'
            f"<style>{CSS}</style>\n</head>\n<body>\n<header><h1>{e(title)}</h1>"
            f'<p id="count">{len(cards)} metric(s)</p></header>\n'
            '<div class="search"><input type="search" id="search" placeholder="Search metrics: name, label, '
            'description" aria-label="Search metrics"></div>\n'
            f"<nav>{nav}</nav>\n<main>\n{body}\n</main>\n<script>{SEARCH_SCRIPT}</script>\n</body>\n</html>\n")


def _html_card(card: Card, metrics: set[str]) -> str:
    e = html.escape
    metric, c = card.metric, card.metric.card
    facts = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in _facts(card))
    lineage_items = "".join(f"<li><code>{e(t)}</code>: {e(', '.join(cols) or 'rows counted')}</li>"
                            for t, cols in card.lineage.items())
    dims = ", ".join(f"<code>{e(d)}</code>" for d in card.dimensions) or "—"
    tree = f'<h3>Decomposition</h3><div class="tree-box">{card.svg}</div>' if card.svg else ""
    badge = f'<span class="badge {e(c.status)}">{e(c.status)}</span>' if c.status else ""
    search = " ".join(part for part in (metric.name, metric.label, c.description) if part).lower()
    return (f'<article class="card" id="metric-{e(metric.name)}" data-metric="{e(metric.name)}" '
            f'data-search="{e(search)}">'
            f"<h2><code>{e(metric.name)}</code>{badge}</h2>"
            f'<p class="label">{e(metric.label or "")}</p>'
            + (f'<p class="desc">{e(c.description)}</p>' if c.description else "")
            + f'<pre class="formula">{linked_formula(card.formula, metrics, metric.name)}</pre><dl>{facts}</dl>'
            f"<h3>Dimensions</h3><p>{dims}</p><h3>Lineage</h3><ul>{lineage_items}</ul>{tree}</article>")


def render_markdown(cards: list[Card], title: str) -> str:
    out = [f"# {title}", "", f"{len(cards)} metric(s).", ""]
    out += [f"- [`{c.metric.name}`](#{c.metric.name}){' — ' + _md(c.metric.label) if c.metric.label else ''}"
            for c in cards]
    for card in cards:
        out += ["", f'<a id="{card.metric.name}"></a>', f"## `{card.metric.name}`"
                + (f" — {_md(card.metric.label)}" if card.metric.label else ""), ""]
        if card.metric.card.description:
            out += [_md(card.metric.card.description), ""]
        out += ["```", card.formula, "```", "", "| | |", "|---|---|"]
        out += [f"| {k} | {_md(v)} |" for k, v in _facts(card)]
        out += ["", "**Dimensions:** " + (", ".join(f"`{d}`" for d in card.dimensions) or "—"), "", "**Lineage:**", ""]
        out += [f"- `{t}`: {', '.join(cols) or 'rows counted'}" for t, cols in card.lineage.items()]
        if card.mermaid:
            out += ["", "**Decomposition:**", "", "```mermaid", card.mermaid, "```"]
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def write_catalog(project: m.Project, files: dict[str, SourceFile], out: Path, title: str = "Metric catalog") -> list[Path]:
    cards = build_cards(project, files)
    pages = {out / "index.html": render_html(cards, title), out / "catalog.md": render_markdown(cards, title)}
    out.mkdir(parents=True, exist_ok=True)
    for path, text in pages.items():
        path.write_text(text, encoding="utf-8")
    return list(pages)
