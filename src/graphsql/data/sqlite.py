"""Any SQLite file as a database: a read-only, write-proof connection and its schema.

    >>> schema = read_sqlite_schema("demo.sqlite")   # tables, columns, PKs, declared FKs, sample values

`connect_readonly` opens with ``mode=ro`` *and* an authorizer that refuses everything but reading, so
neither ``DROP TABLE`` nor ``ATTACH``, ``VACUUM INTO`` or ``PRAGMA writable_schema`` can change a database
or create a file.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from graphsql.data.records import Column, DbSchema, ForeignKey, Table
from graphsql.errors import DataError

SQLITE_MAGIC = b"SQLite format 3\x00"

# Bounds every read-only connection gets (issue 28): a query cannot build a value larger than MAX_VALUE_BYTES
# (``randomblob(900000000)`` fails at once instead of allocating 900 MB; SQLite's default is 1 GB), a statement
# longer than MAX_SQL_BYTES is refused, and SQLite's whole heap in this process stays under HEAP_LIMIT_BYTES
# (sorts and large intermediate results spill to temporary files long before that).
MAX_VALUE_BYTES = 64 * 2**20
MAX_SQL_BYTES = 2**20
HEAP_LIMIT_BYTES = 2**30
_heap_limited = False

# PRAGMAs that only read, whatever their argument (used by the schema reader).
_READ_PRAGMAS = {"table_info", "table_xinfo", "foreign_key_list", "index_list", "index_info", "table_list"}
_ALLOWED_ACTIONS = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    getattr(sqlite3, "SQLITE_RECURSIVE", 33),
}


def _authorizer(action: int, arg1, arg2, db_name, trigger) -> int:
    if action in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and (arg1 or "").lower() in _READ_PRAGMAS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def check_sqlite_file(path: str | Path) -> Path:
    """Return ``path`` as a Path if it is a readable SQLite file; else raise DataError naming the problem."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: database file not found")
    if not path.is_file():
        raise DataError(f"{path}: not a file")
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as err:
        raise DataError(f"{path}: cannot read ({err.strerror})") from err
    if head != SQLITE_MAGIC:
        raise DataError(f"{path}: not a SQLite database (bad header)")
    return path


def connect_readonly(path: str | Path, check_same_thread: bool = True) -> sqlite3.Connection:
    """Open ``path`` read-only; only reading statements are authorised. Raises DataError if unusable."""
    path = check_sqlite_file(path)
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=check_same_thread)
    except sqlite3.Error as err:
        raise DataError(f"{path}: cannot open ({err})") from err
    conn.text_factory = lambda b: b.decode("utf-8", errors="replace")
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    _limit_heap(conn)
    conn.set_authorizer(_authorizer)
    return conn


def _limit_heap(conn: sqlite3.Connection) -> None:
    """Set SQLite's process-wide hard heap limit once (before the authorizer, which refuses PRAGMAs); never raise
    it above a limit someone else set lower."""
    global _heap_limited
    if _heap_limited:
        return
    current = conn.execute("PRAGMA hard_heap_limit").fetchone()[0]
    if not current or current > HEAP_LIMIT_BYTES:
        conn.execute(f"PRAGMA hard_heap_limit = {HEAP_LIMIT_BYTES}")
    _heap_limited = True


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


SCHEMA_QUERY_SECONDS = 2.0  # a sample-value or row-count query of the schema reader gives up after this


def _bounded(conn: sqlite3.Connection, sql: str, seconds: float = SCHEMA_QUERY_SECONDS) -> list | None:
    """The rows of one schema-reading query, or None if it failed or ran past ``seconds`` (a huge table's
    ``count(*)``, a slow view): the schema is read without that figure rather than not at all."""
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 1000)
    try:
        return conn.execute(sql).fetchall()
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.set_progress_handler(None, 0)


def read_sqlite_schema(path: str | Path, db_id: str | None = None, sample_values: int = 3) -> DbSchema:
    """Read tables and views (views last), columns (with declared type and up to ``sample_values`` distinct
    values), primary keys and declared foreign keys of a SQLite file. Each sample or count query is bounded in time
    (SCHEMA_QUERY_SECONDS). Raises DataError for a missing or corrupt file."""
    path = check_sqlite_file(path)
    db_id = db_id or path.stem
    conn = connect_readonly(path)
    try:
        try:
            names = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' "
                    "ORDER BY type = 'view', rowid"
                )
            ]
        except sqlite3.DatabaseError as err:
            raise DataError(f"{path}: corrupt or unreadable database ({err})") from err
        tables, fks = [], []
        for name in names:
            info = conn.execute(f"PRAGMA table_info({_quote_ident(name)})").fetchall()
            cols = []
            for _cid, cname, ctype, _notnull, _default, pk in info:
                values: tuple = ()
                if sample_values:
                    rows = _bounded(conn, f"SELECT DISTINCT {_quote_ident(cname)} FROM {_quote_ident(name)} "
                                          f"WHERE {_quote_ident(cname)} IS NOT NULL LIMIT {int(sample_values)}")
                    values = tuple(r[0] for r in rows or () if not isinstance(r[0], bytes))
                cols.append(Column(name, cname, (ctype or "").lower() or "text", is_primary=pk > 0, sample_values=values))
            rows = _bounded(conn, f"SELECT count(*) FROM {_quote_ident(name)}")
            count = rows[0][0] if rows else None
            tables.append(Table(name, tuple(cols), row_count=count))
            for row in conn.execute(f"PRAGMA foreign_key_list({_quote_ident(name)})").fetchall():
                ref_table, src, dst = row[2], row[3], row[4]
                if dst is None:  # FK to the referenced table's primary key
                    try:
                        ref_pk = [r[1] for r in conn.execute(f"PRAGMA table_info({_quote_ident(ref_table)})") if r[5]]
                    except sqlite3.DatabaseError:
                        ref_pk = []
                    dst = ref_pk[0] if ref_pk else src
                fks.append(ForeignKey(name, src, ref_table, dst))
    finally:
        conn.close()
    return DbSchema(db_id, tuple(tables), tuple(fks), db_path=path)
