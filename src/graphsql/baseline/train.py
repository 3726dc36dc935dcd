"""Train the seq2seq baseline on Spider train, on CPU, resumably.

    >>> config = load_baseline_config("configs/baseline_seq2seq.yaml", overrides={"max_steps": 20})
    >>> metrics = train_baseline(config, "runs/baseline/seq2seq")      # continues from the newest checkpoint

The run directory holds ``config.yaml`` (resolved), ``vocab.json``, ``checkpoints/step-<N>.pt`` (model,
optimizer, epoch, position in the epoch, RNG states; written to a temp file and renamed), ``train_log.jsonl``
(one row per logged step), and at the end ``model.pt`` and ``metrics.json``. The order of examples in an epoch
is a permutation drawn from ``seed + epoch``, so a resumed run sees exactly the batches the killed one would
have. Stops at the first of ``epochs``, ``max_steps``, ``max_minutes`` (a time budget for this call).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphsql.config import load_dataclass_config
from graphsql.data.records import DbSchema, Example
from graphsql.errors import ConfigError

log = logging.getLogger(__name__)

# Fields that may differ between a run and its resumption.
RESUMABLE_CHANGES = (
    "epochs",
    "max_steps",
    "max_minutes",
    "save_every",
    "keep_checkpoints",
    "log_every",
    "threads",
)


@dataclass(frozen=True)
class BaselineConfig:
    """Data, model size, optimiser and stop conditions of the seq2seq baseline."""

    dataset: str = field(default="spider", metadata={"help": "training dataset (spider | geo | bird)"})
    split: str = field(default="train", metadata={"help": "training split"})
    data_root: str | None = field(
        default=None, metadata={"help": "dataset folder (None: data_root()/<dataset>)"}
    )
    limit: int | None = field(default=None, metadata={"help": "first N training examples only (smoke runs)"})
    seed: int = field(default=0, metadata={"help": "initialisation, dropout and per-epoch data order"})
    min_count: int = field(
        default=2, metadata={"help": "a word enters a vocabulary after this many occurrences"}
    )
    emb_dim: int = field(default=128, metadata={"help": "word embedding size (trained from scratch)"})
    hidden: int = field(default=256, metadata={"help": "encoder output / decoder state size"})
    dropout: float = field(default=0.2, metadata={"help": "dropout on embeddings and attentional states"})
    batch_size: int = field(default=32, metadata={"help": "examples per optimizer step"})
    learning_rate: float = field(default=1e-3, metadata={"help": "Adam learning rate"})
    max_grad_norm: float = field(default=5.0, metadata={"help": "gradient-norm clipping (0 = off)"})
    epochs: int = field(default=30, metadata={"help": "passes over the training examples"})
    max_steps: int | None = field(default=None, metadata={"help": "optimizer steps in all (None: no limit)"})
    max_minutes: float | None = field(
        default=None, metadata={"help": "wall-clock budget of this call (None: none)"}
    )
    save_every: int = field(
        default=100, metadata={"help": "checkpoint every N steps (and at each epoch end)"}
    )
    keep_checkpoints: int = field(default=2, metadata={"help": "keep the newest K checkpoints"})
    log_every: int = field(default=20, metadata={"help": "a train_log.jsonl row every N steps"})
    threads: int = field(default=1, metadata={"help": "torch.set_num_threads (the CPU is shared)"})
    max_decode_steps: int = field(default=100, metadata={"help": "longest decoded SQL, in decoder steps"})

    def __post_init__(self):
        if self.hidden % 2:
            raise ConfigError(f"hidden must be even (two encoder directions), got {self.hidden}")
        if self.batch_size < 1 or self.epochs < 1:
            raise ConfigError("batch_size and epochs must be >= 1")


@dataclass(frozen=True)
class BaselineFile:
    """The YAML file: a name and one ``baseline:`` mapping."""

    name: str = "baseline_seq2seq"
    baseline: BaselineConfig = field(default_factory=BaselineConfig)


def load_baseline_config(
    path: str | Path | None = None, overrides: dict[str, Any] | None = None
) -> BaselineConfig:
    """Defaults, then the ``baseline:`` mapping of the YAML file at ``path``, then ``overrides`` (flat).
    Unknown keys are a ConfigError."""
    return load_dataclass_config(BaselineFile, path, {"baseline": dict(overrides or {})}).baseline


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _save_torch_atomic(obj: Any, path: Path) -> None:
    import torch

    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def list_checkpoints(out_dir: str | Path) -> list[Path]:
    """Checkpoint files of a run, oldest first."""
    folder = Path(out_dir) / "checkpoints"
    return (
        sorted(folder.glob("step-*.pt"), key=lambda p: int(p.stem.split("-")[1])) if folder.is_dir() else []
    )


def plan_batches(lengths: list[int], batch_size: int, seed: int, pool: int = 20) -> list[list[int]]:
    """Batches of example indices for one epoch: shuffled, then sorted by target length within pools of
    ``pool`` batches (less padding, as the decoder runs to the longest target), then the batches shuffled."""
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches = []
    for start in range(0, len(order), batch_size * pool):
        chunk = sorted(order[start : start + batch_size * pool], key=lambda i: lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def build_model(config: BaselineConfig, n_in: int, n_out: int):
    """A fresh `PointerSeq2Seq` sized by ``config``."""
    from graphsql.baseline.model import PointerSeq2Seq

    return PointerSeq2Seq(n_in, n_out, emb_dim=config.emb_dim, hidden=config.hidden, dropout=config.dropout)


def _load_training_data(config: BaselineConfig) -> tuple[list[Example], dict[str, DbSchema]]:
    from graphsql.data.spider import load_dataset

    ds = load_dataset(config.dataset, config.split, root=config.data_root)
    examples = list(ds.examples[: config.limit] if config.limit else ds.examples)
    return examples, dict(ds.schemas)


def _check_resumable(saved: dict, config: BaselineConfig, out_dir: Path) -> None:
    now = dataclasses.asdict(config)
    diff = [k for k in now if k not in RESUMABLE_CHANGES and saved.get(k) != now[k]]
    if diff:
        raise ConfigError(
            f"{out_dir}: cannot resume, settings differ from the saved run: {', '.join(diff)} "
            "(use a new --out or resume=False)"
        )


def train_baseline(
    config: BaselineConfig,
    out_dir: str | Path,
    resume: bool = True,
    examples: list[Example] | None = None,
    schemas: dict[str, DbSchema] | None = None,
) -> dict:
    """Train (or continue training) the baseline into ``out_dir``; return the metrics written to metrics.json.

    ``examples``/``schemas`` default to ``config.dataset``/``config.split``. With ``resume`` and a checkpoint
    in ``out_dir`` the run continues from it (same settings required, except `RESUMABLE_CHANGES`); without
    ``resume`` an existing run folder is an error. ``metrics["finished"]`` is False when a step or time limit
    stopped the run before ``epochs``."""
    import torch
    import yaml

    from graphsql.baseline.model import collate, count_parameters
    from graphsql.baseline.vocab import build_vocab, encode_example, load_vocab, save_vocab

    out_dir = Path(out_dir)
    torch.set_num_threads(config.threads)
    if examples is None or schemas is None:
        examples, schemas = _load_training_data(config)
    checkpoints = list_checkpoints(out_dir)
    if checkpoints and not resume:
        raise ConfigError(f"{out_dir}: holds a run already (resume=False); choose another folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "checkpoints").mkdir(exist_ok=True)

    if checkpoints and (out_dir / "vocab.json").exists():
        vocab = load_vocab(out_dir / "vocab.json")
        saved = yaml.safe_load((out_dir / "config.yaml").read_text(encoding="utf-8"))["baseline"]
        _check_resumable(saved, config, out_dir)
    else:
        vocab = build_vocab(examples, schemas, min_count=config.min_count)
        save_vocab(vocab, out_dir / "vocab.json")
    (out_dir / "config.yaml").write_text(
        yaml.safe_dump({"name": "baseline_seq2seq", "baseline": dataclasses.asdict(config)}, sort_keys=False),
        encoding="utf-8",
    )

    encoded = []
    for ex in examples:
        try:
            encoded.append(encode_example(ex, schemas[ex.db_id], vocab))
        except (KeyError, IndexError) as err:  # a gold query naming what the schema lacks
            log.warning("skipping %s example %d: %s", ex.db_id, ex.idx, err)
    torch.manual_seed(config.seed)
    random.seed(config.seed)
    model = build_model(config, len(vocab.in_words), len(vocab.out_words))
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    epoch, pos, step = 0, 0, 0
    if checkpoints:
        state = torch.load(checkpoints[-1], weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        epoch, pos, step = state["epoch"], state["pos"], state["step"]
        torch.set_rng_state(state["torch_rng"])
        random.setstate(state["python_rng"])
        log.info("resumed from %s (epoch %d, batch %d, step %d)", checkpoints[-1].name, epoch, pos, step)
    n_params = count_parameters(model)
    log.info(
        "%d examples, %d parameters, vocab in/out %d/%d",
        len(encoded),
        n_params,
        len(vocab.in_words),
        len(vocab.out_words),
    )

    def save() -> None:
        path = out_dir / "checkpoints" / f"step-{step}.pt"
        _save_torch_atomic(
            {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "epoch": epoch,
                "pos": pos,
                "step": step,
                "torch_rng": torch.get_rng_state(),
                "python_rng": random.getstate(),
            },
            path,
        )
        for old in list_checkpoints(out_dir)[: -config.keep_checkpoints]:
            old.unlink(missing_ok=True)

    start = time.monotonic()
    log_file = (out_dir / "train_log.jsonl").open("a", encoding="utf-8")
    window_loss, window_n, window_t = 0.0, 0, time.monotonic()
    stop_reason = "epochs"
    model.train()
    try:
        while epoch < config.epochs:
            batches = plan_batches(
                [len(e.targets) for e in encoded], config.batch_size, config.seed * 1000 + epoch
            )
            while pos < len(batches):
                if config.max_steps is not None and step >= config.max_steps:
                    stop_reason = "max_steps"
                    break
                if config.max_minutes is not None and time.monotonic() - start > 60 * config.max_minutes:
                    stop_reason = "max_minutes"
                    break
                batch = collate([encoded[i] for i in batches[pos]])
                loss = model.loss(batch)
                optimizer.zero_grad()
                loss.backward()
                if config.max_grad_norm:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
                optimizer.step()
                pos += 1
                step += 1
                window_loss += loss.item()
                window_n += 1
                if step % config.log_every == 0:
                    elapsed = time.monotonic() - window_t
                    row = {
                        "step": step,
                        "epoch": epoch,
                        "loss": window_loss / window_n,
                        "sec_per_step": elapsed / window_n,
                    }
                    log_file.write(json.dumps(row) + "\n")
                    log_file.flush()
                    log.info(
                        "step %d epoch %d loss %.4f (%.2f s/step)",
                        step,
                        epoch,
                        row["loss"],
                        row["sec_per_step"],
                    )
                    window_loss, window_n, window_t = 0.0, 0, time.monotonic()
                if step % config.save_every == 0:
                    save()
            if pos < len(batches):
                break
            epoch, pos = epoch + 1, 0
            save()
    finally:
        log_file.close()
    finished = epoch >= config.epochs
    save()
    _save_torch_atomic(model.state_dict(), out_dir / "model.pt")
    metrics = {
        "finished": finished,
        "stop_reason": stop_reason,
        "epoch": epoch,
        "step": step,
        "parameters": n_params,
        "examples": len(encoded),
        "vocab_in": len(vocab.in_words),
        "vocab_out": len(vocab.out_words),
        "seconds_this_call": time.monotonic() - start,
    }
    _write_json_atomic(out_dir / "metrics.json", metrics)
    return metrics


def main() -> None:  # pragma: no cover - for `nohup nice -n 19 python -m graphsql.baseline.train ...`
    import argparse

    parser = argparse.ArgumentParser(description="Train the seq2seq baseline (resumes from checkpoints).")
    parser.add_argument("--config", default="configs/baseline_seq2seq.yaml")
    parser.add_argument("--out", default="runs/baseline/seq2seq")
    parser.add_argument("--max-minutes", type=float, default=None)
    parser.add_argument("--max-steps", type=int, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    overrides = {
        k: v for k, v in (("max_minutes", args.max_minutes), ("max_steps", args.max_steps)) if v is not None
    }
    metrics = train_baseline(load_baseline_config(args.config, overrides), args.out)
    log.info("done: %s", metrics)


if __name__ == "__main__":  # pragma: no cover
    main()
