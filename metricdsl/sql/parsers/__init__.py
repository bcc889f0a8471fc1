"""sqlglot parsers of the dialects in `metricdsl.sql.dialects` (sqlglot 30 keeps them apart the same way)."""
