"""Where things live, and one dataclass of settings per stage.

    >>> from graphsql.config import data_root
    >>> data_root()          # ../shared/data next to the checkout, or $GRAPHSQL_DATA
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def data_root() -> Path:
    """The benchmark data folder: ``$GRAPHSQL_DATA`` if set, else ``../shared/data`` beside the repository."""
    env = os.environ.get("GRAPHSQL_DATA")
    if env:
        return Path(env)
    return (REPO_ROOT.parent / "shared" / "data").resolve()


def cache_dir() -> Path:
    """Model and index cache: ``$GRAPHSQL_CACHE`` if set, else ``~/.cache/graphsql``."""
    env = os.environ.get("GRAPHSQL_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "graphsql"
