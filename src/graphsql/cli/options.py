"""The options `ask`, `predict`, `demo` and `serve` share, declared once.

A command decorated with `model_options` (or `ask_options`) gets these flags added to its own and receives one
`cfg` (an `ExperimentConfig`: defaults < `--config` YAML < flags) instead of them:

    @app.command("demo")
    @model_options
    def demo_cmd(out: Path = ..., *, cfg) -> int: ...

`cli_config(**flags)` builds the same config from flag values (what the decorator calls; tests call it too).
"""

from __future__ import annotations

import functools
import inspect
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer


@dataclass(frozen=True)
class Flag:
    type: Any                 # the parameter's annotation
    option: Any               # typer.Option(...)
    fields: tuple[str, ...]   # config fields it sets ("section.key"); () = handled by cli_config itself


MODEL_FLAGS: dict[str, Flag] = {
    "config": Flag(Path | None, typer.Option(None, "--config", help="configs/<name>.yaml"), ()),
    "model": Flag(str | None, typer.Option(None, "--model", help="short name, local folder or Hugging Face id"),
                  ("infer.model",)),
    "adapter": Flag(str | None, typer.Option(None, "--adapter", help="LoRA adapter folder; none = the bare model "
                                                                   "(default: the shipped graph adapter)"),
                    ("infer.adapter",)),
    "backend": Flag(str | None, typer.Option(None, "--backend", help="auto | transformers | llama.cpp | openai"),
                    ("infer.backend",)),
    "base_url": Flag(str | None, typer.Option(None, "--base-url", help="--backend openai: an OpenAI-compatible "
                                                                     "server, e.g. http://127.0.0.1:8000/v1"),
                     ("infer.base_url",)),
    "api_key": Flag(str | None, typer.Option(None, "--api-key", envvar="GRAPHSQL_API_KEY",
                                             help="--backend openai: the server's key (or GRAPHSQL_API_KEY); never "
                                                  "stored"), ()),
    "merge": Flag(bool | None, typer.Option(None, "--merge/--no-merge", help="llama.cpp: the adapter merged into the "
                                                                          "base weights (built once, cached; "
                                                                          "default) or applied at run time"),
                  ("infer.merge",)),
    "quant": Flag(str | None, typer.Option(None, "--quant", help="merged model's GGUF format: f16 | q8_0 | q4_k_m | "
                                                               "q4_0 | q5_k_m | q6_k"),
                  ("infer.quant",)),
    "samples": Flag(int | None, typer.Option(None, "--samples", help="self-consistency candidates (1 = greedy)"),
                    ("infer.samples",)),
}

PROMPT_FLAGS: dict[str, Flag] = {
    "prompt_format": Flag(str | None, typer.Option(None, "--prompt-format", help="ddl | compact | graph"),
                          ("prompt.schema_format",)),
    "prune": Flag(bool | None, typer.Option(None, "--prune/--no-prune", help="prune the schema graph around linked "
                                                                          "tables"),
                  ("prompt.prune",)),
    "max_tables": Flag(int | None, typer.Option(None, "--max-tables", help="pruning budget (tables kept)"),
                       ("prompt.max_tables",)),
    "timeout": Flag(float | None, typer.Option(None, "--timeout", help="seconds allowed per query"),
                    ("infer.timeout",)),
    "shots": Flag(int | None, typer.Option(None, "--shots", help="few-shot demonstrations (0 = zero-shot)"),
                  ("prompt.shots",)),
    "shot_selector": Flag(str | None, typer.Option(None, "--shot-selector", help=(
        "auto (default: question_similar for your own examples, graph_similar for Spider train) | random | "
        "question_similar | masked_question_similar | skeleton_similar | graph_similar")),
        ("prompt.shot_selector",)),
    "shot_pool": Flag(str | None, typer.Option(None, "--shot-pool", help=(
        "spider: Spider train, other databases | geo: GeoQuery's query-split train (same database) | FILE.json: "
        "your own [{question, sql}] examples on the database")), ("prompt.shot_pool",)),
    "shots_when": Flag(str | None, typer.Option(None, "--shots-when", help=(
        "empty (default): show the demonstrations only when the answer without them fails or returns no rows | "
        "always")), ("prompt.shots_when",)),
    "restyle_shots": Flag(bool | None, typer.Option(None, "--restyle-shots/--no-restyle-shots", help=(
        "show each demonstration's SQL in the style the adapters were trained on (names as the schema spells them, "
        "T1/T2 aliases only in joins), not as its author wrote it")), ("prompt.restyle_shots",)),
    "repairs": Flag(bool | None, typer.Option(None, "--repairs/--no-repairs", help=(
        "repair the generated SQL along the schema graph before it runs: names, join path, column qualifiers "
        "(default: on)")), ("infer.fix_joins", "infer.fix_columns", "infer.fix_names")),
    "fallback": Flag(int | None, typer.Option(None, "--fallback", help=(
        "when no query runs (the error re-prompt included), sample this many more and keep the voted one that runs "
        "(0 = off)")), ("infer.fallback",)),
    "fallback_empty": Flag(bool | None, typer.Option(None, "--fallback-empty/--no-fallback-empty", help=(
        "draw the fallback samples for an answer that returns no rows too; a sample that returns rows replaces it")),
        ("infer.fallback_empty",)),
    "respell_literals": Flag(bool | None, typer.Option(None, "--respell-literals/--no-respell-literals", help=(
        "respell a literal the database never holds in its column as the one value it does hold that is meant "
        "(letter case, a country's other names, across a foreign key; default: on)")), ("infer.respell_literals",)),
    "entity_names": Flag(bool | None, typer.Option(None, "--entity-names/--no-entity-names", help=(
        "answer a question about entities that names no column with their name column(s) instead of every column "
        "(default: on)")), ("infer.names_for_star",)),
    "answer_format": Flag(str | None, typer.Option(None, "--answer-format", help=(
        "sql | decomposed (tables, joins, subqueries, clauses, then the SQL: AST-guided decomposition)")),
        ("prompt.answer_format",)),
}

FLAGS = {**MODEL_FLAGS, **PROMPT_FLAGS}


def cli_config(config: Path | None = None, **flags):
    """ExperimentConfig from defaults < YAML < flags (flags left at None are not applied; ``shot_pool`` without
    ``shots`` means 3 demonstrations)."""
    from graphsql.config import load_config

    unknown = sorted(set(flags) - set(FLAGS))
    if unknown:
        raise TypeError(f"cli_config: unknown flags {unknown}")
    if flags.get("shot_pool") is not None and flags.get("shots") is None:
        flags["shots"] = 3
    if flags.get("api_key"):  # a secret: handed to the openai backend through the environment, never a config field
        os.environ["GRAPHSQL_API_KEY"] = flags["api_key"]
    sections: dict = {}
    for name, value in flags.items():
        if value is None:
            continue
        for dotted in FLAGS[name].fields:
            section, key = dotted.split(".")
            sections.setdefault(section, {})[key] = value
    return load_config(config, sections)


def _with_flags(table: dict[str, Flag]):
    def decorate(fn):
        sig = inspect.signature(fn)
        own = [p for p in sig.parameters.values() if p.name != "cfg"]
        added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=flag.option, annotation=flag.type)
                 for name, flag in table.items()]

        @functools.wraps(fn)
        def command(**kwargs):
            flags = {name: kwargs.pop(name) for name in table}
            return fn(**kwargs, cfg=cli_config(**flags))

        command.__signature__ = sig.replace(parameters=own + added)
        command.__annotations__ = {**{k: v for k, v in fn.__annotations__.items() if k != "cfg"},
                                   **{name: flag.type for name, flag in table.items()}}
        return command
    return decorate


model_options = _with_flags(MODEL_FLAGS)   # demo, serve: which model, how it runs
ask_options = _with_flags(FLAGS)           # ask, predict: also the prompt, the repairs, the demonstrations
