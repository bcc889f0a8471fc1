"""Where the repository's folders are, for test modules at any depth of ``tests/``."""

from __future__ import annotations

from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = TESTS_DIR.parent
SPECS_DIR = REPO_ROOT / "specs"


def bare_environment() -> dict[str, str]:
    """The environment of a CLI run as on a bare machine (no virtualenv variables, no locale), with this
    checkout on the path and the compiler's cache and signing key in the test session's folders
    (tests/conftest.py), never the user's ~/.cache and ~/.config."""
    import os

    kept = {name: os.environ[name] for name in ("METRICDSL_CACHE_DIR", "METRICDSL_CACHE_KEY_FILE") if name in os.environ}
    return {"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin", **kept}
