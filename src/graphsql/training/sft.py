"""Supervised fine-tuning with LoRA, resumable at any moment: `train_sft` (a model object in) and `run_train`.

    >>> run_train("configs/train_graph_cpu.yaml", "runs/train/graph_cpu")       # what `graphsql train` calls
    >>> train_sft(model, tokenizer, "samples.jsonl", TrainConfig(max_steps=10), Path("runs/train/x"))

Output folder::

    adapter/                 final LoRA adapter (peft format, adapter_model.safetensors + adapter_config.json)
    config.yaml              the resolved TrainConfig (``train:`` mapping; reloads with load_train_config)
    train_log.jsonl          one row per logged step: step, epoch, loss, lr, tokens, tokens_per_s, elapsed_s
    metrics.json             totals, data statistics, padding, stop reason, seed, git commit, library versions
    checkpoints/step-N/      adapter.safetensors, optimizer.pt, rng.pt, state.json (written last, with sha256s)

The whole run is planned before the first step: every epoch's micro-batches are a function of (seed, epoch)
(`graphsql.training.data.plan_epoch`), cut into optimizer steps of ``grad_accum`` micro-batches, and stopped at
``max_steps`` / ``max_tokens`` / ``epochs``. The learning rate is a function of the step number. So a checkpoint
only needs the step number, the adapter, the AdamW state and the RNG state to continue exactly where a killed run
stopped. Checkpoints are written into a temporary folder that is renamed into place; at start-up the newest
checkpoint whose files match their recorded sha256 is used, a damaged one is skipped.

With ``max_minutes`` (a lent GPU's fixed time), the plan is cut, every `CALIBRATION_STEPS` steps, to the steps
that fit the budget at the speed measured so far (the schedule then decays over the shorter run; earlier steps'
learning rates were computed for the longer one), and the loop stops at the budget in any case. A resumed run
keeps the cut recorded in its checkpoint.

The loss is the mean cross-entropy over the answer tokens of the whole optimizer step (all micro-batches), and
logits are computed only at those positions: the 150k-word output layer never runs on prompt tokens.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from graphsql.atomic import read_jsonl, write_text_atomic
from graphsql.errors import ConfigError, DataError, GraphSQLError
from graphsql.provenance import run_info
from graphsql.training.config import RESUMABLE_CHANGES, TrainConfig, load_train_config, train_config_to_dict
from graphsql.training.data import (
    IGNORE,
    batch_shape,
    collate,
    padding_fraction,
    plan_epoch,
    read_samples,
    tokenize_samples,
)
from graphsql.training.distributed import Processes, launched

log = logging.getLogger(__name__)

Progress = Callable[[int, int, float, float, float], None]  # (step, total, loss, tokens_per_s, eta_s)

CHECKPOINTS = "checkpoints"
ADAPTER = "adapter"
STATE = "state.json"
CALIBRATION_STEPS = 10  # max_minutes: the plan is fitted to the time left every this many steps


class TrainingError(GraphSQLError):
    """Training could not go on (e.g. the loss stayed non-finite)."""


@dataclass(frozen=True)
class TrainResult:
    """What a finished `train_sft` call produced."""

    adapter_path: Path
    steps: int
    total_steps: int
    tokens: int
    final_loss: float | None
    tokens_per_s: float  # this session (not counting steps done before a resume)
    elapsed_s: float  # all sessions together
    stopped_by: str  # max_steps | max_tokens | epochs | max_minutes
    resumed_from_step: int  # 0 = fresh start


@dataclass(frozen=True)
class PlannedStep:
    """Micro-batches ``start:end`` of epoch ``epoch``'s plan make one optimizer step."""

    epoch: int
    start: int
    end: int
    tokens: int  # non-padding tokens


def plan_steps(lengths: Sequence[int], config: TrainConfig) -> tuple[list[PlannedStep], str, dict[int, list]]:
    """All optimizer steps of a run, why it stops there, and each epoch's micro-batches."""
    steps: list[PlannedStep] = []
    plans: dict[int, list] = {}
    tokens = 0
    for epoch in range(config.epochs):
        plans[epoch] = plan_epoch(
            lengths, config.batch_tokens, config.max_len, config.seed, epoch, config.batching
        )
        for start in range(0, len(plans[epoch]), config.grad_accum):
            if config.max_steps is not None and len(steps) >= config.max_steps:
                return steps, "max_steps", plans
            if config.max_tokens is not None and tokens >= config.max_tokens:
                return steps, "max_tokens", plans
            batches = plans[epoch][start : start + config.grad_accum]
            step_tokens = sum(batch_shape(lengths, b)[2] for b in batches)
            steps.append(PlannedStep(epoch, start, start + len(batches), step_tokens))
            tokens += step_tokens
    return steps, "epochs", plans


def budget_cut(step: int, steps_timed: int, seconds: float, seconds_left: float) -> int | None:
    """With a time budget: the run's new last step, or None to go on as planned. Every `CALIBRATION_STEPS` timed
    steps, the steps that fit in ``seconds_left`` at their mean speed (the GPU may be shared, the speed may
    change); at any time, when no time is left, now."""
    if seconds_left <= 0:
        return step
    if steps_timed and steps_timed % CALIBRATION_STEPS == 0:
        return step + int(seconds_left / (seconds / steps_timed))
    return None


def learning_rate_at(step: int, total: int, config: TrainConfig) -> float:
    """LR of optimizer step ``step`` (0-based): linear warmup, then cosine/linear decay to 0 or constant."""
    warmup = math.ceil(config.warmup_ratio * total)
    if step < warmup:
        return config.learning_rate * (step + 1) / warmup
    if config.schedule == "constant":
        return config.learning_rate
    progress = (step - warmup) / max(1, total - warmup)
    if config.schedule == "linear":
        return config.learning_rate * (1.0 - progress)
    return config.learning_rate * 0.5 * (1.0 + math.cos(math.pi * progress))


def fingerprint_tokens(tokenized: Sequence[Any]) -> str:
    """sha256 of every token id and label, so a resume can tell that the data changed."""
    digest = hashlib.sha256()
    for sample in tokenized:
        digest.update(json.dumps([sample.input_ids, sample.labels]).encode())
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------- checkpoints


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_checkpoint(
    root: Path,
    step: int,
    tensors: dict[str, Any],
    optimizer_state: dict,
    rng_state: dict,
    state: dict[str, Any],
    keep: int,
) -> Path:
    """Write ``root/step-<step>`` atomically (temp folder + rename), then delete all but the newest ``keep``."""
    import torch
    from safetensors.torch import save_file

    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".step-{step}.", dir=root))
    try:
        save_file(
            {k: v.detach().contiguous().cpu() for k, v in tensors.items()}, str(tmp / "adapter.safetensors")
        )
        torch.save(optimizer_state, tmp / "optimizer.pt")
        torch.save(rng_state, tmp / "rng.pt")
        files = {p.name: _sha256(p) for p in sorted(tmp.iterdir())}
        (tmp / STATE).write_text(json.dumps({**state, "step": step, "files": files}, indent=1) + "\n")
        final = root / f"step-{step}"
        if final.exists():
            shutil.rmtree(final)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in list_checkpoints(root)[:-keep]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def list_checkpoints(root: Path) -> list[Path]:
    """``step-N`` folders under ``root``, oldest first (temporary ``.step-*`` folders are not listed)."""
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and p.name.startswith("step-") and p.name[5:].isdigit()]
    return sorted(found, key=lambda p: int(p.name[5:]))


def read_checkpoint(folder: Path) -> dict[str, Any] | None:
    """The state of a complete checkpoint (all files present, sha256s match), or None for a damaged one."""
    try:
        state = json.loads((folder / STATE).read_text())
        files = state["files"]
        for name in ("adapter.safetensors", "optimizer.pt", "rng.pt"):
            if _sha256(folder / name) != files[name]:
                return None
        return state
    except (OSError, ValueError, KeyError, TypeError):
        return None


# ------------------------------------------------------------------------------------------- the training


@functools.cache
def _answer_loss_class():
    import torch

    class AnswerLoss(torch.nn.Module):
        """The summed cross-entropy of a batch's answer tokens (logits only where an answer token is predicted);
        one module, so that DistributedDataParallel can wrap the forward pass."""

        def __init__(self, decoder, lm_head):
            super().__init__()
            self.decoder, self.lm_head = decoder, lm_head

        def forward(self, input_ids, position_ids, labels):
            import torch.nn.functional as F

            hidden = self.decoder(input_ids=input_ids, position_ids=position_ids, use_cache=False).last_hidden_state
            targets = labels[:, 1:]
            keep = targets != IGNORE
            logits = self.lm_head(hidden[:, :-1][keep])
            return F.cross_entropy(logits.float(), targets[keep], reduction="sum")

    return AnswerLoss


def AnswerLoss(decoder, lm_head):  # noqa: N802 - a class built on first use (torch is imported lazily)
    return _answer_loss_class()(decoder, lm_head)


def train_sft(
    model: Any,
    tokenizer: Any,
    samples: str | Path | Sequence[dict[str, Any]],
    config: TrainConfig,
    out_dir: str | Path,
    resume: bool = True,
    progress: Progress | None = None,
) -> TrainResult:
    """Fine-tune ``model`` (an HF causal LM, or a peft model to train further) with LoRA on chat ``samples``.

    ``samples`` is a samples.jsonl path or a list of records with ``messages`` (the last is the answer).
    With ``resume`` the newest intact checkpoint in ``out_dir/checkpoints`` is continued (same data order,
    same result as an uninterrupted run); without it old checkpoints are deleted. ``progress`` is called after
    every step with (step, total_steps, loss, tokens_per_s, eta_s). Returns a `TrainResult`; writes the files
    listed in the module docstring. Raises `DataError` (no usable samples), `ConfigError` (the checkpoint was
    made with other settings or data) or `TrainingError` (loss non-finite ``max_bad_steps`` times in a row).
    """
    import torch
    from peft import (
        LoraConfig,
        PeftModel,
        get_peft_model,
        get_peft_model_state_dict,
        set_peft_model_state_dict,
    )
    from safetensors.torch import load_file

    from graphsql.device import pick_dtype

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    checkpoint_root = out_dir / CHECKPOINTS

    # 1. Data: tokenize, then plan every optimizer step of the run.
    if isinstance(samples, (str, Path)):
        records = read_samples(samples, config.limit)
    else:
        records = list(samples)[: config.limit]
    tokenized, stats = tokenize_samples(tokenizer, records, config.max_len, config.overflow)
    if not tokenized:
        raise DataError(f"no training samples left (of {stats.samples}) after max_len={config.max_len}")
    lengths = [len(t.input_ids) for t in tokenized]
    steps, stopped_by, plans = plan_steps(lengths, config)
    total_steps = len(steps)
    pad_share = padding_fraction(lengths, plans[0])
    data_sha = fingerprint_tokens(tokenized)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    log.info(
        "%d samples (%d dropped, %d truncated), %d tokens; %d steps (stops by %s); padding %.1f%%",
        stats.kept,
        stats.dropped,
        stats.truncated,
        stats.tokens,
        total_steps,
        stopped_by,
        100 * pad_share,
    )

    # 2. Model: device, precision, LoRA adapter (initialised from the seed), optimizer. Under `accelerate launch`
    # or `torchrun` (graphsql.training.distributed) each process takes its device and its share of every step.
    procs = None
    if launched():
        cpu = (config.device or "").startswith("cpu") or not torch.cuda.is_available()
        procs = Processes("cpu" if cpu else "cuda")
        procs.check(config.grad_accum)
        if not getattr(model, "is_loaded_in_4bit", False):  # a 4-bit base is loaded on its device (run_train)
            model = model.to(procs.device)
    elif config.device is not None and not getattr(model, "is_loaded_in_4bit", False):
        from graphsql.device import pick_device

        model = model.to(pick_device(config.device))
    device = next(model.parameters()).device
    precision = config.precision
    if precision == "auto":
        precision = "bf16" if pick_dtype(device) == torch.bfloat16 else "fp32"
    autocast = torch.autocast(device.type, dtype=torch.bfloat16) if precision == "bf16" else nullcontext()
    torch.manual_seed(config.seed)
    if not isinstance(model, PeftModel):
        targets = "all-linear" if config.target_modules == ("all-linear",) else list(config.target_modules)
        lora = LoraConfig(
            r=config.lora_r,
            lora_alpha=config.lora_alpha,
            lora_dropout=config.lora_dropout,
            target_modules=targets,
            bias="none",
            task_type="CAUSAL_LM",
        )
        model = get_peft_model(model, lora)
    params = [p for p in model.parameters() if p.requires_grad]
    for p in params:  # fp32 master weights for the adapter, whatever the base dtype
        p.data = p.data.float()
    base = model.get_base_model()
    base.config.use_cache = False
    if config.gradient_checkpointing:
        base.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    answer_loss = AnswerLoss(base.get_decoder(), base.get_output_embeddings())
    model.train()
    optimizer = torch.optim.AdamW(
        params,
        lr=config.learning_rate,
        betas=(config.adam_beta1, config.adam_beta2),
        weight_decay=config.weight_decay,
    )
    engine = None  # DeepSpeed's engine under zero_stage 2 or 3 (graphsql.training.distributed)
    if procs is not None and config.zero_stage:
        engine, optimizer = procs.zero(answer_loss, optimizer, config.zero_stage,
                                       -(-config.grad_accum // procs.count), config.max_grad_norm)
        answer_loss = engine
    elif procs is not None:
        answer_loss = procs.wrap(answer_loss)
    elif config.zero_stage:
        log.warning("zero_stage %d: one process trains without DeepSpeed (launch several with accelerate launch or "
                    "torchrun)", config.zero_stage)
    trainable = sum(p.numel() for p in params)
    log.info(
        "LoRA r=%d on %s: %d trainable parameters; %s on %s",
        config.lora_r,
        config.target_modules,
        trainable,
        precision,
        device,
    )

    # 3. Resume from the newest intact checkpoint made with the same settings and data, or start afresh.
    settings = {k: v for k, v in train_config_to_dict(config).items() if k not in RESUMABLE_CHANGES}
    start_step, tokens_seen, elapsed_before, resumed_from = 0, 0, 0.0, 0
    main = procs is None or procs.main  # the one process that writes
    if checkpoint_root.is_dir() and main:
        for stale in checkpoint_root.glob(".step-*"):  # temp folders of a run killed while saving
            shutil.rmtree(stale, ignore_errors=True)
    if not resume and checkpoint_root.exists() and main:
        log.warning("%s: resume is off, deleting old checkpoints", checkpoint_root)
        shutil.rmtree(checkpoint_root)
    if procs is not None:
        procs.barrier()
    for folder in reversed(list_checkpoints(checkpoint_root) if resume else []):
        state = read_checkpoint(folder)
        if state is None:
            log.warning("%s: incomplete or damaged checkpoint, trying an older one", folder)
            continue
        if state["settings"] != settings or state["data_sha256"] != data_sha:
            changed = sorted(k for k in settings if state["settings"].get(k) != settings[k])
            what = f"settings {', '.join(changed)}" if changed else "training data"
            raise ConfigError(f"{folder}: made with different {what}; use another --out or turn resume off")
        with _whole(engine, params, modifier_rank=0):
            set_peft_model_state_dict(model, load_file(str(folder / "adapter.safetensors"), device=str(device)))
        saved = torch.load(folder / "optimizer.pt", map_location=device, weights_only=engine is None)
        if engine is not None:  # every process's ZeRO partition, in rank order
            if len(saved["zero_partitions"]) != procs.count:
                raise ConfigError(f"{folder}: a ZeRO checkpoint of {len(saved['zero_partitions'])} processes; resume "
                                  f"it with as many (not {procs.count})")
            optimizer.load_state_dict(saved["zero_partitions"], load_from_fp32_weights=True)
        else:
            optimizer.load_state_dict(saved)
        rng = torch.load(folder / "rng.pt", weights_only=True)
        torch.set_rng_state(rng["torch"])
        if device.type == "cuda" and rng.get("cuda") is not None:
            torch.cuda.set_rng_state(rng["cuda"], device)
        if state["total_steps"] < total_steps:  # the run was cut to its time budget: keep its schedule
            steps, total_steps, stopped_by = steps[: state["total_steps"]], state["total_steps"], "max_minutes"
        start_step = resumed_from = state["step"]
        tokens_seen, elapsed_before = state["tokens"], state["elapsed_s"]
        log.info("resuming from %s (step %d of %d)", folder, start_step, total_steps)
        break
    log_path = out_dir / "train_log.jsonl"
    kept_rows = []
    if start_step and log_path.exists():  # drop rows of steps that will be redone
        kept_rows = [json.dumps(r) for r in read_jsonl(log_path) if r["step"] <= start_step]  # a cut line: skipped
    if main:
        write_text_atomic(log_path, "".join(r + "\n" for r in kept_rows))

    # 4. The loop: one optimizer step = grad_accum micro-batches; loss = mean over the step's answer tokens.
    t0 = time.perf_counter()
    session_tokens, bad_in_a_row, loss_value = 0, 0, None
    first_loss = None
    deadline = t0 + 60 * config.max_minutes if config.max_minutes is not None else None
    for step_index in range(start_step, len(steps)):
        if step_index >= total_steps:  # cut to the time budget
            break
        planned = steps[step_index]
        batches = [collate(tokenized, b, pad_id) for b in plans[planned.epoch][planned.start : planned.end]]
        n_labels = sum(int((b["labels"][:, 1:] != IGNORE).sum()) for b in batches)
        lr = learning_rate_at(step_index, total_steps, config)
        for group in optimizer.param_groups:
            group["lr"] = lr
        step_loss, is_finite = 0.0, True
        mine = batches if procs is None else procs.share(batches)
        for i, batch in enumerate(mine):
            with autocast:
                loss = answer_loss(batch["input_ids"].to(device), batch["position_ids"].to(device),
                                   batch["labels"].to(device)) / n_labels
            if not torch.isfinite(loss):
                is_finite = False
                if procs is None:
                    break
            if procs is None:
                loss.backward()
            elif engine is not None:  # DeepSpeed: told where the step ends; it averages over the processes too
                engine.set_gradient_accumulation_boundary(i == len(mine) - 1)
                engine.backward(loss * procs.count, scale_wrt_gas=False)
                if i < len(mine) - 1:
                    engine.step()
            else:  # DDP averages over the processes: scaled back to the sum; gradients meet on the last micro-batch
                with nullcontext() if i == len(mine) - 1 else answer_loss.no_sync():
                    (loss * procs.count).backward()
            step_loss += loss.item()
        if procs is not None:
            step_loss = procs.total(step_loss)
            is_finite = procs.total(0.0 if is_finite else 1.0) == 0
        if is_finite:
            if engine is not None:
                engine.step()  # the boundary: DeepSpeed clips and steps
            else:
                if config.max_grad_norm > 0:
                    torch.nn.utils.clip_grad_norm_(params, config.max_grad_norm)
                optimizer.step()
            bad_in_a_row, loss_value = 0, step_loss
            first_loss = step_loss if first_loss is None else first_loss
        else:
            bad_in_a_row += 1
            log.warning("step %d: non-finite loss (%s), step skipped", step_index + 1, precision)
            if bad_in_a_row >= config.max_bad_steps:
                raise TrainingError(
                    f"loss non-finite {bad_in_a_row} steps in a row with precision={precision}; "
                    "try precision: fp32 or a lower learning_rate"
                )
        optimizer.zero_grad(set_to_none=True)
        step = step_index + 1
        tokens_seen += planned.tokens
        session_tokens += planned.tokens
        session_s = time.perf_counter() - t0
        tokens_per_s = session_tokens / session_s if session_s > 0 else 0.0
        if deadline is not None and step < total_steps:
            cut = budget_cut(step, step - start_step, session_s, deadline - time.perf_counter())
            if procs is not None:  # measured times differ between processes: the main process decides for all
                cut = procs.agree(cut)
            if cut is not None and cut < total_steps:
                log.info("max_minutes: %d of %d steps fit the time budget", cut, total_steps)
                steps, total_steps, stopped_by = steps[:cut], cut, "max_minutes"
        eta_s = session_s / (step - start_step) * (total_steps - step)
        if main and (step % config.log_every == 0 or step == total_steps):
            row = {
                "step": step,
                "epoch": planned.epoch,
                "loss": step_loss if is_finite else None,
                "lr": lr,
                "tokens": tokens_seen,
                "tokens_per_s": round(tokens_per_s, 2),
                "elapsed_s": round(elapsed_before + session_s, 2),
            }
            with log_path.open("a") as handle:
                handle.write(json.dumps(row) + "\n")
        saving = (config.save_every and step % config.save_every == 0) or step == total_steps
        if saving and engine is not None:  # collective: every process's optimizer partition, and the whole adapter
            optimizer_state = {"zero_partitions": procs.gather(optimizer.state_dict())}
            with _whole(engine, params):
                adapter_state = {k: v.detach().clone() for k, v in get_peft_model_state_dict(model).items()}
        elif saving and main:
            optimizer_state, adapter_state = optimizer.state_dict(), get_peft_model_state_dict(model)
        if main and saving:
            rng = {
                "torch": torch.get_rng_state(),
                "cuda": torch.cuda.get_rng_state(device) if device.type == "cuda" else None,
            }
            state = {
                "tokens": tokens_seen,
                "elapsed_s": elapsed_before + session_s,
                "loss": loss_value,
                "next_epoch": steps[step].epoch if step < total_steps else None,
                "next_batch": steps[step].start if step < total_steps else None,
                "total_steps": total_steps,
                "settings": settings,
                "data_sha256": data_sha,
            }
            save_checkpoint(
                checkpoint_root,
                step,
                adapter_state,
                optimizer_state,
                rng,
                state,
                config.keep_checkpoints,
            )
        if progress is not None and main:
            progress(step, total_steps, step_loss, tokens_per_s, eta_s)

    # 5. Final artefacts: adapter (atomic), resolved config, metrics.
    import yaml

    session_s = time.perf_counter() - t0
    if loss_value is None and start_step:  # nothing left to do: the run had already finished
        loss_value = read_checkpoint(list_checkpoints(checkpoint_root)[-1]).get("loss")
    adapter_path = out_dir / ADAPTER
    result = TrainResult(
        adapter_path=adapter_path,
        steps=total_steps,
        total_steps=total_steps,
        tokens=tokens_seen,
        final_loss=loss_value,
        tokens_per_s=session_tokens / session_s if session_s > 0 else 0.0,
        elapsed_s=elapsed_before + session_s,
        stopped_by=stopped_by,
        resumed_from_step=resumed_from,
    )
    with _whole(engine, params):  # ZeRO-3: the adapter's parameters gathered on every process while it is written
        if main:
            tmp = Path(tempfile.mkdtemp(prefix=".adapter.", dir=out_dir))
            model.save_pretrained(str(tmp), safe_serialization=True)
    if not main:
        procs.barrier()  # the main process writes the adapter and metrics
        return result
    if adapter_path.exists():
        shutil.rmtree(adapter_path)
    os.replace(tmp, adapter_path)
    write_text_atomic(out_dir / "config.yaml", yaml.safe_dump({"train": train_config_to_dict(config)}, sort_keys=False))
    metrics = {
        **{k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(result).items()},
        "first_loss": first_loss,
        "precision": precision,
        "device": str(device),
        "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else None,
        "trainable_params": trainable,
        "data": {**asdict(stats), "batching": config.batching, "padding_fraction": round(pad_share, 4)},
        "seed": config.seed,
        "processes": 1 if procs is None else procs.count,
        "zero_stage": 0 if engine is None else engine.zero_optimization_stage(),  # DeepSpeed ZeRO; 0: DDP or none
        "base_quant": config.base_quant,
        "run": run_info("graphsql train", {"out_dir": str(out_dir)}),
    }
    write_text_atomic(out_dir / "metrics.json", json.dumps(metrics, indent=2) + "\n")
    if procs is not None:
        procs.barrier()
    return result


def load_4bit_base(path: str | Path, compute_dtype, device, gradient_checkpointing: bool = False):
    """QLoRA's base: the model at ``path`` with its linear layers in 4-bit NF4 (double quantization; computing in
    ``compute_dtype``) on ``device``, prepared for training an adapter on top (peft's `prepare_model_for_kbit_training`:
    the frozen layers that stay unquantized in fp32, input gradients on)."""
    try:
        import bitsandbytes  # noqa: F401
    except ImportError as err:
        raise ConfigError("base_quant nf4 needs bitsandbytes: pip install -e '.[qlora]'") from err
    from peft import prepare_model_for_kbit_training
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    quant = BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                               bnb_4bit_compute_dtype=compute_dtype)
    model = AutoModelForCausalLM.from_pretrained(str(path), quantization_config=quant, dtype=compute_dtype,
                                                 device_map={"": str(device)})
    return prepare_model_for_kbit_training(model, use_gradient_checkpointing=gradient_checkpointing)


def _whole(engine, params, modifier_rank=None):
    """Under DeepSpeed ZeRO-3: ``params`` gathered whole on every process for the block (``modifier_rank``: whose
    changes are kept); otherwise nothing to do."""
    if engine is None or engine.zero_optimization_stage() != 3:
        return nullcontext()
    import deepspeed

    return deepspeed.zero.GatheredParameters(params, modifier_rank=modifier_rank)


def checked_train_config(config_path: str | Path | None, overrides: dict[str, Any] | None = None) -> TrainConfig:
    """The training config with its samples file checked: what `graphsql train` refuses before it loads a model."""
    config = load_train_config(config_path, overrides)
    if not Path(config.samples).is_file():
        raise DataError(f"{config.samples}: samples file not found (run the augment stage first)")
    return config


def run_train(
    config_path: str | Path | None,
    out_dir: str | Path,
    overrides: dict[str, Any] | None = None,
    resume: bool = True,
    progress: Progress | None = None,
) -> TrainResult:
    """The `graphsql train` stage: load the config, the base model (in the config's precision) and its
    tokenizer, then `train_sft` on the config's samples into ``out_dir``."""
    import torch

    from graphsql.device import pick_device, pick_dtype
    from graphsql.inference.generate import load_model, load_tokenizer
    from graphsql.inference.models import resolve_model

    config = checked_train_config(config_path, overrides)
    files = resolve_model(config.model)
    if files.hf_path is None:
        raise ConfigError(f"{config.model}: no transformers (safetensors) folder to train on")
    device = pick_device(config.device)
    precision = config.precision
    if precision == "auto":
        precision = "bf16" if pick_dtype(device) == torch.bfloat16 else "fp32"
    dtype = "bfloat16" if precision == "bf16" else "float32"
    tokenizer = load_tokenizer(files.hf_path)
    if config.base_quant == "nf4":
        if launched() and device.type == "cuda":  # each process loads its own copy on its own GPU
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
        model = load_4bit_base(files.hf_path, torch.bfloat16 if precision == "bf16" else torch.float32, device,
                               config.gradient_checkpointing)
    else:
        model = load_model(files.hf_path, dtype=dtype, device=str(device), merge_adapter=False)
    return train_sft(model, tokenizer, config.samples, config, out_dir, resume=resume, progress=progress)
