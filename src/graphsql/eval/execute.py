"""Run one SQL query read-only with a real timeout, and compare result sets.

    >>> res = execute_sql("database/concert_singer/concert_singer.sqlite", "SELECT count(*) FROM singer")
    >>> res.ok, res.rows                                   # (True, ((6,),))
    >>> results_match(((1,), (2,)), ((2,), (1,)), ordered=False)
    True

`execute_sql` never raises for a bad query: syntax errors, unknown tables, write attempts (refused by the
read-only connection) and timeouts all come back as an `ExecResult` with ``ok=False`` and an ``error_kind``.
Only a missing or corrupt database file raises `DataError`, because that is the user's problem, not the query's.
"""

from __future__ import annotations

import logging
import math
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from graphsql.data.sqlite import connect_readonly
from graphsql.errors import DataError

log = logging.getLogger(__name__)

ERROR_KINDS = ("parse_error", "execution_error", "timeout")
FLOAT_DIGITS = 6  # floats are rounded to this many decimals before comparing
PROGRESS_STEPS = 1000  # SQLite VM instructions between two timeout checks
# Every fetch is bounded: at most FETCH_MAX_ROWS rows and about FETCH_MAX_BYTES bytes of values are kept (a
# never-ending recursive CTE or a billion-row cross join stops there, `truncated` set), whatever ``max_rows`` asks.
FETCH_MAX_ROWS = 1_000_000
FETCH_MAX_BYTES = 64 * 2**20
_FETCH_BATCH = 512

_PARSE_ERROR_RE = re.compile(r"syntax error|incomplete input|unrecognized token", re.IGNORECASE)
_CORRUPT_RE = re.compile(r"malformed|file is not a database|disk image", re.IGNORECASE)


@dataclass(frozen=True)
class ExecResult:
    """What running one query gave: rows and column names, or an error kind and message.

    ``error_kind`` is None when ``ok``; else ``parse_error`` (SQLite could not parse it), ``execution_error``
    (unknown table or column, refused write, several statements, ...) or ``timeout``.
    ``truncated`` says that the result was cut: more than ``max_rows`` rows (or the fetch bounds) existed and only
    the first ones were kept. Evaluation counts a truncated prediction as a mismatch; `ask` says it was cut.
    """

    ok: bool
    rows: tuple[tuple, ...] = ()
    columns: tuple[str, ...] = ()
    error_kind: str | None = None
    error: str = ""
    elapsed: float = 0.0
    truncated: bool = False
    ran_sql: str = ""  # the statement as run when it differs from the one given (another engine's dialect)


def _classify(err: Exception) -> str:
    msg = str(err)
    if isinstance(err, sqlite3.OperationalError) and msg == "interrupted":
        return "timeout"
    if _PARSE_ERROR_RE.search(msg):
        return "parse_error"
    return "execution_error"


def execute_sql(db_path: str | Path, sql: str, timeout: float = 30.0, max_rows: int | None = None) -> ExecResult:
    """Run ``sql`` on the SQLite file ``db_path`` through a read-only connection (or, given an `EngineDatabase`
    of `graphsql.data.engines`, on that engine, translated to its dialect).

    ``timeout`` (seconds) interrupts a runaway query, fetching included; ``max_rows`` keeps only that many rows
    (and never more than FETCH_MAX_ROWS rows or about FETCH_MAX_BYTES bytes of values).
    Returns an `ExecResult`; raises `DataError` only if the database file is missing or corrupt.
    """
    if hasattr(db_path, "execute_native"):  # a database by URL (graphsql.data.engines): its own bounded run
        return db_path.execute(sql, timeout=timeout, max_rows=max_rows)
    start = time.monotonic()
    if not sql or not sql.strip():
        return ExecResult(False, error_kind="parse_error", error="empty SQL")
    conn = connect_readonly(db_path)  # DataError for a missing / non-SQLite file
    deadline = start + timeout
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, PROGRESS_STEPS)
    try:
        cursor = conn.execute(sql)
        rows, truncated = _bounded_fetch(cursor, FETCH_MAX_ROWS if max_rows is None else min(max_rows, FETCH_MAX_ROWS))
        columns = tuple(d[0] for d in cursor.description or ())
        return ExecResult(True, tuple(tuple(r) for r in rows), columns, elapsed=time.monotonic() - start,
                          truncated=truncated)
    except (sqlite3.Error, sqlite3.Warning, ValueError, OverflowError) as err:
        # sqlite3.Warning: "You can only execute one statement at a time."; ValueError: NUL characters etc.
        if isinstance(err, sqlite3.DatabaseError) and _CORRUPT_RE.search(str(err)):
            raise DataError(f"{db_path}: corrupt database ({err})") from err
        kind = _classify(err)
        msg = f"timed out after {timeout:g} s" if kind == "timeout" else str(err)
        return ExecResult(False, error_kind=kind, error=msg, elapsed=time.monotonic() - start)
    finally:
        conn.close()


def has_rows(sql: str, db_path) -> bool:
    """Whether ``sql`` runs on the database at ``db_path`` and returns a row (how `ask` tells an empty answer)."""
    result = execute_sql(db_path, sql, max_rows=1)
    return result.ok and bool(result.rows)


def _value_bytes(value) -> int:
    return len(value) + 40 if isinstance(value, str | bytes) else 24


def _bounded_fetch(cursor: sqlite3.Cursor, max_rows: int) -> tuple[list, bool]:
    """At most ``max_rows`` rows and about FETCH_MAX_BYTES bytes of values; True if more were there."""
    rows: list = []
    size, step = 0, 1  # batches grow from one row while rows stay small (one row can be tens of MB)
    while True:
        batch = cursor.fetchmany(min(step, max_rows + 1 - len(rows)))
        if not batch:
            return rows, False
        for row in batch:
            size += 56 + sum(_value_bytes(v) for v in row)
            if len(rows) == max_rows or size > FETCH_MAX_BYTES:
                return rows, True
            rows.append(row)
        step = max(1, min(_FETCH_BATCH, 2 * step, (FETCH_MAX_BYTES - size) * len(rows) // (8 * size)))


def display_value(value, width: int = 200):
    """A result value as shown to a person (`ask`'s table, the web page): NULL, a blob by its size, text cut at
    ``width`` characters; numbers unchanged."""
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return f"<blob, {len(value):,} bytes>"
    if isinstance(value, str) and len(value) > width:
        return value[:width] + f"… ({len(value):,} characters)"
    return value


def normalize_value(value):
    """A value in comparable form: floats rounded to FLOAT_DIGITS decimals (and -0.0 made 0.0); whole floats
    compare equal to ints as in Python; everything else (None, str, bytes, int) is kept."""
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return value
        value = round(value, FLOAT_DIGITS)
        return 0.0 if value == 0 else value
    return value


def _normalize_rows(rows: Iterable[Sequence]) -> list[tuple]:
    return [tuple(normalize_value(v) for v in row) for row in rows]


def results_match(gold_rows: Iterable[Sequence], pred_rows: Iterable[Sequence], ordered: bool) -> bool:
    """True if the two results hold the same rows: as multisets (duplicates count), or as sequences when
    ``ordered`` (use it when the gold query has a top-level ORDER BY). Column order inside a row counts."""
    gold, pred = _normalize_rows(gold_rows), _normalize_rows(pred_rows)
    if ordered:
        return gold == pred
    return len(gold) == len(pred) and Counter(gold) == Counter(pred)


def bird_results_match(gold_rows: Iterable[Sequence], pred_rows: Iterable[Sequence]) -> bool:
    """BIRD's own rule: the *sets* of rows are equal (duplicates and order ignored, values compared as-is)."""
    return set(map(tuple, pred_rows)) == set(map(tuple, gold_rows))


def has_order_by(sql: str) -> bool:
    """Whether ``sql`` has an ORDER BY at its top level (not only inside a subquery).

    Uses sqlglot; if the SQL cannot be parsed, falls back to looking for ``order by`` outside parentheses."""
    from sqlglot import exp

    from graphsql.sql.parse import try_parse

    tree = try_parse(sql)
    if tree is not None:
        while isinstance(tree, exp.Subquery):
            tree = tree.this
        return tree.args.get("order") is not None
    depth, text = 0, []
    for ch in sql.lower():
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            text.append(ch)
    return re.search(r"\border\s+by\b", "".join(text)) is not None
