"""Property tests: whatever bytes a user saves, `check` reports diagnostics and never crashes.

Two generators feed `metricdsl.pipeline.load.load` on a temporary project folder:

* random files: arbitrary bytes (NUL, invalid UTF-8), random Unicode text with control
  characters and CRLF, and token soup drawn from the language's own vocabulary;
* mutations of valid specs (`specs/*.metric`, `tests/corpus/*/*.metric`): tokens or lines
  deleted, duplicated, swapped, keywords and punctuation inserted, the file truncated.

For every input: no exception escapes, every diagnostic's span (and every note's) lies inside
its file (1 <= line <= number of lines, 1 <= column <= len(line) + 1, start <= end) and
`render_text`, `to_json` and `to_github` work.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.paths import REPO_ROOT

from metricdsl.diagnostics.render import render_text, to_github, to_json
from metricdsl.pipeline.load import load
from metricdsl.source import normalize_newlines

SPECS = sorted([*REPO_ROOT.glob("specs/*.metric"), *REPO_ROOT.glob("tests/corpus/*/*.metric")])
SPEC_TEXTS = [p.read_text(encoding="utf-8") for p in SPECS]
TOKEN = re.compile(r"\s+|#[^\n]*|'(?:[^'\n]|'')*'|\"(?:\\.|[^\"\\\n])*\"|[A-Za-z_][A-Za-z0-9_]*:?|[0-9][0-9_.]*|\.\.|.",
                   re.DOTALL)
KEYWORDS = ["source", "dimension", "metric", "decompose", "query", "target", "calendar", "where", "having", "by", "and", "or", "not", "in", "is", "null", "between", "like", "case", "when", "then", "else", "end", "true", "false", "join", "on", "columns", "table:", "time:", "key:", "metrics:", "by:", "where:", "period:", "order:", "limit:", "desc", "asc", "sum", "avg", "min", "max", "count", "count_distinct", "lag", "growth", "cumulative", "time.month", "time.hour", "time.year", "orders.amount", "revenue"]
PUNCTUATION = list("{}()=,.:+-*/<>!'\"#%\\") + ["..", "!=", "<=", ">=", "\r\n", "\n", "\t", "\x00", "\ufeff", " ",
                                                 "2026-02-30", "2026-01-01", "1 month", "7 days", "10x", "20%", "1e9"]
# METRICDSL_FUZZ_EXAMPLES=3000 for a longer hunt; the default keeps the suite fast.
FUZZ = settings(max_examples=int(os.environ.get("METRICDSL_FUZZ_EXAMPLES", "200")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def check_bytes(files: dict[str, bytes]) -> None:
    """Load a project made of these files; assert the properties of every diagnostic."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, data in files.items():
            (root / name).write_bytes(data)
        loaded = load(root)
        texts = {}
        for name, data in files.items():
            shown = str(root / name)
            texts[shown] = normalize_newlines(data.decode("utf-8", errors="replace").removeprefix("\ufeff"))  # a lone CR ends a line
        for diagnostic in loaded.diagnostics:
            spans = [diagnostic.span] + [note.span for note in diagnostic.notes]
            for span in spans:
                if span is None:
                    continue
                assert span.file in texts or span.file in loaded.files, (span, list(texts))
                text = texts.get(span.file) or loaded.files[span.file].text
                lines = [line.rstrip("\r") for line in text.split("\n")]
                for line, column in ((span.line, span.column), (span.end_line, span.end_column)):
                    assert 1 <= line <= len(lines), (diagnostic, len(lines))
                    assert 1 <= column <= len(lines[line - 1]) + 1, (diagnostic, lines[line - 1])
                assert (span.line, span.column) <= (span.end_line, span.end_column), diagnostic
            rendered = render_text(diagnostic, loaded.files)
            assert rendered and "\n" not in diagnostic.message
            if diagnostic.span is not None:
                assert f"{diagnostic.span.line} | " in rendered and "^" in rendered, rendered
            to_github(diagnostic)
        to_json(loaded.diagnostics)
        assert (loaded.model is None) == any(d.severity == "error" for d in loaded.diagnostics)


def check_text(text: str) -> None:
    check_bytes({"spec.metric": text.encode("utf-8", errors="surrogatepass")})


# ---- (a) random input --------------------------------------------------------------------------
@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    check_bytes({"spec.metric": data})


unicode_text = st.lists(
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["\r\n", "\r", "\n", "\x00", "\t", "\x0b", "\x0c",
                                                                   "\u2028", "\u0085", "\ufeff", "'", '"', "{", "}"]),
    max_size=300).map("".join)


@FUZZ
@given(unicode_text)
def test_random_unicode(text: str) -> None:
    check_text(text)


vocabulary = st.sampled_from(KEYWORDS + PUNCTUATION + ["orders", "amount", "a", "b", "x", "1", "0", "'paid'", '"标签"'])


@FUZZ
@given(st.lists(vocabulary, max_size=60), st.sampled_from([" ", "\n", "\r\n", ""]))
def test_token_soup(tokens: list[str], separator: str) -> None:
    check_text(separator.join(tokens))


@FUZZ
@given(st.lists(st.binary(max_size=200), min_size=2, max_size=4))
def test_several_random_files(blobs: list[bytes]) -> None:
    check_bytes({f"f{i}.metric": blob for i, blob in enumerate(blobs)})


# ---- (b) mutations of valid specs -----------------------------------------------------------------
def tokens_of(text: str) -> list[str]:
    return TOKEN.findall(text)


@st.composite
def mutated_spec(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SPEC_TEXTS))
    pieces = draw(st.sampled_from(["tokens", "lines"]))
    parts = tokens_of(text) if pieces == "tokens" else text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 6))):
        if not parts:
            break
        i = draw(st.integers(0, len(parts) - 1))
        j = draw(st.integers(0, len(parts) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate", "replace"]))
        if action == "delete":
            del parts[i]
        elif action == "duplicate":
            parts.insert(i, parts[i])
        elif action == "swap":
            parts[i], parts[j] = parts[j], parts[i]
        elif action == "insert":
            parts.insert(i, draw(vocabulary) + draw(st.sampled_from(["", " ", "\n"])))
        elif action == "replace":
            parts[i] = draw(vocabulary)
        else:
            parts = parts[:i]
    result = "".join(parts)
    if draw(st.booleans()):
        result = result.replace("\n", "\r\n")
    return result


@FUZZ
@given(mutated_spec())
def test_mutated_specs(text: str) -> None:
    check_text(text)


@FUZZ
@given(st.lists(mutated_spec(), min_size=2, max_size=3))
def test_mutated_projects(texts: list[str]) -> None:
    check_bytes({f"{i}.metric": t.encode("utf-8") for i, t in enumerate(texts)})


def test_the_unmutated_specs_check_cleanly() -> None:
    """The mutations start from valid files: each corpus project and specs/ has no error."""
    folders = {p.parent for p in SPECS}
    for folder in sorted(folders):
        loaded = load(folder)
        assert not loaded.errors, (folder, [render_text(d, loaded.files) for d in loaded.errors])

