"""`graphsql train` on several processes (issue 30): run unchanged under `accelerate launch` or `torchrun`.

    accelerate launch --num_processes 8 -m graphsql train --config configs/train_graph_balanced_gpu.yaml --out R
    torchrun --nproc_per_node 8 -m graphsql train --config ... --out R
    accelerate launch --multi_gpu --num_processes 2 -m graphsql train ...   # with `device: cpu`: two CPU processes
                                                                             # (gloo), as the tests do

accelerate sets up the process group and each process's device; the model is wrapped in PyTorch's
DistributedDataParallel by ``accelerator.prepare_model``. Every process plans the same optimizer steps from the same
seed; each step's micro-batches are dealt round-robin to the processes (so the global batch, the learning-rate
schedule and the loss, the mean over the step's answer tokens, are those of one process), gradients are summed by
DDP once per step, and only the main process writes the log, checkpoints, adapter and metrics. A killed run
resumes from its last checkpoint with any number of processes.

With ``zero_stage: 2`` or ``3`` in the training config the model and optimizer go to DeepSpeed instead
(``deepspeed.initialize`` with a config built from the training settings: ZeRO-2 partitions the optimizer states and
gradients across the processes, ZeRO-3 the parameters too); the loop is the same: the learning rate is still set
per step, each step's micro-batches still dealt round-robin, the step boundary said explicitly (a short last step
is fine), gradients clipped by DeepSpeed. A checkpoint holds every process's optimizer partition (gathered by the
main process), so a ZeRO run resumes with the same number of processes. Several machines: untested here.
"""

from __future__ import annotations

import os
from typing import Any

from graphsql.errors import ConfigError


def launched() -> bool:
    """True when this process is one of several started by `accelerate launch` or `torchrun`."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


class Processes:
    """This process's place among those of a run: rank, count, device, who writes, how gradients meet."""

    def __init__(self, device_type: str):
        from accelerate import Accelerator

        self.accelerator = Accelerator(cpu=device_type == "cpu")
        self.rank = self.accelerator.process_index
        self.count = self.accelerator.num_processes
        self.device = self.accelerator.device
        self.main = self.accelerator.is_main_process

    def check(self, grad_accum: int) -> None:
        if grad_accum < self.count:
            raise ConfigError(f"grad_accum {grad_accum} < {self.count} processes: each process needs at least one "
                              "micro-batch per optimizer step (raise grad_accum or launch fewer processes)")

    def share(self, batches: list) -> list:
        """This process's micro-batches of one optimizer step (round-robin)."""
        return batches[self.rank::self.count]

    def zero(self, module: Any, optimizer: Any, stage: int, steps_per_process: int, max_grad_norm: float):
        """``module`` and ``optimizer`` handed to DeepSpeed ZeRO ``stage``: (engine, its optimizer)."""
        try:
            import deepspeed
        except ImportError as err:
            raise ConfigError("zero_stage needs DeepSpeed: pip install deepspeed (the CPU wheel of torch first)") from err
        config = {"train_micro_batch_size_per_gpu": 1, "gradient_accumulation_steps": steps_per_process,
                  "zero_optimization": {"stage": stage}, "gradient_clipping": max_grad_norm,
                  "zero_allow_untested_optimizer": True, "steps_per_print": 10**9, "wall_clock_breakdown": False}
        engine, ds_optimizer, _, _ = deepspeed.initialize(model=module, optimizer=optimizer, config=config)
        return engine, ds_optimizer

    def gather(self, value) -> list:
        """Every process's ``value`` (picklable), in rank order, on every process."""
        import torch.distributed as dist

        out = [None] * self.count
        dist.all_gather_object(out, value)
        return out

    def wrap(self, module: Any) -> Any:
        """``module`` in DistributedDataParallel (its trainable parameters' gradients averaged across processes)."""
        return self.accelerator.prepare_model(module)

    def total(self, value: float) -> float:
        """``value`` summed over the processes."""
        import torch

        return float(self.accelerator.reduce(torch.tensor([value], device=self.device), reduction="sum")[0])

    def agree(self, value):
        """The main process's ``value`` (any picklable object), on every process."""
        from accelerate.utils import broadcast_object_list

        return broadcast_object_list([value], from_process=0)[0]

    def barrier(self) -> None:
        self.accelerator.wait_for_everyone()
