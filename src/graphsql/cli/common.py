"""The `graphsql` app, its consoles, and `main`: what every subcommand module shares."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
import typer
from rich.console import Console

from graphsql.atomic import write_text_atomic
from graphsql.errors import GraphSQLError

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

# typer >= 0.26 raises its own vendored click's exceptions; older ones raise click's: catch both
EXIT, USAGE, ABORT = (click.exceptions.Exit,), (click.ClickException,), (click.exceptions.Abort,)
try:
    import typer._click.exceptions as _typer_click
    import typer.exceptions as _typer_exc

    EXIT += (_typer_exc.Exit,)
    USAGE += (_typer_click.ClickException,)
    ABORT += (_typer_exc.Abort,)
except ImportError:  # pragma: no cover - an older typer
    pass

console = Console()
err_console = Console(stderr=True)


def say(msg: str) -> None:
    """A progress line on stderr, printed as is (no rich markup)."""
    err_console.print(msg, markup=False, highlight=False)


def write_json(obj: dict, out: Path | None) -> None:
    if out is None:
        return
    write_text_atomic(out, json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n")
    err_console.print(f"wrote {out}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: sys.argv[1:]) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if debug:
        args.remove("--debug")
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        rv = app(args=args, prog_name="graphsql", standalone_mode=False)
    except EXIT as exc:
        return exc.exit_code
    except USAGE as exc:  # unknown command or option, a missing or malformed argument: usage and exit code 2
        exc.show()
        return exc.exit_code
    except ABORT + (KeyboardInterrupt,):
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
