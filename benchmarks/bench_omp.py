"""llama.cpp decoding speed under OpenMP's idle-thread settings, on an idle CPU and beside a busy process.

    python benchmarks/bench_omp.py        # writes results/benchmarks/bench_omp.json (~2 min)

Why: `graphsql/__init__.py` sets how OpenMP's idle worker threads wait, before torch or llama_cpp load the
runtime. Sessions before issue 24 set ``OMP_WAIT_POLICY=PASSIVE`` (never spin) because spinning threads made
llama.cpp several times slower next to other busy processes; this measures what each setting costs. Each setting
runs in a fresh subprocess (the runtime reads its environment once): the base GGUF, a 200-token prompt evaluated,
then ``--tokens`` single-token decode steps timed (torch imported first, as in a process that trains or uses
transformers). "busy": one more process spinning on a core meanwhile.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.experiments import layout
from graphsql.provenance import run_info, write_result

SETTINGS = {"passive": {"OMP_WAIT_POLICY": "PASSIVE"}, "spin_1000": {"GOMP_SPINCOUNT": "1000"},
            "libgomp_default": {}}
PROBE = textwrap.dedent("""
    import sys, time
    import torch  # noqa: F401  (its OpenMP runtime is the one llama.cpp then shares)
    from llama_cpp import Llama
    llm = Llama(model_path=sys.argv[1], n_ctx=2048, n_threads=2, verbose=False)
    tokens = llm.tokenize(b"SELECT name FROM singer WHERE age > 20 " * 20)
    llm.eval(tokens)
    start = time.perf_counter()
    for tok in tokens[: int(sys.argv[2])]:
        llm.eval([tok])
    print(int(sys.argv[2]) / (time.perf_counter() - start))
""")


def decode_speed(gguf: str, env: dict, tokens: int) -> float:
    clean = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    out = subprocess.run([sys.executable, "-c", PROBE, gguf, str(tokens)], env={**clean, **env}, check=True,
                         capture_output=True, text=True)
    return round(float(out.stdout.strip().splitlines()[-1]), 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-0.5b")
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--out", type=Path, default=layout.benchmark_file(REPO_ROOT / "results", "bench_omp.json"))
    args = parser.parse_args(argv)
    from graphsql.inference.models import resolve_model

    gguf = str(resolve_model(args.model).gguf_path)
    speeds: dict[str, dict[str, float]] = {"idle": {}, "busy": {}}
    for load in ("idle", "busy"):
        spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if load == "busy" else None
        try:
            for name, env in SETTINGS.items():
                speeds[load][name] = decode_speed(gguf, env, args.tokens)
        finally:
            if spinner is not None:
                spinner.kill()
    out = {"decode_tokens_per_s": speeds,
           "ratios": {load: {"spin_1000_over_passive": round(s["spin_1000"] / s["passive"], 3),
                             "default_over_passive": round(s["libgomp_default"] / s["passive"], 3)}
                      for load, s in speeds.items()},
           "settings": {"model": args.model, "threads": 2, "tokens": args.tokens},
           "provenance": run_info("python benchmarks/bench_omp.py " + " ".join(argv or []), vars(args) | {
               "out": str(args.out)})}
    write_result(args.out, out)
    print(json.dumps({k: v for k, v in out.items() if k != "provenance"}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
