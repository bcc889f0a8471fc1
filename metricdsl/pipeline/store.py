"""The compiler's content-addressed store of compiled SQL and parsed files; it imports nothing heavy.

A key is a hash of the metricdsl version, the compiler's own files, the caller's options and every
`.metric` file's path and bytes, so any edit misses. Entries are written atomically; the folder is
pruned to the newest MAX_ENTRIES. Set METRICDSL_NO_CACHE=1 (or pass --no-cache) to bypass it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path

from metricdsl.source import find_files

MAX_ENTRIES = 2000
PRUNE_EVERY = 64


def cache_dir() -> Path:
    if "METRICDSL_CACHE_DIR" in os.environ:
        return Path(os.environ["METRICDSL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "metricdsl"


def enabled() -> bool:
    return os.environ.get("METRICDSL_NO_CACHE", "") in ("", "0")


def key(project: Path, options: Sequence[str]) -> str | None:
    """The cache key, or None when the project cannot be read (the compiler will say why)."""
    from metricdsl import __version__

    digest = hashlib.sha256(__version__.encode())
    digest.update(code_fingerprint().encode())
    for option in options:
        digest.update(b"\0opt\0" + option.encode("utf-8", "surrogateescape"))
    try:
        files = find_files(project)
        if not files:
            return None
        for path in files:
            digest.update(b"\0file\0" + str(path).encode("utf-8", "surrogateescape") + b"\0" + path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """Size and mtime of the compiler's own files: an edited checkout never serves stale SQL."""
    package = Path(__file__).parent.parent
    parts = []
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.lark")]):
        stat = path.stat()
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def get(entry: str) -> str | None:
    data = get_bytes(entry)
    return None if data is None else data.decode("utf-8")


def put(entry: str, text: str) -> None:
    put_bytes(entry, text.encode("utf-8"))


def get_bytes(entry: str) -> bytes | None:
    try:
        return (cache_dir() / entry).read_bytes()
    except OSError:
        return None


def put_bytes(entry: str, data: bytes) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, folder / entry)
        if secrets.randbelow(PRUNE_EVERY) == 0:  # listing the folder on every write would cost more than it saves
            prune(folder)
    except OSError:
        pass  # a cache that cannot be written is only slower


def file_key(kind: str, path: str, data: bytes) -> str:
    """Key of one file's derived data (e.g. its syntax tree): the compiler's code, the path, the bytes."""
    from metricdsl import __version__

    digest = hashlib.sha256(f"{kind}\0{__version__}\0{code_fingerprint()}\0{path}\0".encode())
    digest.update(data)
    return f"{kind}-{digest.hexdigest()}"


def prune(folder: Path) -> None:
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) <= MAX_ENTRIES:
        return
    for old in sorted(entries, key=lambda p: p.stat().st_mtime)[: len(entries) - MAX_ENTRIES]:
        old.unlink(missing_ok=True)
