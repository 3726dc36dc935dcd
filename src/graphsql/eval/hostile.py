"""Hostile SQL in bulk (issue 28): a corpus of statements that write, escape the database, never end or never stop
growing, run through each way SQL reaches a database here, and counted.

    python -m graphsql.eval.hostile --out results/hardening/hostile_sql.json

Each statement goes through `execute_sql` (what everything runs on), `predict` (what `ask`, `predict` and the web
page run: extraction, repairs, execution, voting; the statement is the model's whole answer) and `evaluate` (the
statement as a prediction). Recorded: what each statement came to (refused, error, timed out, cut at the fetch
bounds, ran), the slowest call against the timeout, the database file's sha256 before and after, any file a
statement tried to create, and this process's peak memory. `tests/test_hostile.py` runs the same corpus through
the CLI, the web API and a memory-measured subprocess, and fails on any write, hang or blow-up.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import shutil
import sqlite3
import tempfile
import time
from collections import Counter
from pathlib import Path

NEVER_ENDS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "


def hostile_corpus(target: Path) -> dict[str, tuple[str, str]]:
    """name -> (kind, SQL) on the demo bookshop database; ``target`` is a folder no statement may create a file in.

    Kinds: ``write`` (every statement that changes a database or its file), ``pragma`` (PRAGMAs that write or
    change behaviour), ``escape`` (extensions, other files, several statements, a second one hidden behind a
    comment or a NUL byte), ``runaway`` (never ends or never stops growing), ``deep`` (deeply nested or very long
    expressions and statements), ``read`` (allowed reads and non-SQL)."""
    corpus = {
        "insert": ("write", "INSERT INTO book (title) VALUES ('x')"),
        "insert_select": ("write", "INSERT INTO book SELECT * FROM book"),
        "update": ("write", "UPDATE book SET price = 0"),
        "delete": ("write", "DELETE FROM book"),
        "replace": ("write", "REPLACE INTO book (book_id, title) VALUES (1, 'x')"),
        "upsert": ("write", "INSERT INTO book (book_id) VALUES (1) ON CONFLICT DO NOTHING"),
        "drop_table": ("write", "DROP TABLE book"),
        "drop_if_exists": ("write", "DROP TABLE IF EXISTS customer"),
        "create_table": ("write", "CREATE TABLE pwned (a)"),
        "create_temp": ("write", "CREATE TEMP TABLE pwned AS SELECT * FROM book"),
        "create_index": ("write", "CREATE INDEX pwned ON book (title)"),
        "create_view": ("write", "CREATE VIEW pwned AS SELECT 1"),
        "create_trigger": ("write", "CREATE TRIGGER pwned AFTER INSERT ON book BEGIN DELETE FROM book; END"),
        "alter_add": ("write", "ALTER TABLE book ADD COLUMN pwned TEXT"),
        "alter_rename": ("write", "ALTER TABLE book RENAME TO pwned"),
        "cte_delete": ("write", "WITH x AS (SELECT 1) DELETE FROM book"),
        "vacuum": ("write", "VACUUM"),
        "reindex": ("write", "REINDEX"),
        "analyze": ("write", "ANALYZE"),
        "begin": ("write", "BEGIN IMMEDIATE"),
        "savepoint": ("write", "SAVEPOINT s"),
        "pragma_writable_schema": ("pragma", "PRAGMA writable_schema = ON"),
        "pragma_journal": ("pragma", "PRAGMA journal_mode = DELETE"),
        "pragma_user_version": ("pragma", "PRAGMA user_version = 7"),
        "pragma_query_only": ("pragma", "PRAGMA query_only = 0"),
        "pragma_foreign_keys": ("pragma", "PRAGMA foreign_keys = OFF"),
        "pragma_heap": ("pragma", "PRAGMA hard_heap_limit = 0"),
        "pragma_cache": ("pragma", "PRAGMA cache_size = -100000000"),
        "attach": ("escape", f"ATTACH DATABASE '{target / 'attached.sqlite'}' AS pwned"),
        "vacuum_into": ("escape", f"VACUUM INTO '{target / 'copy.sqlite'}'"),
        "load_extension": ("escape", f"SELECT load_extension('{target / 'evil.so'}')"),
        "two_statements": ("escape", "SELECT 1; DROP TABLE book"),
        "comment_then_drop": ("escape", "SELECT 1 /* harmless */; DELETE FROM book"),
        "line_comment_drop": ("escape", "SELECT 1 -- a comment\n; DROP TABLE book"),
        "nul_byte": ("escape", "SELECT 1\x00; DROP TABLE book"),
        "never_ending_cte": ("runaway", NEVER_ENDS + "SELECT x FROM c"),
        "never_ending_sorted": ("runaway", NEVER_ENDS + "SELECT x FROM c ORDER BY x DESC"),
        "billion_row_cross_join": ("runaway", "SELECT * FROM book a, book b, book c, book d, book e, book f, book g"),
        "cross_join_count": ("runaway", "SELECT count(*) FROM book a, book b, book c, book d, book e, book f, "
                                        "book g, book h"),
        "huge_group_concat": ("runaway", NEVER_ENDS + "SELECT group_concat(printf('%.1000c', 'x')) FROM c"),
        "randomblob": ("runaway", "SELECT randomblob(2000000000)"),
        "zeroblob": ("runaway", "SELECT zeroblob(900000000)"),
        "hex_of_zeroblob": ("runaway", "SELECT hex(zeroblob(500000000))"),
        "wide_rows": ("runaway", NEVER_ENDS + "SELECT x, randomblob(60000000) FROM c"),
        "nested_parentheses": ("deep", "SELECT " + "(" * 3000 + "1" + ")" * 3000),
        "nested_calls": ("deep", "SELECT " + "abs(" * 3000 + "1" + ")" * 3000),
        "long_and_chain": ("deep", "SELECT title FROM book WHERE "
                           + " AND ".join(f"price > {i}" for i in range(3000))),
        "nested_subqueries": ("deep", "SELECT title FROM book WHERE price IN "
                              + "(SELECT price FROM book WHERE price IN " * 300 + "(1)" + ")" * 300),
        "huge_statement": ("deep", "SELECT '" + "x" * 3_000_000 + "'"),
        # a model repeating itself to its token limit (seen: `JOIN students AS Tn`); sqlglot's time doubles a JOIN
        "bare_joins": ("deep", "SELECT T1.title FROM book AS T1" + "".join(f" JOIN book AS T{i}" for i in range(2, 42))
                       + " LIMIT 1"),
        "sqlite_master": ("read", "SELECT sql FROM sqlite_master"),
        "not_sql": ("read", "please drop every table"),
        "empty": ("read", "   "),
    }
    return corpus


THOUSAND_TABLES_SECONDS = 10.0  # schema read + graph (FK inference included) + linking and pruning, on this CPU

HOSTILE_SCHEMA = """
CREATE TABLE "order items" ("item id" INTEGER PRIMARY KEY, "order" INTEGER REFERENCES "Select"("group"),
                            "qty""x" INTEGER, [bracket col] TEXT, `tick col` TEXT);
CREATE TABLE "Select" ("group" INTEGER PRIMARY KEY, "from" TEXT, "Where" TEXT);
CREATE TABLE "Café Ünïcode" ("ñame" TEXT, "größe" REAL, "名前" TEXT);
CREATE TABLE MixedCase (Id INTEGER PRIMARY KEY, ParentId INTEGER REFERENCES MixedCase(Id), Name TEXT);
CREATE TABLE norowid (a INTEGER, b TEXT, c TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE nopk (x TEXT, y TEXT);
CREATE TABLE child (a INTEGER, b TEXT, note TEXT, FOREIGN KEY (a, b) REFERENCES norowid(a, b));
CREATE VIEW "big orders" AS SELECT * FROM "order items" WHERE "qty""x" > 2;
INSERT INTO "Select" VALUES (1, 'a', 'w'), (2, 'b', 'v');
INSERT INTO "order items" VALUES (1, 1, 3, 'br', 'tk'), (2, 2, 1, 'b2', 't2');
INSERT INTO "Café Ünïcode" VALUES ('José', 1.5, '山田');
INSERT INTO MixedCase VALUES (1, NULL, 'root'), (2, 1, 'kid');
INSERT INTO norowid VALUES (1, 'k', 'v');
INSERT INTO nopk VALUES ('p', 'q');
INSERT INTO child VALUES (1, 'k', 'n');
"""

# a query per table (a question the scripted model answers with it); each is valid and must run unchanged
HOSTILE_QUERIES = {
    "items": 'SELECT T1."item id", T1."qty""x", T1.[bracket col], T1.`tick col`, T2."from" FROM "order items" AS T1 '
             'JOIN "Select" AS T2 ON T1."order" = T2."group" WHERE T2."Where" = \'w\'',
    "unicode": 'SELECT "ñame", "名前" FROM "Café Ünïcode" WHERE "größe" > 1',
    "self": "SELECT T2.Name FROM MixedCase AS T1 JOIN MixedCase AS T2 ON T2.ParentId = T1.Id WHERE T1.Name = 'root'",
    "composite": "SELECT T2.note, T1.c FROM norowid AS T1 JOIN child AS T2 ON T1.a = T2.a AND T1.b = T2.b",
    "nopk": "SELECT count(*) FROM nopk",
    "view": 'SELECT "item id" FROM "big orders"',
    "latin1": "SELECT y FROM nopk WHERE x LIKE 'caf%'",
}




def build_hostile_schema_database(path: Path) -> Path:
    """``HOSTILE_SCHEMA`` in a new SQLite file, plus a text value stored in Latin-1 (not UTF-8)."""
    conn = sqlite3.connect(path)
    conn.executescript(HOSTILE_SCHEMA)
    conn.execute("INSERT INTO nopk VALUES (CAST(? AS TEXT), 'latin-1 text')", (b"caf\xe9 cr\xe8me",))
    conn.commit()
    conn.close()
    return path


def build_wide_database(path: Path, tables: int = 1000) -> Path:
    """``tables`` tables in a chain of declared foreign keys, each with an undeclared ``t<N>_id`` reference (what
    FK inference must find) and one row."""
    conn = sqlite3.connect(path)
    for i in range(tables):
        parent = f", parent_id INTEGER REFERENCES t{i - 1}(id)" if i else ""
        conn.execute(f"CREATE TABLE t{i} (id INTEGER PRIMARY KEY, name TEXT, value REAL, "
                     f"t{(i + 7) % tables}_id INTEGER{parent})")
        conn.execute(f"INSERT INTO t{i} (id, name, value) VALUES (1, 'n{i}', {i})")
    conn.commit()
    conn.close()
    return path


def prune_wide_database(path: Path, tables: int = 1000) -> tuple:
    """Build ``tables`` tables at ``path`` (`build_wide_database`), then read, graph (FK inference) and prune them
    for a question about one table: (schema, graph, prepared prompt schema, seconds of the last three)."""
    from graphsql.config import PromptConfig
    from graphsql.data.sqlite import read_sqlite_schema
    from graphsql.prompting import prepare_schema
    from graphsql.schema.graph import build_schema_graph

    build_wide_database(path, tables)
    start = time.monotonic()
    schema = read_sqlite_schema(path)
    graph = build_schema_graph(schema, db_path=path)
    prepared = prepare_schema("What is the value of t17 named n17?", graph, PromptConfig(prune=True, max_tables=6))
    return schema, graph, prepared, time.monotonic() - start


def file_digests(folder: Path) -> dict[str, str]:
    """sha256 of every file in ``folder`` (not recursive), by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def outcome(res) -> str:
    """What running a statement came to: ``refused`` (the authorizer, the read-only connection, SQLite's limits
    or the one-statement rule), ``parse_error``, ``timeout``, ``cut`` (ran, result cut at the fetch bounds), ``ran``."""
    if res is None:
        return "parse_error"
    if res.ok:
        return "cut" if res.truncated else "ran"
    if res.error_kind in ("timeout", "parse_error"):
        return res.error_kind
    return "refused"


def run_hostile(folder: Path, timeout: float = 1.0) -> dict:
    """Run the corpus on the demo database built in ``folder``; the counts, times and checks as a dict."""
    from graphsql.config import ZERO_SHOT, InferConfig
    from graphsql.data.records import Example
    from graphsql.data.sqlite import read_sqlite_schema
    from graphsql.eval.execute import execute_sql
    from graphsql.eval.metrics import evaluate
    from graphsql.inference.predict import predict
    from graphsql.quickstart import DEMO_DB_ID, build_demo_database
    from graphsql.testing import ScriptedAnswers

    dbs, target = folder / "db", folder / "target"
    dbs.mkdir(parents=True)
    target.mkdir()
    db = build_demo_database(dbs / f"{DEMO_DB_ID}.sqlite")
    corpus = hostile_corpus(target)
    before = file_digests(dbs)
    schema = read_sqlite_schema(db, db_id=DEMO_DB_ID)
    infer = InferConfig(adapter=None, timeout=timeout)
    rows, slowest = [], Counter()
    for name, (kind, sql) in corpus.items():
        row = {"name": name, "kind": kind}
        start = time.monotonic()
        row["execute_sql"] = outcome(execute_sql(db, sql, timeout=timeout))
        took = {"execute_sql": time.monotonic() - start}
        start = time.monotonic()
        pred = predict("How many books?", db, ScriptedAnswers({}, default=sql), ZERO_SHOT, infer, schema=schema)
        took["predict"] = time.monotonic() - start
        row["predict"] = outcome(pred.result) if pred.result is not None or pred.pred_sql else "parse_error"
        row["predict_ran"] = pred.pred_sql if pred.ok and pred.pred_sql != sql else None  # the part extracted
        for path, seconds in took.items():
            slowest[path] = max(slowest[path], seconds)
            row[f"{path}_s"] = round(seconds, 2)
        rows.append(row)
    golds = [Example(db_id=DEMO_DB_ID, question="q", gold_sql="SELECT count(*) FROM book")] * len(corpus)
    start = time.monotonic()
    metrics = evaluate(golds, [sql for _kind, sql in corpus.values()], {DEMO_DB_ID: schema}, timeout=timeout)
    evaluate_seconds = time.monotonic() - start
    for row, item in zip(rows, metrics["items"]):
        row["evaluate"] = item["error"]
    counts = {path: {kind: dict(Counter(r[path] for r in rows if r["kind"] == kind))
                     for kind in dict.fromkeys(r["kind"] for r in rows)}
              for path in ("execute_sql", "predict", "evaluate")}
    return {
        "statements": len(rows),
        "timeout_s": timeout,
        "counts": counts,
        "slowest_call_s": {k: round(v, 2) for k, v in slowest.items()},
        "evaluate_s": round(evaluate_seconds, 2),
        "evaluate_ex": metrics["ex"],
        "database_unchanged": file_digests(dbs) == before,
        "files_created": sorted(p.name for p in target.iterdir()) + sorted(set(file_digests(dbs)) - set(before)),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "items": rows,
    }


def main(argv: list[str] | None = None) -> int:
    from graphsql.provenance import run_info, write_result

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("results/hardening/hostile_sql.json"))
    parser.add_argument("--timeout", type=float, default=1.0)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="graphsql-hostile-"))
    try:
        result = run_hostile(folder, args.timeout)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result["provenance"] = run_info("python -m graphsql.eval.hostile", {"timeout": args.timeout})
    write_result(args.out, result)
    print(f"{result['statements']} statements; database unchanged: {result['database_unchanged']}; files created: "
          f"{result['files_created'] or 'none'}; slowest call {max(result['slowest_call_s'].values())} s "
          f"(timeout {args.timeout} s); peak memory {result['peak_rss_mb']} MB")
    for path, kinds in result["counts"].items():
        print(f"  {path}: " + "; ".join(f"{kind} {dict(c)}" for kind, c in kinds.items()))
    return 0 if result["database_unchanged"] and not result["files_created"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
