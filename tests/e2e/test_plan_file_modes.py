"""`plan --format xlsx --out` and `--mermaid` create their files with the user's umask (0666 & ~umask),
like every other file the CLI writes, not with the 0600 of a temporary file."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import SPECS_DIR, bare_environment


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_plan_files_follow_the_umask(umask: int, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "metricdsl", "plan", str(SPECS_DIR), "--target", "revenue_2027", "--format", "xlsx",
         "--out", "plan.xlsx", "--mermaid", "tree.mmd"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
        env=bare_environment(), preexec_fn=lambda: os.umask(umask))
    assert result.returncode == 0, result.stderr
    for name in ("plan.xlsx", "tree.mmd"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx", "tree.mmd"]  # no temporary left behind
