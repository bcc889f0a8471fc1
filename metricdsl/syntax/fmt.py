"""The canonical layout of `.metric` files (`metricdsl fmt`).

The formatter works on the token stream of the real grammar (lexed in the parser's own context,
so every token has the type the parser sees) plus the comments found between tokens. Only the
whitespace between tokens changes: 2-space indentation in blocks and continuation lines, single
spaces around operators and after `key:`, values of consecutive `key:` lines aligned, trailing
comments of consecutive lines aligned, at most one blank line, one blank line around multi-line
declarations. Line breaks are the author's, except that a multi-line `{ … }` block puts its
braces on lines of their own and a declaration always starts a line.

Every result is checked before it is returned: re-lexing it must give the same tokens and the
same comments, or `FormatError` is raised (and nothing is written).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from lark import Token
from lark.exceptions import UnexpectedInput

from metricdsl.diagnostics import Diagnostic
from metricdsl.source import SourceFile, normalize_newlines
from metricdsl.syntax.keywords import DECLARATION_TOKEN_TYPES
from metricdsl.syntax.parse import parse_file, parser

INDENT = 2
OPENERS = {"LBRACE": "RBRACE", "LPAR": "RPAR", "CASE": "END"}
CLOSERS = frozenset(OPENERS.values())
VALUE_END = frozenset({"NAME", "NUMBER", "STRING", "TEXT", "DATE", "MULTIPLIER", "PERCENT", "DURATION", "RPAR",
                       "TRUE", "FALSE", "NULL", "END", "DIRECTION"})
KEY_TYPES = frozenset({"KEY", "TEXT_KEY"})
COMMENT = re.compile(r"#[^\n]*")


class FormatSyntaxError(Exception):
    """The file does not parse; it is left as it is."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.message for d in diagnostics))
        self.diagnostics = diagnostics


class FormatError(Exception):
    """The formatter would have changed the meaning of a file (a bug in the formatter)."""


@dataclass
class Comment:
    offset: int
    line: int
    text: str


@dataclass
class Line:
    """One output line: tokens, an optional comment, and how it is laid out."""

    tokens: list[Token]
    comment: str | None = None
    blank_before: int = 0
    indent: int = 0
    key_line: bool = False  # starts with `key:` directly inside a `{ … }` block
    block: int = -1  # index of the innermost `{` this line sits in (-1: top level)
    code: str = ""
    top_start: bool = False  # starts a declaration

    @property
    def comment_only(self) -> bool:
        return not self.tokens and self.comment is not None


# ---- lexing ----------------------------------------------------------------------------------
def lex(text: str) -> tuple[list[Token], list[Comment]]:
    """The parser's tokens (contextual lexing) and the comments between them; raises UnexpectedInput."""
    interactive = parser().parse_interactive(text)
    tokens = list(interactive.iter_parse())
    interactive.feed_eof()  # type: ignore[no-untyped-call]
    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    comments: list[Comment] = []
    previous_end = 0
    for token in [*tokens, None]:
        gap_end = len(text) if token is None else int(token.start_pos or 0)
        for match in COMMENT.finditer(text, previous_end, gap_end):
            line = bisect.bisect_left(newlines, match.start()) + 1
            comments.append(Comment(match.start(), line, match.group().rstrip()))
        if token is not None:
            previous_end = int(token.end_pos or 0)
    return tokens, comments


def token_text(token: Token) -> str:
    if token.type in KEY_TYPES:
        return str(token).rstrip()[:-1].rstrip() + ":"
    if token.type in ("DURATION", "RELATIVE_PERIOD"):
        return " ".join(str(token).split())
    return str(token)


# ---- formatting ------------------------------------------------------------------------------
def format_text(text: str, path: str = "<text>") -> str:
    """The canonical layout of one file's text. Raises FormatSyntaxError when it does not parse."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = normalize_newlines(text.removeprefix("\ufeff"))  # a lone CR ends a line, as in the parser
    _, problems = parse_file(SourceFile(path, body))
    if problems:
        raise FormatSyntaxError(problems)
    try:
        tokens, comments = lex(body)
    except UnexpectedInput as error:  # pragma: no cover - parse_file already reported it
        raise FormatSyntaxError([]) from error
    newline = "\r\n" if body.count("\r\n") * 2 > body.count("\n") else "\n"
    lines = layout(tokens, comments)
    result = render(lines, newline)
    verify(body, result, tokens, comments)
    return bom + result


def layout(tokens: list[Token], comments: list[Comment]) -> list[Line]:
    lines = split_lines(tokens, comments)
    indent_lines(lines)
    signs = sign_tokens(tokens)
    for line in lines:
        line.code = render_tokens(line.tokens, signs)
    align_keys(lines)
    set_blank_lines(lines)
    return lines


def original_lines(tokens: list[Token], comments: list[Comment]) -> list[Line]:
    """Tokens and comments grouped by the line they were written on."""
    by_line: dict[int, Line] = {}
    for token in tokens:
        by_line.setdefault(int(token.line or 0), Line([])).tokens.append(token)
    for comment in comments:
        by_line.setdefault(comment.line, Line([])).comment = comment.text
    ordered: list[Line] = []
    previous = 0
    for number in sorted(by_line):
        line = by_line[number]
        line.blank_before = number - previous - 1 if previous else 0
        ordered.append(line)
        previous = number
    return ordered


def multi_line_braces(tokens: list[Token]) -> set[int]:
    """Indexes (in `tokens`) of `{` and `}` whose block spans more than one line."""
    result: set[int] = set()
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.type == "LBRACE":
            stack.append(index)
        elif token.type == "RBRACE" and stack:
            opener = stack.pop()
            if tokens[opener].line != token.line:
                result.update((opener, index))
    return result


def split_lines(tokens: list[Token], comments: list[Comment]) -> list[Line]:
    """Original lines, broken before declarations and around the braces of multi-line blocks."""
    index_of = {id(token): index for index, token in enumerate(tokens)}
    braces = multi_line_braces(tokens)
    depth = 0
    result: list[Line] = []
    for line in original_lines(tokens, comments):
        current = Line([], blank_before=line.blank_before)
        pieces = [current]
        for position, token in enumerate(line.tokens):
            index = index_of[id(token)]
            if current.tokens and _break_before(token, index, depth, braces, line.tokens[position - 1], index_of):
                current = Line([])
                pieces.append(current)
            current.tokens.append(token)
            depth += (token.type in OPENERS) - (token.type in CLOSERS)
        current.comment = line.comment
        result.extend(pieces)
    return result


def _break_before(token: Token, index: int, depth: int, braces: set[int], previous: Token,
                  index_of: dict[int, int]) -> bool:
    if token.type in DECLARATION_TOKEN_TYPES and depth == 0:
        return True
    if token.type == "RBRACE" and index in braces:
        return True
    previous_index = index_of[id(previous)]
    if previous.type == "LBRACE" and previous_index in braces:
        return True
    if previous.type == "RBRACE" and previous_index in braces:
        return token.type != "COMMA"
    return False


@dataclass
class Opener:
    type: str
    indent: int
    index: int


def indent_lines(lines: list[Line]) -> None:
    stack: list[Opener] = []
    counter = 0
    for number, line in enumerate(lines):
        line.indent = line_indent(line, stack, lines[number + 1:])
        line.block = next((o.index for o in reversed(stack) if o.type == "LBRACE"), -1)
        first = line.tokens[0].type if line.tokens else None
        line.key_line = first in KEY_TYPES and bool(stack) and stack[-1].type == "LBRACE"
        line.top_start = first in DECLARATION_TOKEN_TYPES and not stack
        for token in line.tokens:
            if token.type in OPENERS:
                counter += 1
                stack.append(Opener(token.type, line.indent, counter))
            elif token.type in CLOSERS and stack:
                stack.pop()


def line_indent(line: Line, stack: list[Opener], following: list[Line]) -> int:
    if not line.tokens:
        return comment_indent(stack, following)
    first = line.tokens[0]
    if not stack:
        return 0 if first.type in DECLARATION_TOKEN_TYPES else INDENT
    top = stack[-1]
    if first.type == OPENERS[top.type]:
        return top.indent
    base = top.indent + INDENT
    if top.type == "LBRACE":
        return base if starts_entry(line) else base + INDENT
    if top.type == "CASE":
        return base if first.type in ("WHEN", "ELSE") else base + INDENT
    return base


def comment_indent(stack: list[Opener], following: list[Line]) -> int:
    """A comment line is indented like the next line of code, or like an entry of its block."""
    if not stack:
        return 0
    next_code = next((line for line in following if line.tokens), None)
    if next_code is not None and next_code.tokens[0].type == OPENERS[stack[-1].type]:
        return stack[-1].indent + INDENT
    if next_code is not None:
        return line_indent(next_code, stack, [])
    return stack[-1].indent + INDENT


def starts_entry(line: Line) -> bool:
    first = line.tokens[0]
    if first.type in KEY_TYPES or first.type == "JOIN":
        return True
    return first.type in ("NAME", "BLOCK_NAME") and len(line.tokens) > 1 and line.tokens[1].type == "LBRACE"


def render_tokens(line_tokens: list[Token], signs: set[int]) -> str:
    parts: list[str] = []
    previous: Token | None = None
    for token in line_tokens:
        if previous is not None and needs_space(previous, token, id(previous) in signs):
            parts.append(" ")
        parts.append(token_text(token))
        previous = token
    return "".join(parts)


def sign_tokens(tokens: list[Token]) -> set[int]:
    """ids of the `-`/`+` tokens that are signs (no space after them) rather than binary operators."""
    return {id(token) for index, token in enumerate(tokens)
            if token.type in ("MINUS", "PLUS") and (index == 0 or tokens[index - 1].type not in VALUE_END)}


def needs_space(previous: Token, token: Token, previous_is_sign: bool) -> bool:
    if token.type in ("RPAR", "COMMA") or previous.type == "LPAR":
        return False
    if token.type == "DOT" or previous.type == "DOT":
        return False
    if token.type == "LPAR" and previous.type == "NAME":
        return False
    return not previous_is_sign and not (token.type == "RBRACE" and previous.type == "LBRACE")


def align_keys(lines: list[Line]) -> None:
    """Pad the keys of consecutive `key:` lines of one block so that their values line up.

    A run ends at a blank line or at a line of code of the same block that is not a `key:` line
    and not a continuation of the previous entry (comment lines and continuations do not end it).
    """
    run: list[Line] = []
    for line in lines:
        ends_run = bool(run) and (line.blank_before > 0 or (line.key_line and line.block != run[0].block) or (
            bool(line.tokens) and not line.key_line and line.block == run[0].block and line.indent <= run[0].indent))
        if ends_run:
            _pad(run)
            run = []
        if line.key_line:
            run.append(line)
    _pad(run)


def _pad(run: list[Line]) -> None:
    candidates = [line for line in run if len(line.tokens) > 1]
    if len(candidates) < 2:
        return
    width = max(display_width(token_text(line.tokens[0])) for line in candidates)
    for line in candidates:
        key = token_text(line.tokens[0])
        line.code = key + " " * (width - display_width(key) + 1) + line.code[len(key) + 1:]


def set_blank_lines(lines: list[Line]) -> None:
    """At most one blank line; none at the start, after `{` or before `}`; one around multi-line declarations."""
    starts = [i for i, line in enumerate(lines) if line.top_start]
    multi = {start for start, end in zip(starts, [*starts[1:], len(lines)]) if _code_lines(lines[start:end]) > 1}
    for number, line in enumerate(lines):
        line.blank_before = min(line.blank_before, 1)
        closes = bool(line.tokens) and line.tokens[0].type == "RBRACE"
        after_open = number > 0 and bool(lines[number - 1].tokens) and lines[number - 1].tokens[-1].type == "LBRACE"
        if number == 0 or closes or after_open:
            line.blank_before = 0
    for position, start in enumerate(starts[1:], 1):
        if start in multi or starts[position - 1] in multi:
            first = _leading_comments_start(lines, start)
            if first > 0:
                lines[first].blank_before = 1


def _code_lines(lines: list[Line]) -> int:
    """Lines of code of one declaration (its trailing comment lines and blank lines excluded)."""
    return sum(1 for line in lines if line.tokens)


def _leading_comments_start(lines: list[Line], start: int) -> int:
    first = start
    while first > 0 and lines[first].blank_before == 0 and lines[first - 1].comment_only:
        first -= 1
    return first


def render(lines: list[Line], newline: str) -> str:
    widths = comment_columns(lines)
    out: list[str] = []
    for number, line in enumerate(lines):
        out.extend([""] * line.blank_before)
        text = " " * line.indent + line.code
        if line.comment is not None:
            text = _with_comment(text, line.comment, widths.get(number))
        out.append(text.rstrip())
    return newline.join(out) + newline if out else ""


def _with_comment(code: str, comment: str, column: int | None) -> str:
    if not code.strip():
        return code + comment
    pad = (column - display_width(code)) if column is not None else 2
    return code + " " * max(pad, 2) + comment


def comment_columns(lines: list[Line]) -> dict[int, int]:
    """Trailing comments of consecutive lines start in one column: two after the longest code."""
    columns: dict[int, int] = {}
    run: list[int] = []

    def flush() -> None:
        if len(run) > 1:
            column = max(display_width(" " * lines[i].indent + lines[i].code) for i in run) + 2
            columns.update({i: column for i in run})

    for number, line in enumerate(lines):
        trailing = bool(line.tokens) and line.comment is not None
        if trailing and run and not line.blank_before:
            run.append(number)
            continue
        flush()
        run = [number] if trailing else []
    flush()
    return columns


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def verify(before: str, after: str, tokens: list[Token], comments: list[Comment]) -> None:
    """The formatted text must lex to the same tokens and carry the same comments."""
    try:
        new_tokens, new_comments = lex(after)
    except UnexpectedInput as error:
        raise FormatError(f"the formatted text does not parse: {error}") from error
    old = [(t.type, token_text(t)) for t in tokens]
    new = [(t.type, token_text(t)) for t in new_tokens]
    if old != new:
        raise FormatError("the formatted text has other tokens than the original")
    if [c.text for c in comments] != [c.text for c in new_comments]:
        raise FormatError("the formatted text lost or changed a comment")


# ---- files -------------------------------------------------------------------------------------
@dataclass
class FileResult:
    path: Path
    original: str
    formatted: str | None  # None: not formatted (see `problems`)
    problems: list[Diagnostic] = field(default_factory=list)
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.formatted is not None and self.formatted != self.original


def format_file(path: Path, shown_as: str | None = None) -> FileResult:
    name = shown_as or str(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return FileResult(path, "", None, error=f"not valid UTF-8 ({error.reason} at byte {error.start})")
    try:
        return FileResult(path, text, format_text(text, name))
    except FormatSyntaxError as error:
        return FileResult(path, text, None, problems=error.diagnostics, error="syntax error")
    except FormatError as error:
        return FileResult(path, text, None, error=f"internal formatter error: {error}")


def format_project(root: Path) -> list[FileResult]:
    """Every file of the project, formatted in memory (nothing is written)."""
    from metricdsl.source import display_path, find_files

    return [format_file(path, display_path(path)) for path in find_files(root)]


def write_results(results: list[FileResult]) -> list[Path]:
    """Write every changed file (each through a temporary file and a rename); returns the paths written."""
    written: list[Path] = []
    for result in results:
        if result.changed and result.formatted is not None:
            temporary = result.path.with_name(result.path.name + ".fmt-tmp")
            temporary.write_bytes(result.formatted.encode("utf-8"))
            temporary.replace(result.path)
            written.append(result.path)
    return written


def unified_diff(result: FileResult, shown: str) -> str:
    """What `fmt` would change in one file, as a unified diff (`--- a/PATH` / `+++ b/PATH`)."""
    import difflib

    if result.formatted is None:
        return ""
    lines = difflib.unified_diff(result.original.splitlines(keepends=True), result.formatted.splitlines(keepends=True),
                                 f"a/{shown}", f"b/{shown}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
