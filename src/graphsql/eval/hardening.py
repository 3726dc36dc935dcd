"""Hardening, counted (issue 28): every kind of hostile or bad input tried here, in bulk, into one results file.

    python -m graphsql.eval.hardening                      # the fast kinds (~1 min); what CI runs as a test
    python -m graphsql.eval.hardening --kills              # + the killed-jobs harness (pytest, ~2 min)
    python -m graphsql.eval.hardening --kills --out results/analyses/hardening.json

Kinds (each case is *handled* when it meets the requirement written beside it):

- ``hostile_sql``: the statements of `graphsql.eval.hostile` through `execute_sql`, `predict` and `evaluate`:
  no call slower than the timeout plus a margin; the database file's sha256 unchanged and no file created (a write
  or an escape anywhere fails every statement of the run).
- ``hostile_schemas``: names with spaces, quotes, brackets, keywords, mixed case and non-ASCII letters, a view, a
  WITHOUT ROWID table with a composite key, a table without a primary key, a self-reference, Latin-1 text: the
  schema read whole, `graphsql graph` in every format, each valid query through `predict` (the repairs included)
  unchanged and with rows, `evaluate` at 100%; a database without tables: one clear line; 1,000 tables read, built
  into a graph (FK inference) and pruned, and a question about them answered end to end through `predict` (the
  prompt within the pruning budget, or the seeds' join path that is kept whole, and ``THOUSAND_TABLES_PROMPT_CHARS``),
  each under ``THOUSAND_TABLES_SECONDS``.
- ``bad_command_lines``: unknown commands and options, missing or malformed arguments: exit code 2, the usual usage
  message, no traceback.
- ``bad_files``: corrupt, truncated, zero-byte, directory, missing and dangling-symlink databases; malformed,
  truncated, wrongly typed questions files and unknown ``db_id``s; broken gold and prediction files; broken YAML
  configs: exit code 1, one line ``error: ...``, no traceback, within ``FILE_CASE_SECONDS``.
- ``bad_requests``: the web API (a scripted model) given broken uploads (empty, not SQLite, truncated, too large,
  path tricks in the name), malformed or wrongly typed JSON, unknown databases, tables, jobs and files, a missing
  token: a 4xx answer with a ``detail``, never a 5xx, nothing written outside the upload folder.
- ``kills`` (``--kills``): `tests/test_killed_jobs.py` run by pytest: real ``predict``, ``train``, ``dpo sample``
  and ``augment`` subprocesses SIGKILLed at random moments (seeds recorded in the test) and resumed; each kill is
  handled when its job's test passes (the resumed output equals an uninterrupted run's).

The results file has, per kind, how many cases were tried and handled, the slowest case, the cases not handled
(``open``), and this process's peak memory; `graphsql report` shows it in the appendix.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.experiments import layout

FILE_CASE_SECONDS = 10.0  # a bad file or command line must be refused within this (the CLI loads in-process)
SQL_MARGIN_SECONDS = 3.0  # a hostile statement may take its timeout plus this
THOUSAND_TABLES_PROMPT_CHARS = 8000  # the prompt of a question about a 1,000-table database stays this short
KINDS = ("hostile_sql", "hostile_schemas", "bad_command_lines", "bad_files", "bad_requests", "kills")


@dataclass
class Case:
    kind: str
    name: str
    handled: bool
    seconds: float
    detail: str = ""


def _cli(argv: list[str]) -> tuple[int, str, float]:
    """``graphsql ARGV`` in this process: (exit code, stdout + stderr, seconds)."""
    from graphsql.cli import main

    out = io.StringIO()
    start = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = main(argv)
        except SystemExit as exc:  # a command that exits on its own: still a clean exit
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:  # noqa: BLE001 - an escaped exception is exactly what is counted
            code = -1
            out.write(f"Traceback (escaped): {type(exc).__name__}: {exc}\n")
    return code, out.getvalue(), time.monotonic() - start


# --- hostile SQL -----------------------------------------------------------------------------------------------

def hostile_sql_cases(folder: Path, timeout: float = 1.0) -> list[Case]:
    from graphsql.eval.hostile import run_hostile

    result = run_hostile(folder / "hostile_sql", timeout)
    intact = result["database_unchanged"] and not result["files_created"]
    cases = []
    for item in result["items"]:
        slowest = max(item["execute_sql_s"], item["predict_s"])
        ok = intact and slowest <= timeout + SQL_MARGIN_SECONDS
        detail = f"execute_sql {item['execute_sql']}, predict {item['predict']}, evaluate {item['evaluate'] or 'ran'}"
        if not intact:
            detail += "; the database changed or a file was created"
        cases.append(Case("hostile_sql", item["name"], ok, slowest, detail))
    return cases


# --- hostile schemas -------------------------------------------------------------------------------------------

def _timed(kind: str, name: str, check) -> Case:
    """Run ``check()`` (returns (handled, detail)); an exception is a case not handled."""
    start = time.monotonic()
    try:
        ok, detail = check()
    except Exception as exc:  # noqa: BLE001 - counted, not raised
        ok, detail = False, f"{type(exc).__name__}: {exc}"
    return Case(kind, name, bool(ok), time.monotonic() - start, detail)


def hostile_schema_cases(folder: Path) -> list[Case]:
    from graphsql.config import ZERO_SHOT, InferConfig, PromptConfig
    from graphsql.data.records import Example
    from graphsql.data.sqlite import read_sqlite_schema
    from graphsql.eval.execute import execute_sql
    from graphsql.eval.hostile import (
        HOSTILE_QUERIES,
        THOUSAND_TABLES_SECONDS,
        build_hostile_schema_database,
        prune_wide_database,
    )
    from graphsql.eval.metrics import evaluate
    from graphsql.inference.predict import predict
    from graphsql.testing import ScriptedAnswers

    folder.mkdir(parents=True)
    db = build_hostile_schema_database(folder / "hostile.sqlite")
    kind = "hostile_schemas"
    cases = []

    def read_whole():
        schema = read_sqlite_schema(db)
        names = {t.name for t in schema.tables}
        want = {"order items", "Select", "Café Ünïcode", "MixedCase", "norowid", "nopk", "child", "big orders"}
        return names == want, f"{len(names)} tables read" + ("" if names == want else f", missing {want - names}")

    cases.append(_timed(kind, "read_schema", read_whole))
    for fmt in ("text", "ddl", "compact", "graph", "json", "dot"):
        def graph(fmt=fmt):
            code, out, _ = _cli(["graph", "--db", str(db), "--format", fmt])
            return code == 0 and "名前" in out and "Traceback" not in out, f"exit {code}"
        cases.append(_timed(kind, f"graph_{fmt}", graph))
    schema = read_sqlite_schema(db)
    answers = ScriptedAnswers({f"<<{name}>>": sql for name, sql in HOSTILE_QUERIES.items()})
    for name, sql in HOSTILE_QUERIES.items():
        def ask(name=name, sql=sql):
            pred = predict(f"question <<{name}>>", db, answers, ZERO_SHOT, InferConfig(adapter=None), schema=schema)
            same = pred.ok and pred.pred_sql == sql and pred.result.rows == execute_sql(db, sql).rows
            return same and bool(pred.result.rows), ("ran unchanged" if same else f"became {pred.pred_sql!r}")
        cases.append(_timed(kind, f"predict_{name}", ask))

    def scored():
        schema_id = read_sqlite_schema(db, db_id="hostile")
        golds = [Example(db_id="hostile", question=n, gold_sql=s) for n, s in HOSTILE_QUERIES.items()]
        ex = evaluate(golds, list(HOSTILE_QUERIES.values()), {"hostile": schema_id}, timeout=5)["ex"]
        return ex == 1.0, f"EX {ex}"

    cases.append(_timed(kind, "evaluate", scored))

    def spaced():
        pred = predict("question", db, ScriptedAnswers({}, default='SELECT T1.tick col FROM "order items" AS T1'),
                       ZERO_SHOT, InferConfig(adapter=None), schema=schema)
        return pred.ok and '"tick col"' in pred.pred_sql, pred.pred_sql

    cases.append(_timed(kind, "repair_quotes_a_spaced_name", spaced))

    def no_tables():
        empty = folder / "empty.sqlite"
        sqlite3.connect(empty).execute("PRAGMA user_version = 1").connection.close()
        code, out, _ = _cli(["ask", "--db", str(empty), "How many?"])
        return _one_line_error(code, out, "no tables")

    cases.append(_timed(kind, "no_tables", no_tables))

    def thousand():
        schema, _graph, prepared, took = prune_wide_database(folder / "thousand.sqlite", 1000)
        ok = len(schema.tables) == 1000 and "t17" in prepared.tables and took < THOUSAND_TABLES_SECONDS
        return ok, f"read, graph and prune in {took:.1f} s (limit {THOUSAND_TABLES_SECONDS:.0f} s)"

    cases.append(_timed(kind, "thousand_tables", thousand))

    def thousand_ask():
        wide = folder / "thousand.sqlite"
        sql = "SELECT value FROM t17 WHERE name = 'n17'"
        start = time.monotonic()
        pred = predict("What is the value of t17 named n17?", wide, ScriptedAnswers({}, default=sql),
                       ZERO_SHOT, InferConfig(adapter=None))
        took = time.monotonic() - start
        prompt = pred.messages[-1]["content"] if pred.messages else ""
        prepared = pred.prepared
        path = set(prepared.seed_tables) | set(prepared.join_path.bridge_tables if prepared.join_path else ())
        bound = max(PromptConfig().max_tables, len(path))  # the budget, or the seeds' join path kept whole
        ok = (pred.ok and pred.result.rows == ((17.0,),) and len(prepared.tables) <= bound
              and len(prompt) < THOUSAND_TABLES_PROMPT_CHARS and took < THOUSAND_TABLES_SECONDS)
        return ok, (f"predict end to end in {took:.1f} s; the prompt shows {len(prepared.tables)} of 1,000 tables "
                    f"(budget {PromptConfig().max_tables}, the seeds' join path {len(path)}), {len(prompt):,} "
                    "characters")

    cases.append(_timed(kind, "thousand_tables_ask", thousand_ask))
    return cases


# --- bad command lines -----------------------------------------------------------------------------------------

BAD_COMMAND_LINES = (
    ["ask", "--bogus", "x"], ["evaluate"], ["nosuchcmd"], ["ask"], ["predict", "--questions"],
    ["ask", "q", "--db", "x", "--samples", "many"], ["graph", "--format"], ["data", "nosuch"], ["run", "--nosuch"],
    ["serve", "--port", "eighty"], ["train", "--max-steps", "x"], ["augment", "--out"], ["model", "nosuch"],
    ["model", "export", "--quant"],
    ["evaluate", "--gold", "g", "--pred", "p", "--db-dir", "d", "--timeout", "soon"], ["predict", "--workers", "x"],
    ["dpo", "nosuch"], ["baseline", "--bogus"], ["ask", "q", "--repairs=maybe"], ["experiment", "nosuch"],
    ["experiment", "variants", "--sample", "many"], ["run", "--train"], ["predict-merge", "--out"],
)


def bad_command_line_cases() -> list[Case]:
    cases = []
    for argv in BAD_COMMAND_LINES:
        code, out, seconds = _cli(list(argv))
        usage = "Error" in out or "error:" in out  # click's usage message, or an experiment module's argparse one
        ok = code == 2 and usage and "Traceback" not in out and len(out.strip().splitlines()) <= 20
        cases.append(Case("bad_command_lines", " ".join(argv), ok, seconds, f"exit {code}: {_last_line(out)}"))
    return cases


# --- bad files -------------------------------------------------------------------------------------------------

def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def _one_line_error(code: int, out: str, expect: str = "") -> tuple[bool, str]:
    lines = [line for line in out.strip().splitlines() if line.strip()]
    ok = (code == 1 and len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in out
          and expect.lower() in out.lower())
    return ok, f"exit {code}: {_last_line(out)}"


def _refused(name: str, argv: list[str]) -> Case:
    """A bad-file case: ``graphsql ARGV`` must end with one ``error:`` line and exit code 1, within
    ``FILE_CASE_SECONDS``."""
    code, out, seconds = _cli(argv)
    ok, detail = _one_line_error(code, out)
    return Case("bad_files", name, ok and seconds < FILE_CASE_SECONDS, seconds, detail)


def _spider_folder(root: Path) -> tuple[Path, Path]:
    """A one-database Spider-format folder (the demo bookshop): (questions file, database folder)."""
    from graphsql.data.spider import tables_json_entry
    from graphsql.quickstart import DEMO_DB_ID, build_demo_database

    db = build_demo_database(root / "database" / DEMO_DB_ID / f"{DEMO_DB_ID}.sqlite")
    (root / "tables.json").write_text(json.dumps([tables_json_entry(db, DEMO_DB_ID)]))
    questions = root / "dev.json"
    questions.write_text(json.dumps([{"db_id": DEMO_DB_ID, "question": "How many books?",
                                      "query": "SELECT count(*) FROM book"}]))
    (root / "gold.sql").write_text(f"SELECT count(*) FROM book\t{DEMO_DB_ID}\n")
    return questions, root / "database"


def bad_file_cases(folder: Path) -> list[Case]:
    """(name, argv, expected words): each must end with one ``error:`` line and exit code 1."""
    folder.mkdir(parents=True)
    questions, db_dir = _spider_folder(folder / "spider")
    real = next(db_dir.glob("*/*.sqlite"))
    f = folder / "inputs"
    f.mkdir()

    def write(name: str, data: bytes | str) -> str:
        path = f / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return str(path)

    whole = real.read_bytes()
    dbs = {
        "zero_byte": write("zero.sqlite", b""),
        "text_file": write("notes.sqlite", "hello, not a database\n"),
        "random_bytes": write("random.sqlite", os.urandom(8192)),
        "sqlite_header_then_garbage": write("garbage.sqlite", whole[:100] + os.urandom(8192)),
        "truncated": write("truncated.sqlite", whole[: len(whole) // 3]),
        "directory": str(f),
        "missing": str(f / "nowhere.sqlite"),
    }
    dangling = f / "dangling.sqlite"
    dangling.symlink_to(f / "gone.sqlite")
    dbs["dangling_symlink"] = str(dangling)
    cases = []
    for name, path in dbs.items():
        for command in (["ask", "--db", path, "How many books?"], ["graph", "--db", path]):
            cases.append(_refused(f"{command[0]}_{name}", command))
    tables = str(questions.parent / "tables.json")
    question_files = {
        "malformed_json": "[{\"db_id\": \"bookshop\", \"question\": }",
        "truncated_json": questions.read_text()[:25],
        "not_a_list": json.dumps({"db_id": "bookshop", "question": "q"}),
        "empty_list": "[]",
        "question_not_text": json.dumps([{"db_id": "bookshop", "question": 5}]),
        "no_question": json.dumps([{"db_id": "bookshop"}]),
        "item_not_an_object": json.dumps(["How many books?"]),
        "unknown_db_id": json.dumps([{"db_id": "nosuch", "question": "How many?"}]),
        "db_id_not_text": json.dumps([{"db_id": ["bookshop"], "question": "How many?"}]),
        "not_utf8": b"[{\"db_id\": \"bookshop\", \"question\": \"caf\xe9\"}]",
        "binary": os.urandom(512),
    }
    out_sql = str(folder / "preds.sql")
    for name, data in question_files.items():
        path = write(f"{name}.json", data)
        cases.append(_refused(f"predict_{name}", ["predict", "--questions", path, "--db-dir", str(db_dir),
                                                  "--tables", tables, "--out", out_sql,
                                                  "--model", str(f / "no-model-needed")]))
    bad_tables = {"tables_malformed": "[{\"db_id\": ", "tables_wrong_shape": json.dumps([{"db_id": "bookshop"}]),
                  "tables_not_a_list": json.dumps({"db_id": "bookshop"})}
    for name, data in bad_tables.items():
        cases.append(_refused(f"predict_{name}", ["predict", "--questions", str(questions), "--db-dir", str(db_dir),
                                                  "--tables", write(f"{name}.json", data), "--out", out_sql]))
    gold = str(questions.parent / "gold.sql")
    evaluations = {
        "pred_missing": (gold, str(f / "nowhere.sql")),
        "pred_binary": (gold, write("binary.sql", os.urandom(256) + b"\x00")),
        "pred_too_few_lines": (gold, write("empty.sql", "")),
        "gold_malformed": (write("gold_bad.sql", "SELECT 1\n"), write("one.sql", "SELECT 1\n")),
        "gold_unknown_db": (write("gold_unknown.sql", "SELECT 1\tnosuch\n"), write("one2.sql", "SELECT 1\n")),
    }
    for name, (g, p) in evaluations.items():
        cases.append(_refused(f"evaluate_{name}", ["evaluate", "--gold", g, "--pred", p, "--db-dir", str(db_dir),
                                                   "--tables", tables]))
    configs = {
        "yaml_malformed": "train: [unclosed\n",
        "yaml_unknown_key": "train:\n  epochz: 3\n",
        "yaml_wrong_type": "train:\n  epochs: many\n",
        "yaml_not_a_mapping": "- a\n- b\n",
    }
    for name, text in configs.items():
        path = write(f"{name}.yaml", text)
        for command in (["train", "--config", path, "--out", str(folder / "train_out")],
                        ["augment", "--config", path, "--out", str(folder / "augment_out")]):
            cases.append(_refused(f"{command[0]}_{name}", command))
    return cases


# --- bad web requests ------------------------------------------------------------------------------------------

def bad_request_cases(folder: Path) -> list[Case]:
    from fastapi.testclient import TestClient

    from graphsql.config import ExperimentConfig
    from graphsql.quickstart import build_demo_database
    from graphsql.testing import ScriptedAnswers
    from graphsql.web.app import create_app

    folder.mkdir(parents=True)
    db = build_demo_database(folder / "bookshop.sqlite")
    uploads = folder / "uploads"
    outside_before = sorted(p.name for p in folder.iterdir())
    app = create_app(lambda: ScriptedAnswers({}, default="SELECT count(*) FROM book"), ExperimentConfig(),
                     databases=[db], upload_dir=uploads, max_upload_bytes=1 << 20)
    whole = db.read_bytes()
    cases = []
    with TestClient(app, raise_server_exceptions=False) as client:
        db_id = client.get("/api/databases").json()[0]["id"]
        tries = {
            "upload_empty": ("post", "/api/upload", {"content": b""}, {400}),
            "upload_text": ("post", "/api/upload", {"content": b"hello, not a database"}, {400}),
            "upload_random": ("post", "/api/upload", {"content": os.urandom(4096)}, {400}),
            "upload_truncated": ("post", "/api/upload", {"content": whole[: len(whole) // 3]}, {400}),
            "upload_too_large": ("post", "/api/upload", {"content": b"\0" * ((1 << 20) + 1)}, {413}),
            "upload_claims_too_large": ("post", "/api/upload",
                                        {"content": b"x", "headers": {"content-length": str(1 << 40)}}, {400, 413}),
            "upload_path_trick": ("post", "/api/upload",
                                  {"content": whole, "headers": {"x-filename": "../../../etc/evil.sqlite"}}, {200}),
            "upload_absolute_name": ("post", "/api/upload",
                                     {"content": whole, "headers": {"x-filename": "/tmp/evil.sqlite"}}, {200}),
            "ask_malformed_json": ("post", "/api/ask", {"content": b"{\"db\": ", "headers":
                                                        {"content-type": "application/json"}}, {422}),
            "ask_not_an_object": ("post", "/api/ask", {"json": ["How many books?"]}, {422}),
            "ask_question_not_text": ("post", "/api/ask", {"json": {"db": db_id, "question": 5}}, {422}),
            "ask_no_question": ("post", "/api/ask", {"json": {"db": db_id}}, {422}),
            "ask_empty_question": ("post", "/api/ask", {"json": {"db": db_id, "question": "   "}}, {400}),
            "ask_huge_question": ("post", "/api/ask", {"json": {"db": db_id, "question": "x" * 100_000}}, {422}),
            "ask_unknown_db": ("post", "/api/ask", {"json": {"db": "nosuch", "question": "How many?"}}, {404}),
            "ask_samples_out_of_range": ("post", "/api/ask",
                                         {"json": {"db": db_id, "question": "q", "samples": 10_000}}, {422}),
            "ask_bad_example_sql": ("post", "/api/ask", {"json": {"db": db_id, "question": "q",
                                                                  "examples": [{"question": "a", "sql": "SELEC"}]}},
                                    {400}),
            "sql_wrong_type": ("post", "/api/sql", {"json": {"db": db_id, "sql": ["SELECT 1"]}}, {422}),
            "sql_negative_page": ("post", "/api/sql", {"json": {"db": db_id, "sql": "SELECT 1", "page": -1}}, {422}),
            "sql_unknown_db": ("post", "/api/sql", {"json": {"db": "nosuch", "sql": "SELECT 1"}}, {404}),
            "csv_failing_sql": ("get", "/api/csv", {"params": {"db": db_id, "sql": "DROP TABLE book"}}, {400}),
            "csv_missing_sql": ("get", "/api/csv", {"params": {"db": db_id}}, {422}),
            "schema_unknown_db": ("get", "/api/schema/nosuch", {}, {404}),
            "sample_unknown_table": ("get", f"/api/schema/{db_id}/sample/nosuch", {}, {404}),
            "sample_path_trick": ("get", f"/api/schema/{db_id}/sample/..%2F..%2Fetc%2Fpasswd", {}, {404}),
            "job_unknown": ("get", "/api/jobs/nosuch", {}, {404}),
            "static_path_trick": ("get", "/static/..%2F..%2Fapp.py", {}, {404}),
            "static_unknown": ("get", "/static/nosuch.js", {}, {404}),
        }
        for name, (method, url, kwargs, expected) in tries.items():
            start = time.monotonic()
            try:
                response = getattr(client, method)(url, **kwargs)
                status, body = response.status_code, response.text
            except Exception as exc:  # noqa: BLE001 - counted
                status, body = -1, f"{type(exc).__name__}: {exc}"
            seconds = time.monotonic() - start
            detail_ok = status == 200 or '"detail"' in body
            ok = status in expected and detail_ok
            cases.append(Case("bad_requests", name, ok, seconds, f"HTTP {status}: {body[:160]}"))
    inside = {p.name for p in uploads.iterdir()} if uploads.exists() else set()
    stray = sorted(set(p.name for p in folder.iterdir()) - set(outside_before) - {"uploads"})
    ok = not stray and all(n.endswith(".sqlite") and len(n) == len("0" * 32 + ".sqlite") for n in inside)
    cases.append(Case("bad_requests", "uploads_stay_in_their_folder", ok, 0.0,
                      f"{len(inside)} files in the upload folder, named by the server; outside: {stray or 'none'}"))
    token_app = create_app(lambda: ScriptedAnswers({}), ExperimentConfig(), databases=[db], token="s3cret",
                           upload_dir=folder / "uploads2")
    with TestClient(token_app, raise_server_exceptions=False) as client:
        for name, headers in (("no_token", {}), ("wrong_token", {"authorization": "Bearer nope"})):
            start = time.monotonic()
            response = client.get("/api/databases", headers=headers)
            cases.append(Case("bad_requests", name, response.status_code == 401, time.monotonic() - start,
                              f"HTTP {response.status_code}"))
    return cases


# --- killed jobs -----------------------------------------------------------------------------------------------

def kill_cases(folder: Path) -> list[Case]:
    """`tests/test_killed_jobs.py` under pytest (it needs the test suite's tiny models and Spider folder): one case
    per SIGKILL it made, named by the job, handled when that job's test passed (the resumed run's output equal to
    the uninterrupted run's)."""
    import xml.etree.ElementTree as ET

    report = folder / "kills.xml"
    log = folder / "kills.jsonl"
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(REPO_ROOT / "tests" /
                    "test_killed_jobs.py"), f"--junitxml={report}"], cwd=REPO_ROOT, capture_output=True, text=True,
                   env={**os.environ, "GRAPHSQL_KILL_LOG": str(log)})
    if not report.exists() or not log.exists():
        return [Case("kills", "harness", False, time.monotonic() - start, "pytest wrote no report or no kill log")]
    passed, seconds = {}, {}
    for test in ET.parse(report).getroot().iter("testcase"):
        passed[test.get("name")] = not any(child.tag in ("failure", "error", "skipped") for child in test)
        seconds[test.get("name")] = float(test.get("time", 0))
    cases, made = [], {}
    for line in log.read_text().splitlines():
        row = json.loads(line)
        if not row["killed"]:  # the job finished before the kill came: not a kill
            continue
        test = row["test"]
        job = test.removeprefix("test_").split("_killed")[0]
        made[job] = made.get(job, 0) + 1
        ok = passed.get(test, False)
        cases.append(Case("kills", f"{job} kill {made[job]}", ok, seconds.get(test, 0.0),
                          f"{test}: " + ("resumed to the uninterrupted run's output" if ok else "failed")))
    for test, ok in passed.items():  # a killing test that failed before its first kill is still counted
        if not ok and not any(c.detail.startswith(test) for c in cases):
            cases.append(Case("kills", test, False, seconds[test], "failed"))
    return cases


# --- all of it -------------------------------------------------------------------------------------------------

def run_hardening(folder: Path, kinds: tuple[str, ...] = KINDS[:-1], timeout: float = 1.0) -> dict:
    """Every case of ``kinds``, in ``folder`` (scratch); the counts as a dict (see the module docstring)."""
    makers = {
        "hostile_sql": lambda: hostile_sql_cases(folder, timeout),
        "hostile_schemas": lambda: hostile_schema_cases(folder / "schemas"),
        "bad_command_lines": bad_command_line_cases,
        "bad_files": lambda: bad_file_cases(folder / "files"),
        "bad_requests": lambda: bad_request_cases(folder / "requests"),
        "kills": lambda: kill_cases(folder),
    }
    cases = []
    for kind in kinds:
        cases += makers[kind]()
    summary = {}
    for kind in kinds:
        mine = [c for c in cases if c.kind == kind]
        slowest = max(mine, key=lambda c: c.seconds)
        summary[kind] = {"tried": len(mine), "handled": sum(c.handled for c in mine),
                         "slowest_s": round(slowest.seconds, 2), "slowest_case": slowest.name,
                         "open": [c.name for c in mine if not c.handled]}
    return {
        "kinds": summary,
        "tried": len(cases),
        "handled": sum(c.handled for c in cases),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "limits": {"sql_timeout_s": timeout, "sql_margin_s": SQL_MARGIN_SECONDS, "file_case_s": FILE_CASE_SECONDS},
        "cases": [{**asdict(c), "seconds": round(c.seconds, 3)} for c in cases],
    }


def main(argv: list[str] | None = None) -> int:
    from graphsql.provenance import run_info, write_result

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=layout.analysis_file(Path("results"), "hardening.json"))
    parser.add_argument("--kills", action="store_true", help="also run the killed-jobs harness (pytest, ~2 min)")
    parser.add_argument("--timeout", type=float, default=1.0, help="seconds allowed a hostile statement")
    args = parser.parse_args(argv)
    kinds = KINDS if args.kills else KINDS[:-1]
    folder = Path(tempfile.mkdtemp(prefix="graphsql-hardening-"))
    try:
        result = run_hardening(folder, kinds, args.timeout)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result["provenance"] = run_info("python -m graphsql.eval.hardening" + (" --kills" if args.kills else ""),
                                    {"timeout": args.timeout, "kinds": list(kinds)})
    write_result(args.out, result)
    for kind, row in result["kinds"].items():
        print(f"{kind}: {row['handled']} of {row['tried']} handled; slowest {row['slowest_s']} s "
              f"({row['slowest_case']})" + (f"; open: {', '.join(row['open'])}" if row["open"] else ""))
    print(f"{result['handled']} of {result['tried']} cases handled; peak memory {result['peak_rss_mb']} MB")
    return 0 if result["handled"] == result["tried"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
