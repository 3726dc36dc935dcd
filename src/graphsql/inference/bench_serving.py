"""In-process llama.cpp against llama-cpp-python's OpenAI-compatible server, on the same model and questions.

    $ python -m graphsql.inference.bench_serving            # -> results/benchmarks/bench_serving.json

The shipped adapter merged into the q8_0 GGUF (what `ask` runs) answers the demo database's questions three ways,
one after the other in this process: in-process (`LlamaCppGenerator`, the baseline), then through
``python -m llama_cpp.server`` started on a free loopback port with that GGUF, by `predict_examples` with
``--workers 1`` and ``--workers N``. Greedy decoding, the repairs of `ask`. Recorded: questions per second of each
as a ratio to the in-process run, and whether the server wrote the same SQL as in-process for every question (the
integration check of issue 30; `tests/test_serving.py::test_llama_cpp_server_writes_the_in_process_sql` runs it
small). llama-cpp-python's server handles one request at a time (no parallel slots), so ``--workers`` can only
hide the client's own work there; llama.cpp's own `llama-server --parallel N` or vLLM batch them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.experiments import layout


@contextlib.contextmanager
def llama_cpp_server(gguf: Path, n_ctx: int = 4096, alias: str = "graphsql", start_timeout: float = 120.0
                     ) -> Iterator[str]:
    """``python -m llama_cpp.server`` with ``gguf`` on a free loopback port while the block runs; its /v1 URL."""
    import httpx

    from graphsql.web.local import free_port

    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="llama-server-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
                             "--port", str(port), "--n_ctx", str(n_ctx), "--model_alias", alias,
                             "--n_threads", str(os.cpu_count() or 1)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {Path(log.name).read_text()[-800:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("llama_cpp.server did not start")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(20)
        if proc.poll() is None:
            proc.kill()
        Path(log.name).unlink(missing_ok=True)


def compare_serving(questions: int = 16, workers: int = 2, adapter: str | Path = "default") -> dict:
    """The three runs on the demo database (see the module docstring); the results as a dict."""
    from graphsql.config import DEFAULT_MODEL_NAME, ZERO_SHOT, InferConfig, resolve_adapter
    from graphsql.data.records import Example
    from graphsql.data.spider import Dataset
    from graphsql.data.sqlite import read_sqlite_schema
    from graphsql.inference.batch import predict_examples
    from graphsql.inference.generate import LlamaCppGenerator
    from graphsql.inference.merge import merged_gguf
    from graphsql.inference.remote import OpenAIGenerator
    from graphsql.quickstart import DEMO_DB_ID, DEMO_QUESTIONS, build_demo_database

    infer = InferConfig()
    gguf = merged_gguf(resolve_adapter(DEFAULT_MODEL_NAME, adapter), infer.quant)
    with tempfile.TemporaryDirectory(prefix="graphsql-serving-") as tmp:
        db = build_demo_database(Path(tmp) / f"{DEMO_DB_ID}.sqlite")
        examples = tuple(Example(db_id=DEMO_DB_ID, question=q, gold_sql=g, idx=i)
                         for i, (q, g) in enumerate((DEMO_QUESTIONS * questions)[:questions]))
        ds = Dataset("demo", "all", examples, {DEMO_DB_ID: read_sqlite_schema(db)})
        runs, sql = {}, {}

        def timed(name: str, generator, n_workers: int = 1) -> None:
            start = time.perf_counter()
            records = predict_examples(examples, ds, generator, Path(tmp) / name / "preds.sql", ZERO_SHOT,
                                       infer, workers=n_workers)
            seconds = time.perf_counter() - start
            runs[name] = {"questions": len(records), "seconds": round(seconds, 2),
                          "questions_per_second": round(len(records) / seconds, 3), "workers": n_workers}
            sql[name] = [r["pred_sql"] for r in records]

        local = LlamaCppGenerator(gguf)
        timed("in_process", local)
        del local
        with llama_cpp_server(gguf) as url:
            server = OpenAIGenerator(url, model="graphsql")
            timed("server_workers_1", server, 1)
            timed(f"server_workers_{workers}", server, workers)
    base = runs["in_process"]["questions_per_second"]
    for run in runs.values():
        run["ratio_vs_in_process"] = round(run["questions_per_second"] / base, 3)
    same = {name: sum(a == b for a, b in zip(sql["in_process"], s)) for name, s in sql.items() if name != "in_process"}
    return {"model": str(gguf.name), "questions": len(examples), "runs": runs, "same_sql_as_in_process": same,
            "sql": sql}


def main(argv: list[str] | None = None) -> int:
    from graphsql.provenance import run_info, write_result

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=layout.benchmark_file(REPO_ROOT / "results", "bench_serving.json"))
    args = parser.parse_args(argv)
    result = compare_serving(args.questions, args.workers)
    result["provenance"] = run_info("python -m graphsql.inference.bench_serving",
                                    {"questions": args.questions, "workers": args.workers})
    write_result(args.out, result)
    print(json.dumps({k: v for k, v in result.items() if k not in ("sql", "provenance")}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
