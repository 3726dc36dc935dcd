"""`python -m graphsql ...`: the CLI without its console script (a machine where the package is only on PYTHONPATH)."""

from graphsql.cli import run

run()
