"""Training tokens/s of our SFT setup against a plain transformers Trainer, same model, data and LoRA.

    python benchmarks/bench_training.py                                   # tiny random Qwen2, seconds
    python benchmarks/bench_training.py --model qwen2.5-coder-0.5b --steps 3   # the real model, minutes on CPU

Both sides train the same LoRA (r=16, all linear layers) on the same samples, each sample once:

- ``ours``: `train_sft` with the given precision (bf16 autocast by default), packed rows of ``max_len``,
  logits only at answer positions; micro-batches of ``batch_size * max_len`` tokens.
- ``trainer``: `transformers.Trainer`, fp32, every sample padded to ``max_len``, `default_data_collator`,
  ``per_device_train_batch_size = batch_size``, ``max_steps = steps``.

The samples are ``steps * batch_size`` Spider train questions with their whole schema (compact format, the
project's prompt builder) when ../shared/data is present, else synthetic ones. tokens/s counts real (non-padding)
tokens over the training loop's wall time. Writes results/benchmarks/bench_training.json with settings, commit and figures.
Short runs include the first (warm-up) step and ours the final checkpoint; the 2 cores are shared, so compare
figures from one invocation only. Steady state on a quiet machine (Qwen 0.5B, 2048-token micro-batches):
bf16 ~150 tokens/s without LoRA dropout, ~115 with dropout 0.05, fp32 ~64.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import random
import shutil
import tempfile
import time
from pathlib import Path

from graphsql.config import REPO_ROOT, PromptConfig
from graphsql.experiments import layout

log = logging.getLogger("bench_training")

LORA = {"lora_r": 16, "lora_alpha": 32, "lora_dropout": 0.0}  # as configs/train_*_cpu.yaml


def spider_samples(n: int) -> list[dict]:
    """The first ``n`` Spider train questions as chat samples (whole schema, compact); [] without the data."""
    from graphsql.data.spider import load_dataset
    from graphsql.errors import DataError
    from graphsql.prompting import build_messages, prepare_schema
    from graphsql.schema.graph import build_schema_graph

    try:
        dataset = load_dataset("spider", "train")
    except (DataError, OSError):
        return []
    graphs: dict = {}
    samples = []
    config = PromptConfig(prune=False, matched_values=False)
    for example in dataset.examples[:n]:
        if example.db_id not in graphs:
            graphs[example.db_id] = build_schema_graph(dataset.schemas[example.db_id], infer_fks=False)
        prepared = prepare_schema(example.question, graphs[example.db_id], config)
        messages = build_messages(example.question, prepared, answer=example.gold_sql)
        samples.append(
            {
                "messages": messages,
                "source": "spider:train",
                "task": "sql",
                "db_id": example.db_id,
                "n_joins": 0,
            }
        )
    return samples


def synthetic_samples(n: int, seed: int = 0) -> list[dict]:
    """Chat samples of varied length with made-up schemas, for machines without the benchmark data."""
    rng = random.Random(seed)
    samples = []
    for i in range(n):
        columns = ", ".join(f"col_{j} TEXT" for j in range(rng.randint(3, 30)))
        messages = [
            {"role": "system", "content": "You are an expert in SQLite."},
            {
                "role": "user",
                "content": f"Database schema:\ntable_{i}({columns})\n\nQuestion: how many rows?",
            },
            {"role": "assistant", "content": f"SELECT count(*) FROM table_{i}"},
        ]
        samples.append(
            {"messages": messages, "source": "synthetic", "task": "sql", "db_id": f"db_{i}", "n_joins": 0}
        )
    return samples


def load_base(name: str, precision: str):
    """(model, tokenizer) for ``tiny`` (random 2-layer Qwen2, hidden 64) or a real model.

    ``tiny`` uses Qwen's tokenizer when the model is cached (real sequence lengths and a 150k-word output
    layer), else the fixture tokenizer of the tests."""
    import torch

    if name == "tiny":
        from transformers import AutoTokenizer

        from graphsql.inference.models import cached_model
        from graphsql.testing import tiny_qwen

        cached = cached_model("qwen2.5-coder-0.5b")
        folder = cached.hf_path if cached else REPO_ROOT / "tests" / "fixtures" / "tiny_tokenizer"
        tokenizer = AutoTokenizer.from_pretrained(folder)
        model = tiny_qwen(tokenizer, hidden_size=64, intermediate_size=256, max_positions=2048)
        return (model.to(torch.bfloat16) if precision == "bf16" else model), tokenizer
    from graphsql.inference.generate import load_model, load_tokenizer
    from graphsql.inference.models import resolve_model

    files = resolve_model(name)
    dtype = "bfloat16" if precision == "bf16" else "float32"
    return load_model(files.hf_path, dtype=dtype, device="cpu", merge_adapter=False), load_tokenizer(
        files.hf_path
    )


def run_ours(args, samples, precision: str) -> dict:
    from graphsql.training.config import TrainConfig
    from graphsql.training.sft import train_sft

    model, tokenizer = load_base(args.model, precision)
    config = TrainConfig(
        model=args.model,
        max_len=args.max_len,
        batch_tokens=args.batch_size * args.max_len,
        grad_accum=1,
        batching="pack",
        precision=precision,
        device="cpu",
        epochs=1,
        save_every=0,
        learning_rate=2e-4,
        warmup_ratio=0.0,
        **LORA,
    )
    out = Path(tempfile.mkdtemp(prefix="bench_training."))
    try:
        result = train_sft(model, tokenizer, samples, config, out, resume=False)
        metrics = json.loads((out / "metrics.json").read_text())
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {
        "tokens": result.tokens,
        "seconds": round(result.elapsed_s, 2),
        "tokens_per_s": round(result.tokens_per_s, 2),
        "steps": result.steps,
        "final_loss": result.final_loss,
        "padding_fraction": metrics["data"]["padding_fraction"],
        "precision": precision,
    }


def run_trainer(args, samples) -> dict:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import Trainer, TrainingArguments, default_data_collator

    from graphsql.training.data import IGNORE, tokenize_samples

    model, tokenizer = load_base(args.model, "fp32")
    model = get_peft_model(
        model,
        LoraConfig(
            r=LORA["lora_r"],
            lora_alpha=LORA["lora_alpha"],
            lora_dropout=LORA["lora_dropout"],
            target_modules="all-linear",
            task_type="CAUSAL_LM",
        ),
    )
    tokenized, _ = tokenize_samples(tokenizer, samples, args.max_len)
    pad_id = tokenizer.pad_token_id
    rows = []
    for t in tokenized:  # padded to max_len, as a plain recipe does
        pad = args.max_len - len(t.input_ids)
        rows.append(
            {
                "input_ids": torch.tensor(list(t.input_ids) + [pad_id] * pad),
                "attention_mask": torch.tensor([1] * len(t.input_ids) + [0] * pad),
                "labels": torch.tensor(list(t.labels) + [IGNORE] * pad),
            }
        )
    steps = len(rows) // args.batch_size
    out = Path(tempfile.mkdtemp(prefix="bench_trainer."))
    try:
        training_args = TrainingArguments(
            output_dir=str(out),
            per_device_train_batch_size=args.batch_size,
            max_steps=steps,
            learning_rate=2e-4,
            report_to="none",
            save_strategy="no",
            logging_strategy="no",
            use_cpu=True,
            dataloader_num_workers=0,
            seed=0,
            disable_tqdm=True,
        )
        trainer = Trainer(
            model=model, args=training_args, train_dataset=rows, data_collator=default_data_collator
        )
        t0 = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    tokens = sum(len(t.input_ids) for t in tokenized[: steps * args.batch_size])
    padded = steps * args.batch_size * args.max_len
    return {
        "tokens": tokens,
        "seconds": round(seconds, 2),
        "tokens_per_s": round(tokens / seconds, 2),
        "steps": steps,
        "padding_fraction": round(1 - tokens / padded, 4),
        "precision": "fp32",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny", help="tiny | qwen2.5-coder-0.5b | HF folder")
    parser.add_argument("--steps", type=int, default=4, help="Trainer steps; samples = steps * batch_size")
    parser.add_argument(
        "--batch-size", type=int, default=4, help="Trainer rows per step; ours: rows per micro-batch"
    )
    parser.add_argument("--max-len", type=int, default=512, help="max sequence length (Trainer pads to it)")
    parser.add_argument("--precision", default="bf16", help="ours: bf16 | fp32")
    parser.add_argument("--also-fp32", action="store_true", help="also run ours in fp32 (splits the gain)")
    parser.add_argument("--out", type=Path, default=layout.benchmark_file(REPO_ROOT / "results", "bench_training.json"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    import torch

    from graphsql.provenance import run_info

    n = args.steps * args.batch_size
    samples = spider_samples(n) or synthetic_samples(n)
    runs = {"ours": run_ours(args, samples, args.precision)}
    if args.also_fp32:
        runs["ours_fp32"] = run_ours(args, samples, "fp32")
    runs["trainer"] = run_trainer(args, samples)
    ratio = runs["ours"]["tokens_per_s"] / runs["trainer"]["tokens_per_s"]
    for name, figures in runs.items():
        print(
            f"{name:10s} {figures['tokens_per_s']:9.1f} tokens/s  ({figures['tokens']} tokens in "
            f"{figures['seconds']} s, padding {100 * figures['padding_fraction']:.0f}%, {figures['precision']})"
        )
    print(f"ratio ours / trainer: {ratio:.2f}x")
    report = {
        "settings": {
            "model": args.model,
            "steps": args.steps,
            "batch_size": args.batch_size,
            "max_len": args.max_len,
            "samples": len(samples),
            "data": samples[0]["source"],
            "lora": LORA,
            "threads": torch.get_num_threads(),
            "cpu": platform.processor() or platform.machine(),
        },
        "runs": runs,
        "ratio": round(ratio, 3),
        "provenance": run_info("python benchmarks/bench_training.py", vars(args)),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
