"""A lark parse error as a diagnostic: what was found, what the grammar accepts there, and a hint.

The parser (metricdsl.syntax.parse) calls `syntax_diagnostic` once per broken declaration.
"""

from __future__ import annotations

from collections.abc import Iterable

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from metricdsl.diagnostics import Diagnostic
from metricdsl.diagnostics.suggest import suggest
from metricdsl.source import SourceFile, Span
from metricdsl.syntax.keywords import KEYWORDS

TOKEN_NAMES = {
    "NAME": "a name", "KEY": "a property `key:`", "TEXT": "a \"label\"", "TEXT_KEY": "a \"key\":",
    "STRING": "a 'string'", "NUMBER": "a number", "DATE": "a date", "MULTIPLIER": "a multiplier like 2x",
    "PERCENT": "a percentage", "DURATION": "a duration like `1 year`", "LBRACE": "`{`", "RBRACE": "`}`",
    "LPAR": "`(`", "RPAR": "`)`", "COMMA": "`,`", "EQUAL": "`=`", "COMPARE": "a comparison",
    "DIRECTION": "`asc`/`desc`", "PLUS": "`+`", "MINUS": "`-`", "STAR": "`*`", "SLASH": "`/`",
    "DOT": "`.`", "__ANON_0": "`..`", "$END": "end of file", "NOT": "`not`", "BLOCK_NAME": "a block `name {`",
}


def syntax_diagnostic(error: UnexpectedInput, source: SourceFile, end_span: Span, line_offset: int = 0) -> Diagnostic:
    """The diagnostic of one parse error; `end_span` is where an unexpected end of the declaration is
    shown; `line_offset` is the number of lines of the file before the text that was parsed."""
    line, column = error.line, error.column
    if isinstance(error, UnexpectedEOF) or line in (None, -1):
        return Diagnostic("E002", "unexpected end of declaration" + _expected(error), end_span)
    line += line_offset
    span = Span(source.path, line, column, line, column + 1)
    if isinstance(error, UnexpectedCharacters):
        return _character_diagnostic(error, span)
    assert isinstance(error, UnexpectedToken)
    token = error.token
    if token.type == "$END":
        return Diagnostic("E002", "unexpected end of declaration" + _expected(error), end_span)
    width = max(1, len(str(token)))
    end_line = token.end_line + line_offset if token.end_line else line
    span = Span(source.path, line, column, end_line, token.end_column or column + width)
    if token.type == "NAME" and "COMMA" in _acceptable(error):
        # `metrics: revenue buyers`: a second name inside a list; the mistake is the missing comma.
        return Diagnostic("E002", f"unexpected `{token}`", span, _close_help(str(token), ["asc", "desc"])
                          or f"separate the items of a list with `,` (`…, {token}`); a property is written `key: value`")
    help_text = None
    if token.type == "NAME":
        help_text = _close_help(str(token), KEYWORDS)
    elif token.type == "KEY" and str(token).rstrip(": \t") in KEYWORDS:
        help_text = "a property key must be inside a `{ … }` block"
    return Diagnostic("E002", f"unexpected {_describe(token)}" + _expected(error), span, help_text)


def _close_help(word: str, keywords: Iterable[str]) -> str | None:
    """A did-you-mean only when a keyword is spelled like the word (a list of all keywords helps nobody)."""
    suggestion = suggest(word, keywords)
    return suggestion.help if suggestion.close else None


def _character_diagnostic(error: UnexpectedCharacters, span: Span) -> Diagnostic:
    char = error.char
    if char in "'\"":
        kind = "label" if char == '"' else "string"
        return Diagnostic("E003", f"unterminated {kind}: strings never span lines", span,
                          f"close the {kind} with {char} on the same line")
    if char == "\\":
        return Diagnostic("E002", "unexpected `\\` (escapes only work inside \"labels\")", span)
    return Diagnostic("E002", f"unexpected character `{char}`" + _expected(error), span)


def _describe(token: Token) -> str:
    if token.type in ("NAME", "KEY"):
        return f"`{token}`"
    if token.type in ("STRING", "TEXT", "NUMBER", "DATE"):
        return f"{TOKEN_NAMES[token.type].split(' ', 1)[1]} {token}"
    return f"`{token}`"


def _expected(error: UnexpectedInput) -> str:
    expected = _acceptable(error)
    if "RPAR" in expected:  # inside a call: `rank(m asc)` is rare, and the hint reads better without it
        expected.discard("DIRECTION")
    names = sorted({TOKEN_NAMES.get(t, _literal(t)) for t in expected})
    if {"NAME", "NUMBER", "STRING", "LPAR"} <= set(expected):
        return "; expected an expression"
    if not names or len(names) > 9:  # the declaration keywords and end of file are listed
        return ""
    return "; expected " + ", ".join(names)


def _acceptable(error: UnexpectedInput) -> set[str]:
    """What the parser accepts at the error, after its pending reductions (sharper than lark's set)."""
    interactive = getattr(error, "interactive_parser", None)
    fallback = set(getattr(error, "expected", None) or getattr(error, "allowed", None) or ())
    if interactive is None:
        return fallback
    try:
        return set(interactive.accepts())
    except UnexpectedInput:  # the pending reductions themselves fail: lark's own set is all there is
        return fallback


def _literal(terminal: str) -> str:
    return f"`{terminal.lower()}`" if terminal.isupper() else terminal
