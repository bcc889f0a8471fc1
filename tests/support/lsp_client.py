"""A minimal LSP client for tests and benchmarks: JSON-RPC 2.0 with Content-Length framing over
the stdio of a `python -m metricdsl lsp` subprocess. A reader thread queues every message."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

from support.paths import REPO_ROOT


def read_message(stream: BinaryIO) -> dict[str, Any] | None:
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        raise ValueError("a message without Content-Length")
    return json.loads(stream.read(length).decode("utf-8"))  # type: ignore[no-any-return]


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, ensure_ascii=False).encode("utf-8")
    return f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body


class LspClient:
    def __init__(self, cwd: Path | None = None) -> None:
        env_path = str(REPO_ROOT)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "metricdsl", "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, cwd=cwd or REPO_ROOT, env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"})
        self.next_id = 0
        self.responses: dict[int, dict[str, Any]] = {}
        self.notifications: queue.Queue[dict[str, Any]] = queue.Queue()
        self.arrived = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        while (message := read_message(self.process.stdout)) is not None:
            if "id" in message and "method" not in message:
                with self.arrived:
                    self.responses[message["id"]] = message
                    self.arrived.notify_all()
            elif "method" in message:
                self.notifications.put(message)

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(frame({"jsonrpc": "2.0", **message}))
        self.process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        self.send({"method": method, "params": params or {}})

    def request(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> dict[str, Any]:
        """Send a request and wait for its response (the whole message: `result` or `error`)."""
        self.next_id += 1
        number = self.next_id
        self.send({"id": number, "method": method, "params": params or {}})
        deadline = time.monotonic() + timeout
        with self.arrived:
            while number not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no response to {method} within {timeout}s")
                self.arrived.wait(left)
            return self.responses.pop(number)

    def wait_for(self, method: str, predicate: Any = None, timeout: float = 30) -> dict[str, Any]:
        """The next notification `method` whose params satisfy `predicate` (others are dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {method} notification within {timeout}s")
            try:
                message = self.notifications.get(timeout=left)
            except queue.Empty:
                continue
            if message["method"] == method and (predicate is None or predicate(message["params"])):
                return message

    def initialize(self, root: Path) -> dict[str, Any]:
        response = self.request("initialize", {
            "processId": None, "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": {"general": {"positionEncodings": ["utf-16"]},
                             "textDocument": {"hover": {"contentFormat": ["markdown"]},
                                              "documentSymbol": {"hierarchicalDocumentSymbolSupport": True}}},
        })
        self.notify("initialized")
        return response

    def close(self) -> int:
        try:
            self.request("shutdown", timeout=10)
            self.notify("exit")
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
