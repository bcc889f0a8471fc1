"""The files of `metricdsl plan`: rendered in memory first, then put in place together.

`plan` writes its report (`--out`) and the driver tree (`--mermaid`) only once every output has
been produced, each through a temporary file in the destination folder renamed into place, so a
failure never leaves a half-written file behind. The files get the usual mode of a new file,
0666 less the umask (a temporary file is created 0600, so the mode is set before the rename).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from rich.console import Console

from metricdsl.allocate.mermaid import driver_tree_mermaid
from metricdsl.allocate.models import PlanResult, TargetSpec
from metricdsl.allocate.replan_workbook import write_replan_workbook
from metricdsl.allocate.report import plan_report, to_csv
from metricdsl.allocate.workbook import write_workbook
from metricdsl.ir.formats import NumberFormat

FORMATS = ("table", "json", "csv", "xlsx")
REPORT_WIDTH = 120

Writer = Callable[[Path], None]


def render_text(result: PlanResult, fmt: str, formats: Mapping[str, NumberFormat] | None = None) -> str:
    """The plan as text: the rich report (in the metrics' formats), the §10 JSON object, or the long CSV."""
    if fmt == "json":
        return result.model_dump_json(indent=2) + "\n"
    if fmt == "csv":
        return to_csv(result)
    if fmt == "table":
        console = Console(file=io.StringIO(), width=REPORT_WIDTH, record=True, force_terminal=False)
        console.print(plan_report(result, formats))
        return console.export_text()
    raise ValueError(f"format {fmt} is not text")


def plan_files(result: PlanResult, spec: TargetSpec, fmt: str, out: Path | None, mermaid: Path | None,
               formats: Mapping[str, NumberFormat] | None = None) -> dict[Path, Writer]:
    """What to write where: the report (with --out) and the Mermaid tree (with --mermaid)."""
    files: dict[Path, Writer] = {}
    if out is not None and fmt == "xlsx":
        writer = write_replan_workbook if result.replan is not None else write_workbook
        files[out] = lambda path: writer(result, spec, path, formats)
    elif out is not None:
        files[out] = _text_writer(render_text(result, fmt, formats))
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
    mode = 0o666 & ~current_umask()
    try:
        for destination, write in files.items():
            destination.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f".{destination.name}.", dir=destination.parent)
            os.close(handle)
            staged.append((Path(name), destination))
            write(Path(name))
            os.chmod(name, mode)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, destination in staged:
        os.replace(temporary, destination)


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is put back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
