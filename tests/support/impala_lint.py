"""Reject SQL that Impala does not accept, or that Impala reads with another meaning.

The checks run on Impala tokens, so text inside a string literal or a backticked identifier can
never trigger them (``'FILTER (WHERE'`` is just a string). Version-dependent rules (``||``,
GROUPING SETS, several DISTINCT aggregates) follow :func:`impala_capabilities`.

    >>> lint_impala("SELECT SUM(x) FILTER (WHERE y) FROM t")
    ['1:15: FILTER (WHERE …) is not Impala SQL; use SUM(IF(cond, x, NULL))']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokenizer_core import Token, TokenType

from metricdsl.sql.dialects.impala import DEFAULT_VERSION, ImpalaCapabilities, impala_capabilities, impala_dialect
from metricdsl.sql.generators.impala import DATE_TRUNC_UNITS, distinct_aggregate_classes

FORBIDDEN_FUNCTIONS = {
    "GENERATE_SERIES": "Impala has no generate_series(); build a numbers CTE",
    "RANGE": "Impala has no range(); build a numbers CTE",
    "ADD_MONTHS": "ADD_MONTHS snaps month ends; use x + INTERVAL n MONTH",
}
WEEK_START_TRUNC_UNITS = {"DAY", "DY", "D"}
GROUPING_TOKENS = {TokenType.GROUPING_SETS, TokenType.ROLLUP, TokenType.CUBE}


@dataclass(frozen=True)
class Tokens:
    """The token stream of one statement and the raw text it came from."""

    sql: str
    items: list[Token]

    def at(self, index: int) -> Token | None:
        return self.items[index] if 0 <= index < len(self.items) else None

    def is_type(self, index: int, *types: TokenType) -> bool:
        token = self.at(index)
        return token is not None and token.token_type in types

    def quote(self, token: Token) -> str:
        return self.sql[token.start] if token.token_type == TokenType.STRING else ""

    def closing_paren(self, open_index: int) -> int:
        """Index of the parenthesis closing the one at ``open_index`` (or the last token)."""
        depth = 0
        for index in range(open_index, len(self.items)):
            kind = self.items[index].token_type
            depth += kind == TokenType.L_PAREN
            depth -= kind == TokenType.R_PAREN
            if depth == 0:
                return index
        return len(self.items) - 1


Finding = tuple[Token, str]
Rule = Callable[[Tokens, int, ImpalaCapabilities], Iterator[Finding]]


def _name(token: Token) -> str:
    """Upper-case text of a bare word; quoted strings and `identifiers` have no name."""
    quoted = token.token_type in (TokenType.STRING, TokenType.IDENTIFIER)
    return "" if quoted else token.text.upper()


def _position(sql: str, token: Token) -> str:
    """``line:col`` of the token's first character (both 1-based)."""
    return f"{token.line}:{token.start - sql.rfind(chr(10), 0, token.start)}"


def _filter_where(tokens: Tokens, i: int, caps: ImpalaCapabilities) -> Iterator[Finding]:
    token = tokens.items[i]
    is_filter = token.token_type == TokenType.FILTER or _name(token) == "FILTER"
    opens_where = tokens.is_type(i + 1, TokenType.L_PAREN) and tokens.is_type(
        i + 2, TokenType.WHERE
    )
    if is_filter and opens_where:
        yield token, "FILTER (WHERE …) is not Impala SQL; use SUM(IF(cond, x, NULL))"


def _keywords(tokens: Tokens, i: int, caps: ImpalaCapabilities) -> Iterator[Finding]:
    kind = tokens.items[i].token_type
    if kind == TokenType.QUALIFY:
        yield tokens.items[i], "QUALIFY is not Impala SQL; filter the window in an outer query"
    elif kind == TokenType.DCOLON:
        yield tokens.items[i], "`::` casts are not Impala SQL; use CAST(x AS type)"
    elif kind == TokenType.DPIPE and not caps.pipe_concat:
        yield tokens.items[i], "`||` is logical OR before Impala 4.0; use CONCAT(a, b)"
    elif kind in GROUPING_TOKENS and not caps.grouping_sets:
        yield tokens.items[i], "GROUPING SETS / ROLLUP / CUBE need Impala 4.0"


def _functions(tokens: Tokens, i: int, caps: ImpalaCapabilities) -> Iterator[Finding]:
    message = FORBIDDEN_FUNCTIONS.get(_name(tokens.items[i]))
    if message and tokens.is_type(i + 1, TokenType.L_PAREN):
        yield tokens.items[i], message


def _quoted_interval(tokens: Tokens, i: int, caps: ImpalaCapabilities) -> Iterator[Finding]:
    if tokens.items[i].token_type == TokenType.INTERVAL and tokens.is_type(i + 1, TokenType.STRING):
        yield tokens.items[i], "INTERVAL takes an unquoted integer in Impala: INTERVAL 1 MONTH"


def _date_trunc_unit(tokens: Tokens, i: int, caps: ImpalaCapabilities) -> Iterator[Finding]:
    unit = tokens.at(i + 2)
    if _name(tokens.items[i]) != "DATE_TRUNC" or not tokens.is_type(i + 1, TokenType.L_PAREN):
        return
    is_string = unit is not None and unit.token_type == TokenType.STRING
    if unit is not None and is_string and unit.text.upper() not in DATE_TRUNC_UNITS:
        yield unit, f"DATE_TRUNC does not accept '{unit.text}' in Impala; use TRUNC(x, 'Q')"


def _trunc_day(tokens: Tokens, i: int, caps: ImpalaCapabilities) -> Iterator[Finding]:
    if _name(tokens.items[i]) != "TRUNC" or not tokens.is_type(i + 1, TokenType.L_PAREN):
        return
    close = tokens.closing_paren(i + 1)
    unit = tokens.at(close - 1)
    if unit is None or unit.token_type != TokenType.STRING:
        return
    if tokens.is_type(close - 2, TokenType.COMMA) and unit.text.upper() in WEEK_START_TRUNC_UNITS:
        yield unit, f"TRUNC(x, '{unit.text}') is the start of the WEEK in Impala"


def _string_quotes(tokens: Tokens, i: int, caps: ImpalaCapabilities) -> Iterator[Finding]:
    token = tokens.items[i]
    quote = tokens.quote(token)
    if quote == '"':
        yield token, "double quotes make a string in Impala, not an identifier; use `name`"
    follower = tokens.at(i + 1)
    adjacent = follower is not None and follower.start == token.end + 1
    if quote == "'" and follower is not None and adjacent and tokens.quote(follower) == "'":
        yield follower, "'' is not an escaped quote in Impala; write \\'"


def _bare_decimal(tokens: Tokens, i: int, caps: ImpalaCapabilities) -> Iterator[Finding]:
    is_decimal = tokens.items[i].token_type == TokenType.DECIMAL
    if is_decimal and not tokens.is_type(i + 1, TokenType.L_PAREN):
        yield tokens.items[i], "a bare DECIMAL is DECIMAL(9,0) in Impala; give precision and scale"


def _bare_date(tokens: Tokens, i: int, caps: ImpalaCapabilities) -> Iterator[Finding]:
    if caps.date_type or tokens.items[i].token_type != TokenType.DATE:
        return
    if not tokens.is_type(i + 1, TokenType.L_PAREN):
        yield tokens.items[i], "the DATE type needs Impala 3.3; use TIMESTAMP"


RULES: tuple[Rule, ...] = (
    _filter_where,
    _keywords,
    _functions,
    _quoted_interval,
    _date_trunc_unit,
    _trunc_day,
    _string_quotes,
    _bare_decimal,
    _bare_date,
)

NOT_SCALAR_PARENTS = (exp.From, exp.Join, exp.With, exp.CTE, exp.In, exp.Exists, exp.SetOperation)


def _several_distinct(select: exp.Select, caps: ImpalaCapabilities) -> str | None:
    """Several DISTINCT aggregate classes in one SELECT block, before Impala 3.1."""
    if caps.multiple_count_distinct or len(distinct_aggregate_classes(select)) <= 1:
        return None
    return f"several DISTINCT aggregates in one SELECT need Impala 3.1: {select.sql('impala')[:60]}"


def _subquery_in_or(subquery: exp.Subquery) -> str | None:
    """A scalar subquery under OR: "A subquery cannot be used inside an OR conjunction"."""
    if isinstance(subquery.parent, NOT_SCALAR_PARENTS):
        return None
    node = subquery.parent
    while node is not None and node is not subquery.parent_select:
        if isinstance(node, exp.Or):
            return f"a subquery cannot be used inside OR in Impala: {subquery.sql('impala')[:60]}"
        node = node.parent
    return None


def _tree_findings(sql: str, caps: ImpalaCapabilities) -> list[str]:
    """Rules that need the statement's structure (blocks, subqueries), not just its tokens."""
    try:
        statements = impala_dialect(".".join(map(str, caps.version))).parse(sql)
    except ParseError as error:
        return [f"cannot parse as Impala SQL: {str(error).splitlines()[0]}"]
    findings: list[str | None] = []
    for statement in statements:
        if statement is None:
            continue
        findings += [_several_distinct(select, caps) for select in statement.find_all(exp.Select)]
        findings += [_subquery_in_or(sub) for sub in statement.find_all(exp.Subquery)]
    return [finding for finding in findings if finding is not None]


def lint_impala(sql: str, version: str = DEFAULT_VERSION) -> list[str]:
    """Problems that keep ``sql`` from running on Impala ``version`` with its intended meaning.

    Each problem is ``"line:col: message"``; an empty list means the SQL passed every check.
    """
    caps = impala_capabilities(version)
    try:
        tokens = Tokens(sql, impala_dialect(version).tokenize(sql))
    except TokenError as error:
        return [f"cannot tokenize as Impala SQL: {error}"]
    findings = [
        f"{_position(sql, token)}: {message}"
        for index in range(len(tokens.items))
        for rule in RULES
        for token, message in rule(tokens, index, caps)
    ]
    return findings + _tree_findings(sql, caps)
