"""Answering questions: `ask` (one question), `predict` (a questions file), `demo` (the bundled database),
`serve` (the web page and its API). Their shared options are declared once in `graphsql.cli.options`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table as RichTable
from rich.text import Text

from graphsql.cli.common import app, console, err_console, say
from graphsql.cli.options import ask_options, model_options
from graphsql.errors import ConfigError, DataError
from graphsql.eval.execute import FETCH_MAX_BYTES, display_value


def load_generator(cfg):
    """The configured generator; a short-named model that is not cached yet is fetched first, with progress."""
    from graphsql.inference.generate import make_generator
    from graphsql.inference.models import MODELS, cached_model, fetch_model

    if cfg.infer.backend == "openai":
        err_console.print(f"model {cfg.infer.model} on the server at {cfg.infer.base_url} …")
        return make_generator("openai", model=cfg.infer.model, base_url=cfg.infer.base_url)
    if cfg.infer.model in MODELS and cached_model(cfg.infer.model) is None:
        err_console.print(f"model {cfg.infer.model} is not installed yet: fetching it once (a few minutes) …")
        fetch_model(cfg.infer.model, progress=lambda msg: say(f"  {msg}"))
    adapter = f", adapter {cfg.infer.adapter}" if cfg.infer.adapter else ", no adapter"
    merged = f", merged {cfg.infer.quant}" if cfg.infer.adapter and cfg.infer.merge else ""
    err_console.print(f"loading model {cfg.infer.model} (backend {cfg.infer.backend}{adapter}{merged}) …")
    return make_generator(cfg.infer.backend, model=cfg.infer.model, adapter=cfg.infer.adapter, merge=cfg.infer.merge,
                          quant=cfg.infer.quant, progress=lambda msg: say(f"  {msg}"))


def _open_database(db: str) -> tuple:
    """(what queries run on, its schema) for a SQLite path or a database URL; a database without tables is a
    DataError (nothing to ask about)."""
    from graphsql.data.engines import read_database

    target, schema = read_database(db)
    if not schema.tables:
        raise DataError(f"{getattr(target, 'label', db)}: the database has no tables to ask about")
    return target, schema


@app.command("ask")
@ask_options
def ask_cmd(
    question: str = typer.Argument(..., help="the question, in plain words"),
    db: str = typer.Option(..., help="SQLite file, or a database URL: postgresql://user@host/db, mysql://..., "
                                     "duckdb:///file.duckdb (opened read-only; password from the URL or the "
                                     "driver's environment, never printed)"),
    explain: bool = typer.Option(False, help="show linked tables, join path and prompt size"),
    max_rows: int = typer.Option(20, help="rows of the result to print"),
    *, cfg,
) -> int:
    """Answer a question about a database (SQLite, PostgreSQL, MySQL, DuckDB): prints the SQL and its result."""
    from graphsql.inference.predict import predict

    if not question.strip():
        raise DataError("ask: the question is empty")
    target, schema = _open_database(db)
    pool = None
    if cfg.prompt.shots and cfg.prompt.examples_file:  # a bad examples file fails before the model loads
        from graphsql.demos import examples_pool
        from graphsql.schema.graph import build_schema_graph

        pool = examples_pool(cfg.prompt.examples_file, build_schema_graph(schema), cfg.prompt.schema_format)
    pred = predict(question, target, load_generator(cfg), cfg.prompt, cfg.infer, schema=schema, demo_pool=pool)
    _print_prediction(pred, explain, max_rows)
    if explain and cfg.prompt.shots and not pred.reused_example:
        shown = sum(m["role"] == "assistant" for m in pred.messages)
        if pred.after_shots:
            from rich.syntax import Syntax

            console.print("[bold]demonstrations[/]: shown, and their answer failed or had no rows too; the answer "
                          "without them is kept. With them:")
            console.print(Syntax(pred.after_shots, "sql", word_wrap=True))
        else:
            console.print(f"[bold]demonstrations[/]: {shown} shown" + (
                f" ({pred.shots_skipped})" if pred.shots_skipped else
                "" if shown or cfg.prompt.shots_when != "empty" else
                " (prompt.shots_when empty: the answer without them returned rows)"))
    return 0 if pred.ok else 1


def _print_prediction(pred, explain: bool, max_rows: int) -> None:
    from rich.syntax import Syntax

    if explain:
        prepared = pred.prepared
        link = prepared.link
        top = ", ".join(f"{t} {link.table_scores[t]:.2f}" for t in link.top_tables(5)) if link else "-"
        path = " ; ".join(f"{e.table}.{e.column} = {e.ref_table}.{e.ref_column}"
                          for e in (prepared.join_path.conditions if prepared.join_path else ()))
        console.print(f"[bold]linked tables[/]: {top}")
        console.print(f"[bold]seeds[/]: {', '.join(prepared.seed_tables)}   [bold]kept[/]: {', '.join(prepared.tables)}")
        console.print(f"[bold]join path[/]: {path or '-'}")
        chars = sum(len(m['content']) for m in pred.messages)
        console.print(f"[bold]prompt[/]: {chars} characters; {len(pred.vote.candidates)} candidate(s), "
                      f"winning group {pred.vote.votes}, {pred.seconds:.1f} s")
    if explain and pred.asked_as:
        console.print(f"[bold]asked in the schema's words[/] (prompt.echo_schema_words): \"{pred.asked_as}\"")
    if explain and pred.reused_example:
        console.print(f"[bold]answered from your example[/] \"{pred.reused_example}\": its SQL with this question's "
                      "values (infer.reuse_examples); no model ran")
    if explain and pred.before_shots:
        console.print("[bold]the answer without demonstrations[/] failed or returned no rows; this one, with them, is "
                      "in place of:")
        console.print(Syntax(pred.before_shots, "sql", word_wrap=True))
    if explain and pred.before_fallback:
        console.print("[bold]no query ran[/], the repairs and the error re-prompt included; this one is the fallback "
                      "samples' (infer.fallback), in place of:")
        console.print(Syntax(pred.before_fallback, "sql", word_wrap=True))
    if explain and pred.generated:
        console.print("[bold]as the model wrote it[/] (before the schema repairs):")
        console.print(Syntax(pred.generated, "sql", word_wrap=True))
    console.print(Syntax(pred.pred_sql, "sql", word_wrap=True))
    if pred.result is not None and pred.result.ran_sql:
        console.print("[bold]as run on the database[/] (its dialect, by sqlglot):")
        console.print(Syntax(pred.result.ran_sql, "sql", word_wrap=True))
    if not pred.ok:
        err = pred.result.error if pred.result is not None else "the model's SQL could not be parsed"
        err_console.print(f"the query failed: {err}", markup=False, highlight=False)
        return
    res = pred.result
    table = RichTable(*(res.columns or [f"col{i}" for i in range(len(res.rows[0]) if res.rows else 0)]))
    for row in res.rows[:max_rows]:
        table.add_row(*(Text(str(display_value(v))) for v in row))  # Text: a value is never read as rich markup
    console.print(table)
    if len(res.rows) > max_rows:
        console.print(f"… {len(res.rows) - max_rows} more rows")
    if res.truncated:
        err_console.print(f"the result was cut after {len(res.rows):,} rows (infer.max_rows, and at most "
                          f"{FETCH_MAX_BYTES // 2**20} MiB of values): more rows exist", markup=False, highlight=False)


@app.command("predict")
@ask_options
def predict_cmd(
    questions: Path = typer.Option(..., help="Spider- or BIRD-format questions JSON"),
    out: Path = typer.Option(..., help="prediction file (one SQL per line); a .jsonl log sits beside it"),
    db_dir: Path | None = typer.Option(None, help="folder holding <db_id>/<db_id>.sqlite"),
    db: str | None = typer.Option(None, help="instead of --db-dir: one database asked every question, a SQLite "
                                             "file or a URL (postgresql://, mysql://, duckdb:///); db_id optional"),
    tables: Path | None = typer.Option(None, help="tables.json (default: beside the questions file)"),
    limit: int | None = typer.Option(None, help="first N questions only"),
    workers: int = typer.Option(1, help="questions in flight at once (--backend openai: the server batches them)"),
    shard: str | None = typer.Option(None, help="i/n: predict only the i-th of n contiguous parts (one per "
                                                "machine); join the parts with `graphsql predict-merge`"),
    *, cfg,
) -> int:
    """Predict SQL for a questions file (resumes an interrupted run)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from graphsql.data.spider import load_questions_file
    from graphsql.inference.batch import predict_examples

    if (db is None) == (db_dir is None):
        raise ConfigError("predict: give --db-dir (a folder of SQLite files, with tables.json) or --db (one "
                          "database), not both")
    if db is not None:
        from graphsql.data.spider import load_questions_for_database

        ds = load_questions_for_database(questions, *_open_database(db))
    else:
        ds = load_questions_file(questions, db_dir, tables)
    examples = ds.examples[:limit] if limit is not None else ds.examples
    if shard is not None:
        from graphsql.inference.shards import parse_shard, shard_slice, write_shard_manifest

        i, n = parse_shard(shard)
        total = len(examples)
        examples = examples[shard_slice(total, i, n)]
        write_shard_manifest(out, questions, i, n, total, [ex.idx for ex in examples])
    generator = load_generator(cfg)
    columns = (TextColumn("predict"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console) as bar:
        task = bar.add_task("predict", total=len(examples))
        records = predict_examples(examples, ds, generator, out, cfg.prompt, cfg.infer,
                                   on_item=lambda rec: bar.advance(task), workers=workers)
    failed = sum(1 for r in records if r.get("error"))
    err_console.print(f"wrote {out} ({len(records)} lines, {failed} placeholders)")
    return 0


@app.command("predict-merge")
def predict_merge_cmd(
    parts: list[Path] = typer.Argument(..., help="the prediction files of `predict --shard i/n`, any order"),
    out: Path = typer.Option(..., help="the joined prediction file (its .jsonl log beside it)"),
) -> int:
    """Join the parts of a sharded `predict` in question order; refuses a missing, repeated or unfinished part."""
    from graphsql.inference.shards import merge_shards

    summary = merge_shards(parts, out)
    err_console.print(f"wrote {out}: {summary['questions']} questions from {summary['parts']} parts "
                      f"({summary['failed']} placeholders)", markup=False, highlight=False)
    return 0


@app.command("demo")
@model_options
def demo_cmd(
    out: Path = typer.Option(Path("runs/demo"), help="folder for the demo database and its schema picture"),
    *, cfg,
) -> int:
    """Build the bundled bookshop database and ask it questions with the default model."""
    from graphsql.quickstart import DEMO_DB_ID, run_demo

    generator = load_generator(cfg)
    console.print(f"[bold]demo database[/]: {out / (DEMO_DB_ID + '.sqlite')} "
                  f"(schema graph drawn to {out / (DEMO_DB_ID + '_graph.png')})")

    def show(rec: dict, pred) -> None:
        console.rule(rec["question"])
        _print_prediction(pred, explain=True, max_rows=5)
        console.print("[green]matches the gold answer[/]" if rec["correct"] else "[red]differs from the gold answer[/]")

    records = run_demo(out, generator, cfg.prompt, cfg.infer, on_answer=show)
    right = sum(r["correct"] for r in records)
    console.print(f"\n[bold]{right}/{len(records)}[/] demo questions answered correctly "
                  f"({sum(r['seconds'] for r in records) / len(records):.1f} s per question)")
    return 0


@app.command("serve")
@model_options
def serve_cmd(
    db: list[str] = typer.Option([], "--db", help="databases offered on the page: SQLite files or URLs "
                                                  "(postgresql://, mysql://, duckdb:///); more SQLite files can be "
                                                  "uploaded"),
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port"),
    token: str | None = typer.Option(None, envvar="GRAPHSQL_TOKEN",
                                     help="required on every API call (Authorization: Bearer); needed to listen on "
                                          "an address other than loopback (or set GRAPHSQL_TOKEN)"),
    max_pending: int = typer.Option(16, help="questions that may wait for the model; more are refused (503)"),
    *, cfg,
) -> int:
    """A web page for asking questions of databases (SQLite files, or PostgreSQL, MySQL, DuckDB by URL; same
    pipeline as `ask`): the schema graph, the SQL, its result; JSON API at /api, its docs at /docs."""
    import ipaddress

    import uvicorn

    from graphsql.web.app import create_app

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback and not token:
        raise ConfigError(f"serve: listening on {host} opens the page to other machines: pass --token "
                          "(or set GRAPHSQL_TOKEN), or keep the default 127.0.0.1")
    from graphsql.data.engines import is_url

    for path in db:
        if not is_url(path) and not Path(path).exists():
            raise DataError(f"{path}: no such database file")
    web = create_app(lambda: load_generator(cfg), cfg, databases=list(db), token=token, max_pending=max_pending)
    console.print(f"GraphSQL on http://{host}:{port}{'/?token=...' if token else ''} (model {cfg.infer.model}, "
                  f"adapter {cfg.infer.adapter or 'none'}; API docs at /docs)")
    uvicorn.run(web, host=host, port=port, log_level="warning")
    return 0
