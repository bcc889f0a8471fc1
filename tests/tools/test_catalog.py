"""`metricdsl docs`: the HTML catalog, rendered by headless Chromium, has a card per metric; the
Markdown has a section per metric; lineage, dimensions and decomposition trees are right."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import REPO_ROOT

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
                            env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"})
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
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;bold" in page
    assert "s.x &lt; 3" in page
