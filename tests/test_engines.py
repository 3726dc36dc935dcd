"""Databases by URL (issue 29): a real PostgreSQL server (a throw-away cluster started here, on a free loopback
port) and DuckDB, loaded with the test databases; the same questions through the scripted generator must give the
SQLite run's results, writes must be refused by the engine itself, and queries stay bounded in time."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("sqlalchemy")

from graphsql.cli import main  # noqa: E402
from graphsql.config import InferConfig  # noqa: E402
from graphsql.data.engines import EngineDatabase, copy_sqlite_database, read_database  # noqa: E402
from graphsql.eval.execute import execute_sql, results_match  # noqa: E402
from graphsql.inference.predict import predict  # noqa: E402
from tests.fake_generator import ScriptedGenerator  # noqa: E402

# (database, SQLite-style SQL as the model would write it: mixed case, SQLite functions, joins)
QUESTIONS = [
    ("bookshop", "SELECT count(*) FROM Book"),
    ("bookshop", "SELECT T1.title, T2.name FROM book AS T1 JOIN publisher AS T2 ON T1.publisher_id = "
                 "T2.publisher_id ORDER BY T1.price DESC LIMIT 3"),
    ("bookshop", "SELECT avg(price), max(price), min(Price) FROM book"),
    ("bookshop", "SELECT name FROM customer WHERE name LIKE 'J%' ORDER BY name"),
    ("bookshop", "SELECT T2.name, count(*) FROM book_author AS T1 JOIN author AS T2 ON T1.author_id = T2.author_id "
                 "GROUP BY T2.name HAVING count(*) > 1 ORDER BY count(*) DESC, T2.name"),
    ("concert", "SELECT name FROM singer WHERE singer_id NOT IN (SELECT singer_id FROM singer_in_concert)"),
    ("concert", "SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
                "JOIN concert AS T3 ON T2.concert_id = T3.concert_id WHERE T3.year = 2014"),
    ("concert", "SELECT country, count(*) FROM singer GROUP BY country"),
]
ENGINES = ["postgres", "duckdb", "mysql"]
WRITES = ["DELETE FROM book", "UPDATE book SET price = 0", "DROP TABLE book", "CREATE TABLE pwned (a INT)",
          "INSERT INTO book (book_id, title) VALUES (999, 'x')"]


@pytest.fixture(scope="module")
def postgres_url():
    """A PostgreSQL cluster in a temporary folder (`graphsql.data.tempdb`), stopped at the end."""
    from graphsql.data.tempdb import postgres_bindir, temporary_postgres

    if postgres_bindir() is None:
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    pytest.importorskip("psycopg")
    with temporary_postgres() as url:
        yield url


@pytest.fixture(scope="module")
def sqlite_dbs(tmp_path_factory):
    from graphsql.quickstart import build_demo_database
    from tests.conftest import build_concert_db

    root = tmp_path_factory.mktemp("sqlite")
    return {"bookshop": build_demo_database(root / "bookshop.sqlite"),
            "concert": build_concert_db(root / "concert.sqlite")}


@pytest.fixture(scope="module")
def mysql_url():
    """A MariaDB server in a temporary folder (`graphsql.data.tempdb`), stopped at the end; its databases are
    MySQL's to GraphSQL (mysql://)."""
    from graphsql.data.tempdb import mariadb_programs, temporary_mariadb

    if mariadb_programs() is None:
        yield None  # the MySQL cases skip; .ci/run installs mariadb-server
        return
    pytest.importorskip("pymysql")
    with temporary_mariadb() as url:
        yield url


@pytest.fixture(scope="module")
def engines(postgres_url, mysql_url, sqlite_dbs, tmp_path_factory):
    """Each database in PostgreSQL (bookshop in `public`, concert in its own schema `concert` of the same
    database), in DuckDB (a file each) and in MariaDB (a database each)."""
    from graphsql.data.tempdb import create_database

    pytest.importorskip("duckdb_engine")
    copy_sqlite_database(sqlite_dbs["bookshop"], postgres_url)
    copy_sqlite_database(sqlite_dbs["concert"], postgres_url, schema="concert")
    folder = tmp_path_factory.mktemp("duckdb")
    duck = {name: copy_sqlite_database(path, f"duckdb:///{folder / name}.duckdb").label
            for name, path in sqlite_dbs.items()}
    out = {"postgres": {"bookshop": postgres_url, "concert": postgres_url}, "duckdb": duck}
    if mysql_url is not None:
        out["mysql"] = {}
        for name, path in sqlite_dbs.items():
            url = create_database(mysql_url, name)
            copy_sqlite_database(path, url)
            out["mysql"][name] = url
    return out


def _need(engines, engine: str) -> dict:
    if engine not in engines:
        pytest.skip(f"{engine}: its server is not installed here (Debian: apt-get install mariadb-server)")
    return engines[engine]


def _sql_for(engine: str, db: str, sql: str) -> str:
    """The concert tables live in schema `concert` of the PostgreSQL database: the model sees them so named."""
    if engine == "postgres" and db == "concert":
        for table in ("singer_in_concert", "singer", "concert"):
            sql = sql.replace(f"FROM {table} ", f"FROM concert.{table} ").replace(f"JOIN {table} ",
                                                                                   f"JOIN concert.{table} ")
        sql = sql.replace("FROM singer_in_concert)", "FROM concert.singer_in_concert)")
    return sql


@pytest.mark.parametrize("engine", ENGINES)
def test_questions_give_the_sqlite_results(engines, sqlite_dbs, engine):
    _need(engines, engine)
    for db_name, sql in QUESTIONS:
        handle, schema = read_database(engines[engine][db_name])
        written = _sql_for(engine, db_name, sql)
        pred = predict(f"question: {sql}", handle, ScriptedGenerator(default=[written]),
                       infer_config=InferConfig(adapter=None), schema=schema)
        expected = execute_sql(sqlite_dbs[db_name], sql)
        assert expected.ok and expected.rows, sql
        assert pred.ok, f"{engine}: {pred.result.error if pred.result else 'parse error'} ({written})"
        assert pred.result.ran_sql, "the statement as run in the engine's dialect is kept"
        assert results_match(expected.rows, pred.result.rows, ordered="ORDER BY" in sql), (engine, sql)


def test_postgres_schema_reads_every_schema_and_its_keys(engines):
    db, schema = read_database(engines["postgres"]["concert"])
    names = {t.name for t in schema.tables}
    assert {"book", "publisher", "concert.singer", "concert.singer_in_concert"} <= names
    fks = {(fk.table, fk.column, fk.ref_table) for fk in schema.foreign_keys}
    assert ("concert.singer_in_concert", "singer_id", "concert.singer") in fks
    assert ("book", "publisher_id", "publisher") in fks
    book = next(t for t in schema.tables if t.name == "book")
    assert [c.name for c in book.primary_keys] == ["book_id"] and book.columns[1].sample_values


@pytest.mark.parametrize("engine", ENGINES)
def test_the_value_index_of_an_engine_is_the_sqlite_files(engines, sqlite_dbs, engine):
    """The values `ask` links question words to, read by bounded queries on the engine: those of the SQLite copy
    (a text column whose values all read as numbers is copied as a number column, and has none)."""
    from graphsql.inference.predict import DatabaseCache
    from graphsql.schema.values import build_value_index, engine_value_index

    for name in ("bookshop", "concert"):
        db = EngineDatabase(_need(engines, engine)[name])
        got = engine_value_index(db)
        want = build_value_index(sqlite_dbs[name], use_cache=False)
        prefix = "concert." if engine == "postgres" and name == "concert" else ""
        # PostgreSQL holds both in one database: bookshop in `public`, concert in schema `concert`
        got_by = {(t.removeprefix(prefix).lower(), c.lower()): v for (t, c), v in zip(got.columns, got.values)
                  if engine != "postgres" or ("." in t) == (name == "concert")}
        want_by = {(t.lower(), c.lower()): v for (t, c), v in zip(want.columns, want.values)}
        assert got_by and set(got_by) <= set(want_by), (engine, name, sorted(set(got_by) - set(want_by)))
        assert all(got_by[k] == want_by[k] for k in got_by), engine
        missing = {k for k in want_by if k not in got_by}
        assert all(all(v.replace(".", "").isdigit() for v in want_by[k]) for k in missing), (engine, missing)
    graph, index = DatabaseCache().get(EngineDatabase(_need(engines, engine)["bookshop"]))
    assert index is not None and index.num_values > 0


@pytest.mark.parametrize("engine", ENGINES)
def test_writes_are_refused_by_the_engine(engines, engine):
    db = EngineDatabase(_need(engines, engine)["bookshop"])
    before = db.execute("SELECT count(*), sum(price) FROM book").rows
    for sql in WRITES:
        native = db.execute_native(db.to_dialect(sql))   # our parser is not in the way: the engine refuses
        assert not native.ok and native.error_kind == "execution_error", (engine, sql)
        assert not db.execute(sql).ok
    if engine == "postgres":
        assert not db.execute_native("SET TRANSACTION READ WRITE; DELETE FROM book").ok
    assert db.execute("SELECT count(*), sum(price) FROM book").rows == before


@pytest.mark.parametrize("engine", ENGINES)
def test_a_runaway_query_times_out_and_a_fetch_is_bounded(engines, engine):
    db = EngineDatabase(_need(engines, engine)["bookshop"])
    start = time.monotonic()
    runaway = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
               if engine != "mysql" else  # MariaDB stops a recursion after 1,000 rounds: 40^6 rows instead
               "SELECT count(*) FROM book AS a, book AS b, book AS c, book AS d, book AS e, book AS f")
    res = db.execute(runaway, timeout=1.0)
    assert res.error_kind == "timeout" and time.monotonic() - start < 4.0
    cut = db.execute("SELECT * FROM book AS a, book AS b", max_rows=50)
    assert cut.ok and len(cut.rows) == 50 and cut.truncated


def test_untranslatable_sql_fails_in_one_line_naming_the_dialect(engines):
    db = EngineDatabase(engines["duckdb"]["bookshop"])
    res = db.execute("SELECT FROM WHERE (")
    assert not res.ok and res.error.startswith("duckdb: cannot read it as SQLite SQL") and "\n" not in res.error


def test_credentials_are_never_printed(capsys):
    db = EngineDatabase("postgresql://reader:s3cret@127.0.0.1:9/shop")
    assert "s3cret" not in db.label and "s3cret" not in repr(db)
    assert main(["ask", "How many?", "--db", "postgresql://reader:s3cret@127.0.0.1:9/shop"]) == 1
    err = capsys.readouterr().err
    assert "s3cret" not in err and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert main(["ask", "How many?", "--db", "oracle://x@y/z"]) == 1
    assert "unsupported database" in capsys.readouterr().err


def test_ask_and_graph_take_a_url(engines, monkeypatch, capsys):
    import graphsql.cli.answer as answer

    url = engines["duckdb"]["bookshop"]
    monkeypatch.setattr(answer, "load_generator", lambda cfg: ScriptedGenerator(default=["SELECT count(*) FROM book"]))
    assert main(["ask", "How many books?", "--db", url, "--adapter", "none"]) == 0
    out = capsys.readouterr().out
    assert "as run on the database" in out and '"book"' in out and "40" in out
    assert main(["graph", "--db", engines["postgres"]["bookshop"], "--format", "compact"]) == 0
    assert "concert.singer" in capsys.readouterr().out


@pytest.mark.parametrize("engine", ENGINES)
def test_predict_takes_one_database_by_url(engines, sqlite_dbs, engine, monkeypatch, tmp_path, capsys):
    """`predict --db URL`: every question of the file asked of that database (db_id optional), same lines as the
    SQLite file's run, resumable as usual; questions naming two databases are refused in one line."""
    import json

    import graphsql.cli.answer as answer

    _need(engines, engine)
    sqls = [sql for db, sql in QUESTIONS if db == "bookshop"]
    questions = tmp_path / "questions.json"
    questions.write_text(json.dumps([{"question": f"question: {sql}"} for sql in sqls]))
    monkeypatch.setattr(answer, "load_generator", lambda cfg: ScriptedGenerator(
        {f"question: {sql}": [sql] for sql in sqls}))
    lines = {}
    for name, target in (("engine", engines[engine]["bookshop"]), ("sqlite", str(sqlite_dbs["bookshop"]))):
        out = tmp_path / name / "preds.sql"
        assert main(["predict", "--questions", str(questions), "--db", target, "--out", str(out),
                     "--adapter", "none"]) == 0
        lines[name] = out.read_text().splitlines()
        records = [json.loads(r) for r in out.with_suffix(".sql.jsonl").read_text().splitlines()]
        assert all(r["ok"] for r in records), [r.get("error") for r in records]
    assert lines["engine"] == lines["sqlite"] == [" ".join(s.split()) for s in sqls]
    two = tmp_path / "two.json"
    two.write_text(json.dumps([{"db_id": "a", "question": "q"}, {"db_id": "b", "question": "q"}]))
    capsys.readouterr()
    assert main(["predict", "--questions", str(two), "--db", engines[engine]["bookshop"], "--out",
                 str(tmp_path / "x.sql")]) == 1
    assert "name 2 databases" in capsys.readouterr().err


@pytest.mark.parametrize("engine", ENGINES)
def test_the_web_page_serves_a_database_by_url(engines, sqlite_dbs, engine):
    """`serve --db URL`: offered by its URL without the password; schema, table samples, questions and the SQL
    box answer from the engine, with the SQLite run's results."""
    from fastapi.testclient import TestClient

    from graphsql.config import ExperimentConfig
    from graphsql.web.app import create_app

    _need(engines, engine)
    sql = "SELECT count(*) FROM book"
    app = create_app(lambda: ScriptedGenerator(default=[sql]), ExperimentConfig(),
                     databases=[engines[engine]["bookshop"]])
    with TestClient(app) as client:
        (entry,) = client.get("/api/databases").json()
        assert "book" in entry["tables"] and entry["name"] == EngineDatabase(engines[engine]["bookshop"]).label
        assert client.get(f"/api/schema/{entry['id']}").status_code == 200
        sample = client.get(f"/api/schema/{entry['id']}/sample/book").json()
        assert sample["error"] in (None, "") and len(sample["rows"]) == 5
        answer = client.post("/api/ask", json={"db": entry["id"], "question": "How many books?"}).json()
        expected = execute_sql(sqlite_dbs["bookshop"], sql).rows
        assert answer["ok"] and [tuple(r) for r in answer["rows"]] == list(expected)
        ran = client.post("/api/sql", json={"db": entry["id"], "sql": "SELECT title FROM book ORDER BY title"}).json()
        assert ran["ok"] and ran["total_rows"] == 40
        assert client.post("/api/sql", json={"db": entry["id"], "sql": "DELETE FROM book"}).json()["ok"] is False


@pytest.mark.parametrize("engine", ENGINES)
def test_text_keys_are_copied_with_their_keys(postgres_url, mysql_url, tmp_path, engine):
    """A text primary key and a foreign key to it (Spider has them): MySQL keys no TEXT column, so the copy makes
    them sized VARCHARs; every engine keeps both keys (found by the engines' comparison on Spider dev)."""
    import sqlite3

    from graphsql.data.tempdb import create_database

    if engine == "mysql" and mysql_url is None:
        pytest.skip("mysql: its server is not installed here (Debian: apt-get install mariadb-server)")
    path = tmp_path / "codes.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE kind (code TEXT PRIMARY KEY, label TEXT);"
                       "CREATE TABLE item (id INTEGER PRIMARY KEY, code TEXT REFERENCES kind(code), note TEXT);"
                       "INSERT INTO kind VALUES ('A', 'alpha'), ('BB', 'beta');"
                       "INSERT INTO item VALUES (1, 'A', 'x'), (2, 'BB', 'y');")
    conn.commit()
    conn.close()
    server = {"postgres": postgres_url, "mysql": mysql_url}.get(engine)
    url = create_database(server, "codes") if server else f"duckdb:///{tmp_path}/codes.duckdb"
    copy_sqlite_database(path, url)
    _, schema = read_database(url)
    kind = next(t for t in schema.tables if t.name == "kind")
    assert [c.name for c in kind.primary_keys] == ["code"]
    assert [(f.table, f.column, f.ref_table, f.ref_column) for f in schema.foreign_keys] == [("item", "code", "kind",
                                                                                             "code")]
    got = EngineDatabase(url).execute("SELECT T2.label FROM item AS T1 JOIN kind AS T2 ON T1.code = T2.code "
                                      "ORDER BY T1.id")
    assert got.ok and got.rows == (("alpha",), ("beta",))


SQLITE_HABITS = [  # what SQLite accepts and the other engines do not, as Spider's queries use it
    "SELECT count(*) FROM t WHERE year = 2014",                    # a text column of numbers compared to a number
    'SELECT name FROM t WHERE name = "a"',                          # a double-quoted string
    "SELECT name, count(*) FROM t GROUP BY year ORDER BY year",     # a column neither grouped nor aggregated
    'SELECT "name" FROM t WHERE id = 1',                            # a quoted column stays a column
]


@pytest.mark.parametrize("engine", ENGINES)
def test_sqlite_habits_are_translated(postgres_url, mysql_url, tmp_path, engine):
    import sqlite3

    from graphsql.data.tempdb import create_database

    path = tmp_path / "habits.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE t (id INTEGER PRIMARY KEY, year TEXT, name TEXT);"
                       "INSERT INTO t VALUES (1, '2014', 'a'), (2, '2015', 'b'), (3, '2014', 'a');")
    conn.commit()
    conn.close()
    if engine == "mysql" and mysql_url is None:
        pytest.skip("mysql: its server is not installed here (Debian: apt-get install mariadb-server)")
    server = {"postgres": postgres_url, "mysql": mysql_url}.get(engine)
    url = create_database(server, "habits") if server else f"duckdb:///{tmp_path}/h.duckdb"
    db = copy_sqlite_database(path, url)
    db = EngineDatabase(url)
    for sql in SQLITE_HABITS:
        expected, got = execute_sql(path, sql), db.execute(sql)
        assert got.ok, (engine, sql, got.ran_sql, got.error)
        assert results_match(expected.rows, got.rows, ordered=True), (engine, sql, got.ran_sql)
    assert "MIN(" in db.to_dialect(SQLITE_HABITS[2]) and "'a'" in db.to_dialect(SQLITE_HABITS[1])
