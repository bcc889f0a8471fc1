"""`metricdsl docs`: the HTML catalog, rendered by headless Chromium, has a card per metric; the
Markdown has a section per metric; lineage, dimensions and decomposition trees are right."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support.paths import REPO_ROOT, bare_environment

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                  "--dump-dom"]


def chromium() -> str:
    """The Chromium binary; installed with apt-get when missing. Outside CI a failed install skips."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    if shutil.which("apt-get"):
        subprocess.run(["apt-get", "update"], capture_output=True, timeout=600, check=False)
        subprocess.run(["apt-get", "install", "-y", "chromium"], capture_output=True, timeout=1200, check=False)
        if found := shutil.which("chromium"):
            return found
    reason = "chromium is not installed and `apt-get install -y chromium` did not work"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " (CI=true: the HTML catalog must be checked in a browser)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("catalog")
    result = subprocess.run([sys.executable, "-m", "metricdsl", "docs", "specs", "--out", str(out)], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=120, check=False,
                            env=bare_environment())
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def metrics() -> dict[str, object]:
    from metricdsl.api import load_project

    return dict(load_project(REPO_ROOT / "specs").metrics)


def test_every_metric_card_is_in_the_rendered_dom(catalog: Path, metrics: dict[str, object]) -> None:
    browser = chromium()
    result = subprocess.run([browser, *CHROMIUM_FLAGS, (catalog / "index.html").as_uri()], capture_output=True,
                            text=True, timeout=120, check=False)
    dom = result.stdout
    assert "<main>" in dom, result.stderr[-2000:]
    cards = re.findall(r'<article class="card" id="metric-[^"]+" data-metric="([^"]+)"', dom)
    assert sorted(cards) == sorted(metrics)
    assert "销售额" in dom and "sum(orders.amount) where orders.status = 'paid'" in dom.replace("&#x27;", "'")


def test_markdown_has_a_section_per_metric(catalog: Path, metrics: dict[str, object]) -> None:
    markdown = (catalog / "catalog.md").read_text(encoding="utf-8")
    assert sorted(re.findall(r"^## `([a-z_0-9]+)`", markdown, re.MULTILINE)) == sorted(metrics)
    revenue = markdown.split("## `revenue`", 1)[1].split("\n## ", 1)[0]
    assert "```mermaid" in revenue and "-->|×|" in revenue and "-->|by|" in revenue
    assert "| owner | 商业分析组 |" in revenue and "| flags | core, KPI |" in revenue
    assert "| kind | quantity |" in revenue and "| direction | higher |" in revenue
    assert "| scorecards | agents_2026 (40%, target revenue_2026_agents) |" in revenue
    refunds = markdown.split("## `refund_rate`", 1)[1].split("\n## ", 1)[0]
    assert "| scorecards | agents_2026 (30%, range 0.15 .. 0.05) |" in refunds


def test_lineage_follows_referenced_metrics_and_filters() -> None:
    from metricdsl.api import load_project
    from metricdsl.tools.catalog import allowed_dimensions, lineage

    project = load_project(REPO_ROOT / "specs")
    assert lineage(project.metrics["revenue_per_call"], project) == {
        "dw.fact_calls": (), "dw.fact_orders": ("amount", "status")}
    assert lineage(project.metrics["phone_revenue"], project) == {"dw.fact_orders": ("amount", "channel", "status")}
    dimensions = allowed_dimensions(project.metrics["connect_rate"], project)
    assert "team" in dimensions and "product" not in dimensions and "time.month" in dimensions


def test_html_is_escaped(tmp_path: Path) -> None:
    from metricdsl.pipeline.load import load
    from metricdsl.tools.catalog import write_catalog

    (tmp_path / "a.metric").write_text(
        'source s {\n  table: t\n  columns { x: int }\n}\n'
        'metric m "<b>bold</b>" = sum(s.x) where s.x < 3 {\n  description: "a & b <script>alert(1)</script>"\n}\n',
        encoding="utf-8")
    loaded = load(tmp_path)
    assert loaded.model is not None
    page = write_catalog(loaded.model, loaded.files, tmp_path / "out")[0].read_text(encoding="utf-8")
    assert page.count("<script") == 1 and "alert(1)" not in page.split("<script", 1)[1]  # only the search script
    assert "&lt;script&gt;" in page and "&lt;b&gt;bold" in page
    assert "s.x &lt; 3" in page


# ---- the tree as SVG, links, search and status (issue 14) ------------------------------------------
def small_catalog(tmp_path: Path) -> str:
    from metricdsl.pipeline.load import load
    from metricdsl.tools.catalog import write_catalog

    (tmp_path / "a.metric").write_text(
        "source orders {\n  table: t\n  columns { amount: double, status: string, customer_id: int }\n}\n"
        "dimension status = orders.status\n"
        "metric paid = sum(orders.amount) where orders.status = 'paid' {\n  format: \"0.0%\"\n}\n"
        "metric buyers \"买家\" = count_distinct(orders.customer_id) {\n  status: draft\n}\n"
        "metric aov = paid / buyers\n"
        "metric per_buyer = paid / buyers where status = 'paid'  # paid\n"
        "decompose paid = aov * buyers\n"
        "decompose paid by status\n",
        encoding="utf-8")
    loaded = load(tmp_path)
    assert loaded.model is not None, loaded.diagnostics
    return write_catalog(loaded.model, loaded.files, tmp_path / "out")[0].read_text(encoding="utf-8")


def card_of(page: str, name: str) -> str:
    return page.split(f'id="metric-{name}"', 1)[1].split("</article>", 1)[0]


def test_formula_names_link_to_their_cards_but_strings_do_not(tmp_path: Path) -> None:
    page = small_catalog(tmp_path)
    assert ('<pre class="formula"><a href="#metric-paid" class="ref">paid</a> / '
            '<a href="#metric-buyers" class="ref">buyers</a> where status = &#x27;paid&#x27;</pre>'
            in card_of(page, "per_buyer"))
    assert "sum(orders.amount) where orders.status = &#x27;paid&#x27;</pre>" in card_of(page, "paid")


def test_a_metric_without_status_gets_no_badge(tmp_path: Path) -> None:
    page = small_catalog(tmp_path)
    assert 'class="badge' not in card_of(page, "aov") and "<dt>status</dt><dd>—</dd>" in card_of(page, "aov")
    assert '<span class="badge draft">draft</span>' in card_of(page, "buyers")
    assert "<dt>format</dt><dd>0.0% (e.g. 12.3%)</dd>" in card_of(page, "paid")


def test_the_decomposition_tree_is_an_inline_svg_without_network(tmp_path: Path) -> None:
    page = small_catalog(tmp_path)
    paid = card_of(page, "paid")
    svg = paid.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert re.findall(r'data-node="([^"]+)"', svg) == ["paid", "aov", "buyers", "status"]
    assert '<a href="#metric-aov" data-node="aov">' in svg and '<g data-node="status">' in svg  # a dimension
    assert svg.count('class="edge"') == 3 and ">by</text>" in svg and svg.count(">×</text>") == 2
    assert ">买家</text>" in svg
    assert "mermaid" not in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page) and "<script src" not in page


def test_tree_layout_never_overlaps_boxes() -> None:
    from metricdsl.tools.tree_svg import _box_width, _nodes, build_tree, layout

    edges = [("r", "×", "a"), ("r", "×", "b"), ("a", "+", "c"), ("a", "+", "d"), ("b", "×", "c"), ("c", "by", "x"),
             ("c", "by", "y"), ("d", "×", "a_very_long_metric_name_here")]
    root = build_tree("r", edges, lambda n: "标签" if n == "b" else None, lambda n: n not in ("x", "y"))
    width, height = layout(root)
    nodes = _nodes(root)
    assert len(nodes) == 11  # c appears under a and under b, each with its own x and y
    for depth in {n.depth for n in nodes}:
        row = sorted((n for n in nodes if n.depth == depth), key=lambda n: n.x)
        for left, right in itertools.pairwise(row):
            assert left.x + _box_width(left) / 2 < right.x - _box_width(right) / 2
    assert all(0 <= n.x - _box_width(n) / 2 and n.x + _box_width(n) / 2 <= width for n in nodes)
    for node in nodes:
        if node.children:
            assert min(c.x for c in node.children) <= node.x <= max(c.x for c in node.children)
    assert height == 4 * 40 + 3 * 46 + 2


def test_search_filters_cards_in_a_browser(catalog: Path, metrics: dict[str, Any]) -> None:
    browser = chromium()
    url = (catalog / "index.html").as_uri() + "?q=%E5%AE%A2%E5%8D%95%E4%BB%B7"  # 客单价, a label
    dom = subprocess.run([browser, *CHROMIUM_FLAGS, url], capture_output=True, text=True, timeout=120,
                         check=False).stdout
    shown = re.findall(r'<article class="card" id="metric-[^"]+" data-metric="([^"]+)"[^>]*?(?<!hidden="")>', dom)
    hidden = re.findall(r'<article class="card" id="metric-[^"]+" data-metric="([^"]+)"[^>]*hidden', dom)
    expected = sorted(name for name, metric in metrics.items()
                      if "客单价" in f"{metric.label} {metric.card.description}")
    assert "aov" in expected and shown == expected, shown
    assert len(hidden) == len(metrics) - len(expected)
    assert f'<p id="count">{len(expected)} of {len(metrics)} metric(s)</p>' in dom
