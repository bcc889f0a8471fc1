"""Every exception that metricdsl raises on purpose derives from `MetricDslError`.

Stages raise the narrowest class that fits; the CLI turns each into a message and an exit code,
never a traceback. Lower stages import from here, so no stage has to import upward to raise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from metricdsl.diagnostics import Diagnostic
    from metricdsl.source import SourceFile


class MetricDslError(Exception):
    """The root of metricdsl's exceptions."""


class CheckFailed(MetricDslError):
    """The project (or an ad-hoc query) has errors; `.diagnostics` lists them all.

    `loaded` is the `pipeline.load.LoadedProject` when a whole project was checked.
    """

    def __init__(self, diagnostics: list[Diagnostic], loaded: Any = None,
                 sources: dict[str, SourceFile] | None = None) -> None:
        super().__init__("; ".join(d.message for d in diagnostics if d.severity == "error"))
        self.diagnostics = diagnostics
        self.loaded = loaded
        self.sources: dict[str, SourceFile] = sources or (loaded.files if loaded is not None else {})


class PlanningBug(MetricDslError):
    """The query planner met a checked model that it cannot plan: a compiler bug, not a user error."""


class WarehouseError(MetricDslError):
    """Connecting to, loading or querying a warehouse failed."""


class DataLoadFailed(WarehouseError):
    """CSV files do not fit their sources: `.diagnostics` (E701, E702) positioned in the files, `.files` to show them.

    Nothing was loaded: every file is read and checked before any table is touched.
    """

    def __init__(self, diagnostics: list[Diagnostic], files: dict[str, SourceFile]) -> None:
        super().__init__(f"{len(diagnostics)} error(s) in the data files; nothing was loaded")
        self.diagnostics = diagnostics
        self.files = files


class TablesNotEmpty(WarehouseError):
    """Loading would replace tables that hold rows, and replacing was not asked for (`--replace`)."""


class MissingData(WarehouseError):
    """A query reads a table that neither the database nor the data folder has."""


class BaselineError(MetricDslError, ValueError):
    """A `--baseline` file, or the baseline read from a warehouse, cannot be used."""


class AllocationError(MetricDslError, ValueError):
    """A target cannot be allocated (for example its caps cannot reach it)."""


class InfeasibleTarget(AllocationError):
    """The drivers' caps cannot reach the target multiplier."""


class CalendarError(MetricDslError, ValueError):
    """A working-day calendar cannot be built."""


class PlanMissing(WarehouseError):
    """planned(T) reads store tables that the database lacks: `.diagnostics` (E703, one per target)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} saved plan(s) missing; nothing was run")
        self.diagnostics = diagnostics
