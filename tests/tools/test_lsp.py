"""The language server, spoken to over stdio with plain JSON-RPC (see support/lsp_client.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.lsp_client import LspClient
from support.paths import REPO_ROOT

pytest.importorskip("pygls", reason="pygls is a dependency of `metricdsl lsp`; pip install -e .")

AOV = 'metric aov "客单价" = revenue / buyers {'
AOV_EMOJI = 'metric aov "📈客单价" = revenue / buyerz {'  # 📈 is two UTF-16 code units


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lsp") / "specs"
    shutil.copytree(REPO_ROOT / "specs", root, ignore=shutil.ignore_patterns("data"))
    return root


@pytest.fixture(scope="module")
def client(project: Path) -> Iterator[LspClient]:
    lsp = LspClient(cwd=project.parent)
    lsp.initialize_response = lsp.initialize(project)  # type: ignore[attr-defined]
    path = project / "metrics.metric"
    lsp.notify("textDocument/didOpen", {"textDocument": {
        "uri": path.as_uri(), "languageId": "metric", "version": 1, "text": path.read_text(encoding="utf-8")}})
    yield lsp
    if lsp.process.poll() is None:
        lsp.close()


def doc(project: Path, name: str = "metrics.metric") -> dict[str, str]:
    return {"uri": (project / name).as_uri()}


def position_of(project: Path, needle: str, name: str = "metrics.metric", offset: int = 0) -> dict[str, int]:
    """0-based line and UTF-16 character of the first occurrence of `needle` (+ offset code points)."""
    for number, line in enumerate((project / name).read_text(encoding="utf-8").split("\n")):
        if needle in line:
            prefix = line[: line.index(needle) + offset]
            return {"line": number, "character": len(prefix.encode("utf-16-le")) // 2}
    raise AssertionError(f"{needle!r} not in {name}")


def test_initialize_advertises_features(client: LspClient) -> None:
    capabilities = client.initialize_response["result"]["capabilities"]  # type: ignore[attr-defined]
    for feature in ("hoverProvider", "definitionProvider", "completionProvider", "renameProvider",
                    "documentSymbolProvider"):
        assert capabilities.get(feature), feature
    assert capabilities["textDocumentSync"]["change"] == 2  # incremental


def test_diagnostics_appear_with_utf16_range_and_clear(client: LspClient, project: Path) -> None:
    uri = (project / "metrics.metric").as_uri()
    line = position_of(project, AOV)["line"]
    replace = {"start": {"line": line, "character": 0}, "end": {"line": line, "character": len(AOV)}}
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"range": replace, "text": AOV_EMOJI}]})
    published = client.wait_for("textDocument/publishDiagnostics",
                                lambda p: p["uri"] == uri and any(d["code"] == "E103" for d in p["diagnostics"]))
    error = next(d for d in published["params"]["diagnostics"] if d["code"] == "E103")
    start = len(AOV_EMOJI[: AOV_EMOJI.index("buyerz")].encode("utf-16-le")) // 2
    assert start == AOV_EMOJI.index("buyerz") + 1  # the emoji counts twice
    assert error["range"] == {"start": {"line": line, "character": start},
                              "end": {"line": line, "character": start + len("buyerz")}}
    assert "unknown metric `buyerz`" in error["message"] and "`buyers`" in error["message"]
    assert error["severity"] == 1 and error["source"] == "metricdsl"
    fixed = {"start": {"line": line, "character": 0},
             "end": {"line": line, "character": len(AOV_EMOJI.encode("utf-16-le")) // 2}}
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"range": fixed, "text": AOV}]})
    cleared = client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    assert cleared["params"]["diagnostics"] == []


def test_hover_shows_the_metric_card(client: LspClient, project: Path) -> None:
    response = client.request("textDocument/hover", {
        "textDocument": doc(project), "position": position_of(project, "revenue / buyers", offset=2)})
    value = response["result"]["contents"]["value"]
    for expected in ("**metric** `revenue` — 销售额", "sum(orders.amount) where orders.status = 'paid'",
                     "已支付订单的成交金额", "unit: CNY", "owner: 商业分析组", "kind: quantity", "direction: higher", "status: published", "core", "KPI",
                     "defined at metrics.metric:5"):
        assert expected in value, expected


def test_hover_on_a_column_and_a_source(client: LspClient, project: Path) -> None:
    column = client.request("textDocument/hover", {
        "textDocument": doc(project), "position": position_of(project, "orders.amount", offset=8)})
    assert "**column** `orders.amount`: `decimal(18, 2)`" in column["result"]["contents"]["value"]
    source = client.request("textDocument/hover", {
        "textDocument": doc(project), "position": position_of(project, "orders.amount", offset=1)})
    assert "table: `dw.fact_orders`" in source["result"]["contents"]["value"]


def test_definition_of_metric_and_column(client: LspClient, project: Path) -> None:
    metric = client.request("textDocument/definition", {
        "textDocument": doc(project), "position": position_of(project, "revenue / buyers", offset=12)})
    assert metric["result"]["uri"] == (project / "metrics.metric").as_uri()
    assert metric["result"]["range"]["start"] == position_of(project, "metric buyers ", offset=7)
    column = client.request("textDocument/definition", {
        "textDocument": doc(project), "position": position_of(project, "sum(orders.amount)", offset=13)})
    assert column["result"]["uri"] == (project / "sources.metric").as_uri()
    assert column["result"]["range"]["start"] == position_of(project, "amount:", name="sources.metric")


def _completion(client: LspClient, project: Path, line: int, character: int, text: str) -> list[dict[str, Any]]:
    uri = (project / "metrics.metric").as_uri()
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 10 + line}, "contentChanges": [
        {"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": text}]})
    response = client.request("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 11 + line}, "contentChanges": [
        {"range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}}, "text": ""}]})
    return response["result"]["items"]  # type: ignore[no-any-return]


def test_completion_after_source_time_and_in_expressions(client: LspClient, project: Path) -> None:
    end = len((project / "metrics.metric").read_text(encoding="utf-8").split("\n")) - 1
    columns = {i["label"] for i in _completion(client, project, end, 22, "metric x = sum(orders.)\n")}
    assert {"amount", "status", "customer_id"} <= columns and "revenue" not in columns
    grains = [i["label"] for i in _completion(client, project, end, 37, "query q { metrics: revenue, by: time. }\n")]
    assert grains == ["day", "week", "month", "quarter", "year"]
    in_metrics = {i["label"] for i in _completion(client, project, end, 19, "query q { metrics:  }\n")}
    assert {"revenue", "aov", "connect_rate"} <= in_metrics and "product" not in in_metrics
    formula = {i["label"]: i["kind"] for i in _completion(client, project, end, 11, "metric y =  \n")}
    assert formula["revenue"] == 3 and formula["sum"] == 2 and formula["where"] == 14
    targets = [i["label"] for i in _completion(client, project, end, 19, "metric t = planned()\n")]
    assert targets == ["revenue_2026", "revenue_2026_agents", "revenue_2027"]
    top = {i["label"] for i in _completion(client, project, end, 0, "\n")}
    assert {"metric", "source", "query"} <= top


def test_document_symbols(client: LspClient, project: Path) -> None:
    response = client.request("textDocument/documentSymbol", {"textDocument": doc(project, "sources.metric")})
    symbols = {s["name"]: s for s in response["result"]}
    assert list(symbols) == ["orders", "calls", "customers", "products", "agents"]
    assert [c["name"] for c in symbols["orders"]["children"]][:3] == ["order_id", "order_date", "customer_id"]
    assert symbols["orders"]["detail"] == "订单"


def test_scorecard_hover_and_symbols(client: LspClient, project: Path) -> None:
    name = "scorecards.metric"
    hover = client.request("textDocument/hover", {
        "textDocument": doc(project, name), "position": position_of(project, "scorecard agents_2026", name, offset=12)})
    value = hover["result"]["contents"]["value"]
    for expected in ("**scorecard** `agents_2026` — 坐席KPI考核", "by: `agent`", "period: `2026`", "cap: `120`",
                     "- `revenue`: weight 40%, target revenue_2026_agents", "- `refund_rate`: weight 30%, range 15% .. 5%"):
        assert expected in value, expected
    symbols = {s["name"]: s for s in client.request("textDocument/documentSymbol",
                                                    {"textDocument": doc(project, name)})["result"]}
    assert [c["name"] for c in symbols["agents_2026"]["children"]] == ["revenue", "connect_rate", "refund_rate"]
    kpi = client.request("textDocument/definition", {
        "textDocument": doc(project, name), "position": position_of(project, "connect_rate:", name)})
    assert kpi["result"]["uri"] == (project / "metrics.metric").as_uri()


def test_rename_metric_across_files(client: LspClient, project: Path) -> None:
    response = client.request("textDocument/rename", {
        "textDocument": doc(project), "position": position_of(project, "revenue / buyers", offset=0),
        "newName": "sales"})
    changes = response["result"]["changes"]
    assert {(project / "metrics.metric").as_uri(), (project / "queries.metric").as_uri(),
            (project / "scorecards.metric").as_uri()} <= set(changes)  # a KPI names its metric
    renamed = project.parent / "renamed"
    shutil.copytree(project, renamed)
    for uri, edits in changes.items():
        path = renamed / Path(uri).name
        path.write_text(apply_edits(path.read_text(encoding="utf-8"), edits), encoding="utf-8")
    from metricdsl.pipeline.load import load

    loaded = load(renamed)
    assert loaded.model is not None, [d.message for d in loaded.errors]
    assert "revenue" not in loaded.model.metrics and "sales" in loaded.model.metrics
    assert "sales" in loaded.model.queries["monthly_kpi"].metrics
    refused = client.request("textDocument/rename", {
        "textDocument": doc(project), "position": position_of(project, "revenue / buyers", offset=0),
        "newName": "buyers"})
    assert "already declared" in refused["error"]["message"]


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                       reverse=True):
        start, end = edit["range"]["start"], edit["range"]["end"]
        assert start["line"] == end["line"]
        line = lines[start["line"]].encode("utf-16-le")
        lines[start["line"]] = (line[: 2 * start["character"]].decode("utf-16-le") + edit["newText"]
                                + line[2 * end["character"]:].decode("utf-16-le"))
    return "\n".join(lines)


def test_shutdown_and_exit(project: Path) -> None:
    lsp = LspClient(cwd=project.parent)
    lsp.initialize(project)
    assert lsp.close() == 0


@pytest.mark.parametrize("path", sorted([*(REPO_ROOT / "specs").glob("*.metric"),
                                         *(REPO_ROOT / "tests" / "corpus").glob("*/*.metric")]),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_incremental_parse_equals_a_full_parse(path: Path) -> None:
    from metricdsl.source import SourceFile
    from metricdsl.syntax.parse import parse_file
    from metricdsl.tools.lsp.incremental import parse_incremental

    text = path.read_text(encoding="utf-8")
    expected = parse_file(SourceFile("f", text))
    tree, problems, cache = parse_incremental("f", text, {})
    assert (tree, problems) == expected
    edited = "# a new first line\n" + text.replace("metric ", "metric  ", 1)
    assert parse_incremental("f", edited, cache)[:2] == parse_file(SourceFile("f", edited))
