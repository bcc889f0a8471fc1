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
    """Up to three close names (a case-insensitive match counts), else up to three nearest ones.

    A name is close when difflib finds it similar *and* it is a few typos away (`similar`): short
    words share letters by chance (`lag` and `avg`, `last` and `asc` are not typos of each other)."""
    pool = sorted(set(candidates))
    close = [c for c in difflib.get_close_matches(name, pool, n=3, cutoff=0.6) if similar(name, c)]
    if not close:
        lowered = {candidate.lower(): candidate for candidate in pool}
        close = [lowered[c] for c in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.5)
                 if similar(name, lowered[c])]
    if close:
        return Suggestion(close=tuple(close))
    return Suggestion(nearest=tuple(difflib.get_close_matches(name, pool, n=3, cutoff=0.0)))


def similar(name: str, candidate: str) -> bool:
    """One word inside the other (`customer`, `customer_id`), or at most one typo per three
    letters of the shorter word, rounded to the nearest (at least one), ignoring case: `state` is a
    typo of `status`, `lag` is no typo of `avg`."""
    a, b = name.lower(), candidate.lower()
    if min(len(a), len(b)) >= 3 and (a in b or b in a):
        return True
    return typos(a, b) <= max(1, (min(len(a), len(b)) + 1) // 3)


def typos(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`."""
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other))
            if before is not None and i > 1 and j > 1 and char == b[j - 2] and a[i - 2] == other:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        before, previous = previous, current
    return previous[-1]


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The nearest known names, as a help line, or None."""
    return suggest(name, candidates).help
