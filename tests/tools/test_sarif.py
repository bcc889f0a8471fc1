"""`check --format sarif`: a SARIF 2.1.0 log with rules from CODES and located results."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support.paths import bare_environment


def test_sarif_structure_and_locations(tmp_path: Path) -> None:
    from metricdsl.diagnostics import CODES

    (tmp_path / "a.metric").write_text(
        "source s {\n  table: t\n  columns { x: int }\n}\nmetric \"📈\" = 1\nmetric m \"指标\" = sum(s.x) + revenuez\n",
        encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "metricdsl", "check", "a.metric", "--format", "sarif"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
                            env=bare_environment())
    assert result.returncode == 1
    log = json.loads(result.stdout)
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(CODES)
    assert run["columnKind"] == "unicodeCodePoints"
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert {"E002", "E103"} <= set(by_rule)
    for found in run["results"]:
        assert rules[found["ruleIndex"]]["id"] == found["ruleId"]
        assert found["level"] in ("error", "warning")
    unknown = by_rule["E103"]
    location = unknown["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "a.metric", "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": 6, "startColumn": 28, "endLine": 6, "endColumn": 36}
    assert "unknown metric `revenuez`" in unknown["message"]["text"]


def test_sarif_of_nothing_is_an_empty_run() -> None:
    from metricdsl.diagnostics.render import to_sarif

    log = json.loads(to_sarif([]))
    assert log["runs"][0]["results"] == []
