"""The language server against hostile input (issue 14): a large document stays responsive (no
quadratic step), a 600-deep expression breaks nothing, a request with invalid parameters gets a
JSON-RPC error, and without a workspace only the opened files are read."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.lsp_client import LspClient

pytest.importorskip("pygls", reason="pygls is a dependency of `metricdsl lsp`; pip install -e .")

ORDERS = """source orders {
  table: dw.fact_orders
  time: order_date
  key: order_id
  columns { order_id: bigint, order_date: date, customer_id: bigint, status: string, amount: decimal(18, 2) }
}
metric revenue = sum(orders.amount)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "specs"
    root.mkdir()
    (root / "orders.metric").write_text(ORDERS, encoding="utf-8")
    return root


@pytest.fixture
def client(project: Path) -> Iterator[LspClient]:
    lsp = LspClient(cwd=project.parent)
    lsp.initialize(project)
    yield lsp
    if lsp.process.poll() is None:
        lsp.close()


def open_document(lsp: LspClient, path: Path, text: str) -> dict[str, str]:
    lsp.notify("textDocument/didOpen", {"textDocument": {
        "uri": path.as_uri(), "languageId": "metric", "version": 1, "text": text}})
    return {"uri": path.as_uri()}


def hover(lsp: LspClient, document: dict[str, str], line: int, character: int) -> dict[str, Any]:
    return lsp.request("textDocument/hover", {"textDocument": document,
                                              "position": {"line": line, "character": character}})


def test_a_large_document_gets_symbols_and_diagnostics(client: LspClient, project: Path) -> None:
    metrics = 40_000  # about 2.6 MB
    text = ORDERS + "".join(f"metric m{i} = sum(orders.amount) where orders.status = 's{i}'\n" for i in range(metrics))
    text += "metric broken = sum(orders.amount) +\n"
    started = time.monotonic()
    document = open_document(client, project / "big.metric", text)
    symbols = client.request("textDocument/documentSymbol", {"textDocument": document}, timeout=300)
    assert len(symbols["result"]) == metrics + 2  # the source, revenue, the m… (broken does not parse)
    published = client.wait_for("textDocument/publishDiagnostics",
                                lambda params: params["uri"] == document["uri"] and params["diagnostics"],
                                timeout=300)
    assert [d["code"] for d in published["params"]["diagnostics"]] == ["E002"]
    assert published["params"]["diagnostics"][0]["range"]["start"]["line"] == 7 + metrics + 1 - 1
    assert time.monotonic() - started < 300


def test_a_600_deep_expression_breaks_no_hover(client: LspClient, project: Path) -> None:
    deep = "metric deep = " + "abs(" * 600 + "revenue" + ")" * 600 + "\n"
    document = open_document(client, project / "deep.metric", "metric uses = revenue * 2\n" + deep)
    published = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == document["uri"])
    assert [d["code"] for d in published["params"]["diagnostics"]] == ["E006"]
    on_revenue = hover(client, document, 0, 15)
    assert "error" not in on_revenue and "sum(orders.amount)" in on_revenue["result"]["contents"]["value"]
    for character in (2, 9, 20, 600):
        assert "error" not in hover(client, document, 1, character)
    other = {"uri": (project / "orders.metric").as_uri()}
    assert "sum(orders.amount)" in hover(client, other, 6, 8)["result"]["contents"]["value"]


@pytest.mark.parametrize(("method", "params"), [
    ("textDocument/hover", {"textDocument": {"uri": "file:///x.metric"}}),
    ("textDocument/documentSymbol", {"textDocument": 42}),
    ("textDocument/definition", {"position": {"line": "one", "character": 0}}),
    ("textDocument/completion", {}),
])
def test_a_request_with_invalid_params_gets_an_error_response(client: LspClient, method: str,
                                                               params: dict[str, Any]) -> None:
    response = client.request(method, params, timeout=20)
    assert response["error"]["code"] == -32602
    assert "error" not in hover(client, {"uri": "file:///nowhere.metric"}, 0, 0)  # the server still answers


def test_without_a_workspace_only_the_opened_files_are_read(tmp_path: Path) -> None:
    folder = tmp_path / "loose"
    (folder / "deeper").mkdir(parents=True)
    (folder / "deeper" / "other.metric").write_text("metric other = nothing_here +\n", encoding="utf-8")
    opened = folder / "one.metric"
    opened.write_text(ORDERS, encoding="utf-8")
    lsp = LspClient(cwd=tmp_path)
    try:
        lsp.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        lsp.notify("initialized")
        document = open_document(lsp, opened, ORDERS + "metric twice = revenu * 2\n")
        published = lsp.wait_for("textDocument/publishDiagnostics",
                                 lambda p: p["uri"] == document["uri"] or "other.metric" in p["uri"])
        assert published["params"]["uri"] == document["uri"]
        assert [d["code"] for d in published["params"]["diagnostics"]] == ["E103"]
        definition = lsp.request("textDocument/definition", {
            "textDocument": document, "position": {"line": 6, "character": 8}})
        assert definition["result"]["uri"] == opened.as_uri()
        time.sleep(0.5)  # the debounced check would publish the other file's syntax error now
        while not lsp.notifications.empty():
            message = lsp.notifications.get()
            assert "other.metric" not in str(message)
    finally:
        lsp.close()
