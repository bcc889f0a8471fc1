"""What to compile: a named query of the project, or an ad-hoc one given by its parts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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

    @classmethod
    def of(cls, query: str | None = None, metrics: Sequence[str] | None = None, by: Sequence[str] | None = None,
           where: str | None = None, period: str | None = None, order: Sequence[str] | None = None,
           limit: int | None = None) -> QueryRequest:
        """A request from optional lists (None and empty mean the same)."""
        return cls(query, tuple(metrics or ()), tuple(by or ()), where, period, tuple(order or ()), limit)

    @property
    def title(self) -> str:
        """The name shown above a result: the query's, or `query` for an ad-hoc one."""
        return self.query or "query"
