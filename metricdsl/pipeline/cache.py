"""Compiled SQL and checked projects, remembered: what `metricdsl sql` prints, served from the store
when nothing changed, and the checked model it compiles from.

A key covers every `.metric` file (see `store.key`) and the working directory, because the SQL's
header and the model's locations name the spec files relative to it; an SQL key also covers the
dialect and its version and the request. The store is read before anything heavy is imported, so a
hit costs no parsing, checking or sqlglot; a checked project read back costs no parsing or checking,
so `--no-cache` (a new compilation of the SQL) of an unchanged project only plans and prints.
"""

from __future__ import annotations

import datetime
import importlib
import io
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING

from metricdsl.pipeline import store
from metricdsl.pipeline.request import QueryRequest

if TYPE_CHECKING:
    from metricdsl.ir.model import Project


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

    text = compile_sql(checked_project(project), request, dialect, impala_version)
    if entry:
        store.put(entry, text)
    return text


def checked_project(project: Path) -> Project:
    """The project's checked model (decompositions not proved): remembered, or loaded and checked.

    Raises CheckFailed (with `.loaded`) when the project has errors; a project with errors is never
    stored, so its diagnostics are always those of a new check. The entry is a pickle, read back
    only when this user's key signed it (`store.get_bytes`) and then by an unpickler that builds IR
    nodes and dates and refuses anything else (`IRUnpickler`): a planted entry runs no code.
    """
    digest = store.key(project, ["checked-project", os.getcwd()]) if store.enabled() else None
    entry = f"project-{digest}" if digest else None
    stored = store.get_bytes(entry) if entry else None
    remembered = unpickled(stored) if stored is not None else None
    if remembered is not None:
        return remembered
    from metricdsl.pipeline.load import load_project

    model = load_project(project, prove=False)
    if entry:
        store.put_bytes(entry, pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    return model


IR_MODULES = frozenset({"metricdsl.ir.model", "metricdsl.ir.targets", "metricdsl.ir.scorecards"})


class IRUnpickler(pickle.Unpickler):
    """Unpickles a checked project and nothing else: the IR's models, dates and builtin containers."""

    def find_class(self, module: str, name: str) -> type:
        if (module, name) == ("datetime", "date"):
            return datetime.date
        if module in IR_MODULES:
            from pydantic import BaseModel

            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type) and issubclass(found, BaseModel):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a checked project")


def unpickled(data: bytes) -> Project | None:
    try:
        model = IRUnpickler(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001 - an entry that no longer unpickles is only checked again
        return None
    from metricdsl.ir.model import Project

    return model if isinstance(model, Project) else None
