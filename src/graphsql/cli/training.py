"""Sample building, LoRA training, preference training and the pre-LLM baseline."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from graphsql.cli.common import app, baseline_app, console, dpo_app, err_console


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
    zero_stage: int | None = typer.Option(None, help="under accelerate launch / torchrun: 2 or 3 = DeepSpeed ZeRO "
                                                       "(partitions optimizer states and gradients, 3: parameters "
                                                       "too); 0 = PyTorch DDP"),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="continue from the last checkpoint in --out"),
) -> int:
    """LoRA fine-tuning on augmented samples; a killed run resumes from its last checkpoint, same data order."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from graphsql.training import run_train
    from graphsql.training.sft import checked_train_config

    overrides = {k: v for k, v in {"limit": limit, "seed": seed, "max_steps": max_steps, "max_tokens": max_tokens,
                                   "max_minutes": max_minutes, "epochs": epochs, "model": model,
                                   "device": device, "samples": str(samples) if samples else None,
                                   "zero_stage": zero_stage}.items() if v is not None}
    checked_train_config(config, overrides)  # a bad config or a missing samples file: one line, before any bar
    columns = (TextColumn("train"), BarColumn(), TextColumn("{task.completed}/{task.total} steps"),
               TextColumn("{task.fields[info]}"), TimeRemainingColumn())
    other_process = int(os.environ.get("RANK", "0")) > 0  # under accelerate launch / torchrun: one bar, rank 0's
    with Progress(*columns, console=err_console, disable=other_process) as bar:
        task = bar.add_task("train", total=None, info="")

        def progress(step, total, loss, tokens_per_s, eta_s):
            bar.update(task, completed=step, total=total, info=f"loss {loss:.3f}  {tokens_per_s:.0f} tok/s")

        result = run_train(config, out, overrides=overrides, resume=resume, progress=progress)
    if not other_process:
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
