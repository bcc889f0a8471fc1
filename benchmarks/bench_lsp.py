"""Language-server latency on a large project: hover and completion right after a didChange.

    python3 benchmarks/bench_lsp.py [--metrics 2000] [--rounds 30]

Generates a project of N metrics over 10 files, starts `python -m metricdsl lsp`, opens one
file, then for each round: edits a line (didChange), asks for a hover, edits again, asks for a
completion. The first request after a change re-parses the changed file and re-checks the
project, so each latency includes that work. Prints median and p95 (target: < 50 ms).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support.lsp_client import LspClient

FILES = 10


def generate(root: Path, metrics: int) -> list[Path]:
    (root / "sources.metric").write_text(
        "source orders {\n  table: dw.orders\n  time: order_date\n  key: order_id\n"
        "  columns {\n    order_id: bigint\n    order_date: date\n    channel: string\n    status: string\n"
        "    amount: decimal(18, 2)\n  }\n}\n\ndimension channel = orders.channel\n", encoding="utf-8")
    paths = []
    per_file = metrics // FILES
    for number in range(FILES):
        lines = []
        for index in range(number * per_file, (number + 1) * per_file):
            if index % 3 == 2:
                lines.append(f'metric m{index} "指标 {index}" = m{index - 2} / m{index - 1} {{\n  unit: "%"\n}}\n')
            else:
                lines.append(f"metric m{index} = sum(orders.amount) where orders.status = 's{index}'\n")
        path = root / f"metrics_{number:02d}.metric"
        path.write_text("".join(lines), encoding="utf-8")
        paths.append(path)
    return paths


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def change(client: LspClient, uri: str, version: int, line: int, text: str) -> None:
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
        {"range": {"start": {"line": line, "character": 0}, "end": {"line": line + 1, "character": 0}},
         "text": text}]})


def timed(client: LspClient, method: str, params: dict[str, object]) -> float:
    start = time.perf_counter()
    response = client.request(method, params)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.get("result"), response
    return elapsed


def diagnostics_latency(client: LspClient, uri: str, version: int) -> float:
    """From a change that introduces an unknown metric to its publishDiagnostics (and the fix)."""
    start = time.perf_counter()
    change(client, uri, version, 0, "metric m0 = sum(orders.amount) + nope\n")
    client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri and p["diagnostics"], timeout=60)
    elapsed = (time.perf_counter() - start) * 1000
    change(client, uri, version + 1, 0, "metric m0 = sum(orders.amount)\n")
    client.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri and not p["diagnostics"], timeout=60)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--metrics", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        root.mkdir()
        paths = generate(root, args.metrics)
        client = LspClient(cwd=root)
        started = time.perf_counter()
        client.initialize(root)
        uri = paths[0].as_uri()
        text = paths[0].read_text(encoding="utf-8")
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "metric", "version": 1,
                                                                "text": text}})
        client.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}, timeout=300)
        print(f"project: {args.metrics} metrics in {FILES + 1} files; open + first check: "
              f"{(time.perf_counter() - started) * 1000:.0f} ms")
        hovers, completions = [], []
        for round_ in range(args.rounds):
            edit = f"metric m0 = sum(orders.amount) where orders.status = 'r{round_}'\n"
            change(client, uri, 2 * round_ + 2, 0, edit)
            hovers.append(timed(client, "textDocument/hover", {
                "textDocument": {"uri": uri}, "position": {"line": 2, "character": 24}}))
            change(client, uri, 2 * round_ + 3, 0, "metric m0 = sum(orders.)\n")
            completions.append(timed(client, "textDocument/completion", {
                "textDocument": {"uri": uri}, "position": {"line": 0, "character": 23}}))
        diagnostics = [diagnostics_latency(client, uri, 1000 + 2 * round_) for round_ in range(5)]
        client.close()
    print(f"{'diagnostics after didChange':28s} median {statistics.median(diagnostics):6.1f} ms   "
          f"(debounce {150} ms + check of the whole project; n={len(diagnostics)})")
    for name, values in (("hover after didChange", hovers), ("completion after didChange", completions)):
        print(f"{name:28s} median {statistics.median(values):6.1f} ms   p95 {percentile(values, 0.95):6.1f} ms   "
              f"(n={len(values)}, target < 50 ms)")


if __name__ == "__main__":
    main()
