"""Greedy speed and agreement of the llama.cpp and transformers backends on the first N Spider dev questions.

    python benchmarks/bench_backends.py --n 20            # writes results/benchmarks/bench_backends.json

Prompt: a fixed system message + the database's CREATE TABLE statements (from sqlite_master) + the question.
Seconds/question count generation only (model loading is reported separately). Prompts go to each backend in
one `generate` call, so llama.cpp can reuse the KV cache of the shared schema prefix and transformers batches.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.data.spider import load_dataset
from graphsql.data.sqlite import connect_readonly
from graphsql.eval.execute import execute_sql, has_order_by, results_match
from graphsql.experiments import layout
from graphsql.inference.extract import extract_sql
from graphsql.inference.generate import LlamaCppGenerator, TransformersGenerator
from graphsql.inference.models import fetch_model

log = logging.getLogger("bench_backends")

SYSTEM = (
    "You are a SQLite expert. Given the database schema and a question, write one SQLite query that answers "
    "the question. Reply with the SQL query only."
)


def schema_ddl(db_path: Path) -> str:
    """The CREATE TABLE statements of a SQLite file, in sqlite_master order."""
    conn = connect_readonly(db_path)
    try:
        rows = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    return ";\n\n".join(r[0].strip() for r in rows) + ";"


def build_prompt(ddl: str, question: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"{ddl}\n\nQuestion: {question}"},
    ]


def _version(pkg: str) -> str | None:
    try:
        return version(pkg)
    except PackageNotFoundError:
        return None


def _commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="first N runnable Spider dev questions")
    parser.add_argument("--model", default="qwen2.5-coder-0.5b")
    parser.add_argument("--max-new-tokens", type=int, default=256)
    parser.add_argument("--dtype", default="bfloat16", help="transformers dtype")
    parser.add_argument("--batch-size", type=int, default=8, help="transformers batch size")
    parser.add_argument("--n-ctx", type=int, default=4096, help="llama.cpp context length")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for both backends")
    parser.add_argument(
        "--backends", default="llama.cpp,transformers", help="comma-separated, run in this order"
    )
    parser.add_argument("--out", type=Path, default=layout.benchmark_file(REPO_ROOT / "results", "bench_backends.json"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    files = fetch_model(args.model)
    ds = load_dataset("spider", "dev")
    examples = ds.runnable()[: args.n]
    ddl_cache: dict[str, str] = {}
    prompts = []
    for ex in examples:
        if ex.db_id not in ddl_cache:
            ddl_cache[ex.db_id] = schema_ddl(ds.db_path(ex.db_id))
        prompts.append(build_prompt(ddl_cache[ex.db_id], ex.question))

    backends = {
        "llama.cpp": lambda: LlamaCppGenerator(files.gguf_path, n_ctx=args.n_ctx, n_threads=args.threads),
        "transformers": lambda: TransformersGenerator(
            files.hf_path, dtype=args.dtype, batch_size=args.batch_size
        ),
    }
    runs = {}
    for name in args.backends.split(","):
        if name == "transformers":
            import torch

            torch.set_num_threads(args.threads)
        make = backends[name]
        load_before = round(os.getloadavg()[0], 2)
        t0 = time.perf_counter()
        gen = make()
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        outputs = [o[0] for o in gen.generate(prompts, max_new_tokens=args.max_new_tokens)]
        gen_s = time.perf_counter() - t0
        sqls = [extract_sql(o) for o in outputs]
        correct = []
        for ex, sql in zip(examples, sqls, strict=True):
            db = ds.db_path(ex.db_id)
            gold, pred = execute_sql(db, ex.gold_sql), execute_sql(db, sql)
            correct.append(
                bool(gold.ok and pred.ok and results_match(gold.rows, pred.rows, has_order_by(ex.gold_sql)))
            )
        runs[name] = {
            "load_average_1min_before": load_before,
            "load_s": round(load_s, 2),
            "generate_s": round(gen_s, 2),
            "s_per_question": round(gen_s / len(prompts), 3),
            "exec_correct": sum(correct),
            "outputs": outputs,
            "sql": sqls,
            "correct": correct,
        }
        print(
            f"{name:>12}: {gen_s / len(prompts):.2f} s/question (load {load_s:.1f} s), "
            f"execution accuracy {sum(correct)}/{len(prompts)}"
        )
        if hasattr(gen, "close"):
            gen.close()
        del gen

    comparison = {}
    if len(runs) == 2:
        a, b = runs["llama.cpp"], runs["transformers"]
        same_sql = [x == y for x, y in zip(a["sql"], b["sql"], strict=True)]
        same_result = []
        for ex, x, y in zip(examples, a["sql"], b["sql"], strict=True):
            db = ds.db_path(ex.db_id)
            rx, ry = execute_sql(db, x), execute_sql(db, y)
            same_result.append(
                x == y or bool(rx.ok and ry.ok and results_match(rx.rows, ry.rows, has_order_by(x)))
            )
        ratio = b["s_per_question"] / a["s_per_question"]
        comparison = {
            "ratio_transformers_over_llama_cpp": round(ratio, 2),
            "identical_sql": sum(same_sql),
            "same_execution_result": sum(same_result),
        }
        print(f"transformers / llama.cpp time ratio: {ratio:.2f}x")
        print(
            f"identical SQL: {sum(same_sql)}/{len(prompts)}, same execution result: {sum(same_result)}/{len(prompts)}"
        )

    report = {
        "model": args.model,
        "gguf": str(files.gguf_path),
        "hf": str(files.hf_path),
        "commit": _commit(),
        "settings": {
            "n": len(prompts),
            "decoding": "greedy",
            "max_new_tokens": args.max_new_tokens,
            "transformers_dtype": args.dtype,
            "transformers_batch_size": args.batch_size,
            "llama_cpp_n_ctx": args.n_ctx,
            "threads": args.threads,
            "system_prompt": SYSTEM,
        },
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        },
        "versions": {p: _version(p) for p in ("torch", "transformers", "llama-cpp-python", "sqlglot")},
        **comparison,
        "questions": [
            {"db_id": ex.db_id, "question": ex.question, "gold_sql": ex.gold_sql} for ex in examples
        ],
        "backends": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
