"""The language's keywords, and the regexes that find declarations in text that may not parse.

The parser's error recovery, the formatter and the language server all cut a file at its
declarations without a syntax tree; they share these definitions so they agree on where a
declaration starts. A declaration keyword starts a line; a key such as `metric:` inside a
`target` block does not start one.
"""

from __future__ import annotations

import re

DECLARATION_KEYWORDS = ("source", "dimension", "metric", "decompose", "query", "calendar", "target", "scorecard")
# `decompose revenue = …` refers to a metric declared elsewhere; every other declaration names itself.
NAMING_KEYWORDS = tuple(keyword for keyword in DECLARATION_KEYWORDS if keyword != "decompose")
KEYWORDS = (*DECLARATION_KEYWORDS, "where", "having", "by", "and", "or", "not", "in", "is", "null", "between",
            "like", "case", "when", "then", "else", "end", "true", "false")
# The lark token types of the declaration keywords (an anonymous keyword token is named in upper case).
DECLARATION_TOKEN_TYPES = frozenset(keyword.upper() for keyword in DECLARATION_KEYWORDS)

DECLARATION_START = re.compile(rf"^[ \t]*({'|'.join(DECLARATION_KEYWORDS)})\b(?![ \t]*:)", re.MULTILINE)
DECLARED_NAME = re.compile(rf"^[ \t]*(?:{'|'.join(NAMING_KEYWORDS)})[ \t]+([A-Za-z_][A-Za-z0-9_]*)", re.MULTILINE)
