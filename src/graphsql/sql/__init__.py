"""SQL helpers on sqlglot, SQLite dialect."""
