"""Datasets, the schema graph, evaluation, the experiment runner and the report."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table as RichTable

from graphsql.cli.common import app, console, data_app, err_console, write_json
from graphsql.errors import ConfigError, DataError
from graphsql.experiments import layout

DATASET_HELP = "spider | bird | geo"
STATS_SPLITS = {"spider": ("train", "dev"), "bird": ("dev", "mini_dev"), "geo": ("train", "dev", "test")}


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
    write_json({"datasets": all_stats}, out)
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
    write_json({"splits": splits, "provenance": run_info("graphsql data robust", {"seed": 0})}, out)
    return 0


@app.command("run")
def run_cmd(
    ids: list[str] = typer.Argument(None, help="experiment ids of experiments.yaml (default with --all/--stale: all)"),
    all_: bool = typer.Option(False, "--all", help="every experiment"),
    stale: bool = typer.Option(False, "--stale", help="every experiment, only what is not up to date"),
    model: str | None = typer.Option(None, help="only the runs of this model tag"),
    force: bool = typer.Option(False, help="rerun steps that are up to date"),
    dry_run: bool = typer.Option(False, "--dry-run", help="say what would run, run nothing"),
    sample_sets: list[str] = typer.Option([], "--sample-set", help="only build this declared sample set (repeatable)"),
    train: list[str] = typer.Option([], "--train", help="only train this model's adapter as declared (repeatable)"),
    registry_file: Path | None = typer.Option(None, "--experiments", help="default: experiments.yaml"),
) -> int:
    """Run the experiments of experiments.yaml, skipping what is up to date (graphsql.experiments.runner): a missing
    adapter is trained first where experiments.yaml says how."""
    from graphsql.experiments.registry import load_registry
    from graphsql.experiments.runner import plan_steps, run_steps, sample_set_step, training_steps

    registry = load_registry(registry_file)
    if sample_sets or train:
        if ids or all_ or stale or model:
            raise ConfigError("graphsql run: --sample-set and --train build sample sets and adapters only; name no "
                              "experiment or model with them")
        steps = [sample_set_step(registry, name) for name in sample_sets]
        for tag in train:
            if not training_steps(registry, tag):
                raise ConfigError(f"graphsql run --train: experiments.yaml does not say how {tag!r} is trained")
            steps += training_steps(registry, tag)
    elif not ids and not (all_ or stale or model):
        raise ConfigError("graphsql run: name experiments (" + ", ".join(e.id for e in registry.experiments)
                          + "), a --model, or pass --all / --stale")
    else:
        steps = plan_steps(registry, ids or None, model, force=force)
    counts = run_steps(steps, registry, force=force, dry_run=dry_run,
                       echo=lambda line: console.print(line, markup=False, highlight=False))
    console.print(f"{len(steps)} steps: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v),
                  markup=False, highlight=False)
    return 1 if counts["failed"] else 0


@app.command("graph")
def graph_cmd(
    db: str | None = typer.Option(None, help="SQLite file or database URL (postgresql://, mysql://, duckdb:///)"),
    fmt: str = typer.Option("text", "--format", "-f", help="text | ddl | compact | graph | json | dot | png"),
    out: Path | None = typer.Option(None, help="output file (required for png; else printed)"),
    infer: bool = typer.Option(True, "--infer/--no-infer", help="add inferred foreign keys"),
    coverage: bool = typer.Option(False, help="measure FK coverage / pruning on Spider instead (results JSON)"),
) -> int:
    """Build the schema graph of a SQLite database and print or draw it; or measure graph coverage on Spider."""
    if coverage:
        from graphsql.experiments.graph_coverage import measure_graph_coverage

        measure_graph_coverage(out or layout.analysis_file(Path("results"), "graph_coverage.json"))
        return 0
    if db is None:
        raise DataError("graph: give --db FILE (a SQLite database) or --coverage")
    from graphsql.data.engines import read_database

    target, schema = read_database(db)
    from graphsql.schema.draw import draw_schema_graph, graph_to_dot, graph_to_json
    from graphsql.schema.graph import build_schema_graph
    from graphsql.schema.serialize import serialize_schema

    graph = build_schema_graph(schema, infer_fks=infer, db_path=target if isinstance(target, Path) else None,
                               infer_keys=infer)  # as ask builds it
    if fmt == "png":
        if out is None:
            raise DataError("graph --format png needs --out FILE.png")
        draw_schema_graph(graph, out)
        err_console.print(f"wrote {out}")
        return 0
    if fmt == "json":
        text = json.dumps(graph_to_json(graph), indent=2, default=str, ensure_ascii=False)
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
    write_json(metrics, out)
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
    from graphsql.report.headline import SCALING_END, SCALING_START
    from graphsql.report.product import serving_table

    path = write_report(results, out)
    err_console.print(f"wrote {path}")
    if readme is not None and readme.exists() and update_readme(readme, headline_lines(results)):
        err_console.print(f"updated the results table of {readme}")
    if readme is not None and readme.exists() and update_readme(
            readme, serving_table(results, readme.parent), SCALING_START, SCALING_END):
        err_console.print(f"updated the serving measurements of {readme}")
    if latex:
        from graphsql.report import write_latex

        for made in write_latex(results, out.parent / "paper"):
            err_console.print(f"wrote {made}")
    return 0
