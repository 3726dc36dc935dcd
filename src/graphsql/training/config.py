"""`TrainConfig`: every setting of the SFT stage, with its LoRA fields, and its YAML loader.

    >>> from graphsql.training.config import load_train_config
    >>> config = load_train_config("configs/train_graph_cpu.yaml", overrides={"max_steps": 5})

A YAML file holds one ``train:`` mapping (plus an optional ``name``); a misspelled key stops the run. The
layering is: dataclass defaults, then the file, then ``overrides`` (the CLI's flags).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphsql.config import load_dataclass_config
from graphsql.errors import ConfigError

BATCHING = ("pack", "group")
PRECISIONS = ("auto", "bf16", "fp32")
SCHEDULES = ("cosine", "linear", "constant")
OVERFLOW = ("drop", "truncate")

# Fields that may change between a run and its resumption without changing the result.
RESUMABLE_CHANGES = (  # the data is checked by its sha256; a run cut by max_minutes keeps its cut schedule
    "save_every", "keep_checkpoints", "log_every", "device", "samples", "max_minutes"
)


@dataclass(frozen=True)
class TrainConfig:
    """Supervised fine-tuning with LoRA: data, batching, optimiser, schedule, stop conditions, checkpoints."""

    # --- inputs
    model: str = field(
        default="qwen2.5-coder-0.5b", metadata={"help": "base model: short name, HF folder or Hub id"}
    )
    samples: str = field(
        default="runs/augment/graph/samples.jsonl", metadata={"help": "samples.jsonl from augment"}
    )
    limit: int | None = field(default=None, metadata={"help": "use only the first N samples (smoke runs)"})
    seed: int = field(default=0, metadata={"help": "LoRA init, data order (per epoch) and dropout"})
    # --- tokenization and batching
    max_len: int = field(
        default=512, metadata={"help": "longest sequence in tokens (prompt + answer + <|im_end|>)"}
    )
    overflow: str = field(
        default="drop", metadata={"help": "longer samples: drop | truncate (cut the answer's tail)"}
    )
    batching: str = field(
        default="pack", metadata={"help": "pack (rows of max_len, per-sample positions) | group"}
    )
    batch_tokens: int = field(default=2048, metadata={"help": "tokens per micro-batch, padding included"})
    grad_accum: int = field(default=4, metadata={"help": "micro-batches per optimizer step"})
    # --- LoRA
    lora_r: int = field(default=16, metadata={"help": "LoRA rank"})
    lora_alpha: int = field(default=32, metadata={"help": "LoRA scaling numerator (scale = alpha / r)"})
    lora_dropout: float = field(default=0.05, metadata={"help": "dropout on the LoRA input"})
    target_modules: tuple[str, ...] = field(
        default=("all-linear",),
        metadata={"help": "module names to adapt; ('all-linear',) = every linear but lm_head"},
    )
    # --- optimiser and schedule
    learning_rate: float = field(default=2e-4, metadata={"help": "peak AdamW learning rate"})
    weight_decay: float = field(default=0.0, metadata={"help": "AdamW weight decay"})
    adam_beta1: float = field(default=0.9, metadata={"help": "AdamW beta1"})
    adam_beta2: float = field(default=0.999, metadata={"help": "AdamW beta2"})
    max_grad_norm: float = field(default=1.0, metadata={"help": "clip the gradient norm (0 = no clipping)"})
    schedule: str = field(default="cosine", metadata={"help": "cosine | linear | constant (after warmup)"})
    warmup_ratio: float = field(
        default=0.03, metadata={"help": "fraction of all steps spent warming up linearly"}
    )
    # --- stop conditions (the first one reached stops the run)
    epochs: int = field(default=1, metadata={"help": "passes over the samples"})
    max_steps: int | None = field(default=None, metadata={"help": "optimizer steps (None: no limit)"})
    max_tokens: int | None = field(
        default=None, metadata={"help": "non-padding tokens fed to the model (None: no limit)"}
    )
    max_minutes: float | None = field(
        default=None,
        metadata={
            "help": "wall-clock budget of the training loop: after the first steps the plan is cut to the "
            "steps that fit (None: no limit)"
        },
    )
    # --- numerics and memory
    precision: str = field(
        default="auto", metadata={"help": "bf16 (bf16 base + autocast, fp32 LoRA) | fp32 | auto"}
    )
    device: str | None = field(default=None, metadata={"help": "cpu | cuda | cuda:N (None: pick_device)"})
    base_quant: str = field(
        default="none",
        metadata={"help": "none | nf4: QLoRA, the frozen base weights loaded in 4-bit NF4 (bitsandbytes, double "
                          "quantization), the LoRA adapter trained in fp32 on top (a 7B base on one GPU)"},
    )
    zero_stage: int = field(
        default=0,
        metadata={"help": "under accelerate launch / torchrun: 0 = PyTorch DDP; 2 = DeepSpeed ZeRO-2 (optimizer "
                          "states and gradients partitioned across processes); 3 = ZeRO-3 (the parameters too)"},
    )
    gradient_checkpointing: bool = field(
        default=False, metadata={"help": "recompute activations (less memory)"}
    )
    max_bad_steps: int = field(
        default=3, metadata={"help": "stop after this many non-finite losses in a row"}
    )
    # --- checkpoints and logs
    save_every: int = field(
        default=20, metadata={"help": "checkpoint every N optimizer steps (0 = only at the end)"}
    )
    keep_checkpoints: int = field(default=2, metadata={"help": "keep the last K checkpoints"})
    log_every: int = field(default=1, metadata={"help": "write a train_log.jsonl row every N steps"})

    def __post_init__(self):
        def check(ok: bool, message: str) -> None:
            if not ok:
                raise ConfigError(f"train.{message}")

        if isinstance(self.target_modules, (list, str)):  # YAML gives lists; a single name is a one-tuple
            names = (self.target_modules,) if isinstance(self.target_modules, str) else self.target_modules
            object.__setattr__(self, "target_modules", tuple(names))
        check(
            self.batching in BATCHING, f"batching must be one of {', '.join(BATCHING)}, not {self.batching!r}"
        )
        check(
            self.precision in PRECISIONS,
            f"precision must be one of {', '.join(PRECISIONS)}, not {self.precision!r}",
        )
        check(
            self.schedule in SCHEDULES,
            f"schedule must be one of {', '.join(SCHEDULES)}, not {self.schedule!r}",
        )
        check(
            self.overflow in OVERFLOW, f"overflow must be one of {', '.join(OVERFLOW)}, not {self.overflow!r}"
        )
        check(self.max_len >= 8, "max_len must be >= 8")
        check(
            self.batch_tokens >= self.max_len,
            f"batch_tokens ({self.batch_tokens}) must be >= max_len ({self.max_len})",
        )
        check(self.grad_accum >= 1, "grad_accum must be >= 1")
        check(self.zero_stage in (0, 2, 3), f"zero_stage must be 0, 2 or 3, not {self.zero_stage!r}")
        check(self.base_quant in ("none", "nf4"), f"base_quant must be none or nf4, not {self.base_quant!r}")
        check(self.lora_r >= 1 and self.lora_alpha > 0, "lora_r must be >= 1 and lora_alpha > 0")
        check(0 <= self.lora_dropout < 1, "lora_dropout must be in [0, 1)")
        check(len(self.target_modules) >= 1, "target_modules must name at least one module")
        check(self.learning_rate > 0, "learning_rate must be > 0")
        check(0 <= self.warmup_ratio < 1, "warmup_ratio must be in [0, 1)")
        check(self.epochs >= 1, "epochs must be >= 1")
        check(self.max_steps is None or self.max_steps >= 1, "max_steps must be >= 1 (or null)")
        check(self.max_tokens is None or self.max_tokens >= 1, "max_tokens must be >= 1 (or null)")
        check(self.max_minutes is None or self.max_minutes > 0, "max_minutes must be > 0 (or null)")
        check(self.limit is None or self.limit >= 1, "limit must be >= 1 (or null)")
        check(
            self.save_every >= 0 and self.keep_checkpoints >= 1,
            "save_every must be >= 0, keep_checkpoints >= 1",
        )
        check(self.log_every >= 1 and self.max_bad_steps >= 1, "log_every and max_bad_steps must be >= 1")


def train_config_to_dict(config: TrainConfig) -> dict[str, Any]:
    """A plain dict (tuples as lists), ready for YAML/JSON."""
    values = dataclasses.asdict(config)
    values["target_modules"] = list(config.target_modules)
    return values


@dataclass(frozen=True)
class TrainFile:
    """The layout of a ``configs/train_*.yaml`` file: a name and a ``train:`` section."""

    name: str = field(default="", metadata={"help": "config name (for logs)"})
    train: TrainConfig = field(default_factory=TrainConfig, metadata={"help": "the training settings"})


def load_train_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> TrainConfig:
    """Defaults, then the ``train:`` mapping of the YAML file at ``path`` (if any), then ``overrides``
    (flat: ``{"max_steps": 5}``). Unknown keys anywhere are a ConfigError."""
    return load_dataclass_config(TrainFile, path, {"train": dict(overrides or {})}).train
