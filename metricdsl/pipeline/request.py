"""What to compile: a named query of the project, or an ad-hoc one given by its parts."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
OVERRIDES = ("period", "where", "order", "limit")
"""What `--query NAME` may override: period, order and limit replace the query's own, where is added."""


@dataclass(frozen=True)
class QueryRequest:
    """A named `query` (only `query` set), or an ad-hoc query written like a query block.

    The fields are the options of `metricdsl sql` and the keyword arguments of `api.compile_sql`;
    a request is hashable and its `repr` is stable, so it can be part of a cache key.
    """

    query: str | None = None
    metrics: tuple[str, ...] = ()
    by: tuple[str, ...] = ()
    where: str | None = None
    period: str | None = None
    order: tuple[str, ...] = ()
    limit: int | None = None
    as_of: str | None = None  # a date (2026-12-01) or a scheduler placeholder ({{ ds }}); see parse_as_of

    @classmethod
    def of(cls, query: str | None = None, metrics: Sequence[str] | None = None, by: Sequence[str] | None = None,
           where: str | None = None, period: str | None = None, order: Sequence[str] | None = None,
           limit: int | None = None, as_of: str | None = None) -> QueryRequest:
        """A request from optional lists (None and empty mean the same)."""
        return cls(query, tuple(metrics or ()), tuple(by or ()), where, period, tuple(order or ()), limit, as_of)

    @property
    def overrides(self) -> tuple[str, ...]:
        """The parts of a named query this request overrides (`--query Q --period 2025` → period)."""
        if self.query is None:
            return ()
        given = {"period": self.period is not None, "where": self.where is not None, "order": bool(self.order),
                 "limit": self.limit is not None}
        return tuple(name for name in OVERRIDES if given[name])

    @property
    def title(self) -> str:
        """The name shown above a result: the query's, or `query` for an ad-hoc one."""
        return self.query or "query"


def parse_as_of(text: str) -> datetime.date | str:
    """`2026-12-01` → a date; any other text is a placeholder a scheduler substitutes (`{{ ds }}`).

    Raises ValueError for a date that does not exist (`2026-02-30`) and for an empty or multi-line text."""
    value = text.strip()
    if DATE_SHAPE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"`{value}` is not a valid date") from None
    if not value or "\n" in value or "\r" in value:
        raise ValueError("give a date (2026-12-01) or a one-line placeholder such as '{{ ds }}'")
    return value


def as_of_problem(text: str | None, placeholder_allowed: bool = True) -> str | None:
    """What is wrong with an `--as-of` (None: nothing); a placeholder where the SQL runs now is wrong."""
    if text is None:
        return None
    try:
        value = parse_as_of(text)
    except ValueError as error:
        return f"--as-of: {error}"
    if isinstance(value, str) and not placeholder_allowed:
        return (f"--as-of `{text}` is a placeholder, but this command runs the SQL now: give a date such as "
                "2026-12-01 (placeholders are for `sql` and `build`, whose SQL a scheduler fills in)")
    return None
