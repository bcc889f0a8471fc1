"""Projects loaded once per test session, and which project's data each warehouse holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# Which project's data each warehouse holds (keyed by id of the Warehouse object).
_LOADED: dict[int, Path] = {}
_PROJECTS: dict[Path, Any] = {}


def load_project(project_dir: Path) -> Any:
    """``metricdsl.api.load_project``, once per project directory."""
    from metricdsl.api import load_project as api_load_project

    path = Path(project_dir).resolve()
    if path not in _PROJECTS:
        _PROJECTS[path] = api_load_project(path)
    return _PROJECTS[path]


def load_into(warehouse: Any, project_dir: Path) -> Any:
    """Load a project and put its ``data/`` into ``warehouse`` (skipped if already there)."""
    path = Path(project_dir).resolve()
    project = load_project(path)
    if _LOADED.get(id(warehouse)) != path:
        _LOADED.pop(id(warehouse), None)
        warehouse.load_data(project, path / "data", replace=True)
        _LOADED[id(warehouse)] = path
    return project


def forget(warehouse: Any) -> None:
    """The warehouse is closed: its id may be reused by a new one that holds no data."""
    _LOADED.pop(id(warehouse), None)
