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

# OpenMP worker threads (torch's and llama.cpp's share one runtime) spin while idle by default (libgomp: 300,000
# rounds). Next to other busy processes that made llama.cpp several times slower on our 2-core machine, so sessions
# before issue 24 set OMP_WAIT_POLICY=PASSIVE (never spin). But llama.cpp hands work to its threads many times per
# token, and waking sleeping threads each time makes decoding much slower on an idle machine. A short spin
# (GOMP_SPINCOUNT=1000) keeps most of the idle-machine speed and loses far less than the default beside a busy
# process (benchmarks/bench_omp.py -> results/benchmarks/bench_omp.json). It must be set before torch or llama_cpp load
# OpenMP, hence here; OMP_WAIT_POLICY or GOMP_SPINCOUNT set in the environment win.
if "OMP_WAIT_POLICY" not in os.environ:
    os.environ.setdefault("GOMP_SPINCOUNT", "1000")

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
