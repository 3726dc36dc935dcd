"""A pre-LLM text-to-SQL baseline: a seq2seq with attention and copying, trained from scratch on CPU.

    >>> from graphsql.baseline import load_baseline_config, train_baseline, predict_baseline
    >>> train_baseline(load_baseline_config("configs/baseline_seq2seq.yaml"), "runs/baseline/seq2seq")
    >>> preds = predict_baseline("runs/baseline/seq2seq", ds.examples, ds.schemas)

Names are resolved lazily, so importing this package (or running ``python -m graphsql.baseline.train``) does
not load torch or the submodules twice.
"""

import importlib

_EXPORTS = {
    "BaselineConfig": "graphsql.baseline.train",
    "load_baseline_config": "graphsql.baseline.train",
    "train_baseline": "graphsql.baseline.train",
    "load_baseline": "graphsql.baseline.predict",
    "predict_baseline": "graphsql.baseline.predict",
    "evaluate_baseline": "graphsql.baseline.predict",
}
__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
