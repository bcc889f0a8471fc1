"""Where the repository's folders are, for test modules at any depth of ``tests/``."""

from __future__ import annotations

from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = TESTS_DIR.parent
SPECS_DIR = REPO_ROOT / "specs"
