"""A small, realistic multi-table SQLite database built by our own code, with questions about it.

    >>> from graphsql.quickstart import build_demo_database
    >>> path = build_demo_database("/tmp/bookshop.sqlite")

A bookshop: authors, books, the authors of each book (many-to-many), publishers, customers, orders and their
lines, stores. Declared foreign keys, deterministic data (seeded), so answers never change.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

DEMO_DB_ID = "bookshop"

DEMO_SCHEMA = """
CREATE TABLE publisher (
  publisher_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  country TEXT NOT NULL
);
CREATE TABLE author (
  author_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  birth_year INTEGER,
  nationality TEXT
);
CREATE TABLE book (
  book_id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  genre TEXT NOT NULL,
  price REAL NOT NULL,
  pages INTEGER,
  published_year INTEGER,
  publisher_id INTEGER REFERENCES publisher(publisher_id)
);
CREATE TABLE book_author (
  book_id INTEGER REFERENCES book(book_id),
  author_id INTEGER REFERENCES author(author_id),
  PRIMARY KEY (book_id, author_id)
);
CREATE TABLE store (
  store_id INTEGER PRIMARY KEY,
  city TEXT NOT NULL,
  opened_year INTEGER
);
CREATE TABLE customer (
  customer_id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  city TEXT,
  joined_year INTEGER
);
CREATE TABLE purchase (
  purchase_id INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customer(customer_id),
  store_id INTEGER REFERENCES store(store_id),
  purchase_date TEXT NOT NULL
);
CREATE TABLE purchase_item (
  purchase_id INTEGER REFERENCES purchase(purchase_id),
  book_id INTEGER REFERENCES book(book_id),
  quantity INTEGER NOT NULL,
  PRIMARY KEY (purchase_id, book_id)
);
"""

_PUBLISHERS = [("Penguin", "United Kingdom"), ("Gallimard", "France"), ("Suhrkamp", "Germany"),
               ("Anagrama", "Spain"), ("Knopf", "United States")]
_AUTHORS = [("Jane Austen", 1775, "British"), ("Albert Camus", 1913, "French"), ("Toni Morrison", 1931, "American"),
            ("Gabriel Garcia Marquez", 1927, "Colombian"), ("Hermann Hesse", 1877, "German"),
            ("Haruki Murakami", 1949, "Japanese"), ("Chimamanda Ngozi Adichie", 1977, "Nigerian"),
            ("Virginia Woolf", 1882, "British"), ("Italo Calvino", 1923, "Italian"), ("Ursula K. Le Guin", 1929, "American"),
            ("Terry Pratchett", 1948, "British"), ("Neil Gaiman", 1960, "British")]
_GENRES = ["novel", "science fiction", "fantasy", "poetry", "history", "philosophy"]
_WORDS = ["Silent", "River", "Night", "Garden", "Stranger", "Glass", "Memory", "Winter", "City", "Mountain",
          "Letters", "Shadow", "Harvest", "Ocean", "Lantern", "Crossing", "Island", "Season", "Bridge", "Orchard"]
_CITIES = ["London", "Paris", "Berlin", "Madrid", "New York", "Lisbon", "Dublin", "Rome"]
_FIRST = ["Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Liam",
          "Maya", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tara"]
_LAST = ["Smith", "Martin", "Muller", "Garcia", "Rossi", "Silva", "Kelly", "Novak", "Sato", "Okafor"]

# Questions a person might ask, with gold SQL; used by the demo and the smoke evaluation.
DEMO_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("How many books are there?", "SELECT count(*) FROM book"),
    ("List the titles of books that cost more than 20.", "SELECT title FROM book WHERE price > 20"),
    ("Which genre has the most books?",
     "SELECT genre FROM book GROUP BY genre ORDER BY count(*) DESC LIMIT 1"),
    ("What are the titles of the books written by Albert Camus?",
     "SELECT T1.title FROM book AS T1 JOIN book_author AS T2 ON T1.book_id = T2.book_id "
     "JOIN author AS T3 ON T2.author_id = T3.author_id WHERE T3.name = 'Albert Camus'"),
    ("How many books did each publisher publish? Give the publisher name and the count.",
     "SELECT T2.name, count(*) FROM book AS T1 JOIN publisher AS T2 ON T1.publisher_id = T2.publisher_id "
     "GROUP BY T2.name"),
    ("Which customers bought a book in the Paris store?",
     "SELECT DISTINCT T1.name FROM customer AS T1 JOIN purchase AS T2 ON T1.customer_id = T2.customer_id "
     "JOIN store AS T3 ON T2.store_id = T3.store_id WHERE T3.city = 'Paris'"),
    ("What is the total number of copies sold of books by British authors?",
     "SELECT sum(T1.quantity) FROM purchase_item AS T1 JOIN book_author AS T2 ON T1.book_id = T2.book_id "
     "JOIN author AS T3 ON T2.author_id = T3.author_id WHERE T3.nationality = 'British'"),
    ("Which city's store sold the most copies?",
     "SELECT T3.city FROM purchase_item AS T1 JOIN purchase AS T2 ON T1.purchase_id = T2.purchase_id "
     "JOIN store AS T3 ON T2.store_id = T3.store_id GROUP BY T3.city ORDER BY sum(T1.quantity) DESC LIMIT 1"),
)


def build_demo_database(path: str | Path, seed: int = 7, overwrite: bool = False) -> Path:
    """Create the bookshop database at ``path`` and return the path. Same seed, same bytes of data.

    Refuses to overwrite an existing file unless ``overwrite`` is set (it is then replaced atomically)."""
    path = Path(path)
    if path.exists() and not overwrite:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.unlink(missing_ok=True)
    rng = random.Random(seed)
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript(DEMO_SCHEMA)
        conn.executemany("INSERT INTO publisher VALUES (?, ?, ?)",
                         [(i + 1, n, c) for i, (n, c) in enumerate(_PUBLISHERS)])
        conn.executemany("INSERT INTO author VALUES (?, ?, ?, ?)",
                         [(i + 1, n, y, nat) for i, (n, y, nat) in enumerate(_AUTHORS)])
        books, titles = [], set()
        while len(books) < 40:
            title = f"The {rng.choice(_WORDS)} {rng.choice(_WORDS)}"
            if title in titles or title.split()[1] == title.split()[2]:
                continue
            titles.add(title)
            books.append((len(books) + 1, title, rng.choice(_GENRES), round(rng.uniform(6, 35), 2),
                          rng.randint(90, 900), rng.randint(1950, 2024), rng.randint(1, len(_PUBLISHERS))))
        conn.executemany("INSERT INTO book VALUES (?, ?, ?, ?, ?, ?, ?)", books)
        links = set()
        for book_id, *_ in books:
            for author_id in rng.sample(range(1, len(_AUTHORS) + 1), k=1 if rng.random() < 0.85 else 2):
                links.add((book_id, author_id))
        conn.executemany("INSERT INTO book_author VALUES (?, ?)", sorted(links))
        conn.executemany("INSERT INTO store VALUES (?, ?, ?)",
                         [(i + 1, c, rng.randint(1990, 2020)) for i, c in enumerate(_CITIES[:5])])
        customers = [(i + 1, f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", rng.choice(_CITIES), rng.randint(2010, 2024))
                     for i in range(30)]
        conn.executemany("INSERT INTO customer VALUES (?, ?, ?, ?)", customers)
        purchases, items = [], []
        for pid in range(1, 121):
            purchases.append((pid, rng.randint(1, 30), rng.randint(1, 5),
                              f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))
            for book_id in rng.sample(range(1, 41), k=rng.randint(1, 3)):
                items.append((pid, book_id, rng.randint(1, 4)))
        conn.executemany("INSERT INTO purchase VALUES (?, ?, ?, ?)", purchases)
        conn.executemany("INSERT INTO purchase_item VALUES (?, ?, ?)", items)
        conn.commit()
    finally:
        conn.close()
    tmp.replace(path)
    return path


def run_demo(out_dir: str | Path, generator, prompt_config=None, infer_config=None, on_answer=None) -> list[dict]:
    """Build the demo database in ``out_dir``, draw its schema graph (``bookshop_graph.png``) and ask every
    demo question with ``generator``; each answer is checked against the gold query's result.

    Returns one record per question (question, pred_sql, ok, correct, rows, seconds); ``on_answer`` is called
    with each record and its `Prediction` as they come."""
    from graphsql.data.sqlite import read_sqlite_schema
    from graphsql.eval.execute import execute_sql, results_match
    from graphsql.inference.predict import DatabaseCache, predict
    from graphsql.schema.draw import draw_schema_graph
    from graphsql.schema.graph import build_schema_graph

    out_dir = Path(out_dir)
    db = build_demo_database(out_dir / f"{DEMO_DB_ID}.sqlite")
    draw_schema_graph(build_schema_graph(read_sqlite_schema(db)), out_dir / f"{DEMO_DB_ID}_graph.png")
    cache = DatabaseCache()
    records = []
    for question, gold_sql in DEMO_QUESTIONS:
        pred = predict(question, db, generator, prompt_config, infer_config, cache=cache)
        gold = execute_sql(db, gold_sql)
        ordered = "order by" in gold_sql.lower() and "limit 1" not in gold_sql.lower()
        correct = bool(pred.ok and pred.result is not None and results_match(gold.rows, pred.result.rows, ordered))
        rec = {"question": question, "pred_sql": pred.pred_sql, "ok": pred.ok, "correct": correct,
               "rows": [list(r) for r in (pred.result.rows if pred.ok and pred.result else ())][:10],
               "seconds": round(pred.seconds, 2)}
        records.append(rec)
        if on_answer is not None:
            on_answer(rec, pred)
    return records
