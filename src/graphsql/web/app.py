"""The web page: pick or upload a SQLite database, ask a question, see the SQL, its result and how it was found.

    $ graphsql serve --db shop.sqlite --port 8000          # then open http://127.0.0.1:8000

It calls the same `graphsql.inference.predict.predict` as `graphsql ask`, with the same configuration (the
shipped graph adapter by default) and adds no logic of its own. Databases are named on the command line or
uploaded from the page (the file is stored in a private temporary folder and, like every database here, opened
read-only; every query has a timeout). The model is loaded once, on the first question.

JSON API (what the page uses):
- ``GET /api/databases`` -> ``[{"id", "name", "tables"}]``
- ``POST /api/upload`` with the file as the request body (header ``X-Filename``) -> ``{"id", "name", "tables"}``
- ``POST /api/ask`` with ``{"db": id, "question": text, "samples": n}`` -> SQL, result rows (at most
  ``max_rows``), linked tables, kept tables, join path, candidate count and seconds.
"""

# no `from __future__ import annotations`: FastAPI reads the endpoint annotations (local classes) at runtime

import dataclasses
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from graphsql.config import ExperimentConfig
from graphsql.data.sqlite import check_sqlite_file, read_sqlite_schema
from graphsql.errors import GraphSQLError

MAX_UPLOAD_BYTES = 512 * 2**20


def create_app(generator_factory: Callable[[], object], config: ExperimentConfig, databases: list[Path] = (),
               upload_dir: Path | None = None, max_rows: int = 200):
    """The FastAPI app. ``generator_factory`` builds the generator on the first question (tests pass a scripted
    one); ``databases`` are offered by name; uploads go to ``upload_dir`` (default: a new temporary folder)."""
    from fastapi import FastAPI, HTTPException, Request
    from fastapi.responses import HTMLResponse
    from pydantic import BaseModel, Field

    from graphsql.demos import pool_from_examples
    from graphsql.inference.predict import DatabaseCache, predict

    app = FastAPI(title="GraphSQL", description="Ask a SQLite database in plain words.")
    upload_dir = Path(upload_dir or tempfile.mkdtemp(prefix="graphsql-uploads-"))
    upload_dir.mkdir(parents=True, exist_ok=True)
    registry: dict[str, dict] = {}
    lock = threading.Lock()
    state: dict = {"generator": None}
    cache = DatabaseCache(infer_fks=config.prompt.infer_fks)

    def register(path: Path, name: str) -> dict:
        path = check_sqlite_file(path)
        schema = read_sqlite_schema(path)
        if not schema.tables:
            raise GraphSQLError(f"{name}: the database has no tables")
        entry = {"id": uuid.uuid4().hex[:12], "name": name, "tables": [t.name for t in schema.tables],
                 "path": path}
        registry[entry["id"]] = entry
        return entry

    for db in databases:
        register(Path(db), Path(db).name)

    def public(entry: dict) -> dict:
        return {k: entry[k] for k in ("id", "name", "tables")}

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

    @app.get("/", response_class=HTMLResponse)
    def page() -> str:
        return PAGE

    @app.get("/api/databases")
    def list_databases() -> list[dict]:
        return [public(e) for e in registry.values()]

    @app.post("/api/upload")
    async def upload(request: Request) -> dict:
        name = Path(request.headers.get("x-filename", "upload.sqlite")).name or "upload.sqlite"
        body = await request.body()
        if not body:
            raise HTTPException(400, "the upload is empty")
        if len(body) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MiB")
        path = upload_dir / f"{uuid.uuid4().hex}.sqlite"
        path.write_bytes(body)
        try:
            return public(register(path, name))
        except GraphSQLError as err:
            path.unlink(missing_ok=True)
            raise HTTPException(400, str(err).replace(str(path), name)) from err

    @app.post("/api/ask")
    def ask(req: AskRequest) -> dict:
        entry = registry.get(req.db)
        if entry is None:
            raise HTTPException(404, "unknown database: choose one from the list or upload it again")
        if not req.question.strip():
            raise HTTPException(400, "the question is empty")
        infer = config.infer if req.samples is None else dataclasses.replace(config.infer, samples=req.samples)
        prompt, pool = config.prompt, None
        with lock:  # one model, one question at a time
            try:
                if req.examples:  # checked before the model loads: a bad example is a 400, not a wait
                    graph, _ = cache.get(entry["path"])
                    pool = pool_from_examples([e.model_dump() for e in req.examples], graph, prompt.schema_format,
                                              where="your examples")
                    prompt = dataclasses.replace(prompt, shots=min(req.shots, len(pool)))
                if state["generator"] is None:
                    state["generator"] = generator_factory()
                pred = predict(req.question, entry["path"], state["generator"], prompt, infer, cache=cache,
                               demo_pool=pool)
            except GraphSQLError as err:
                raise HTTPException(400, str(err)) from err
        prepared = pred.prepared
        res = pred.result
        path = [f"{e.table}.{e.column} = {e.ref_table}.{e.ref_column}"
                for e in (prepared.join_path.conditions if prepared.join_path else ())]
        return {
            "question": req.question,
            "sql": pred.pred_sql,
            "generated": pred.generated,
            "ok": pred.ok,
            "error": None if pred.ok else (res.error if res is not None else "the model's SQL could not be parsed"),
            "columns": list(res.columns) if res is not None and pred.ok else [],
            "rows": [["NULL" if v is None else v for v in row] for row in res.rows[:max_rows]]
            if res is not None and pred.ok else [],
            "more_rows": max(0, len(res.rows) - max_rows) if res is not None and pred.ok else 0,
            "linked_tables": prepared.link.top_tables(5) if prepared.link else [],
            "kept_tables": list(prepared.tables),
            "join_path": path,
            "candidates": len(pred.vote.candidates),
            "votes": pred.vote.votes,
            "repaired": pred.repaired,
            "demonstrations": [m["content"].rsplit("Question: ", 1)[-1] for m in pred.messages[1:-1:2]],
            "seconds": round(pred.seconds, 2),
        }

    return app


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GraphSQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
 body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
 h1{margin-bottom:.2rem} .muted{color:#666} textarea,select,input{font:inherit}
 textarea{width:100%;height:4rem} pre{background:#f4f4f4;padding:.8rem;white-space:pre-wrap}
 table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}
 .err{color:#b00} .row{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;margin:.6rem 0}
</style></head><body>
<h1>GraphSQL</h1>
<p class="muted">Ask a SQLite database in plain words. The database is opened read-only.</p>
<div class="row"><label>Database <select id="db"></select></label>
 <label>or upload <input type="file" id="file" accept=".sqlite,.db,.sqlite3"></label></div>
<div id="tables" class="muted"></div>
<textarea id="q" placeholder="e.g. Which customers ordered more than 3 books?"></textarea>
<details><summary>worked examples on this database (optional)</summary>
 <p class="muted">One per line, <code>question =&gt; SQL</code>. The ones most like your question are shown to the
 model first (few-shot).</p>
 <textarea id="examples" style="height:6rem" placeholder="How many customers are there? =&gt; SELECT count(*) FROM customer"></textarea>
</details>
<div class="row"><button id="ask">Ask</button>
 <label>samples <input id="samples" type="number" min="1" max="10" value="1" style="width:4rem"></label>
 <span id="status" class="muted"></span></div>
<div id="out"></div>
<script>
const $ = id => document.getElementById(id);
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
let dbs = [];
function showTables(){ const d = dbs.find(x => x.id === $('db').value);
  $('tables').textContent = d ? 'tables: ' + d.tables.join(', ') : 'no database yet: upload one'; }
async function load(select){ dbs = await (await fetch('/api/databases')).json();
  $('db').innerHTML = dbs.map(d => `<option value="${d.id}">${esc(d.name)}</option>`).join('');
  if (select) $('db').value = select; showTables(); }
$('db').onchange = showTables;
$('file').onchange = async () => { const f = $('file').files[0]; if (!f) return;
  $('status').textContent = 'uploading…';
  const r = await fetch('/api/upload', {method:'POST', headers:{'X-Filename': f.name}, body: f});
  const j = await r.json(); $('status').textContent = r.ok ? '' : '';
  if (!r.ok) { $('out').innerHTML = `<p class="err">${esc(j.detail)}</p>`; return; }
  await load(j.id); };
$('ask').onclick = async () => {
  $('status').textContent = 'thinking… (the first question also loads the model)'; $('out').innerHTML = '';
  const examples = $('examples').value.split('\n').filter(l => l.includes('=>'))
    .map(l => { const i = l.indexOf('=>'); return {question: l.slice(0, i).trim(), sql: l.slice(i + 2).trim()}; });
  const r = await fetch('/api/ask', {method:'POST', headers:{'Content-Type':'application/json'},
    body: JSON.stringify({db: $('db').value, question: $('q').value, samples: Number($('samples').value), examples})});
  const j = await r.json(); $('status').textContent = '';
  if (!r.ok) { const d = Array.isArray(j.detail) ? j.detail.map(x => x.msg).join('; ') : j.detail;
    $('out').innerHTML = `<p class="err">${esc(d)}</p>`; return; }
  let h = `<pre>${esc(j.sql)}</pre>`;
  if (j.generated) h += `<p class="muted">repaired along the schema graph; as the model wrote it:</p><pre>${esc(j.generated)}</pre>`;
  h += `<p class="muted">linked: ${esc(j.linked_tables.join(', '))} · kept: ${esc(j.kept_tables.join(', '))}` +
       ` · join path: ${esc(j.join_path.join(' ; ') || '–')} · ${j.candidates} candidate(s), ${j.seconds} s</p>`;
  if (j.demonstrations.length) h += `<p class="muted">examples shown to the model: ${esc(j.demonstrations.join(' · '))}</p>`;
  if (!j.ok) h += `<p class="err">the query failed: ${esc(j.error)}</p>`;
  else { h += '<table><tr>' + j.columns.map(c => `<th>${esc(c)}</th>`).join('') + '</tr>' +
    j.rows.map(r => '<tr>' + r.map(v => `<td>${esc(v)}</td>`).join('') + '</tr>').join('') + '</table>';
    if (j.more_rows) h += `<p class="muted">… ${j.more_rows} more rows</p>`; }
  $('out').innerHTML = h; };
load();
</script></body></html>
"""
