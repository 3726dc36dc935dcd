"""The `graphsql` command: one thin subcommand per stage.

    $ graphsql data stats --dataset spider
    $ graphsql graph --db demo.sqlite --format png --out graph.png
    $ graphsql evaluate --gold dev_gold.sql --pred preds.sql --db-dir database --tables tables.json --out m.json

Each subcommand parses flags, calls one library function and returns an exit code; the modules follow the data
flow (`data`: datasets, graph, evaluation, runner, report; `training`; `models`; `answer`: ask, predict, demo,
serve, with their shared options in `options`; `experiments`: every experiment module by name). `main(argv)` is what tests call. Errors a user can fix
(`GraphSQLError`) print one line and exit 1; `--debug` shows the traceback.
"""

from graphsql.cli import answer, data, experiments, models, training  # noqa: F401  (each registers its subcommands)
from graphsql.cli.answer import load_generator
from graphsql.cli.common import app, main, run
from graphsql.cli.options import cli_config

__all__ = ["app", "cli_config", "load_generator", "main", "run"]
