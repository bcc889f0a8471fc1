"""The warnings of an allocation, as diagnostics with a code.

A calendar year whose official schedule is not published is W003 (docs/errors.md). The other
warnings of a plan (a driver without baseline, a member without weight, a month without a working
day, …) have no entry of their own in the catalogue: they carry the bare warning code `W`.
"""

from __future__ import annotations

from metricdsl.diagnostics import Diagnostic

PLAN_WARNING = "W"
CALENDAR_NOT_PUBLISHED = "W003"


def plan_warning(message: str, code: str = PLAN_WARNING) -> Diagnostic:
    """A warning about the plan as a whole (it points at no place in the sources)."""
    return Diagnostic(code, message, None)

