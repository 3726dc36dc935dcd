"""Errors a user can act on: each carries a one-line message naming the file and the problem.

    raise DataError(f"{path}: not a SQLite database")
"""

from __future__ import annotations


class GraphSQLError(Exception):
    """Base class: the CLI prints ``str(err)`` on one line and exits non-zero (traceback only with --debug)."""


class DataError(GraphSQLError):
    """A dataset or database file is missing, corrupt, or does not hold what was asked for."""


class ConfigError(GraphSQLError):
    """A configuration value or file is invalid."""
