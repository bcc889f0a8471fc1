"""Apache Impala dialect for sqlglot.

sqlglot ships no Impala dialect, and its Hive output is wrong for Impala in ways that still run:
``TRUNC(x, 'DAY')`` is the start of the *week* in Impala, ``ADD_MONTHS`` snaps month ends,
``''`` is not an escaped quote, and ``||`` is a logical OR before Impala 4.0. The dialect builds
on :class:`sqlglot.dialects.hive.Hive` and overrides exactly those places, in sqlglot 30's shape:
settings here, reading in :mod:`metricdsl.sql.parsers.impala`, writing in
:mod:`metricdsl.sql.generators.impala`. Each rule is documented, with the Impala reference page
it comes from, in ``docs/dialects.md``.

Importing the module registers the dialect under the name ``impala``::

    import metricdsl.sql.dialects.impala  # noqa: F401
    sqlglot.transpile(sql, read="duckdb", write="impala")          # Impala 3.4 (default)
    sqlglot.transpile(sql, read="duckdb", write="impala, version=4.0")

Version-dependent output follows the dialect's capabilities, Impala's row of
:data:`metricdsl.sql.capabilities.CAPABILITY_TABLE` (see :func:`impala_capabilities`).
"""

from __future__ import annotations

import typing as t

from sqlglot.dialects.hive import Hive

from metricdsl.sql.capabilities import DEFAULT_VERSIONS, Capabilities, VersionLike, capabilities
from metricdsl.sql.generators.impala import ImpalaGenerator
from metricdsl.sql.parsers.impala import ImpalaParser

DEFAULT_VERSION = DEFAULT_VERSIONS["impala"]
"""Impala version assumed when none is given (CDH 6.3 / CDP 7.1 ship Impala 3.x)."""

ImpalaCapabilities = Capabilities
"""What one Impala version accepts: the shared capability flags, at Impala's row of the table."""


def impala_capabilities(version: VersionLike = DEFAULT_VERSION) -> Capabilities:
    """The capability flags of Impala ``version``."""
    return capabilities("impala", version)


def supports_multiple_count_distinct(version: VersionLike = DEFAULT_VERSION) -> bool:
    """Whether one SELECT block may hold ``COUNT(DISTINCT a)`` and ``COUNT(DISTINCT b)``."""
    return impala_capabilities(version).multiple_count_distinct


def impala_dialect(version: str = DEFAULT_VERSION) -> Impala:
    """A configured Impala dialect instance; pass it as ``dialect=`` / ``write=`` to sqlglot."""
    return Impala(version=version)


class Impala(Hive):
    """Apache Impala (3.x and 4.x). Settings: ``version`` (default :data:`DEFAULT_VERSION`)."""

    # NULL sorts as the largest value: last for ASC, first for DESC.
    NULL_ORDERING = "nulls_are_large"
    # `x / 0` is not documented to be NULL in Impala, so safe divisions get NULLIF(d, 0).
    SAFE_DIVISION = False

    def __init__(self, **kwargs: t.Any) -> None:
        kwargs.setdefault("version", DEFAULT_VERSION)
        super().__init__(**kwargs)
        self.capabilities = impala_capabilities(self.version)
        self.DPIPE_IS_STRING_CONCAT = self.capabilities.pipe_concat

    class Tokenizer(Hive.Tokenizer):
        # Impala has no Hive-style typed numeric literals such as 10L or 1.5BD.
        NUMERIC_LITERALS: t.ClassVar[dict[str, str]] = {}

    Parser = ImpalaParser

    Generator = ImpalaGenerator


# `\0` followed by a digit would read as a 3-digit octal escape (`\0` + `12` is `\012`, a
# newline), so NUL is always written as the unambiguous `\000`.
Impala.ESCAPED_SEQUENCES = {**Impala.ESCAPED_SEQUENCES, "\x00": "\\000"}
