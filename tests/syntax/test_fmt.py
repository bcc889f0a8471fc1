"""`metricdsl fmt`: golden layouts, idempotency and meaning preservation over every project."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import REPO_ROOT, bare_environment

PROJECTS = [REPO_ROOT / "specs", *sorted(p for p in (REPO_ROOT / "tests" / "corpus").iterdir() if p.is_dir())]
METRIC_FILES = sorted(f for project in PROJECTS for f in project.rglob("*.metric"))
DIALECTS = ("duckdb", "postgres", "impala")

MESSY_SOURCE = '''# header comment
source  orders"订单"{table : dw.orders   # the table
time:order_date
  key:id
  columns {id:int,amount : decimal( 18,2 ), status: string}
join  customers on customer_id=customers.customer_id}
source customers { table: c, key: customer_id }
metric  revenue "收入" = sum( orders.amount )where orders.status='it''s'{unit:"say \\"hi\\" \\\\ ok"
  kpi :true


  # a note about the status
     status : draft}
metric neg = - revenue * -2 + +3   metric yoy = growth(revenue,1   year)
'''

MESSY_SOURCE_FORMATTED = '''# header comment
source orders "订单" {
  table: dw.orders  # the table
  time:  order_date
  key:   id
  columns { id: int, amount: decimal(18, 2), status: string }
  join customers on customer_id = customers.customer_id
}

source customers { table: c, key: customer_id }

metric revenue "收入" = sum(orders.amount) where orders.status = 'it''s' {
  unit: "say \\"hi\\" \\\\ ok"
  kpi:  true

  # a note about the status
  status: draft
}

metric neg = -revenue * -2 + +3
metric yoy = growth(revenue, 1 year)
'''

CASE_AND_BLOCKS = '''dimension band = case
      when orders.amount >= 10 then 'big'   # large orders
    else 'small' end
dimension b2 = case when orders.amount between 1 and 2 then 'x' end
query q {
  metrics: revenue,
    neg
  by: time.month, band
  where: band not in ('big','huge') and not (band like 'a%') and band is not null
  period: 2026-01-01..2026-06-30
  order: revenue desc, time.month
  limit: 10
}
target t "目标" {
  metric: revenue
  growth: +20%
  cap: conversion <= 1.5x
  weight: reach 2, conversion 1
  split: product by weights { "新品E": 3, "理财D" : 1 }
}
'''

CASE_AND_BLOCKS_FORMATTED = '''dimension band = case
  when orders.amount >= 10 then 'big'  # large orders
  else 'small' end

dimension b2 = case when orders.amount between 1 and 2 then 'x' end

query q {
  metrics: revenue,
    neg
  by:      time.month, band
  where:   band not in ('big', 'huge') and not (band like 'a%') and band is not null
  period:  2026-01-01 .. 2026-06-30
  order:   revenue desc, time.month
  limit:   10
}

target t "目标" {
  metric: revenue
  growth: +20%
  cap:    conversion <= 1.5x
  weight: reach 2, conversion 1
  split:  product by weights { "新品E": 3, "理财D": 1 }
}
'''

SCORECARD = '''scorecard  agents_2027"坐席KPI考核"{by:agent
period : 2027
  kpis{
revenue:weight 40%,target revenue_2027   # quota
    conversion : weight 30% , range 0.20..0.30
  complaints: weight 30%, range 10 .. -5}
cap:120}
'''

SCORECARD_FORMATTED = '''scorecard agents_2027 "坐席KPI考核" {
  by:     agent
  period: 2027
  kpis {
    revenue:    weight 40%, target revenue_2027  # quota
    conversion: weight 30%, range 0.20 .. 0.30
    complaints: weight 30%, range 10 .. -5
  }
  cap: 120
}
'''

# CRLF is kept, a final newline is added, trailing comments of consecutive lines are aligned
# (counting CJK characters as two columns), nested `case` and parentheses indent.
CRLF_AND_ALIGNMENT = (
    "source s {\r\n  table: t   \r\n  columns {\r\n    a: int # 一\r\n    long_name: string   # 二\r\n  }\r\n}\r\n"
    "dimension d \"中文\" = 1 # x\r\ndimension e = 2   # y\r\n"
    "metric m = sum(case\r\nwhen s.a > 0 then (s.a\r\n+ 1)\r\nelse 0\r\nend)"
)
CRLF_AND_ALIGNMENT_FORMATTED = (
    "source s {\r\n  table: t\r\n  columns {\r\n    a:         int     # 一\r\n    long_name: string  # 二\r\n  }\r\n"
    "}\r\n\r\ndimension d \"中文\" = 1  # x\r\ndimension e = 2         # y\r\n\r\n"
    "metric m = sum(case\r\n  when s.a > 0 then (s.a\r\n    + 1)\r\n  else 0\r\nend)\r\n"
)


@pytest.mark.parametrize(("source", "expected"), [
    (MESSY_SOURCE, MESSY_SOURCE_FORMATTED),
    (CASE_AND_BLOCKS, CASE_AND_BLOCKS_FORMATTED),
    (CRLF_AND_ALIGNMENT, CRLF_AND_ALIGNMENT_FORMATTED),
    (SCORECARD, SCORECARD_FORMATTED),
    ("", ""),
    ("\n\n# only a comment\n\n\n", "# only a comment\n"),
], ids=["messy-source", "case-and-blocks", "crlf-alignment", "scorecard", "empty", "comment-only"])
def test_golden(source: str, expected: str) -> None:
    from metricdsl.syntax.fmt import format_text

    assert format_text(source) == expected
    assert format_text(expected) == expected


@pytest.mark.parametrize("path", METRIC_FILES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_idempotent(path: Path) -> None:
    from metricdsl.syntax.fmt import format_text

    once = format_text(path.read_bytes().decode("utf-8"))
    assert format_text(once) == once


def test_strings_and_labels_are_kept_byte_for_byte() -> None:
    from metricdsl.syntax.fmt import format_text

    text = 'metric m "a \\"q\\" \\\\ 中" = sum(s.x) where s.y = \'O\'\'Brien  #not a comment\'\n'
    assert format_text(text) == text


def test_syntax_error_is_reported_not_formatted() -> None:
    from metricdsl.syntax.fmt import FormatSyntaxError, format_text

    with pytest.raises(FormatSyntaxError) as raised:
        format_text("metric a = sum(s.x\nmetric b = a\n")
    assert raised.value.diagnostics[0].code == "E002"


def _queries_sql(project: Path) -> dict[tuple[str, str], str]:
    from metricdsl.api import compile_sql, load_project

    model = load_project(project)
    return {(name, dialect): compile_sql(model, query=name, dialect=dialect)
            for name in sorted(model.queries) for dialect in DIALECTS}


def _diagnostics(project: Path) -> list[tuple[str, str, str]]:
    from metricdsl.pipeline.load import load

    return sorted((d.code, d.message, Path(d.span.file).name if d.span else "") for d in load(project).diagnostics)


def _unformat(project: Path) -> None:
    """Re-indent every line with a tab: leading white space is never inside a string (strings do not
    span lines), so this changes the layout and nothing else."""
    for path in project.glob("*.metric"):
        text = path.read_bytes().decode("utf-8")
        lines = [("\t" + line.lstrip(" \t")) if line.strip() and line[:1] in " \t" else line
                 for line in text.split("\n")]
        path.write_bytes("\n".join(lines).encode("utf-8"))


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_meaning_is_preserved(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Original and formatted copies are loaded under the same relative path, so that the SQL
    (whose header names the files it came from) must be byte-identical."""
    from metricdsl.syntax.fmt import format_project, write_results

    original, formatted = tmp_path / "original", tmp_path / "formatted"
    for root in (original, formatted):
        shutil.copytree(project, root / project.name, ignore=shutil.ignore_patterns("data"))
        _unformat(root / project.name)  # an already canonical project (specs/) must still give fmt work
    results = format_project(formatted / project.name)
    assert all(r.formatted is not None for r in results), [(r.path, r.error) for r in results]
    assert write_results(results), "every project here has something to reformat"
    outputs = []
    for root in (original, formatted):
        monkeypatch.chdir(root)
        outputs.append((_diagnostics(Path(project.name)), _queries_sql(Path(project.name))))
    (diagnostics_before, sql_before), (diagnostics_after, sql_after) = outputs
    assert diagnostics_after == diagnostics_before
    assert sql_before and sql_after == sql_before


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "metricdsl", *args], cwd=cwd, capture_output=True, text=True,
                          env=bare_environment(), timeout=120, check=False)


def test_cli_check_then_write(tmp_path: Path) -> None:
    (tmp_path / "a.metric").write_text("metric  a = sum(s.x)\n", encoding="utf-8")
    (tmp_path / "b.metric").write_text("metric b = a\n", encoding="utf-8")
    checked = _run("fmt", str(tmp_path), "--check", cwd=tmp_path)
    assert checked.returncode == 1
    assert checked.stdout == ("--- a/a.metric\n+++ b/a.metric\n@@ -1 +1 @@\n"  # paths relative to the working dir
                              "-metric  a = sum(s.x)\n+metric a = sum(s.x)\n")
    assert (tmp_path / "a.metric").read_text(encoding="utf-8") == "metric  a = sum(s.x)\n"
    written = _run("fmt", str(tmp_path), cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "a.metric").read_text(encoding="utf-8") == "metric a = sum(s.x)\n"
    assert _run("fmt", str(tmp_path), "--check", cwd=tmp_path).returncode == 0


def test_cli_syntax_error_leaves_every_file_untouched(tmp_path: Path) -> None:
    (tmp_path / "a.metric").write_text("metric  a = sum(s.x)\n", encoding="utf-8")
    (tmp_path / "b.metric").write_text("metric b = sum(s.x\n", encoding="utf-8")
    result = _run("fmt", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "b.metric: syntax error; left unchanged" in result.stderr
    assert "error[E002]" in result.stderr
    assert (tmp_path / "a.metric").read_text(encoding="utf-8") == "metric  a = sum(s.x)\n"
    assert (tmp_path / "b.metric").read_text(encoding="utf-8") == "metric b = sum(s.x\n"


def test_the_example_project_is_formatted() -> None:
    """specs/ is what users copy: every file is as `metricdsl fmt` writes it."""
    from metricdsl.syntax.fmt import format_text

    for path in sorted((REPO_ROOT / "specs").glob("*.metric")):
        text = path.read_bytes().decode("utf-8")
        assert format_text(text) == text, f"{path.name}: run `metricdsl fmt specs`"
