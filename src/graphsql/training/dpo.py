"""Preference optimisation from execution feedback, on top of an SFT adapter: sample, label, pair, DPO.

    $ graphsql dpo sample --config configs/dpo_graph_cpu.yaml --out runs/dpo/graph_cpu   # candidates.jsonl, pairs.jsonl
    $ graphsql dpo train  --config configs/dpo_graph_cpu.yaml --out runs/dpo/graph_cpu   # adapter/

1. ``sample``: for Spider-train SQL samples of the SFT data (the same prompts the adapter was trained on), draw
   ``candidates`` completions from the SFT model at ``temperature``, execute each against the training database
   and label it by the gold query's result (`graphsql.training.preference`). One JSON line per question in
   ``candidates.jsonl``; a killed run continues after the last finished question.
2. ``pairs``: (chosen, rejected) pairs with a margin from the syntax-tree distance to the gold, pairs below
   ``min_margin`` dropped -> ``pairs.jsonl`` (rebuilt from the candidates every time; cheap).
3. ``train``: trl's `DPOTrainer` continues training the SFT adapter; the reference model is a frozen copy of the
   same SFT adapter (trl adds it as the "ref" adapter). Checkpoints every ``save_every`` steps; a rerun resumes
   from the newest one. The result, ``adapter/``, has the SFT adapter's shape and prompt settings, so it is used
   exactly like it (`graphsql model export`, ``--adapter``).
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from graphsql.atomic import open_append, read_jsonl, write_text_atomic
from graphsql.config import load_dataclass_config
from graphsql.errors import ConfigError
from graphsql.provenance import run_info
from graphsql.training.preference import build_preference_pairs, label_candidates

log = logging.getLogger(__name__)

CANDIDATES = "candidates.jsonl"
PAIRS = "pairs.jsonl"
ADAPTER = "adapter"


@dataclass(frozen=True)
class DpoConfig:
    """Sampling, pairing and DPO training settings."""

    model: str = field(default="qwen2.5-coder-0.5b", metadata={"help": "base model (short name, folder, Hub id)"})
    adapter: str | None = field(default="models/qwen2.5-coder-0.5b-graph-balanced-lora",
                                metadata={"help": "SFT adapter to improve (null: sample from the bare model)"})
    samples: str = field(default="runs/augment/graph_balanced/samples.jsonl", metadata={"help": "SFT samples: the prompts"})
    sources: tuple[str, ...] = field(default=("spider:train",), metadata={"help": "sample sources used as questions"})
    questions: int = field(default=600, metadata={"help": "questions to sample (random, seeded)"})
    candidates: int = field(default=4, metadata={"help": "completions drawn per question"})
    temperature: float = field(default=1.0, metadata={"help": "sampling temperature"})
    max_new_tokens: int = field(default=200, metadata={"help": "longest completion"})
    backend: str = field(default="auto", metadata={"help": "generator backend for sampling"})
    timeout: float = field(default=10.0, metadata={"help": "seconds per query execution"})
    min_margin: float = field(default=0.1, metadata={"help": "drop pairs whose rejected query is closer to the gold"})
    max_pairs_per_question: int = field(default=2, metadata={"help": "most pairs from one question"})
    gold_when_none_right: bool = field(default=True, metadata={"help": "no right candidate: the gold is chosen"})
    beta: float = field(default=0.1, metadata={"help": "DPO temperature (KL strength)"})
    learning_rate: float = field(default=5.0e-6, metadata={"help": "peak learning rate"})
    epochs: float = field(default=1.0, metadata={"help": "passes over the pairs"})
    max_steps: int = field(default=-1, metadata={"help": "optimizer steps (-1: from epochs)"})
    batch_size: int = field(default=2, metadata={"help": "pairs per micro-batch"})
    grad_accum: int = field(default=4, metadata={"help": "micro-batches per optimizer step"})
    max_length: int = field(default=640, metadata={"help": "longest prompt + answer in tokens (longer: truncated)"})
    precision: str = field(default="bf16", metadata={"help": "bf16 | fp32"})
    save_every: int = field(default=10, metadata={"help": "checkpoint every N optimizer steps"})
    seed: int = field(default=0, metadata={"help": "question choice, sampling and training seed"})

    def __post_init__(self):
        if self.candidates < 2:
            raise ConfigError("dpo.candidates must be >= 2 (pairs need a right and a wrong answer)")
        if self.temperature <= 0:
            raise ConfigError("dpo.temperature must be > 0")
        if self.precision not in ("bf16", "fp32"):
            raise ConfigError("dpo.precision must be bf16 or fp32")
        if not 0 <= self.min_margin <= 1:
            raise ConfigError("dpo.min_margin must be between 0 and 1")


@dataclass(frozen=True)
class DpoFile:
    """A ``configs/dpo_*.yaml`` file: a name and a ``dpo:`` section."""

    name: str = field(default="", metadata={"help": "config name"})
    dpo: DpoConfig = field(default_factory=DpoConfig, metadata={"help": "the DPO settings"})


def load_dpo_config(path: str | Path | None = None, overrides: dict | None = None) -> DpoConfig:
    return load_dataclass_config(DpoFile, path, {"dpo": dict(overrides or {})}).dpo


def choose_questions(samples: list[dict], sources: tuple[str, ...], n: int, seed: int) -> list[dict]:
    """``n`` SQL samples from ``sources``, one per distinct question text, in a seeded random order."""
    seen, pool = set(), []
    for i, sample in enumerate(samples):
        if sample.get("task", "sql") != "sql" or sample.get("source") not in sources:
            continue
        question = sample["messages"][-2]["content"]
        if question in seen:
            continue
        seen.add(question)
        pool.append({**sample, "idx": sample.get("idx", i)})
    random.Random(seed).shuffle(pool)
    return pool[:n]


def sample_candidates(questions: list[dict], generator, db_path_of, out_path: Path, n: int, temperature: float,
                      max_new_tokens: int = 200, timeout: float = 10.0, seed: int = 0, progress=None) -> list[dict]:
    """Sample and label candidates for each question, appending one JSON line per finished question to
    ``out_path``; questions already there are skipped (resume). Returns every record in question order."""
    from graphsql.inference.extract import extract_sql

    done = {rec["idx"]: rec for rec in read_jsonl(out_path)}  # a line cut by a kill: that question is redone
    with open_append(out_path) as fh:
        for i, sample in enumerate(questions):
            if sample["idx"] in done:
                continue
            prompt = [m for m in sample["messages"] if m["role"] != "assistant"]
            gold_sql = sample["messages"][-1]["content"]
            texts = generator.generate([prompt], n=n, temperature=temperature, max_new_tokens=max_new_tokens,
                                       seed=seed + int(sample["idx"]))[0]
            try:
                labelled = label_candidates([extract_sql(t) for t in texts], gold_sql,
                                            db_path_of(sample["db_id"]), timeout=timeout)
            except ValueError as err:
                log.warning("question %s (%s): %s; skipped", sample["idx"], sample["db_id"], err)
                labelled = []
            rec = {"idx": sample["idx"], "db_id": sample["db_id"], "n_joins": sample.get("n_joins"),
                   "messages": prompt, "gold_sql": gold_sql, "candidates": labelled}
            fh.write(json.dumps(rec) + "\n")
            fh.flush()
            done[rec["idx"]] = rec
            if progress:
                progress(i + 1, len(questions))
    return [done[s["idx"]] for s in questions if s["idx"] in done]


def pair_stats(records: list[dict], pairs: list[dict]) -> dict:
    """How the sampled candidates went: right answers, questions with pairs, margins."""
    cands = [c for r in records for c in r["candidates"]]
    margins = sorted(p["margin"] for p in pairs)
    return {
        "questions": len(records),
        "candidates": len(cands),
        "candidates_right": sum(c["correct"] for c in cands),
        "candidates_failing": sum(c["error"] is not None for c in cands),
        "questions_all_right": sum(bool(r["candidates"]) and all(c["correct"] for c in r["candidates"])
                                   for r in records),
        "questions_none_right": sum(not any(c["correct"] for c in r["candidates"]) for r in records),
        "pairs": len(pairs),
        "pairs_chosen_is_gold": sum(p["chosen_is_gold"] for p in pairs),
        "pairs_multi_table": sum((p.get("n_joins") or 0) > 0 for p in pairs),
        "margin_median": margins[len(margins) // 2] if margins else None,
    }


def write_pairs(run_dir: Path, config: DpoConfig) -> dict:
    """Rebuild ``pairs.jsonl`` from ``candidates.jsonl``; returns `pair_stats` (also in ``pairs_stats.json``)."""
    records = [json.loads(line) for line in (run_dir / CANDIDATES).read_text(encoding="utf-8").splitlines()
               if line.strip()]
    pairs = build_preference_pairs(records, config.min_margin, config.max_pairs_per_question,
                                   config.gold_when_none_right)
    write_text_atomic(run_dir / PAIRS, "".join(json.dumps(p) + "\n" for p in pairs))
    stats = pair_stats(records, pairs)
    write_text_atomic(run_dir / "pairs_stats.json", json.dumps(stats, indent=1) + "\n")
    return stats


def train_dpo(model, tokenizer, pairs: list[dict], config: DpoConfig, out_dir: Path, resume: bool = True
              ) -> dict[str, Any]:
    """DPO with trl on ``model`` (a `PeftModel` whose trainable adapter is the SFT one). Writes ``adapter/``,
    ``metrics.json`` and the trainer's checkpoints (``checkpoints/``); resumes from the newest checkpoint."""
    import torch
    from datasets import Dataset
    from transformers.trainer_utils import get_last_checkpoint
    from trl import DPOConfig, DPOTrainer

    if not pairs:
        raise ConfigError("no preference pairs: sample candidates first (every question all right or all wrong?)")
    out_dir.mkdir(parents=True, exist_ok=True)
    checkpoints = out_dir / "checkpoints"
    args = DPOConfig(
        output_dir=str(checkpoints),
        beta=config.beta,
        learning_rate=config.learning_rate,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.batch_size,
        gradient_accumulation_steps=config.grad_accum,
        max_length=config.max_length,
        bf16=config.precision == "bf16",
        use_cpu=not torch.cuda.is_available(),
        save_strategy="steps",
        save_steps=config.save_every,
        save_total_limit=2,
        logging_steps=1,
        report_to=[],
        seed=config.seed,
        data_seed=config.seed,
        lr_scheduler_type="cosine",
        warmup_steps=0,
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    dataset = Dataset.from_list([{k: p[k] for k in ("prompt", "chosen", "rejected")} for p in pairs])
    trainer = DPOTrainer(model=model, args=args, train_dataset=dataset, processing_class=tokenizer)
    last = get_last_checkpoint(str(checkpoints)) if resume and checkpoints.is_dir() else None
    if last:
        log.info("resuming DPO from %s", last)
    trainer.train(resume_from_checkpoint=last)
    adapter_dir = out_dir / ADAPTER
    trainer.model.save_pretrained(str(adapter_dir), selected_adapters=["default"])
    if "ref" in getattr(model, "peft_config", {}):  # trl's frozen copy of the SFT adapter: not part of the result
        model.delete_adapter("ref")
    history = [row for row in trainer.state.log_history if "loss" in row]
    metrics = {
        "steps": trainer.state.global_step,
        "pairs": len(pairs),
        # trl's result.training_loss covers only this call's steps (after a resume: the last few); the log
        # history, restored from the checkpoint, has every step
        "train_loss": mean_logged_loss(trainer.state.log_history),
        "first": history[0] if history else None,
        "last": history[-1] if history else None,
        "resumed_from": last,
        "config": asdict(config),
        "run": run_info("graphsql dpo train", {"out_dir": str(out_dir)}),
    }
    write_text_atomic(out_dir / "train_log.jsonl", "".join(json.dumps(r) + "\n" for r in trainer.state.log_history))
    write_text_atomic(out_dir / "metrics.json", json.dumps(metrics, indent=1, default=str) + "\n")
    return metrics


def load_policy(config: DpoConfig):
    """(model, tokenizer): the base model in the configured precision with the SFT adapter, trainable."""
    from peft import PeftModel

    from graphsql.inference.generate import load_model, load_tokenizer
    from graphsql.inference.models import resolve_model

    files = resolve_model(config.model)
    if files.hf_path is None:
        raise ConfigError(f"{config.model}: no transformers folder to train on")
    if config.adapter is None or not (Path(config.adapter) / "adapter_config.json").is_file():
        raise ConfigError(f"{config.adapter}: not a peft adapter folder (train and export the SFT adapter first)")
    tokenizer = load_tokenizer(files.hf_path)
    base = load_model(files.hf_path, dtype="bfloat16" if config.precision == "bf16" else "float32", device="cpu",
                      merge_adapter=False)
    model = PeftModel.from_pretrained(base, config.adapter, is_trainable=True)
    return model, tokenizer


def run_dpo_sample(config: DpoConfig, out_dir: Path, progress=None) -> dict:
    """The ``sample`` stage: candidates.jsonl (resumable) then pairs.jsonl and pairs_stats.json."""
    from graphsql.data.spider import load_dataset
    from graphsql.inference.generate import make_generator
    from graphsql.training.data import read_samples

    samples = read_samples(config.samples)
    questions = choose_questions(samples, tuple(config.sources), config.questions, config.seed)
    train = load_dataset("spider", "train")
    generator = make_generator(config.backend, model=config.model, adapter=config.adapter)
    sample_candidates(questions, generator, train.db_path, out_dir / CANDIDATES, config.candidates,
                      config.temperature, config.max_new_tokens, config.timeout, config.seed, progress)
    return write_pairs(out_dir, config)


def run_dpo_train(config: DpoConfig, out_dir: Path, resume: bool = True, results: Path | None = None) -> dict:
    """The ``train`` stage: DPO on ``pairs.jsonl`` (rebuilt from the candidates with the config's margin).
    ``results``: where to write the run's summary for the report (`write_dpo_summary`); None: nowhere."""
    if not (out_dir / CANDIDATES).is_file():
        raise ConfigError(f"{out_dir / CANDIDATES}: not found; run `graphsql dpo sample` first")
    stats = write_pairs(out_dir, config)
    pairs = [json.loads(line) for line in (out_dir / PAIRS).read_text(encoding="utf-8").splitlines() if line]
    model, tokenizer = load_policy(config)
    metrics = train_dpo(model, tokenizer, pairs, config, out_dir, resume=resume)
    if results is not None:
        write_dpo_summary(results, stats, metrics)
    return metrics


def mean_logged_loss(history: list[dict]) -> float | None:
    """Mean DPO loss over every logged optimizer step (one row per step, ``logging_steps=1``)."""
    losses = [row["loss"] for row in history if isinstance(row.get("loss"), (int, float))]
    return sum(losses) / len(losses) if losses else None


def summarize_dpo_run(run_dir: Path, path: Path) -> Path:
    """`write_dpo_summary` again from a finished run folder's own files (``metrics.json``, ``train_log.jsonl``,
    ``pairs_stats.json``), the mean loss taken over the whole log; no model is loaded."""
    for name in ("metrics.json", "train_log.jsonl", "pairs_stats.json"):
        if not (run_dir / name).is_file():
            raise ConfigError(f"{run_dir / name}: not found (is this a finished `graphsql dpo train` run?)")
    metrics = json.loads((run_dir / "metrics.json").read_text())
    history = [json.loads(line) for line in (run_dir / "train_log.jsonl").read_text().splitlines() if line.strip()]
    metrics["train_loss"] = mean_logged_loss(history)
    stats = json.loads((run_dir / "pairs_stats.json").read_text())
    return write_dpo_summary(path, stats, metrics)


def write_dpo_summary(path: Path, stats: dict, metrics: dict) -> Path:
    """A small results file of a DPO run: how sampling went (`pair_stats`), the training settings, and the
    DPO loss, reward margin and reward accuracy at the first and last logged steps."""
    def logged(row: dict | None) -> dict | None:
        if not row:
            return None
        keep = ("step", "epoch", "loss", "rewards/margins", "rewards/accuracies", "rewards/chosen", "rewards/rejected")
        return {k: row[k] for k in keep if k in row}

    config = metrics.get("config") or {}
    summary = {
        "sampling": stats,
        "training": {"steps": metrics.get("steps"), "pairs": metrics.get("pairs"),
                     "train_loss": metrics.get("train_loss"), "first": logged(metrics.get("first")),
                     "last": logged(metrics.get("last"))},
        "config": {k: config.get(k) for k in ("adapter", "questions", "candidates", "temperature", "min_margin",
                                              "max_pairs_per_question", "gold_when_none_right", "beta",
                                              "learning_rate", "epochs", "batch_size", "grad_accum", "seed")},
        "provenance": metrics.get("run"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(summary, indent=1, default=str) + "\n")
    return path
