"""execute_sql: read-only, timeouts, error kinds; results_match and bird_results_match on data cases."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from graphsql.errors import DataError
from graphsql.eval.execute import bird_results_match, execute_sql, has_order_by, results_match


@pytest.fixture()
def small_db(tmp_path):
    path = tmp_path / "small.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, grp TEXT);
        INSERT INTO t VALUES (1, 'a', 0.1, 'x'), (2, 'b', 0.2, 'x'), (3, NULL, NULL, 'y'), (4, 'a', 0.3, 'y');
        """
    )
    conn.commit()
    conn.close()
    return path


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_select_returns_rows_and_columns(small_db):
    res = execute_sql(small_db, "SELECT id, name FROM t WHERE id < 3 ORDER BY id")
    assert res.ok and res.error_kind is None
    assert res.rows == ((1, "a"), (2, "b"))
    assert res.columns == ("id", "name")


def test_nulls_come_back_as_none(small_db):
    assert execute_sql(small_db, "SELECT name, score FROM t WHERE id = 3").rows == ((None, None),)


def test_max_rows_truncates(small_db):
    res = execute_sql(small_db, "SELECT id FROM t", max_rows=2)
    assert res.ok and res.truncated and len(res.rows) == 2


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ("SELEC id FROM t", "parse_error"),
        ("SELECT id FROM", "parse_error"),
        ("", "parse_error"),
        ("SELECT nope FROM t", "execution_error"),
        ("SELECT * FROM missing_table", "execution_error"),
        ("SELECT 1; SELECT 2", "execution_error"),
    ],
)
def test_errors_are_returned_not_raised(small_db, sql, kind):
    res = execute_sql(small_db, sql)
    assert not res.ok and res.error_kind == kind and res.error


WRITE_ATTEMPTS = [
    "DROP TABLE t",
    "DELETE FROM t",
    "INSERT INTO t VALUES (9, 'z', 1.0, 'z')",
    "UPDATE t SET name = 'q'",
    "CREATE TABLE u (x)",
    "ATTACH DATABASE '{tmp}/attached.sqlite' AS y",
    "PRAGMA writable_schema=1",
    "VACUUM INTO '{tmp}/copy.sqlite'",
    "VACUUM",
    "SELECT 1; DROP TABLE t",
]


@pytest.mark.parametrize("sql", WRITE_ATTEMPTS)
def test_write_attempts_change_nothing(small_db, sql):
    tmp = small_db.parent
    before_files = sorted(p.name for p in tmp.iterdir())
    before = _digest(small_db)
    res = execute_sql(small_db, sql.format(tmp=tmp))
    assert not res.ok and res.error_kind == "execution_error"
    assert _digest(small_db) == before
    assert sorted(p.name for p in tmp.iterdir()) == before_files
    assert execute_sql(small_db, "SELECT count(*) FROM t").rows == ((4,),)


def test_runaway_query_times_out(small_db):
    sql = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"
    res = execute_sql(small_db, sql, timeout=0.3)
    assert not res.ok and res.error_kind == "timeout"
    assert res.elapsed < 5


def test_missing_or_corrupt_database_raises(tmp_path):
    with pytest.raises(DataError, match="not found"):
        execute_sql(tmp_path / "absent.sqlite", "SELECT 1")
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not sqlite at all" * 10)
    with pytest.raises(DataError):
        execute_sql(bad, "SELECT 1")
    garbled = tmp_path / "garbled.sqlite"
    garbled.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 20)
    with pytest.raises(DataError, match="corrupt"):
        execute_sql(garbled, "SELECT * FROM sqlite_master")
    assert not (tmp_path / "absent.sqlite").exists()


MATCH_CASES = [
    # gold, pred, ordered, expected
    ([(1,), (2,)], [(2,), (1,)], False, True),
    ([(1,), (2,)], [(2,), (1,)], True, False),
    ([(1,), (1,), (2,)], [(1,), (2,), (2,)], False, False),  # duplicates count
    ([(1,), (1,)], [(1,)], False, False),
    ([(None,), (1,)], [(1,), (None,)], False, True),
    ([(None,)], [(0,)], False, False),
    ([(0.30000000000000004,)], [(0.3,)], False, True),
    ([(3,)], [(3.0,)], False, True),
    ([(1 / 3,)], [(0.333333,)], False, True),
    ([(0.5,)], [(0.51,)], False, False),
    ([(-0.0,)], [(0.0,)], True, True),
    ([("a", 1)], [(1, "a")], False, False),  # column order counts
    ([], [], True, True),
    ([(1,)], [], False, False),
]


@pytest.mark.parametrize(("gold", "pred", "ordered", "expected"), MATCH_CASES)
def test_results_match(gold, pred, ordered, expected):
    assert results_match(gold, pred, ordered=ordered) is expected


BIRD_CASES = [
    ([(1,), (1,), (2,)], [(2,), (1,)], True),  # sets: duplicates ignored
    ([(1,), (2,)], [(2,), (1,)], True),
    ([(1,)], [(1,), (3,)], False),
    ([(None,)], [(None,)], True),
]


@pytest.mark.parametrize(("gold", "pred", "expected"), BIRD_CASES)
def test_bird_results_match(gold, pred, expected):
    assert bird_results_match(gold, pred) is expected


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT a FROM t ORDER BY a", True),
        ("SELECT a FROM t WHERE a IN (SELECT b FROM u ORDER BY b LIMIT 1)", False),
        ("SELECT a FROM t UNION SELECT b FROM u ORDER BY a", True),
        ("SELECT a FROM t", False),
        ("SELEC a FROM t ORDER BY a", True),  # unparseable: fallback
        ("SELEC a FROM (SELECT x FROM y ORDER BY x)", False),
    ],
)
def test_has_order_by(sql, expected):
    assert has_order_by(sql) is expected
