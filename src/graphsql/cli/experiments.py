"""`graphsql experiment NAME ...`: every experiment, analysis and benchmark module of the paper under the one
command, with its own options (`graphsql experiment NAME --help`).

    $ graphsql experiment                                   # the list, one line each
    $ graphsql experiment variants --sample 300 --tag base --variants ddl_full
    $ graphsql experiment hardening --kills

`graphsql run` calls the same modules for what experiments.yaml declares; this is the way to one of them by hand.
The modules keep their argparse parsers (their options are what `graphsql run` passes and what each results file
records as its command); here they are registered once, by name.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import typer

from graphsql.cli.common import app

# name -> module: the table of every runnable experiment, analysis and benchmark module
EXPERIMENTS = {
    "variants": "graphsql.experiments.variants",
    "sc-count": "graphsql.experiments.sc_count",
    "rules-replay": "graphsql.experiments.rules_replay",
    "rules-heldout": "graphsql.experiments.rules_heldout",
    "bird-schema": "graphsql.experiments.bird_schema",
    "baseline-subset": "graphsql.experiments.baseline_subset",
    "join-failures": "graphsql.experiments.join_failures",
    "detached-joins": "graphsql.experiments.detached_joins",
    "linking-recall": "graphsql.experiments.linking_recall",
    "graph-coverage": "graphsql.experiments.graph_coverage",
    "error-analysis": "graphsql.experiments.error_analysis",
    "repairs-heldout": "graphsql.experiments.repairs_heldout",
    "shots-confidence": "graphsql.experiments.shots_confidence",
    "example-reuse": "graphsql.experiments.example_reuse",
    "synonym-linking": "graphsql.experiments.synonym_linking",
    "budget-vote": "graphsql.experiments.budget_vote",
    "typed-values": "graphsql.experiments.typed_values",
    "demo-proxy": "graphsql.experiments.demo_proxy",
    "training-runs": "graphsql.experiments.training_runs",
    "cost": "graphsql.experiments.cost",
    "engines": "graphsql.experiments.engines",
    "hostile": "graphsql.eval.hostile",
    "hardening": "graphsql.eval.hardening",
    "bench-serving": "graphsql.inference.bench_serving",
    "web-bench": "graphsql.web.bench",
    "web-screenshots": "graphsql.web.screenshots",
}

experiment_app = typer.Typer(no_args_is_help=True, help="Run one experiment, analysis or benchmark module by name "
                             "(its own options: graphsql experiment NAME --help).")
app.add_typer(experiment_app, name="experiment")


def _first_line(module: str) -> str:
    """The module docstring's first sentence (read without importing the module: some import torch)."""
    spec = importlib.util.find_spec(module)
    source = open(spec.origin, encoding="utf-8").read() if spec and spec.origin else ""
    text = source.split('"""', 2)[1] if source.count('"""') >= 2 else ""
    first = " ".join(text.strip().split("\n\n")[0].split())
    return first.split(". ")[0].rstrip(".:")


def _register(name: str, module: str) -> None:
    @experiment_app.command(name, help=_first_line(module), add_help_option=False,
                            context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def run(ctx: typer.Context) -> int:
        saved, sys.argv[0] = sys.argv[0], f"graphsql experiment {name}"  # argparse's usage line names the command
        try:
            return importlib.import_module(module).main(list(ctx.args)) or 0
        except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
            return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.argv[0] = saved


for _name, _module in EXPERIMENTS.items():
    _register(_name, _module)
