"""Hostile SQL in bulk (issue 28): every statement of `graphsql.eval.hostile`'s corpus goes through each way SQL reaches a
database here (`execute_sql`, `ask`, `predict`, `evaluate` as a prediction, the web API's /api/sql and /api/ask).

Required of each: the database files are byte-identical afterwards and no file appears beside them or where a
statement points (ATTACH, VACUUM INTO), every call returns within its timeout plus a margin, the process
survives, and memory stays bounded (a subprocess evaluating the whole corpus peaks under MEMORY_CAP_MB; before
the fetch bounds one never-ending CTE alone took 3.7 GB).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graphsql.cli import main
from graphsql.config import InferConfig, load_config
from graphsql.data.records import Example
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.eval.execute import execute_sql
from graphsql.eval.hostile import NEVER_ENDS, file_digests, hostile_corpus, run_hostile
from graphsql.eval.metrics import evaluate
from graphsql.inference.predict import predict
from tests.fake_generator import ScriptedGenerator

TIMEOUT = 1.0           # seconds a query may run here
MARGIN = 3.0            # what a call may take beyond it (parsing, repairs, copying up to 64 MiB; a loaded CI box)
MEMORY_CAP_MB = 1024    # peak resident memory of a process evaluating the whole corpus


def _corpus(target: Path) -> dict[str, str]:
    return {name: sql for name, (_kind, sql) in hostile_corpus(target).items()}


# every statement that writes, changes a PRAGMA or reaches outside the database: none may run as written
WRITES = {name for name, (kind, _sql) in hostile_corpus(Path("/nonexistent")).items()
          if kind in ("write", "pragma", "escape")}


@pytest.fixture()
def guarded(demo_db, tmp_path):
    """The demo database in a folder of its own, checked unchanged (and alone) after the test."""
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / demo_db.name
    db.write_bytes(demo_db.read_bytes())
    target = tmp_path / "target"
    target.mkdir()
    before = file_digests(folder)
    yield db, _corpus(target)
    assert file_digests(folder) == before, "a database file changed or a file appeared beside it"
    assert not any(target.iterdir()), f"a statement created {sorted(p.name for p in target.iterdir())}"


def _reads_only(sql: str) -> bool:
    """One SELECT (or WITH ... SELECT) statement, nothing after it."""
    import sqlglot
    from sqlglot import exp

    trees = sqlglot.parse(sql, read="sqlite")
    return len(trees) == 1 and isinstance(trees[0], exp.Query)


def _timed(fn):
    start = time.monotonic()
    out = fn()
    return out, time.monotonic() - start


def test_execute_sql_refuses_every_write_and_bounds_every_read(guarded):
    db, corpus = guarded
    for name, sql in corpus.items():
        res, took = _timed(lambda sql=sql: execute_sql(db, sql, timeout=TIMEOUT))
        assert took < TIMEOUT + MARGIN, f"{name}: {took:.1f} s"
        if name in WRITES:
            assert not res.ok, f"{name} ran"
        if res.ok and name.startswith(("never_ending", "billion", "wide_rows")):
            assert res.truncated, f"{name}: a result beyond the fetch bounds must be marked cut"
    # the connection's own limits survive the PRAGMAs above
    assert execute_sql(db, "SELECT zeroblob(900000000)", timeout=TIMEOUT).error.startswith("string or blob too big")


def test_ask_and_predict_survive_the_corpus(guarded, monkeypatch, capsys):
    import graphsql.cli.answer as answer

    db, corpus = guarded
    schema = read_sqlite_schema(db)
    infer = InferConfig(adapter=None, timeout=TIMEOUT)
    for name, sql in corpus.items():
        pred, took = _timed(lambda sql=sql: predict("How many books?", db, ScriptedGenerator(default=[sql]),
                                            infer_config=infer, schema=schema))
        assert took < TIMEOUT + MARGIN, f"predict {name}: {took:.1f} s"
        if name in WRITES and pred.ok:  # the answer's reading part was extracted (INSERT ... SELECT); it alone ran
            assert _reads_only(pred.pred_sql), f"predict {name} ran {pred.pred_sql!r}"
        monkeypatch.setattr(answer, "load_generator", lambda cfg, sql=sql: ScriptedGenerator(default=[sql]))
        code, took = _timed(lambda: main(["ask", "How many books?", "--db", str(db), "--adapter", "none",
                                          "--timeout", str(TIMEOUT)]))
        assert code in (0, 1) and took < TIMEOUT + MARGIN, f"ask {name}: exit {code}, {took:.1f} s"
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err


def test_evaluate_counts_the_corpus_as_wrong_and_capped_results_as_mismatches(guarded):
    db, corpus = guarded
    schema = read_sqlite_schema(db, db_id="bookshop")
    gold = Example(db_id="bookshop", question="q", gold_sql=NEVER_ENDS + "SELECT x FROM c LIMIT 2000000")
    golds = [Example(db_id="bookshop", question="q", gold_sql="SELECT count(*) FROM book")] * len(corpus)
    metrics, took = _timed(lambda: evaluate(golds, list(corpus.values()), {"bookshop": schema}, timeout=TIMEOUT))
    assert metrics["n"] == len(corpus) and metrics["ex"] == 0.0
    assert took < len(corpus) * (TIMEOUT + MARGIN)
    # a prediction cut at the fetch bounds is never compared (its missing rows are unknown), nor is a cut gold
    capped = NEVER_ENDS + "SELECT x FROM c LIMIT 1500000"
    m = evaluate([gold], [capped], {"bookshop": schema}, timeout=30)
    assert m["items"][0]["error"] == "gold_error" and "fetch bounds" in m["items"][0]["error_message"]
    small = Example(db_id="bookshop", question="q", gold_sql="SELECT 1")
    m = evaluate([small], [capped], {"bookshop": schema}, timeout=30)
    assert m["items"][0]["error"] == "wrong_result" and "cut" in m["items"][0]["error_message"]


def test_evaluating_the_corpus_keeps_memory_bounded(guarded, tmp_path):
    """`graphsql evaluate` on the corpus as predictions, in a subprocess whose peak memory is measured."""
    db, corpus = guarded
    names = list(corpus)
    (tmp_path / "gold.sql").write_text("".join("SELECT count(*) FROM book\tbookshop\n" for _ in names))
    (tmp_path / "pred.jsonl").write_text("".join(json.dumps({"pred_sql": corpus[n]}) + "\n" for n in names))
    tables = [{"db_id": "bookshop", "table_names_original": [], "column_names_original": [[-1, "*"]],
               "column_types": ["text"], "primary_keys": [], "foreign_keys": []}]
    (tmp_path / "tables.json").write_text(json.dumps(tables))
    db_dir = tmp_path / "database" / "bookshop"
    db_dir.mkdir(parents=True)
    (db_dir / "bookshop.sqlite").symlink_to(db)
    cmd = [sys.executable, "-m", "graphsql.cli", "evaluate", "--gold", str(tmp_path / "gold.sql"),
           "--pred", str(tmp_path / "pred.jsonl"), "--db-dir", str(tmp_path / "database"),
           "--tables", str(tmp_path / "tables.json"), "--timeout", str(TIMEOUT), "--out", str(tmp_path / "m.json")]
    probe = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
             "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, timeout=600)
    code, peak_kb = map(int, out.stdout.split()[-2:])
    assert code == 0, out.stderr[-2000:]
    metrics = json.loads((tmp_path / "m.json").read_text())
    assert metrics["n"] == len(names) and metrics["ex"] == 0.0
    errors = {n: item["error"] for n, item in zip(names, metrics["items"])}
    assert errors["never_ending_cte"] in ("timeout", "wrong_result") and errors["randomblob"] == "execution_error"
    assert all(errors[n] in ("parse_error", "execution_error") for n in WRITES)
    assert peak_kb / 1024 < MEMORY_CAP_MB, f"evaluate peaked at {peak_kb / 1024:.0f} MB"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 < 4 * MEMORY_CAP_MB


def test_the_web_api_survives_the_corpus(guarded, tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from graphsql.web.app import create_app

    db, corpus = guarded
    script = {f"question {i}": [sql] for i, sql in enumerate(corpus.values())}
    app = create_app(lambda: ScriptedGenerator(script), load_config(None, {"infer": {"timeout": TIMEOUT}}),
                     databases=[db], upload_dir=tmp_path / "uploads", sql_timeout=TIMEOUT)
    with TestClient(app) as client:
        db_id = client.get("/api/databases").json()[0]["id"]
        for i, (name, sql) in enumerate(corpus.items()):
            r, took = _timed(lambda sql=sql: client.post("/api/sql", json={"db": db_id, "sql": sql}))
            assert r.status_code in (200, 400, 413, 422) and took < TIMEOUT + MARGIN, f"/api/sql {name}: {took:.1f} s"
            if name in WRITES and r.status_code == 200:
                assert not r.json()["ok"], f"/api/sql {name} ran"
            r, took = _timed(lambda i=i: client.post("/api/ask", json={"db": db_id, "question": f"question {i}"}))
            assert r.status_code == 200 and took < TIMEOUT + MARGIN, f"/api/ask {name}: {r.status_code}, {took:.1f} s"
            if name in WRITES and r.json()["ok"]:
                assert _reads_only(r.json()["sql"]), f"/api/ask {name} ran {r.json()['sql']!r}"
        assert client.get("/api/health").status_code == 200


def test_the_counting_run_records_every_statement(tmp_path):
    """`python -m graphsql.eval.hostile`: every write refused on every path, every runaway stopped."""
    result = run_hostile(tmp_path, timeout=TIMEOUT)
    assert result["database_unchanged"] and not result["files_created"]
    assert result["statements"] == len(hostile_corpus(tmp_path)) and result["evaluate_ex"] == 0.0
    assert set(result["counts"]["execute_sql"]["write"]) == {"refused"}
    assert "ran" not in result["counts"]["execute_sql"]["escape"]
    assert set(result["counts"]["execute_sql"]["runaway"]) <= {"refused", "timeout", "cut"}
    assert max(result["slowest_call_s"].values()) < TIMEOUT + MARGIN


def test_a_run_of_joins_without_on_is_not_parsed_but_still_runs(demo_db):
    """sqlglot's time doubles with each JOIN in a row lacking ON (nested-join lookahead): beyond MAX_BARE_JOINS
    the query is not parsed (no repairs, no exact match) instead of hanging; joins with ON parse at any length."""
    import sqlglot

    from graphsql.sql.parse import MAX_BARE_JOINS, parse_sql, try_parse

    def bare(n):
        return "SELECT T1.title FROM book AS T1" + "".join(f" JOIN book AS T{i}" for i in range(2, n + 2))

    assert try_parse(bare(MAX_BARE_JOINS)) is not None
    with pytest.raises(sqlglot.errors.ParseError, match="JOINs in a row"):
        parse_sql(bare(60))
    on = "SELECT T1.title FROM book AS T1" + "".join(f" JOIN book AS T{i} ON T{i}.book_id = T1.book_id"
                                                     for i in range(2, 60))
    assert try_parse(on) is not None
    subqueries = "SELECT T1.a FROM t AS T1" + "".join(f" JOIN (SELECT a FROM t) AS T{i}" for i in range(2, 60))
    with pytest.raises(sqlglot.errors.ParseError, match="JOINs in a row"):   # a subquery does not end the run
        parse_sql(subqueries)
    assert try_parse("SELECT a FROM t" + "".join(f" CROSS JOIN t AS T{i}" for i in range(60))) is not None
    res = execute_sql(demo_db, bare(60) + " LIMIT 1", timeout=TIMEOUT)
    assert res.ok and len(res.rows) == 1   # SQLite runs it
