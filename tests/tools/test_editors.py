"""The VS Code extension: valid JSON manifests, and a TextMate grammar whose regexes compile
(Python `re` stands in for Oniguruma) and classify sample lines as expected."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from support.paths import REPO_ROOT

VSCODE = REPO_ROOT / "editors" / "vscode"


def load(name: str) -> Any:
    return json.loads((VSCODE / name).read_text(encoding="utf-8"))


def test_manifest_points_at_the_grammar_and_configuration() -> None:
    manifest = load("package.json")
    language = manifest["contributes"]["languages"][0]
    assert language["id"] == "metric" and language["extensions"] == [".metric"]
    grammar = manifest["contributes"]["grammars"][0]
    assert (VSCODE / grammar["path"]).is_file() and (VSCODE / language["configuration"]).is_file()
    assert load(grammar["path"])["scopeName"] == grammar["scopeName"]
    assert (VSCODE / manifest["main"]).is_file()
    assert "vscode-languageclient" in manifest["dependencies"]
    assert "metricdsl" in (VSCODE / "extension.js").read_text(encoding="utf-8")


def test_language_configuration() -> None:
    configuration = load("language-configuration.json")
    assert configuration["comments"]["lineComment"] == "#"
    assert ["{", "}"] in configuration["brackets"] and ["(", ")"] in configuration["brackets"]


def patterns() -> list[tuple[re.Pattern[str], dict[str, Any]]]:
    grammar = load("syntaxes/metric.tmLanguage.json")
    repository = grammar["repository"]
    ordered = [repository[p["include"].lstrip("#")] for p in grammar["patterns"]]
    assert len(ordered) == len(repository), "every rule of the repository is used"
    return [(re.compile(rule["match"]), rule) for rule in ordered]


def classify(line: str) -> list[tuple[str, str]]:
    """(text, scope) pieces the way a TextMate engine picks rules: earliest match, then first rule."""
    compiled = patterns()
    pieces: list[tuple[str, str]] = []
    position = 0
    while position < len(line):
        found = [(m.start(), index, m, rule) for index, (regex, rule) in enumerate(compiled)
                 if (m := regex.search(line, position))]
        if not found:
            break
        _, _, match, rule = min(found, key=lambda f: (f[0], f[1]))
        if "captures" in rule:
            for group, capture in sorted(rule["captures"].items(), key=lambda kv: int(kv[0])):
                if match.group(int(group)) is not None:
                    pieces.append((match.group(int(group)), capture["name"]))
        else:
            pieces.append((match.group(), rule["name"]))
        position = max(match.end(), position + 1)
    return pieces


def scope_of(line: str, text: str) -> str:
    return next(scope for piece, scope in classify(line) if piece == text)


def test_every_regex_compiles() -> None:
    assert len(patterns()) >= 15


@pytest.mark.parametrize(("line", "text", "scope"), [
    ("metric revenue \"销售额\" = sum(orders.amount) where orders.status = 'paid' {  # paid only",
     "metric", "storage.type.declaration.metric"),
    ("metric revenue \"销售额\" = sum(orders.amount)", "revenue", "entity.name.type.metric"),
    ("metric revenue \"销售额\" = sum(orders.amount)", "\"销售额\"", "string.quoted.double.label.metric"),
    ("metric revenue \"销售额\" = sum(orders.amount)", "sum", "support.function.metric"),
    ("metric revenue \"销售额\" = sum(orders.amount)", "amount", "variable.other.member.metric"),
    ("x = 1 where orders.status = 'O''Brien' # note", "'O''Brien'", "string.quoted.single.sql.metric"),
    ("x = 1 where orders.status = 'O''Brien' # note", "# note", "comment.line.number-sign.metric"),
    ("x = 1 where orders.status = 'O''Brien' # note", "where", "keyword.control.metric"),
    ("  period: 2026-01-01 .. 2026-06-30", "period", "variable.other.property.metric"),
    ("  period: 2026-01-01 .. 2026-06-30", "2026-01-01", "constant.numeric.date.metric"),
    ("  period: 2026-01-01 .. 2026-06-30", "..", "keyword.operator.metric"),
    ("metric ly = lag(revenue, 1 year)", "1 year", "constant.numeric.duration.metric"),
    ("  cap: conversion <= 1.5x", "1.5x", "constant.numeric.multiplier.metric"),
    ("  growth: +20%", "+20%", "constant.numeric.percent.metric"),
    ("  value: 50_000_000_000", "50_000_000_000", "constant.numeric.metric"),
    ("  by: time.month, product", "month", "support.constant.time.grain.metric"),
    ("  where: flag = true and x is not null", "true", "constant.language.metric"),
    ("  metric: revenue", "metric", "variable.other.property.metric"),
    ('scorecard agents "坐席KPI考核" {', "scorecard", "storage.type.declaration.metric"),
    ("    revenue: weight 40%, target revenue_2027", "40%", "constant.numeric.percent.metric"),
    ('  split: product by weights { "新品E": 3 }', '"新品E"', "variable.other.property.metric"),
])
def test_classifies_sample_lines(line: str, text: str, scope: str) -> None:
    assert scope_of(line, text) == scope
