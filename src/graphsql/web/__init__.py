"""A web page for asking questions of a SQLite database: `graphsql serve` (FastAPI); see `graphsql.web.app`."""
