"""Training stage: supervised fine-tuning with LoRA on ``samples.jsonl``, writing ``adapter/``.

    >>> from graphsql.training import run_train
    >>> run_train("configs/train_graph_cpu.yaml", "runs/train/graph_cpu")     # resumes if interrupted

`train_sft` takes a model object (tests pass a tiny random Qwen2); `TrainConfig` holds every setting.
"""

from graphsql.training.config import TrainConfig, load_train_config
from graphsql.training.sft import TrainResult, run_train, train_sft

__all__ = ["TrainConfig", "TrainResult", "load_train_config", "run_train", "train_sft"]
