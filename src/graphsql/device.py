"""The one place that decides where models run and in which precision.

    >>> from graphsql.device import pick_device, pick_dtype
    >>> device = pick_device()            # cuda if available, else cpu
    >>> pick_dtype(device)                # torch.bfloat16 on CUDA or AVX512-BF16 CPUs, else torch.float32

torch is imported inside the functions, so importing this module is free.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from graphsql.errors import ConfigError

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)

_BF16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


def pick_device(prefer: str | None = None) -> torch.device:
    """``prefer`` ("cpu", "cuda", "cuda:1", "mps") if given and usable, else cuda when available, else cpu.

    Asking for an accelerator that is not there raises `ConfigError`; "cpu" is always valid.
    """
    import torch

    if prefer:
        device = torch.device(prefer)
        if device.type == "cuda" and not torch.cuda.is_available():
            raise ConfigError(f"device {prefer!r} requested but CUDA is not available")
        if device.type == "mps" and not torch.backends.mps.is_available():
            raise ConfigError(f"device {prefer!r} requested but MPS is not available")
        return device
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@lru_cache(maxsize=1)
def cpu_has_bf16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """True if the CPU flags list AVX512-BF16 or AMX-BF16 (Linux only; False when unknown)."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            return any(f in flags for f in _BF16_CPU_FLAGS)
    return False


def pick_dtype(device: torch.device | str) -> torch.dtype:
    """bfloat16 where it is fast (CUDA with bf16 support, CPUs with AVX512-BF16/AMX), else float32."""
    import torch

    kind = torch.device(device).type
    if kind == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float32
    if kind == "cpu" and cpu_has_bf16():
        return torch.bfloat16
    return torch.float32


def resolve_dtype(dtype: str | torch.dtype | None, device: torch.device) -> torch.dtype:
    """A dtype from a name ("bfloat16", "float32", "float16", "auto"/None -> `pick_dtype`)."""
    import torch

    if dtype is None or dtype == "auto":
        return pick_dtype(device)
    if isinstance(dtype, torch.dtype):
        return dtype
    names = {
        "bfloat16": torch.bfloat16,
        "bf16": torch.bfloat16,
        "float32": torch.float32,
        "fp32": torch.float32,
        "float16": torch.float16,
        "fp16": torch.float16,
    }
    if dtype not in names:
        raise ConfigError(f"unknown dtype {dtype!r}; use one of {sorted(names)} or 'auto'")
    return names[dtype]
