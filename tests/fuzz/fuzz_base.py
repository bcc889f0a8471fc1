"""The one place where the fuzzer imports the suite's shared reference helpers.

``tests/reference.py`` (CSV rows, LEFT joins, three-valued logic, time buckets) and
``tests/ti_reference.py`` (calendar arithmetic of the time functions) are plain Python and share
no code with metricdsl.  If they move, only the imports below change.
"""

from __future__ import annotations

from support.reference import (
    TIME,
    AmbiguousCase,
    Dataset,
    Source,
    and_,
    between,
    bucket_start,
    buckets,
    eq,
    ge,
    gt,
    in_,
    is_null,
    le,
    like,
    lt,
    ne,
    not_,
    or_,
    parse_value,
)
from support.ti_reference import add_units, window_bounds

__all__ = [
    "TIME",
    "AmbiguousCase",
    "Dataset",
    "Source",
    "add_units",
    "and_",
    "between",
    "bucket_start",
    "buckets",
    "eq",
    "ge",
    "gt",
    "in_",
    "is_null",
    "le",
    "like",
    "lt",
    "ne",
    "not_",
    "or_",
    "parse_value",
    "window_bounds",
]
