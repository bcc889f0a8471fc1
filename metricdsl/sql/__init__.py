"""SQL generation: plans → sqlglot trees → text per dialect."""
