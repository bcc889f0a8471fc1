"""Reading Impala SQL: the few functions and operators Impala spells differently from Hive."""

from __future__ import annotations

import typing as t

from sqlglot import exp
from sqlglot.helper import seq_get
from sqlglot.parsers.hive import HiveParser
from sqlglot.tokenizer_core import TokenType

# Impala TRUNC(x, unit) units (Oracle-style) -> the canonical unit they truncate to.
# 'DAY', 'DY' and 'D' are the start of the WEEK (Monday), not the day.
TRUNC_UNITS = {
    **dict.fromkeys(("SYYYY", "YYYY", "YEAR", "SYEAR", "YYY", "YY", "Y"), "YEAR"),
    "Q": "QUARTER",
    **dict.fromkeys(("MONTH", "MON", "MM", "RM"), "MONTH"),
    **dict.fromkeys(("DDD", "DD", "J"), "DAY"),
    **dict.fromkeys(("DAY", "DY", "D"), "WEEK"),
    **dict.fromkeys(("HH", "HH12", "HH24"), "HOUR"),
    "MI": "MINUTE",
}


def _build_trunc(args: list[exp.Expr]) -> exp.Expr:
    """Impala TRUNC: a date truncation with a string unit, else numeric truncation."""
    this, unit = seq_get(args, 0), seq_get(args, 1)
    if unit is None or not unit.is_string:
        return exp.Trunc(this=this, decimals=unit)
    canonical = TRUNC_UNITS.get(unit.name.upper())
    if canonical is None:  # 'WW' / 'W' have no portable equivalent: keep the call as written
        return exp.Anonymous(this="TRUNC", expressions=args)
    return exp.TimestampTrunc(this=this, unit=exp.var(canonical))


class ImpalaParser(HiveParser):
    FUNCTIONS: t.ClassVar[dict[str, t.Callable[..., exp.Expr]]] = {
        **HiveParser.FUNCTIONS,
        "TRUNC": _build_trunc,
        "TRUNCATE": exp.Trunc.from_arg_list,
    }

    # Before Impala 4.0 `||` is logical OR (the dialect instance turns string concatenation on
    # from 4.0 via DPIPE_IS_STRING_CONCAT); `&&` is logical AND.
    CONJUNCTION: t.ClassVar[dict[TokenType, type[exp.Expr]]] = {
        **HiveParser.CONJUNCTION,
        TokenType.DAMP: exp.And,
    }
    DISJUNCTION: t.ClassVar[dict[TokenType, type[exp.Expr]]] = {
        **HiveParser.DISJUNCTION,
        TokenType.DPIPE: exp.Or,
    }
