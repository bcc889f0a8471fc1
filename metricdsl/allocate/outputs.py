"""The files of `metricdsl plan`: rendered in memory first, then put in place together.

`plan` writes its report (`--out`) and the driver tree (`--mermaid`) only once every output has
been produced, each through a temporary file in the destination folder renamed into place, so a
failure never leaves a half-written file behind.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from metricdsl.allocate.mermaid import driver_tree_mermaid
from metricdsl.allocate.models import PlanResult, TargetSpec
from metricdsl.allocate.report import plan_report, to_csv
from metricdsl.allocate.workbook import write_workbook

FORMATS = ("table", "json", "csv", "xlsx")
REPORT_WIDTH = 120

Writer = Callable[[Path], None]


def render_text(result: PlanResult, fmt: str) -> str:
    """The plan as text: the rich report, the §10 JSON object, or the long CSV."""
    if fmt == "json":
        return result.model_dump_json(indent=2) + "\n"
    if fmt == "csv":
        return to_csv(result)
    if fmt == "table":
        console = Console(file=io.StringIO(), width=REPORT_WIDTH, record=True, force_terminal=False)
        console.print(plan_report(result))
        return console.export_text()
    raise ValueError(f"format {fmt} is not text")


def plan_files(result: PlanResult, spec: TargetSpec, fmt: str, out: Path | None,
               mermaid: Path | None) -> dict[Path, Writer]:
    """What to write where: the report (with --out) and the Mermaid tree (with --mermaid)."""
    files: dict[Path, Writer] = {}
    if out is not None and fmt == "xlsx":
        files[out] = lambda path: write_workbook(result, spec, path)
    elif out is not None:
        files[out] = _text_writer(render_text(result, fmt))
    if mermaid is not None:
        files[mermaid] = _text_writer(driver_tree_mermaid(result, spec))
    return files


def _text_writer(text: str) -> Writer:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return write


def write_all(files: dict[Path, Writer]) -> None:
    """Write every file to a temporary sibling, then rename them all; on failure nothing is left."""
    staged: list[tuple[Path, Path]] = []
    try:
        for destination, write in files.items():
            destination.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
            os.close(handle)
            staged.append((Path(name), destination))
            write(Path(name))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, destination in staged:
        os.replace(temporary, destination)
