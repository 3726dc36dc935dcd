"""`python -m graphsql.cli ...`: the same as the `graphsql` console script."""

import graphsql.cli  # noqa: F401,E402  (registers the subcommands)
from graphsql.cli.common import run

run()
