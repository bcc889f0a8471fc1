"""sqlglot dialects that sqlglot does not ship. Importing a submodule registers its dialect."""
