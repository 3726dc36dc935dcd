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
from typing import Optional

import click
import typer
from rich.console import Console
from rich.table import Table as RichTable

from graphsql.errors import DataError, GraphSQLError

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="GraphSQL: text-to-SQL with a small LLM and a graph of the schema.")
data_app = typer.Typer(no_args_is_help=True, help="Datasets: counts and checks.")
app.add_typer(data_app, name="data")

console = Console()
err_console = Console(stderr=True)

DATASET_HELP = "spider | bird | geo"
STATS_SPLITS = {"spider": ("train", "dev"), "bird": ("dev", "mini_dev"), "geo": ("train", "dev", "test")}


def _write_json(obj: dict, out: Optional[Path]) -> None:
    if out is None:
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n", encoding="utf-8")
    err_console.print(f"wrote {out}")


@data_app.command("stats")
def data_stats(
    dataset: list[str] = typer.Option(["spider", "bird", "geo"], "--dataset", "-d", help=DATASET_HELP),
    root: Optional[Path] = typer.Option(None, help="dataset folder (default: ../shared/data/<dataset>)"),
    out: Optional[Path] = typer.Option(None, help="also write the counts as JSON here"),
) -> int:
    """Counts per split, per Spider hardness / BIRD difficulty, per JOIN count; missing databases."""
    from graphsql.data.spider import load_dataset
    from graphsql.data.stats import dataset_stats

    if root is not None and len(dataset) != 1:
        raise DataError("data stats: --root needs exactly one --dataset")
    all_stats = [dataset_stats(load_dataset(name, split, root=root)) for name in dataset for split in STATS_SPLITS[name]]
    table = RichTable(title="Datasets")
    for col in ("dataset", "split", "questions", "runnable", "dbs", "missing dbs", "easy/med/hard/extra",
                "JOINs 0/1/2/3+"):
        table.add_column(col)
    for st in all_stats:
        levels = st.get("by_hardness") or st.get("by_difficulty") or {}
        table.add_row(st["dataset"], st["split"], str(st["questions"]), str(st["runnable"]), str(st["databases"]),
                      ", ".join(st["missing_databases"][:4]) + (" …" if len(st["missing_databases"]) > 4 else ""),
                      "/".join(str(v) for v in levels.values()), "/".join(str(v) for v in st["by_joins"].values()))
    console.print(table)
    _write_json({"datasets": all_stats}, out)
    return 0


@app.command("graph")
def graph_cmd(
    db: Optional[Path] = typer.Option(None, help="SQLite file to draw (any database)"),
    fmt: str = typer.Option("text", "--format", "-f", help="text | ddl | compact | graph | json | dot | png"),
    out: Optional[Path] = typer.Option(None, help="output file (required for png; else printed)"),
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
    pred: Path = typer.Option(..., help="predictions: one SQL per line, in question order"),
    db_dir: Path = typer.Option(..., help="folder holding <db_id>/<db_id>.sqlite"),
    tables: Optional[Path] = typer.Option(None, help="tables.json (schemas; needed for exact-set-match)"),
    out: Optional[Path] = typer.Option(None, help="write metrics JSON here"),
    timeout: float = typer.Option(30.0, help="seconds allowed per query"),
    dataset: str = typer.Option("spider", help="spider (EX+EM, hardness) | bird (BIRD EX, difficulty)"),
    limit: Optional[int] = typer.Option(None, help="first N questions only"),
) -> int:
    """Execution accuracy and exact-set-match, by hardness and JOIN count."""
    from graphsql.eval.files import read_gold, read_predictions
    from graphsql.eval.metrics import evaluate, print_metrics

    golds, schemas = read_gold(gold, db_dir=db_dir, tables=tables)
    preds = read_predictions(pred)
    if len(preds) != len(golds):
        raise DataError(f"{pred}: {len(preds)} predictions but {gold} has {len(golds)} questions")
    if limit is not None:
        golds, preds = golds[:limit], preds[:limit]
    metrics = evaluate(golds, preds, schemas, timeout=timeout, dataset=dataset)
    print_metrics(metrics, console)
    _write_json(metrics, out)
    return 0


@app.command("demo")
def demo_cmd(
    out: Path = typer.Option(Path("runs/demo"), help="folder for the demo database and its pictures"),
) -> int:
    """Build the bundled bookshop database, show its schema graph, and evaluate its gold questions."""
    from graphsql.demo import demo_main

    return demo_main(out, console)


def main(argv: Optional[list[str]] = None) -> int:
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
