"""The augment stage: Spider train questions -> training samples (``samples.jsonl``), with graph-based
augmentations that can each be switched off for ablations.

    >>> from graphsql.augment import run_augment
    >>> run_augment("configs/augment_graph.yaml", "runs/augment/graph", limit=20)

Modules: `samples` (the `Sample` record, task prompts, jsonl I/O), `transforms` (per-question augmentations),
`synthetic` (execution-checked questions along FK paths), `build` (the stage runner and its `AugmentConfig`).
"""

from graphsql.augment.build import AugmentConfig, Manifest, build_samples, load_augment_config, run_augment
from graphsql.augment.samples import Sample, read_samples, write_samples
from graphsql.augment.transforms import AUGMENTATIONS, AugmentContext

__all__ = [
    "AUGMENTATIONS",
    "AugmentConfig",
    "AugmentContext",
    "Manifest",
    "Sample",
    "build_samples",
    "load_augment_config",
    "read_samples",
    "run_augment",
    "write_samples",
]
