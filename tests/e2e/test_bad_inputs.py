"""Bad inputs and the exact diagnostics they get.

Every folder ``tests/bad/<case>/`` is a tiny project (one or more ``.metric`` files) and
``expected.txt`` is exactly what ``metricdsl check`` prints for it: every diagnostic (header
``path:line:col: error[CODE]: message``, the source line, the caret, notes and ``help:``) and
the summary line.

Paths are normalised by running the check *from inside the case folder*: the project argument
is ``.`` (or the one line of ``<case>/project.txt`` when the case is about the project path
itself), so every path in the output is relative to the case folder, with ``/`` separators.

For every case the test also checks that the exit code is 1 when there is an error and 0 when
there are only warnings, that nothing escapes as a traceback or an "internal error", that every
span lies inside its file, that a caret line sits under the source line at the right column,
and that ``--format json`` and ``--format github`` say the same as the text output.

To add a case: create the folder and its ``.metric`` files, run
``METRICDSL_UPDATE_BAD=1 pytest tests/e2e/test_bad_inputs.py -k <case>`` once to write
``expected.txt``, then read it line by line: it must hold the messages as they *should* be.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.paths import REPO_ROOT, TESTS_DIR

BAD = TESTS_DIR / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir() and not (p / "command.txt").exists())
# Cases about other commands than `check` (loading data): `command.txt` holds the arguments, run from the
# case folder; expected.txt is what the command prints on stdout and stderr.
COMMAND_CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir() and (p / "command.txt").exists())
HEADER = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning)\[(?P<code>[EW]\d{3})\]: (?P<message>.*)$")
BARE_HEADER = re.compile(r"^(?P<severity>error|warning)\[(?P<code>[EW]\d{3})\]: (?P<message>.*)$")
UPDATE = os.environ.get("METRICDSL_UPDATE_BAD") == "1"

# The categories the corpus must cover (the list); each names the case that covers it.
REQUIRED = {
    "invalid UTF-8 byte": "invalid_utf8",
    "CRLF line endings that are fine": "crlf_is_fine",
    "CRLF with an error: columns ignore the \\r": "crlf_with_error",
    "empty file": "empty_file",
    "folder with no .metric files": "no_metric_files",
    "project path that does not exist": "project_missing",
    "unterminated string": "unterminated_string",
    "typo'd keyword": "typo_keyword",
    "several syntax errors in one file": "several_syntax_errors",
    "errors in several files": "errors_in_several_files",
    "unknown metric/dimension/source/column": "unknown_names",
    "duplicate names across files": "duplicate_names",
    "source named time": "source_named_time",
    "metric and dimension with the same name": "metric_and_dimension_same_name",
    "column type errors": "column_types",
    "non-boolean where": "non_boolean_where",
    "bare column outside an aggregate": "bare_column_in_metric",
    "aggregate mixing unjoined sources": "unjoined_aggregate",
    "unreachable dimension in a query": "unreachable_dimension",
    "two join paths": "two_join_paths",
    "join that is not many-to-one": "join_not_many_to_one",
    "metric cycles": "metric_cycle",
    "decomposition cycle": "decomposition_cycle",
    "decompose m by d with non-additive m": "decompose_non_additive",
    "unknown time grain": "unknown_time_grain",
    "period that is not a period": "bad_period",
    "order naming a column the query does not return": "order_not_returned",
    "limit 0": "limit_zero",
    "unknown property": "unknown_property",
    "source without columns (W001 once)": "source_without_columns",
    "metric on a source without time: (E406)": "source_without_time",
    "time intelligence without a time dimension (E405)": "time_intelligence_without_time",
    "offset not a whole number of buckets (E407)": "offset_not_whole_buckets",
    "invalid dates": "invalid_dates",
    "a label where a SQL string is expected": "label_as_sql_string",
    "keywords used as names": "keywords_as_names",
}


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


def project_arg(case: str) -> str:
    override = BAD / case / "project.txt"
    return override.read_text(encoding="utf-8").strip() if override.exists() else "."


def run_check(case: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    from metricdsl.cli import main

    monkeypatch.chdir(BAD / case)
    result = CliRunner().invoke(main, ["check", project_arg(case), "--format", fmt])
    exception = result.exception if not isinstance(result.exception, SystemExit) else None
    return Run(result.exit_code, result.stdout, result.stderr, exception)


def assert_no_crash(run: Run) -> None:
    assert run.exception is None, f"{type(run.exception).__name__}: {run.exception}"
    assert "Traceback" not in run.stdout + run.stderr
    assert "internal error" not in run.stdout + run.stderr
    assert run.exit_code in (0, 1), run.stdout + run.stderr


def file_lines(case: str, path: str) -> list[str]:
    data = (BAD / case / path).read_bytes()
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return [line.rstrip("\r") for line in text.split("\n")]


def expected_text(case: str) -> str:
    return (BAD / case / "expected.txt").read_text(encoding="utf-8")


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# ---- the corpus itself ---------------------------------------------------------------------
def test_corpus_covers_every_required_category() -> None:
    missing = {what: name for what, name in REQUIRED.items() if name not in CASES}
    assert not missing


def test_every_case_has_expected_output_and_a_project(case: str) -> None:
    folder = BAD / case
    assert (folder / "expected.txt").exists(), f"{case}: no expected.txt"
    if not (folder / "project.txt").exists():
        assert list(folder.glob("*.metric")), f"{case}: no .metric file and no project.txt"


def test_raw_bytes_survive_checkout() -> None:
    """CRLF and invalid bytes are the point of these cases; git must not have normalised them."""
    for case in ("crlf_is_fine", "crlf_with_error"):
        data = (BAD / case / "spec.metric").read_bytes()
        assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n"), case
    data = (BAD / "invalid_utf8" / "spec.metric").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert (BAD / "empty_file" / "empty.metric").read_bytes() == b""


# ---- exact text, exit code, no crash --------------------------------------------------------
def test_text_output_is_exactly_expected(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_check(case, "text", monkeypatch)
    assert_no_crash(run)
    if UPDATE:
        (BAD / case / "expected.txt").write_text(run.stdout, encoding="utf-8")
    assert run.stdout == expected_text(case)
    has_error = any((HEADER.match(line) or BARE_HEADER.match(line) or {"severity": ""})["severity"] == "error"
                    for line in run.stdout.splitlines())
    assert run.exit_code == (1 if has_error else 0)
    severities = [m["severity"] for line in run.stdout.splitlines() if (m := HEADER.match(line) or BARE_HEADER.match(line))]
    summary = run.stdout.splitlines()[-1]
    if has_error:
        assert summary == f"{severities.count('error')} error(s), {severities.count('warning')} warning(s)"
    else:
        assert summary.startswith("ok: ") and summary.endswith(f"; {severities.count('warning')} warning(s)")


def test_text_output_shows_the_line_and_a_caret(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_check(case, "text", monkeypatch)
    lines = run.stdout.splitlines()
    for index, line in enumerate(lines):
        header = HEADER.match(line)
        if header is None:
            continue
        number, column = int(header["line"]), int(header["column"])
        source_line = file_lines(case, header["file"])[number - 1]
        gutter = f" {number} | "
        assert lines[index + 1] == gutter + source_line, line
        caret = lines[index + 2]
        pad = " " * (len(str(number)) + 1) + " | "
        assert caret.startswith(pad), line
        marks = caret[len(pad):]
        assert marks.lstrip(" \t").startswith("^"), line
        assert len(marks) - len(marks.lstrip(" \t")) == column - 1, f"caret not under column {column}: {line}"


# ---- spans and the other formats ----------------------------------------------------------------
def json_diagnostics(case: str, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    run = run_check(case, "json", monkeypatch)
    assert_no_crash(run)
    data: list[dict[str, Any]] = json.loads(run.stdout)
    return data


def test_every_span_lies_inside_its_file(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for d in json_diagnostics(case, monkeypatch):
        spans = [(d["file"], d["line"], d["column"])] + [(n["file"], n["line"], n["column"]) for n in d["notes"]]
        if d["file"] is not None:
            spans.append((d["file"], d["end_line"], d["end_column"]))
        for path, line, column in spans:
            if path is None:
                assert d["code"] == "E005" and line is None
                continue
            lines = file_lines(case, path)
            assert 1 <= line <= len(lines), d
            assert 1 <= column <= len(lines[line - 1]) + 1, d
        if d["file"] is not None:
            assert (d["line"], d["column"]) <= (d["end_line"], d["end_column"]), d


def test_json_agrees_with_text(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    diagnostics = json_diagnostics(case, monkeypatch)
    text = expected_text(case).splitlines()
    headers = [i for i, line in enumerate(text) if HEADER.match(line) or BARE_HEADER.match(line)]
    assert len(headers) == len(diagnostics)
    for index, d in zip(headers, diagnostics):
        head = f"{d['severity']}[{d['code']}]: {d['message']}"
        if d["file"] is not None:
            head = f"{d['file']}:{d['line']}:{d['column']}: {head}"
        assert text[index] == head
        block = text[index + 1: next((h for h in headers if h > index), len(text))]
        helps = [line.removeprefix("  help: ") for line in block if line.startswith("  help: ")]
        assert helps == ([d["help"]] if d["help"] else [])
        notes = [line for line in block if line.startswith("  note: ")]
        assert notes == [f"  note: {n['message']} ({n['file']}:{n['line']}:{n['column']})" for n in d["notes"]]


GITHUB = re.compile(r"^::(?P<severity>error|warning) (?:file=(?P<file>[^,]*),line=(?P<line>\d+),col=(?P<col>\d+),"
                    r"endLine=(?P<end_line>\d+),endColumn=(?P<end_col>\d+),)?title=(?P<code>[EW]\d{3})::(?P<message>.*)$")


def test_github_agrees_with_json(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    diagnostics = json_diagnostics(case, monkeypatch)
    run = run_check(case, "github", monkeypatch)
    assert_no_crash(run)
    lines = run.stdout.splitlines()
    assert len(lines) == len(diagnostics)
    for line, d in zip(lines, diagnostics):
        found = GITHUB.match(line)
        assert found is not None, line
        assert (found["severity"], found["code"]) == (d["severity"], d["code"])
        if d["file"] is None:
            assert found["file"] is None
        else:
            assert found["file"].replace("%3A", ":").replace("%2C", ",").replace("%25", "%") == d["file"]
            assert [int(found[k]) for k in ("line", "col", "end_line", "end_col")] == \
                [d["line"], d["column"], d["end_line"], d["end_column"]]
        message = d["message"] + (f" ({d['help']})" if d["help"] else "")
        assert found["message"].replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%") == message


@pytest.mark.parametrize("case", COMMAND_CASES)
def test_command_case_output_is_exactly_expected(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from metricdsl.cli import main

    monkeypatch.chdir(BAD / case)
    args = (BAD / case / "command.txt").read_text(encoding="utf-8").split()
    result = CliRunner().invoke(main, args)
    run = Run(result.exit_code, result.stdout, result.stderr, None if isinstance(result.exception, SystemExit)
              else result.exception)
    assert_no_crash(run)
    assert run.exit_code == 1
    if UPDATE:
        (BAD / case / "expected.txt").write_text(run.stdout + run.stderr, encoding="utf-8")
    assert run.stdout + run.stderr == expected_text(case)


# ---- the real command, in a fresh process ---------------------------------------------------------
@pytest.mark.parametrize("case", ["invalid_utf8", "project_missing", "no_metric_files", "unknown_time_grain",
                                  "several_syntax_errors", "crlf_is_fine"])
def test_command_line_in_a_subprocess(case: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "metricdsl", "check", project_arg(case)], cwd=BAD / case,
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    assert done.stdout == expected_text(case)
    assert done.returncode == (0 if done.stdout.startswith("ok:") else 1)


# ---- documentation: docs/errors.md and docs/language.md ------------------------------------------
DOCS = REPO_ROOT / "docs"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
NOT_TRIGGERED_BY_CHECK = {"E001", "E005", "W003",  # invalid bytes, a missing project, a plan-time warning
                          "E701", "E702",  # CSV data, when it is loaded (tests/bad/csv_*)
                          "E703"}  # a saved plan missing when `run` reads it (tests/runtime/test_planned.py)


def fenced(path: Path) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(path.read_text(encoding="utf-8"))]


def check_in_temp_dir(text: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[Any, dict[str, Any]]:
    from metricdsl.pipeline.load import load

    (tmp_path / "spec.metric").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    loaded = load(".")
    return loaded, loaded.files


def test_errors_md_documents_exactly_the_codes() -> None:
    from metricdsl.diagnostics import CODES

    text = (DOCS / "errors.md").read_text(encoding="utf-8")
    documented = re.findall(r"^## ([EW]\d{3}): (.*)$", text, re.MULTILINE)
    assert [code for code, _ in documented] == list(CODES), "errors.md must list every code of CODES, in order"
    for code, title in documented:
        assert title == CODES[code], code
    for code in CODES:
        section = text.split(f"## {code}: ", 1)[1].split("\n## ", 1)[0]
        assert "You get:" in section and "**Fix:**" in section, code
        assert f"[{code}]" in section or code in NOT_TRIGGERED_BY_CHECK, f"{code}: no example message"


ERROR_EXAMPLES = [(kind, body) for kind, body in fenced(DOCS / "errors.md")]
ERROR_CASES = [(body.split("\n", 1)[0].removeprefix("# example: "), body, ERROR_EXAMPLES[i + 1][1])
               for i, (kind, body) in enumerate(ERROR_EXAMPLES) if kind == "metric"]


def test_every_triggerable_code_has_an_example() -> None:
    from metricdsl.diagnostics import CODES

    assert sorted(code for code, _, _ in ERROR_CASES) == sorted(set(CODES) - NOT_TRIGGERED_BY_CHECK)


@pytest.mark.parametrize(("code", "example", "shown"), ERROR_CASES, ids=[c for c, _, _ in ERROR_CASES])
def test_errors_md_example_gives_the_documented_message(code: str, example: str, shown: str,
                                                        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from metricdsl.diagnostics.render import render_text

    loaded, files = check_in_temp_dir(example, monkeypatch, tmp_path)
    rendered = [render_text(d, files) for d in loaded.diagnostics if d.code == code]
    assert rendered, f"the example of {code} does not trigger it"
    assert rendered[0] == shown.rstrip("\n")


LANGUAGE_BLOCKS = [body for kind, body in fenced(DOCS / "language.md") if kind == "metric"]
COMPLETE = [body for body in LANGUAGE_BLOCKS if body.startswith("# example: complete\n")]


def test_language_md_has_complete_examples() -> None:
    assert len(COMPLETE) >= 6


@pytest.mark.parametrize("example", COMPLETE, ids=[f"example{i}" for i in range(len(COMPLETE))])
def test_language_md_complete_examples_check(example: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from metricdsl.diagnostics.render import render_text

    loaded, files = check_in_temp_dir(example, monkeypatch, tmp_path)
    assert not loaded.errors, "\n".join(render_text(d, files) for d in loaded.errors)
    assert not loaded.diagnostics, "\n".join(render_text(d, files) for d in loaded.diagnostics)


def test_language_md_fragments_parse() -> None:
    """Fragments need not be whole projects, but every one must be free of syntax errors."""
    from metricdsl.syntax.parse import parse_text

    for body in LANGUAGE_BLOCKS:
        _, problems = parse_text(body)
        assert not problems, (body, problems)
