"""Bad input and write attempts, end to end through predict/ask with a scripted generator."""

import hashlib
import sqlite3

import pytest

from graphsql.cli import main
from graphsql.config import InferConfig, PromptConfig
from graphsql.errors import DataError
from graphsql.inference.predict import predict
from tests.fake_generator import ScriptedGenerator

WRITES = [
    "DROP TABLE book",
    "DELETE FROM book",
    "UPDATE book SET price = 0",
    "INSERT INTO book (book_id, title, genre, price) VALUES (999, 'x', 'y', 1)",
    "ATTACH DATABASE '{dir}/evil.db' AS evil",
    "PRAGMA writable_schema = 1",
    "VACUUM INTO '{dir}/copy.db'",
    "CREATE TABLE t (x)",
]


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_generated_writes_leave_database_byte_identical(demo_db):
    before, files_before = _digest(demo_db), sorted(p.name for p in demo_db.parent.iterdir())
    writes = [w.format(dir=demo_db.parent) for w in WRITES]
    gen = ScriptedGenerator(default=writes)
    pred = predict("Delete everything please", demo_db, gen, PromptConfig(), InferConfig(samples=len(writes), repair=False))
    assert not pred.ok
    assert all(c.error for c in pred.vote.candidates)
    assert _digest(demo_db) == before
    assert sorted(p.name for p in demo_db.parent.iterdir()) == files_before


def test_only_the_first_statement_runs(demo_db):
    before = _digest(demo_db)
    pred = predict("How many books?", demo_db, ScriptedGenerator(default=["SELECT count(*) FROM book; DROP TABLE book"]))
    assert pred.ok and pred.pred_sql == "SELECT count(*) FROM book" and pred.result.rows == ((40,),)
    assert _digest(demo_db) == before


def test_empty_question_is_a_clear_error(demo_db):
    with pytest.raises(DataError, match="question is empty"):
        predict("   ", demo_db, ScriptedGenerator())


def test_database_without_tables(tmp_path, capsys):
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).execute("PRAGMA user_version = 1").connection.close()
    with pytest.raises(DataError, match="no tables"):
        predict("How many?", empty, ScriptedGenerator())
    assert main(["ask", "--db", str(empty), "How many?"]) == 1
    assert "no tables" in capsys.readouterr().err


@pytest.mark.parametrize("argv_tail, message", [
    (["--db", "{missing}", "How many?"], "database file not found"),
    (["--db", "{text}", "How many?"], "not a SQLite database"),
    (["--db", "{db}", "  "], "question is empty"),
])
def test_ask_bad_input_one_line_no_traceback(demo_db, tmp_path, capsys, argv_tail, message):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    args = [a.format(missing=tmp_path / "nope.sqlite", text=text, db=demo_db) for a in argv_tail]
    assert main(["ask", *args]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_hundreds_of_tables_prune_to_budget(tmp_path):
    path = tmp_path / "wide.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customer (customer_id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("CREATE TABLE invoice (invoice_id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer(customer_id), total REAL)")
    for i in range(300):
        conn.execute(f"CREATE TABLE misc_{i} (misc_{i}_id INTEGER PRIMARY KEY, label_{i} TEXT)")
    conn.execute("INSERT INTO customer VALUES (1, 'Ada')")
    conn.execute("INSERT INTO invoice VALUES (1, 1, 9.5)")
    conn.commit()
    conn.close()
    gen = ScriptedGenerator(default=["SELECT sum(total) FROM invoice JOIN customer USING (customer_id) WHERE name = 'Ada'"])
    pred = predict("What is the total of invoices of customer Ada?", path, gen, PromptConfig(max_tables=4))
    assert pred.ok and pred.result.rows == ((9.5,),)
    assert {"customer", "invoice"} <= set(pred.prepared.tables) and len(pred.prepared.tables) <= 4
    assert "misc_299" not in pred.messages[-1]["content"]


@pytest.mark.parametrize("argv", [["ask", "--bogus", "x"], ["evaluate"], ["nosuchcmd"], ["ask"],
                                  ["predict", "--questions"], ["ask", "q", "--db", "x", "--samples", "many"],
                                  ["graph", "--format"], ["data", "nosuch"], ["run", "--nosuch"]])
def test_bad_command_lines_get_usage_and_exit_2(argv, capsys):
    """Unknown commands and options, missing or malformed arguments: the usual short usage message, exit code 2,
    never a traceback (issue 28)."""
    assert main(argv) == 2
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Error:" in text and "Traceback" not in text and len(text.strip().splitlines()) <= 6
