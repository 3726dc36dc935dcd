"""GraphSQL: text-to-SQL with a small LLM and a graph of the database schema.

    >>> import graphsql
    >>> ds = graphsql.load_dataset("spider", "dev")
    >>> graph = graphsql.build_schema_graph(ds.schemas["concert_singer"])
    >>> gen = graphsql.make_generator("auto")                       # the default model, fetched once
    >>> graphsql.predict("How many singers are there?", ds.db_path("concert_singer"), gen).pred_sql
    >>> graphsql.evaluate(ds.examples, [e.gold_sql for e in ds.examples], ds.schemas)["ex"]

Names are resolved lazily, so `import graphsql` stays fast and never loads torch.
"""

import importlib
import os

# OpenMP threads that spin while idle made llama.cpp 4-40x slower when torch shares the process or other jobs
# share the cores (measured, benchmarks/bench_backends.py). Must be set before torch/llama_cpp load OpenMP.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"

_EXPORTS = {
    "DbSchema": "graphsql.data.records",
    "Example": "graphsql.data.records",
    "load_dataset": "graphsql.data.spider",
    "read_sqlite_schema": "graphsql.data.sqlite",
    "build_schema_graph": "graphsql.schema.graph",
    "join_path": "graphsql.schema.graph",
    "prune_schema": "graphsql.schema.prune",
    "serialize_schema": "graphsql.schema.serialize",
    "PromptConfig": "graphsql.config",
    "prepare_schema": "graphsql.prompting",
    "build_messages": "graphsql.prompting",
    "make_generator": "graphsql.inference.generate",
    "predict": "graphsql.inference.predict",
    "evaluate": "graphsql.eval.metrics",
}
__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'graphsql' has no attribute {name!r}")
