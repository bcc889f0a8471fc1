"""Golden SQL files and the projects they are generated from (see docs/dialects.md)."""
