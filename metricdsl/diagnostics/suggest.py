"""Names spelled like an unknown one, as data (`suggest`) and as the help line of a diagnostic.

Callers that only want a hint when something is close test `suggest(...).close` instead of
re-reading the help text.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Suggestion:
    """`close`: known names spelled like the unknown one. `nearest`: when none is close, the least far."""

    close: tuple[str, ...] = ()
    nearest: tuple[str, ...] = ()

    @property
    def help(self) -> str | None:
        if self.close:
            return "did you mean " + " or ".join(f"`{name}`" for name in self.close) + "?"
        if self.nearest:
            return "nothing is spelled like it; the nearest known names are " + ", ".join(
                f"`{name}`" for name in self.nearest)
        return None


def suggest(name: str, candidates: Iterable[str]) -> Suggestion:
    """Up to three close names (a case-insensitive match counts), else up to three nearest ones."""
    pool = sorted(set(candidates))
    close = difflib.get_close_matches(name, pool, n=3, cutoff=0.6)
    if not close:
        lowered = {candidate.lower(): candidate for candidate in pool}
        close = [lowered[c] for c in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.5)]
    if close:
        return Suggestion(close=tuple(close))
    return Suggestion(nearest=tuple(difflib.get_close_matches(name, pool, n=3, cutoff=0.0)))


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The nearest known names, as a help line, or None."""
    return suggest(name, candidates).help
