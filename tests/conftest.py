"""Shared fixtures: small SQLite databases and a mini Spider folder, all built by our own code.

`mini_spider` is a Spider-format folder (tables.json, dev.json, dev_gold.sql, database/<db>/<db>.sqlite)
over two toy databases: the bookshop demo and a concert database.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads OpenMP (see graphsql/__init__.py)

import pytest

from graphsql.config import data_root
from graphsql.data.spider import tables_json_entry
from graphsql.quickstart import DEMO_DB_ID, DEMO_QUESTIONS, build_demo_database

CONCERT_SQL = """
CREATE TABLE stadium (stadium_id INTEGER PRIMARY KEY, name TEXT, capacity INTEGER, city TEXT);
CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER);
CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, concert_name TEXT, year INTEGER,
                      stadium_id INTEGER REFERENCES stadium(stadium_id));
CREATE TABLE singer_in_concert (concert_id INTEGER REFERENCES concert(concert_id),
                                singer_id INTEGER REFERENCES singer(singer_id),
                                PRIMARY KEY (concert_id, singer_id));
INSERT INTO stadium VALUES (1, 'Hampden Park', 52000, 'Glasgow'), (2, 'Wembley', 90000, 'London'),
                           (3, 'Stade de France', 80000, 'Paris');
INSERT INTO singer VALUES (1, 'Joe Sharp', 'Netherlands', 52), (2, 'Timbaland', 'United States', 32),
                          (3, 'Justin Brown', 'France', 29), (4, 'Rose White', 'France', 41),
                          (5, 'John Nizinik', 'France', 43), (6, 'Tribal King', 'France', 25);
INSERT INTO concert VALUES (1, 'Auditions', 2014, 1), (2, 'Super bootcamp', 2014, 2), (3, 'Home Visits', 2015, 2),
                           (4, 'Week 1', 2014, 3), (5, 'Week 2', 2015, 3);
INSERT INTO singer_in_concert VALUES (1, 2), (1, 3), (1, 5), (2, 3), (2, 6), (3, 5), (4, 4), (5, 6), (5, 3);
"""

CONCERT_QUESTIONS = (
    ("How many singers do we have?", "SELECT count(*) FROM singer"),
    ("What is the average age of singers from France?", "SELECT avg(age) FROM singer WHERE country = 'France'"),
    ("List singer names ordered by age, oldest first.", "SELECT name FROM singer ORDER BY age DESC"),
    ("How many concerts were held in each year?", "SELECT year, count(*) FROM concert GROUP BY year"),
    ("Which stadium hosted the most concerts?",
     "SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id "
     "GROUP BY T1.stadium_id ORDER BY count(*) DESC LIMIT 1"),
    ("Names of singers who performed in 2014.",
     "SELECT DISTINCT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
     "JOIN concert AS T3 ON T2.concert_id = T3.concert_id WHERE T3.year = 2014"),
    ("Which singers performed in a concert in Paris?",
     "SELECT DISTINCT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
     "JOIN concert AS T3 ON T2.concert_id = T3.concert_id JOIN stadium AS T4 ON T3.stadium_id = T4.stadium_id "
     "WHERE T4.city = 'Paris'"),
    ("Names of singers who never performed.",
     "SELECT name FROM singer WHERE singer_id NOT IN (SELECT singer_id FROM singer_in_concert)"),
    ("What is the largest stadium capacity?", "SELECT max(capacity) FROM stadium"),
    ("List the names of stadiums in London or Paris.",
     "SELECT name FROM stadium WHERE city = 'London' OR city = 'Paris'"),
    ("How many singers are older than 40?", "SELECT count(*) FROM singer WHERE age > 40"),
    ("Show concert names and their stadium names.",
     "SELECT T1.concert_name, T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id"),
)


def build_concert_db(path: Path) -> Path:
    """The concert toy database (4 tables, declared FKs, a many-to-many link table)."""
    conn = sqlite3.connect(path)
    conn.executescript(CONCERT_SQL)
    conn.commit()
    conn.close()
    return path


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Tests never read or write the user's ~/.cache/graphsql."""
    mp = pytest.MonkeyPatch()
    mp.setenv("GRAPHSQL_CACHE", str(tmp_path_factory.mktemp("cache")))
    yield
    mp.undo()


@pytest.fixture(autouse=True, scope="session")
def _no_shipped_adapter(tmp_path_factory):
    """Tests see the bare default model whether or not models/ holds a trained adapter (test_shipped_models
    checks the shipped one itself)."""
    import graphsql.config

    mp = pytest.MonkeyPatch()
    mp.setattr(graphsql.config, "DEFAULT_ADAPTER", tmp_path_factory.mktemp("no-adapter") / "none")
    yield
    mp.undo()


@pytest.fixture(autouse=True, scope="session")
def _no_default_demo_pool(tmp_path_factory):
    """Tests see no benchmark copy for `ask`'s default demonstrations (Spider train), as on a machine without the
    data: an empty answer stays zero-shot unless a test passes a pool or points `graphsql.demos.select.data_root`
    at one (test_predict does)."""
    import graphsql.demos.select

    empty = tmp_path_factory.mktemp("no-benchmark-data")
    mp = pytest.MonkeyPatch()
    mp.setattr(graphsql.demos.select, "data_root", lambda: empty)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def concert_db(tmp_path_factory) -> Path:
    return build_concert_db(tmp_path_factory.mktemp("concert") / "concert.sqlite")


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    return build_demo_database(tmp_path_factory.mktemp("demo") / f"{DEMO_DB_ID}.sqlite")


@pytest.fixture(scope="session")
def mini_spider(tmp_path_factory) -> Path:
    """A Spider-format folder with 20 questions over two databases (bookshop and concert)."""
    root = tmp_path_factory.mktemp("mini_spider")
    concert = build_concert_db(_db_file(root, "concert"))
    bookshop = build_demo_database(_db_file(root, DEMO_DB_ID))
    (root / "tables.json").write_text(json.dumps([tables_json_entry(concert, "concert"),
                                                   tables_json_entry(bookshop, DEMO_DB_ID)]))
    items = [("concert", q, s) for q, s in CONCERT_QUESTIONS] + [(DEMO_DB_ID, q, s) for q, s in DEMO_QUESTIONS]
    (root / "dev.json").write_text(json.dumps([{"db_id": d, "question": q, "query": s} for d, q, s in items]))
    (root / "dev_gold.sql").write_text("".join(f"{s}\t{d}\n" for d, _q, s in items))
    return root


def _db_file(root: Path, db_id: str) -> Path:
    folder = root / "database" / db_id
    folder.mkdir(parents=True)
    return folder / f"{db_id}.sqlite"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real benchmark data folder; tests that use it skip when it is absent."""
    root = data_root()
    if not (root / "spider" / "dev.json").exists():
        pytest.skip(f"benchmark data not found at {root}")
    return root


BIRD_ITEMS = (
    ("How many singers are from France?", "France refers to country = 'France'",
     "SELECT COUNT(*) FROM singer WHERE country = 'France'", "simple"),
    ("List the countries of singers older than 30.", "older than 30 refers to age > 30",
     "SELECT country FROM singer WHERE age > 30", "moderate"),
    ("Name the singers who performed in the Wembley stadium.", "",
     "SELECT DISTINCT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
     "JOIN concert AS T3 ON T2.concert_id = T3.concert_id JOIN stadium AS T4 ON T3.stadium_id = T4.stadium_id "
     "WHERE T4.name = 'Wembley'", "challenging"),
)


@pytest.fixture(scope="session")
def mini_bird(tmp_path_factory) -> Path:
    """A BIRD-format folder: dev.json (with evidence, difficulty), dev_tables.json, dev_databases/<db>/<db>.sqlite
    and database_description/<table>.csv, over the concert toy database."""
    root = tmp_path_factory.mktemp("mini_bird")
    folder = root / "dev_databases" / "concert"
    (folder / "database_description").mkdir(parents=True)
    db = build_concert_db(folder / "concert.sqlite")
    (root / "dev_tables.json").write_text(json.dumps([tables_json_entry(db, "concert")]))
    (folder / "database_description" / "singer.csv").write_text(
        "original_column_name,column_name,column_description,data_format,value_description\n"
        "singer_id,,the id of the singer,integer,\n"
        "country,nation,the country the singer comes from,text,\"e.g. France, Netherlands\"\n",
        encoding="utf-8")
    items = [{"question_id": i, "db_id": "concert", "question": q, "evidence": e, "SQL": s, "difficulty": d}
             for i, (q, e, s, d) in enumerate(BIRD_ITEMS)]
    (root / "dev.json").write_text(json.dumps(items))
    return root


@pytest.fixture(scope="session")
def mini_geo(tmp_path_factory) -> Path:
    """A GeoQuery-format folder (geography_flat.json, geography.sqlite) over the concert toy database: the 12
    concert questions, query split 8 train / 2 dev / 2 test, question split the other way round."""
    root = tmp_path_factory.mktemp("mini_geo")
    build_concert_db(root / "geography.sqlite")
    query_splits = ["train"] * 8 + ["dev"] * 2 + ["test"] * 2
    items = [{"db_id": "geography", "question": q, "query": s, "query_split": qs,
              "question_split": "test" if qs == "train" else "train", "gold_executes": True}
             for (q, s), qs in zip(CONCERT_QUESTIONS, query_splits, strict=True)]
    (root / "geography_flat.json").write_text(json.dumps(items))
    return root
