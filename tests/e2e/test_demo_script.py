"""demo.sh says what it does before each step and lets pip show its progress (it used to install
for 20 s in silence). Run with stand-ins for python3, pip and metricdsl that record their calls."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

from support.paths import REPO_ROOT

FAKE_PYTHON = """#!/bin/sh
# python3 -m venv .venv: create stand-ins that print what they were asked to do
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/bin/sh\\necho "python $*"\\n' > "$3/bin/python"
  printf '#!/bin/sh\\necho "metricdsl $*"\\n' > "$3/bin/metricdsl"
  chmod +x "$3/bin/python" "$3/bin/metricdsl"
fi
"""


def test_demo_announces_every_step_and_shows_pip_progress(tmp_path: Path) -> None:
    shutil.copy(REPO_ROOT / "demo.sh", tmp_path / "demo.sh")
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    fake = bin_dir / "python3"
    fake.write_text(FAKE_PYTHON, encoding="utf-8")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    result = subprocess.run(["bash", str(tmp_path / "demo.sh")], capture_output=True, text=True, timeout=60,
                            check=False, env={"PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line]
    pip = next(line for line in lines if line.startswith("python -m pip install"))
    assert "--quiet" not in pip and "-q" not in pip.split() and "--progress-bar on" in pip
    calls = [n for n, line in enumerate(lines) if not line.startswith("==> ")]
    for n in calls:  # every command's output comes right after a line that announces it
        assert lines[n - 1].startswith("==> "), lines[n]
    assert lines[0].startswith("==> Creating a virtual environment")
    assert any("Installing metricdsl" in line for line in lines)
    assert lines[-1].startswith("==> Done.")
    assert [line for line in lines if line.startswith("metricdsl ")] == [
        "metricdsl check specs", "metricdsl run specs --query monthly_kpi"]
