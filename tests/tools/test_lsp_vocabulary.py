"""Completion offers the checker's vocabulary (metricdsl.semantic.vocabulary): every property key
of queries, sources, metric and dimension cards, calendars and targets, and every metric function."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.lsp_client import LspClient

REPO_ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("pygls", reason="pygls is a dependency of `metricdsl lsp`; pip install -e .")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("vocabulary") / "specs"
    shutil.copytree(REPO_ROOT / "specs", root, ignore=shutil.ignore_patterns("data"))
    return root


@pytest.fixture(scope="module")
def client(project: Path) -> Iterator[LspClient]:
    lsp = LspClient(cwd=project.parent)
    lsp.initialize(project)
    path = project / "metrics.metric"
    lsp.notify("textDocument/didOpen", {"textDocument": {
        "uri": path.as_uri(), "languageId": "metric", "version": 1, "text": path.read_text(encoding="utf-8")}})
    yield lsp
    lsp.close()


def complete_at(client: LspClient, project: Path, text: str) -> list[str]:
    """The labels offered with `text` appended to metrics.metric and the cursor at its `|`."""
    uri = (project / "metrics.metric").as_uri()
    first = len((project / "metrics.metric").read_text(encoding="utf-8").split("\n")) - 1
    before, _, after = text.partition("|")
    cursor = {"line": first + before.count("\n"), "character": len(before.rsplit("\n", 1)[-1])}
    start = {"line": first, "character": 0}
    inserted = before + after + "\n"
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 100}, "contentChanges": [
        {"range": {"start": start, "end": start}, "text": inserted}]})
    response = client.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": cursor})
    end = {"line": first + inserted.count("\n"), "character": 0}
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 101}, "contentChanges": [
        {"range": {"start": start, "end": end}, "text": ""}]})
    items: list[dict[str, Any]] = response["result"]["items"]
    return [item["label"] for item in items]


def test_query_keys_include_description_owner_and_label(client: LspClient, project: Path) -> None:
    labels = complete_at(client, project, "query q { | }")
    assert labels == ["metrics", "by", "where", "period", "order", "limit", "description", "owner", "label"]


def test_source_keys_include_description_and_owner(client: LspClient, project: Path) -> None:
    labels = complete_at(client, project, "source s { | }")
    assert labels[:6] == ["table", "time", "key", "description", "owner", "join"]
    assert {"orders", "customers"} <= set(labels[6:])


def test_metric_card_keys_include_label(client: LspClient, project: Path) -> None:
    labels = complete_at(client, project, "metric m = sum(orders.amount) { | }")
    assert labels[:11] == ["description", "unit", "format", "owner", "category", "core", "kpi", "status",
                           "version", "dimensions", "label"]
    assert {"product", "channel"} <= set(labels[11:])


def test_dimension_card_keys(client: LspClient, project: Path) -> None:
    assert complete_at(client, project, "dimension d = orders.status { | }") == ["description", "owner", "label"]


def test_calendar_keys(client: LspClient, project: Path) -> None:
    labels = complete_at(client, project, 'calendar cn "工作日" { | }')
    assert labels == ["country", "closed", "open", "description", "owner", "label"]


def test_target_keys(client: LspClient, project: Path) -> None:
    labels = complete_at(client, project, "target t { | }")
    assert labels == ["metric", "period", "baseline", "value", "growth", "tree", "fixed", "cap", "weight", "split",
                      "spread", "round", "description", "owner", "label", "store"]


def test_target_metric_key_offers_metrics_not_a_metric_card(client: LspClient, project: Path) -> None:
    """`metric:` inside a target block is a key, not the start of a metric declaration."""
    labels = complete_at(client, project, "target t {\n  metric: |\n}")
    assert {"revenue", "aov", "connect_rate"} <= set(labels)
    assert "sum" not in labels and "where" not in labels and "unit" not in labels
    assert labels == complete_at(client, project, "query q { metrics: | }")


def test_scorecard_keys_and_by(client: LspClient, project: Path) -> None:
    assert complete_at(client, project, "scorecard s { | }") == ["by", "period", "kpis", "cap", "description",
                                                                  "owner", "label"]
    labels = complete_at(client, project, "scorecard s { by: | }")
    assert {"agent", "product"} <= set(labels) and "revenue" not in labels


def test_scorecard_kpis_offer_metrics_then_settings_then_targets(client: LspClient, project: Path) -> None:
    keys = complete_at(client, project, "scorecard s {\n  kpis {\n    |\n  }\n}")
    assert {"revenue", "connect_rate", "refund_rate"} <= set(keys) and "agent" not in keys
    assert complete_at(client, project, "scorecard s {\n  kpis {\n    revenue: |\n  }\n}") == ["weight", "target",
                                                                                              "range"]
    targets = complete_at(client, project, "scorecard s {\n  kpis {\n    revenue: weight 40%, target |\n  }\n}")
    assert {"revenue_2026", "revenue_2026_agents", "revenue_2027"} <= set(targets) and "revenue" not in targets


def test_target_split_offers_dimensions(client: LspClient, project: Path) -> None:
    labels = complete_at(client, project, "target t { split: | }")
    assert {"product", "channel", "city"} <= set(labels) and "revenue" not in labels


def test_metric_formula_offers_every_metric_function(client: LspClient, project: Path) -> None:
    labels = complete_at(client, project, "metric y = | ")
    functions = ["sum", "avg", "min", "max", "count", "count_distinct", "abs", "round", "floor", "ceil", "coalesce",
                 "lag", "growth", "cumulative"]
    assert [label for label in labels if label in functions] == functions
    assert labels[-2:] == ["where", "having"]


def test_time_progress_offers_calendars(client: LspClient, project: Path) -> None:
    assert complete_at(client, project, "metric p = time_progress(|)") == ["cn", "cn2026"]
    assert "time_progress" in complete_at(client, project, "metric y = | ")
