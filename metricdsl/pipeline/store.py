"""The compiler's content-addressed store of compiled SQL and parsed files; it imports nothing heavy.

A key is a hash of the metricdsl version, the compiler's own files, the caller's options and every
`.metric` file's path and bytes, so any edit misses. Entries are written atomically; the folder is
pruned to the newest MAX_ENTRIES. Set METRICDSL_NO_CACHE=1 (or pass --no-cache) to bypass it.

Nothing read back is trusted: entry names are computable, so anyone who can write the folder (a CI
cache shared between branches) could plant the entry the next compile reads. Every entry carries an
HMAC-SHA256 of its name and its bytes under a per-user secret key, kept outside the cache folder in
a file only its owner can read (`key_file`); an entry whose MAC does not verify is a miss. Without a
usable key (it cannot be created, or others can read it) nothing is cached.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path

from metricdsl.source import find_files

MAX_ENTRIES = 2000
PRUNE_EVERY = 64
MAGIC = b"metricdsl-cache-1\n"
MAC_BYTES = 32
KEY_BYTES = 32


def cache_dir() -> Path:
    if "METRICDSL_CACHE_DIR" in os.environ:
        return Path(os.environ["METRICDSL_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "metricdsl"


def key_file() -> Path:
    """The secret that signs the cache: METRICDSL_CACHE_KEY_FILE, else ~/.config/metricdsl/cache.key.

    It is not in the cache folder, so a cache copied from elsewhere never brings a key that signs it.
    """
    if "METRICDSL_CACHE_KEY_FILE" in os.environ:
        return Path(os.environ["METRICDSL_CACHE_KEY_FILE"])
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "metricdsl" / "cache.key"


def secret() -> bytes | None:
    """The signing key, created (mode 0600) on first use; None when it cannot be trusted or made."""
    path = key_file()
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        pass
    except OSError:
        return None
    else:
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_bytes(KEY_BYTES))
    try:
        return _read_key(path)
    except OSError:
        return None


def _read_key(path: Path) -> bytes | None:
    with open(path, "rb") as stream:
        info = os.fstat(stream.fileno())
        data = stream.read()
    private = info.st_mode & 0o077 == 0 and (not hasattr(os, "getuid") or info.st_uid == os.getuid())
    return data if private and len(data) == KEY_BYTES else None


def _mac(key: bytes, entry: str, data: bytes) -> bytes:
    return hmac.new(key, entry.encode("utf-8") + b"\0" + data, hashlib.sha256).digest()


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
    try:
        return None if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def put(entry: str, text: str) -> None:
    put_bytes(entry, text.encode("utf-8"))


def get_bytes(entry: str) -> bytes | None:
    """The bytes stored under `entry`, or None when absent or not signed by this user's key."""
    key = secret()
    if key is None:
        return None
    try:
        stored = (cache_dir() / entry).read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + MAC_BYTES
    if len(stored) < head or not stored.startswith(MAGIC):
        return None
    mac, data = stored[len(MAGIC):head], stored[head:]
    return data if hmac.compare_digest(mac, _mac(key, entry, data)) else None


def put_bytes(entry: str, data: bytes) -> None:
    key = secret()
    if key is None:
        return
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(MAGIC + _mac(key, entry, data) + data)
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
