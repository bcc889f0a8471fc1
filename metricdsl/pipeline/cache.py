"""Compiled SQL, remembered: what `metricdsl sql` prints, served from the store when nothing changed.

The key covers the dialect and its version, the request, every `.metric` file (see `store.key`)
and the working directory, because the SQL's header names the spec files relative to it.
The store is read before anything heavy is imported, so a hit costs no parsing, checking or sqlglot.
"""

from __future__ import annotations

import os
from pathlib import Path

from metricdsl.pipeline import store
from metricdsl.pipeline.request import QueryRequest


def sql_key(project: Path, request: QueryRequest, dialect: str, impala_version: str) -> str | None:
    """The store entry of this compilation, or None when the project cannot be read."""
    return store.key(project, ["sql", dialect, impala_version, repr(request), os.getcwd()])


def cached_sql(project: Path, request: QueryRequest, dialect: str = "duckdb", impala_version: str = "3.4",
               use_cache: bool = True) -> str:
    """The SQL of `request` on the project at `project`: remembered, or loaded, checked and compiled.

    Raises CheckFailed: with `.loaded` set when the project has errors, without it when the query has.
    """
    entry = sql_key(project, request, dialect, impala_version) if use_cache and store.enabled() else None
    remembered = store.get(entry) if entry else None
    if remembered is not None:
        return remembered
    from metricdsl.pipeline.compile import compile_sql
    from metricdsl.pipeline.load import load_project

    text = compile_sql(load_project(project, prove=False), request, dialect, impala_version)
    if entry:
        store.put(entry, text)
    return text
