"""The language server: positions (client units), incremental parsing, the project index, the
editor features (resolve, definition, rename, symbols; hover; completion) and the pygls session."""

from metricdsl.tools.lsp.server import serve

__all__ = ["serve"]
