"""The language server (`metricdsl lsp`) over stdio with pygls: diagnostics as you type, hover, go
to definition, completion, document symbols and rename.

`Session` is the pygls wiring: protocol types in, `ProjectState` queries, protocol types out. The
checker runs over the cached trees ~150 ms after the last change (`DEBOUNCE_SECONDS`), and then
the diagnostics of every file are published.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metricdsl.diagnostics import Diagnostic
from metricdsl.source import Span, read_bytes
from metricdsl.tools.lsp.completion import complete
from metricdsl.tools.lsp.features import RenameRefused, Symbol, definition, document_symbols, rename_edits, resolve
from metricdsl.tools.lsp.hover import hover_markdown
from metricdsl.tools.lsp.index import ProjectState
from metricdsl.tools.lsp.positions import from_client_column, to_client_column

DEBOUNCE_SECONDS = 0.15


def build_server() -> Any:
    from lsprotocol import types as t
    from pygls.lsp.server import LanguageServer

    server = LanguageServer("metricdsl", "0.1.0", text_document_sync_kind=t.TextDocumentSyncKind.Incremental,
                            protocol_cls=answering_protocol())
    session = Session(server)
    session.register(t)
    return server


@dataclass(frozen=True)
class Refused:
    """A request whose parameters could not be read: it still gets a JSON-RPC error response."""

    id: Any
    error: Any  # a pygls JsonRpcException


def answering_protocol() -> Any:
    """pygls' protocol, except that a request with invalid parameters is answered with a JSON-RPC
    error (-32602 Invalid Params) instead of being dropped with only a log line."""
    from pygls.exceptions import JsonRpcException
    from pygls.protocol import LanguageServerProtocol

    class AnsweringProtocol(LanguageServerProtocol):
        def structure_message(self, data: dict[str, Any]) -> Any:
            try:
                return super().structure_message(data)
            except JsonRpcException as error:
                if isinstance(data, dict) and "method" in data and data.get("id") is not None:
                    return Refused(data["id"], error)
                raise

        def handle_message(self, message: Any) -> None:
            if isinstance(message, Refused):
                self._send_response(message.id, error=message.error.to_response_error())
                return
            super().handle_message(message)

    return AnsweringProtocol


class Session:
    """The pygls wiring: protocol types in, ProjectState queries, protocol types out."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.state = ProjectState()
        self.timer: asyncio.TimerHandle | None = None
        self.published: set[str] = set()

    # -- conversion
    def encoding(self) -> str:
        value = self.server.workspace.position_encoding or "utf-16"
        return str(getattr(value, "value", value))

    def path_of(self, uri: str) -> str:
        from pygls.uris import to_fs_path

        return str(Path(to_fs_path(uri) or uri).resolve())

    def uri_of(self, path: str) -> str:
        from pygls.uris import from_fs_path

        return from_fs_path(path) or path

    def range_of(self, t: Any, span: Span) -> Any:
        lines = self.state.files[span.file].lines() if span.file in self.state.files else []

        def position(line: int, column: int) -> Any:
            text = lines[line - 1] if 0 < line <= len(lines) else ""
            return t.Position(line=max(line - 1, 0), character=to_client_column(text, max(column - 1, 0), self.encoding()))
        return t.Range(start=position(span.line, span.column), end=position(span.end_line, span.end_column))

    def cursor(self, uri: str, position: Any) -> tuple[str, int, int]:
        path = self.path_of(uri)
        self.state.refresh()
        parsed = self.state.files.get(path)
        line = parsed.lines()[position.line] if parsed and position.line < len(parsed.lines()) else ""
        return path, position.line, from_client_column(line, position.character, self.encoding())

    # -- state
    def ensure_root(self, uri: str) -> None:
        """Load the workspace folder once. Without a workspace (a single file opened), only the
        documents the client opens are known: never every `.metric` below the file's folder."""
        if self.state.root is not None:
            return
        folders = list(self.server.workspace.folders.values())
        from pygls.uris import to_fs_path

        root = to_fs_path(folders[0].uri) if folders else self.server.workspace.root_path
        if root:
            self.state.load_folder(Path(root))

    def changed(self, uri: str) -> None:
        self.ensure_root(uri)
        document = self.server.workspace.get_text_document(uri)
        self.state.set_text(self.path_of(uri), document.source)
        self.schedule()

    def schedule(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = asyncio.get_running_loop().call_later(DEBOUNCE_SECONDS, self.flush)

    def flush(self) -> None:
        """The debounced step: parse what changed, check the project, publish the diagnostics."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.state.check():
            self.publish()

    def publish(self) -> None:
        from lsprotocol import types as t

        for path, found in self.state.diagnostics.items():
            uri = self.uri_of(path)
            if not found and uri not in self.published:
                continue
            items = [self.lsp_diagnostic(t, d) for d in found]
            self.server.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=items))
            if found:
                self.published.add(uri)
            else:
                self.published.discard(uri)

    def lsp_diagnostic(self, t: Any, diagnostic: Diagnostic) -> Any:
        assert diagnostic.span is not None
        severity = t.DiagnosticSeverity.Warning if diagnostic.severity == "warning" else t.DiagnosticSeverity.Error
        message = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
        related = [t.DiagnosticRelatedInformation(location=t.Location(uri=self.uri_of(n.span.file),
                                                                       range=self.range_of(t, n.span)),
                                                  message=n.message) for n in diagnostic.notes]
        return t.Diagnostic(range=self.range_of(t, diagnostic.span), message=message, severity=severity,
                            code=diagnostic.code, source="metricdsl", related_information=related or None)

    # -- features
    def register(self, t: Any) -> None:
        s = self.server
        s.feature(t.INITIALIZED)(lambda params: self.on_initialized())
        s.feature(t.TEXT_DOCUMENT_DID_OPEN)(lambda params: self.changed(params.text_document.uri))
        s.feature(t.TEXT_DOCUMENT_DID_CHANGE)(lambda params: self.changed(params.text_document.uri))
        s.feature(t.TEXT_DOCUMENT_DID_SAVE)(lambda params: self.changed(params.text_document.uri))
        s.feature(t.TEXT_DOCUMENT_DID_CLOSE)(lambda params: self.closed(params.text_document.uri))
        s.feature(t.TEXT_DOCUMENT_HOVER)(lambda params: self.hover(t, params))
        s.feature(t.TEXT_DOCUMENT_DEFINITION)(lambda params: self.definition(t, params))
        s.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=["."]))(
            lambda params: self.completion(t, params))
        s.feature(t.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(lambda params: self.symbols(t, params))
        s.feature(t.TEXT_DOCUMENT_RENAME)(lambda params: self.rename(t, params))

    def on_initialized(self) -> None:
        folders = list(self.server.workspace.folders.values())
        if folders or self.server.workspace.root_path:
            self.ensure_root(folders[0].uri if folders else self.server.workspace.root_uri)
            self.flush()

    def closed(self, uri: str) -> None:
        path = Path(self.path_of(uri))
        try:
            self.state.set_text(str(path), read_bytes(path).decode("utf-8", errors="replace"))
        except OSError:
            pass  # gone, or not a regular file: keep the last text the client sent
        self.schedule()

    def hover(self, t: Any, params: Any) -> Any:
        path, line, column = self.cursor(params.text_document.uri, params.position)
        resolved = resolve(self.state, path, line, column)
        text = hover_markdown(self.state, resolved) if resolved else None
        if text is None or resolved is None or resolved.span is None:
            return None
        return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text),
                       range=self.range_of(t, resolved.span))

    def definition(self, t: Any, params: Any) -> Any:
        path, line, column = self.cursor(params.text_document.uri, params.position)
        resolved = resolve(self.state, path, line, column)
        found = definition(resolved) if resolved else None
        if found is None:
            return None
        return t.Location(uri=self.uri_of(found[0]), range=self.range_of(t, found[1]))

    def completion(self, t: Any, params: Any) -> Any:
        path, line, column = self.cursor(params.text_document.uri, params.position)
        kinds = {"metric": t.CompletionItemKind.Function, "dimension": t.CompletionItemKind.Field,
                 "source": t.CompletionItemKind.Class, "column": t.CompletionItemKind.Property,
                 "time": t.CompletionItemKind.EnumMember, "keyword": t.CompletionItemKind.Keyword,
                 "function": t.CompletionItemKind.Method, "property": t.CompletionItemKind.Property,
                 "calendar": t.CompletionItemKind.Event, "target": t.CompletionItemKind.Constant}
        items = [t.CompletionItem(label=s.label, kind=kinds[s.kind], detail=s.detail or s.kind)
                 for s in complete(self.state, path, line, column)]
        return t.CompletionList(is_incomplete=False, items=items)

    def symbols(self, t: Any, params: Any) -> Any:
        self.state.refresh()
        kinds = {"source": t.SymbolKind.Class, "dimension": t.SymbolKind.Field, "metric": t.SymbolKind.Function,
                 "decompose": t.SymbolKind.Operator, "query": t.SymbolKind.Interface, "calendar": t.SymbolKind.Event,
                 "target": t.SymbolKind.Object, "column": t.SymbolKind.Property, "scorecard": t.SymbolKind.Struct,
                 "kpi": t.SymbolKind.Field}

        def convert(symbol: Symbol) -> Any:
            return t.DocumentSymbol(name=symbol.name, kind=kinds.get(symbol.kind, t.SymbolKind.Variable),
                                    detail=symbol.detail, range=self.range_of(t, symbol.span),
                                    selection_range=self.range_of(t, symbol.selection),
                                    children=[convert(c) for c in symbol.children] or None)
        return [convert(s) for s in document_symbols(self.state, self.path_of(params.text_document.uri))]

    def rename(self, t: Any, params: Any) -> Any:
        from pygls.exceptions import JsonRpcInvalidParams

        path, line, column = self.cursor(params.text_document.uri, params.position)
        resolved = resolve(self.state, path, line, column)
        if resolved is None:
            return None
        try:
            edits = rename_edits(self.state, resolved, params.new_name)
        except RenameRefused as refused:
            raise JsonRpcInvalidParams(str(refused)) from None
        changes = {self.uri_of(file): [t.TextEdit(range=self.range_of(t, span), new_text=params.new_name)
                                       for span in spans] for file, spans in edits.items()}
        return t.WorkspaceEdit(changes=changes)


def serve() -> None:
    build_server().start_io()
