"""Help lines of the semantic stage that go beyond `did_you_mean`."""

from __future__ import annotations

import difflib

from metricdsl.grains import TIME_GRAINS, time_name


def time_hint(grain: str) -> str:
    """Help for an unknown `time.<grain>`: the nearest grain, else the list of time dimensions."""
    close = difflib.get_close_matches(grain, TIME_GRAINS, n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"`{time_name(g)}`" for g in close) + "?"
    return "time dimensions: " + ", ".join(time_name(g) for g in TIME_GRAINS)


def only_close(hint: str | None) -> str | None:
    """A did-you-mean hint only when something is spelled like the name (else the caller says more)."""
    return hint if hint is not None and hint.startswith("did you mean") else None
