"""The web page and its JSON API: pick or upload a SQLite database, see its schema graph, ask a question, check
and correct the SQL, page through the result and take it away as CSV.

    $ graphsql serve --db shop.sqlite --port 8000          # then open http://127.0.0.1:8000

It calls the same `graphsql.inference.predict.predict` as `graphsql ask`, with the same configuration (the
shipped graph adapter by default) and adds no logic of its own. The model runs in one worker thread fed by a
bounded queue (`graphsql.web.worker`): the event loop never waits for it, a waiting question can see its place,
and a full queue is answered 503 at once. Databases are named on the command line or uploaded from the page (the
file is checked, size-limited, stored in a private temporary folder that is removed when the server stops, and,
like every database here, opened read-only; every query has a timeout and a row cap). A token (``token``), when
set, is required on every API call (``Authorization: Bearer <token>``, or ``?token=`` for a download link);
`graphsql serve` requires one to listen on anything but loopback.

JSON API (the page uses only it; OpenAPI docs at ``/docs``):

- ``GET /api/health`` -> ``{"ok", "model_loaded", "queue": {"pending", "max_pending", "running"}}``
- ``GET /api/databases`` -> ``[{"id", "name", "tables"}]``
- ``GET /api/schema/{db}`` -> the schema graph (`graphsql.schema.draw.graph_for_page`): tables with their columns
  (primary keys, declared and inferred foreign keys marked), grid positions, and FK edges
- ``GET /api/schema/{db}/sample/{table}`` -> a few rows of one table
- ``POST /api/upload`` with the file as the request body (header ``X-Filename``) -> ``{"id", "name", "tables"}``
- ``POST /api/ask`` with ``{"db", "question", "samples"?, "examples"?, "shots"?, "shots_when"?}`` -> the answer (waits for it)
- ``POST /api/jobs`` (same body) -> ``{"job", "position"}`` at once; ``GET /api/jobs/{job}`` -> ``{"state":
  "queued" | "running" | "done", "position", "waited", "answer" | "error"}``
- ``POST /api/sql`` with ``{"db", "sql", "page"?, "page_size"?}`` -> one page of a user's (read-only) query
- ``GET /api/csv?db=&sql=`` -> the whole result (up to the row cap) as a CSV file

An answer: ``sql`` (what ran), ``generated`` (as the model wrote it, when a repair changed it), ``candidates``
(each sampled SQL with its result group's votes), the first page of rows and ``total_rows``, ``linked_tables``
(with scores), ``kept_tables``, ``join_path`` and ``join_edges`` (for the graph), seconds.
"""

# no `from __future__ import annotations`: FastAPI reads the endpoint annotations (local classes) at runtime

import asyncio
import contextlib
import csv
import dataclasses
import hmac
import io
import shutil
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Literal

from graphsql.config import ExperimentConfig
from graphsql.data.sqlite import check_sqlite_file, read_sqlite_schema
from graphsql.errors import GraphSQLError
from graphsql.web.worker import ModelWorker, QueueFull

MAX_UPLOAD_BYTES = 512 * 2**20
PAGE_ROWS = 100   # rows a page of a result shows
MAX_ROWS = 10_000  # rows a query may return to the page or a CSV file
SAMPLE_ROWS = 5
SQL_TIMEOUT = 10.0
CELL_CHARS = 2000  # a longer text value is cut on the page (the CSV has it whole); a blob shows its size


def static_text(name: str) -> str:
    """A file of the page (``index.html``, ``app.js``, ``style.css``), shipped in the package."""
    return resources.files("graphsql.web").joinpath("static", name).read_text(encoding="utf-8")


def create_app(generator_factory: Callable[[], object], config: ExperimentConfig, databases: list[Path | str] = (),
               upload_dir: Path | None = None, page_rows: int = PAGE_ROWS, max_rows: int = MAX_ROWS,
               token: str | None = None, max_pending: int = 16, sql_timeout: float = SQL_TIMEOUT,
               max_upload_bytes: int = MAX_UPLOAD_BYTES):
    """The FastAPI app. ``generator_factory`` builds the generator on the first question (tests pass a scripted
    one); ``databases`` are offered by name; uploads go to ``upload_dir`` (default: a new temporary folder,
    removed when the app stops); ``token``: required on every API call when set; an upload larger than
    ``max_upload_bytes`` is refused (413) as soon as its declared length or its bytes pass the limit."""
    from fastapi import FastAPI, HTTPException, Request
    from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
    from pydantic import BaseModel, Field
    from starlette.requests import ClientDisconnect

    from graphsql.data.engines import is_url, read_database
    from graphsql.demos import pool_from_examples
    from graphsql.eval.execute import display_value, execute_sql
    from graphsql.inference.predict import DatabaseCache, predict
    from graphsql.inference.vote import result_key
    from graphsql.schema.draw import graph_for_page
    from graphsql.schema.serialize import quote_identifier

    own_upload_dir = upload_dir is None
    upload_dir = Path(upload_dir or tempfile.mkdtemp(prefix="graphsql-uploads-"))
    upload_dir.mkdir(parents=True, exist_ok=True)
    upload_dir.chmod(0o700)
    worker = ModelWorker(max_pending=max_pending)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        worker.close()
        if own_upload_dir:
            shutil.rmtree(upload_dir, ignore_errors=True)

    app = FastAPI(title="GraphSQL", lifespan=lifespan,
                  description="Ask a SQLite database in plain words: the schema graph, the SQL, its result.")
    registry: dict[str, dict] = {}
    state: dict = {"generator": None}
    cache = DatabaseCache(infer_fks=config.prompt.infer_fks, infer_keys=config.prompt.infer_keys)

    @app.middleware("http")
    async def check_token(request: Request, call_next):
        if token and request.url.path.startswith("/api/"):
            given = request.headers.get("authorization", "").removeprefix("Bearer ").strip() \
                or request.query_params.get("token", "")
            if not hmac.compare_digest(given.encode(), token.encode()):
                return JSONResponse({"detail": "a token is needed: pass it as 'Authorization: Bearer <token>'"},
                                    status_code=401)
        return await call_next(request)

    def register(path, name: str) -> dict:
        """Offer a database on the page: a SQLite file (checked, read) or a database by URL (its engine)."""
        if is_url(path):
            target, schema = read_database(str(path))
            name = target.label  # the URL without its password
        else:
            target = check_sqlite_file(Path(path))
            schema = read_sqlite_schema(target)
        if not schema.tables:
            raise GraphSQLError(f"{name}: the database has no tables")
        entry = {"id": uuid.uuid4().hex[:12], "name": name, "tables": [t.name for t in schema.tables],
                 "path": target}
        registry[entry["id"]] = entry
        return entry

    for db in databases:
        register(db, str(db) if is_url(db) else Path(db).name)

    def public(entry: dict) -> dict:
        return {k: entry[k] for k in ("id", "name", "tables")}

    def database(db: str) -> dict:
        entry = registry.get(db)
        if entry is None:
            raise HTTPException(404, "unknown database: choose one from the list or upload it again")
        return entry

    class Example(BaseModel):
        question: str = Field(min_length=1, max_length=2000)
        sql: str = Field(min_length=1, max_length=20000)

    class AskRequest(BaseModel):
        db: str
        question: str = Field(min_length=1, max_length=2000)
        samples: int | None = Field(default=None, ge=1, le=10)
        # worked examples on this database: the most similar (shot_selector; auto: by question) become demonstrations
        examples: list[Example] = Field(default_factory=list, max_length=200)
        shots: int = Field(default=3, ge=1, le=8)
        shots_when: Literal["empty", "always"] | None = None  # prompt.shots_when (None: the server's setting)

    class SqlRequest(BaseModel):
        db: str
        sql: str = Field(min_length=1, max_length=20000)
        page: int = Field(default=0, ge=0)
        page_size: int = Field(default=page_rows, ge=1, le=1000)

    def rows_json(rows) -> list[list]:
        return [[display_value(v, CELL_CHARS) for v in row] for row in rows]

    def run_sql(path: Path, sql: str):
        return execute_sql(path, sql, timeout=sql_timeout, max_rows=max_rows)

    def answer(req: AskRequest, entry: dict, pool, submitted: float) -> dict:
        """Runs in the worker thread: the model (``pool``: the user's examples as demonstrations, or None), then
        the answer as JSON."""
        queued = time.monotonic() - submitted
        infer = config.infer if req.samples is None else dataclasses.replace(config.infer, samples=req.samples)
        prompt = config.prompt
        if pool is not None:
            prompt = dataclasses.replace(prompt, shots=min(req.shots, len(pool)),
                                         shots_when=req.shots_when or prompt.shots_when)
        if state["generator"] is None:
            state["generator"] = generator_factory()
        pred = predict(req.question, entry["path"], state["generator"], prompt, infer, cache=cache, demo_pool=pool)
        prepared, res = pred.prepared, pred.result
        conditions = prepared.join_path.conditions if prepared.join_path else ()
        # votes of each candidate: the size of its result group (candidates that failed get none)
        keys = [result_key(c.result.rows) if c.result is not None and c.result.ok else None
                for c in pred.vote.candidates]
        votes = Counter(k for k in keys if k is not None)
        ok = res is not None and pred.ok
        scores = prepared.link.table_scores if prepared.link else {}
        return {
            "question": req.question,
            "sql": pred.pred_sql,
            "generated": pred.generated,
            "ok": pred.ok,
            "error": None if pred.ok else (res.error if res is not None else "the model's SQL could not be parsed"),
            "columns": list(res.columns) if ok else [],
            "rows": rows_json(res.rows[:page_rows]) if ok else [],
            "total_rows": len(res.rows) if ok else 0,
            "page_size": page_rows,
            "linked_tables": [{"table": t, "score": round(scores[t], 3)} for t in prepared.link.top_tables(5)]
            if prepared.link else [],
            "kept_tables": list(prepared.tables),
            "join_path": [f"{e.table}.{e.column} = {e.ref_table}.{e.ref_column}" for e in conditions],
            "join_edges": [[e.table, e.ref_table] for e in conditions],
            "candidates": [{"sql": c.sql, "ok": key is not None, "error": c.error,
                            "votes": votes[key] if key is not None else 0}
                           for c, key in zip(pred.vote.candidates, keys)],
            "votes": pred.vote.votes,
            "repaired": pred.repaired,
            "before_fallback": pred.before_fallback,  # no query ran: this answer is a fallback sample's
            "before_shots": pred.before_shots,  # the zero-shot answer the one with demonstrations replaced
            "after_shots": pred.after_shots,  # the answer with demonstrations not kept (no rows either)
            "reused_example": pred.reused_example,  # the example whose SQL, with this question's values, is the answer
            "asked_as": pred.asked_as,  # the question in the schema's words, as the model was asked it ("" if the same)
            "demonstrations": [m["content"].rsplit("Question: ", 1)[-1] for m in pred.messages[1:-1:2]],
            "seconds": round(pred.seconds, 2),
            "queued_seconds": round(queued, 3),
        }

    def submit(req: AskRequest):
        entry = database(req.db)
        if not req.question.strip():
            raise HTTPException(400, "the question is empty")
        pool = None
        if req.examples:  # built before the model loads: a bad example is a 400, not a wait
            graph, _ = cache.get(entry["path"])
            try:
                pool = pool_from_examples([e.model_dump() for e in req.examples], graph, config.prompt.schema_format,
                                          where="your examples")
            except GraphSQLError as err:
                raise HTTPException(400, str(err)) from err
        try:
            submitted = time.monotonic()
            return worker.submit(lambda: answer(req, entry, pool, submitted))
        except QueueFull as err:
            raise HTTPException(503, f"busy: {err}") from err

    async def outcome(job) -> dict:
        try:
            return await asyncio.wrap_future(job.future)
        except GraphSQLError as err:
            raise HTTPException(400, str(err)) from err
        except QueueFull as err:
            raise HTTPException(503, str(err)) from err

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> str:
        return static_text("index.html")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        types = {"app.js": "text/javascript", "style.css": "text/css"}
        if name not in types:
            raise HTTPException(404, "no such file")
        return PlainTextResponse(static_text(name), media_type=types[name])

    @app.get("/api/health")
    def health() -> dict:
        return {"ok": True, "model_loaded": state["generator"] is not None, "queue": worker.stats()}

    @app.get("/api/databases")
    def list_databases() -> list[dict]:
        return [public(e) for e in registry.values()]

    @app.get("/api/schema/{db}")
    def schema(db: str) -> dict:
        graph, _ = cache.get(database(db)["path"])
        return graph_for_page(graph)

    @app.get("/api/schema/{db}/sample/{table}")
    def sample(db: str, table: str) -> dict:
        entry = database(db)
        if table.lower() not in {t.lower() for t in entry["tables"]}:
            raise HTTPException(404, f"no table {table!r} in {entry['name']}")
        res = execute_sql(entry["path"], f"SELECT * FROM {quote_identifier(table)} LIMIT {SAMPLE_ROWS}",
                          timeout=sql_timeout)
        return {"table": table, "columns": list(res.columns), "rows": rows_json(res.rows), "error": res.error}

    @app.post("/api/upload")
    async def upload(request: Request) -> dict:
        name = Path(request.headers.get("x-filename", "upload.sqlite")).name or "upload.sqlite"
        too_large = HTTPException(413, f"the file is larger than {max_upload_bytes / 2**20:g} MiB")
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_upload_bytes:
            raise too_large
        path = upload_dir / f"{uuid.uuid4().hex}.sqlite"
        size = 0
        try:
            with open(path, "wb") as out:  # streamed: a body is never held whole in memory, nor kept past the limit
                path.chmod(0o600)
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > max_upload_bytes:
                        raise too_large
                    out.write(chunk)
            if not size:
                raise HTTPException(400, "the upload is empty")
            return public(register(path, name))
        except GraphSQLError as err:
            raise HTTPException(400, str(err).replace(str(path), name)) from err
        except ClientDisconnect as err:
            raise HTTPException(400, "the upload was cut off") from err
        finally:
            if not any(e["path"] == path for e in registry.values()):
                path.unlink(missing_ok=True)

    @app.post("/api/ask")
    async def ask(req: AskRequest) -> dict:
        return await outcome(submit(req))

    @app.post("/api/jobs")
    def start_job(req: AskRequest) -> dict:
        job = submit(req)
        return {"job": job.id, "position": job.position()}

    @app.get("/api/jobs/{job_id}")
    def job_state(job_id: str) -> dict:
        job = worker.get(job_id)
        if job is None:
            raise HTTPException(404, "unknown or expired job: ask again")
        out = {"job": job.id, "state": job.state, "position": job.position(), "waited": round(job.waited, 2)}
        if job.state == "done":
            err = job.future.exception()
            if err is None:
                out["answer"] = job.future.result()
            else:
                out["error"] = str(err)
        return out

    @app.post("/api/sql")
    def sql(req: SqlRequest) -> dict:
        entry = database(req.db)
        res = run_sql(entry["path"], req.sql)
        start = req.page * req.page_size
        return {"ok": res.ok, "error": res.error or None, "columns": list(res.columns),
                "rows": rows_json(res.rows[start:start + req.page_size]), "page": req.page,
                "page_size": req.page_size, "total_rows": len(res.rows), "truncated": res.truncated,
                "seconds": round(res.elapsed, 3)}

    @app.get("/api/csv")
    def csv_file(db: str, sql: str) -> Response:
        entry = database(db)
        res = run_sql(entry["path"], sql)
        if not res.ok:
            raise HTTPException(400, f"the query failed: {res.error}")
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(res.columns)
        writer.writerows([["" if v is None else v.hex() if isinstance(v, bytes) else v for v in row] for row in res.rows])
        stem = Path(entry["name"]).stem or "result"
        return Response(buf.getvalue(), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{stem}-result.csv"'})

    app.state.worker = worker
    app.state.upload_dir = upload_dir
    return app
