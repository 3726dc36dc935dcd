"""What a question costs: parameters, memory, seconds and tokens per question here, against a hosted model's price.

    $ python -m graphsql.experiments.cost          # -> results/analyses/cost.json

For every system of the report's main table that has a results file: seconds per question (measured on this
CPU, as written by the evaluation), prompt tokens per question, and answer tokens per question (the predicted
SQL in the model's tokenizer, plus the end-of-turn token). For the local model: its parameter count and file
sizes, and the peak memory of one `graphsql ask` process answering a demo question (measured here in a child
process). Beside them, the cost of 1,000 questions through a hosted model at its published price per million
tokens (``results/published/llm_published.json``, with its date), with the same token counts — an estimate: a hosted
model tokenizes differently and is usually given longer prompts.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from graphsql.config import REPO_ROOT, resolve_adapter
from graphsql.experiments import layout
from graphsql.provenance import run_info

log = logging.getLogger(__name__)


def count_parameters(hf_dir: Path) -> int:
    """Parameters of the safetensors model in ``hf_dir`` (from the file headers; nothing is loaded). With tied
    embeddings a stored ``lm_head.weight`` is the embedding matrix again and is not counted twice."""
    from safetensors import safe_open

    config = json.loads((hf_dir / "config.json").read_text()) if (hf_dir / "config.json").is_file() else {}
    tied = bool(config.get("tie_word_embeddings"))
    total = 0
    for path in sorted(hf_dir.glob("*.safetensors")):
        with safe_open(str(path), framework="pt") as fh:
            for key in fh.keys():
                if tied and key == "lm_head.weight":
                    continue
                shape = fh.get_slice(key).get_shape()
                n = 1
                for dim in shape:
                    n *= dim
                total += n
    return total


def peak_memory_of_ask(db: Path, question: str, adapter: str | None) -> dict:
    """Peak resident memory (MiB) and wall seconds of one ``graphsql ask`` child process."""
    import time

    cmd = [sys.executable, "-m", "graphsql.cli", "ask", "--db", str(db), question]
    cmd += ["--adapter", adapter or "none"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"graphsql ask failed: {proc.stderr.strip()[-500:]}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    shown = ["graphsql", "ask", "--db", db.name, question, "--adapter", _relative(adapter) if adapter else "none"]
    return {"peak_rss_mib": round(peak_kib / 1024, 1), "wall_seconds_incl_loading": round(seconds, 1),
            "command": " ".join(shown)}


def _relative(path: str | Path) -> str:
    path = Path(path)
    return str(path.relative_to(REPO_ROOT)) if path.is_absolute() and path.is_relative_to(REPO_ROOT) else str(path)


def answer_tokens(items: list[dict], tokenizer) -> float:
    """Mean tokens of the predicted SQL (+1 for the end-of-turn token)."""
    counts = [len(tokenizer(it.get("pred_sql") or "", add_special_tokens=False)["input_ids"]) + 1 for it in items]
    return round(statistics.mean(counts), 1) if counts else 0.0


def measure_cost(results_dir: Path, measure_memory: bool = True) -> dict:
    from graphsql.inference.generate import load_tokenizer
    from graphsql.inference.models import DEFAULT_MODEL, fetch_model
    from graphsql.quickstart import DEMO_QUESTIONS, build_demo_database
    from graphsql.report import SYSTEMS, load_eval_results

    files = fetch_model(DEFAULT_MODEL)
    tokenizer = load_tokenizer(files.hf_path)
    adapter = resolve_adapter(DEFAULT_MODEL, "default")
    local = {
        "model": DEFAULT_MODEL,
        "parameters": count_parameters(Path(files.hf_path)),
        "gguf_mib": round(Path(files.gguf_path).stat().st_size / 2**20, 1) if files.gguf_path else None,
        "adapter": _relative(adapter) if adapter else None,
        "adapter_mib": round((Path(adapter) / "adapter_model.safetensors").stat().st_size / 2**20, 1)
        if adapter else None,
    }
    if measure_memory:
        with tempfile.TemporaryDirectory() as tmp:
            db = build_demo_database(Path(tmp) / "bookshop.sqlite")
            local["ask"] = peak_memory_of_ask(db, DEMO_QUESTIONS[0][0], adapter)
    systems = []
    for label, tag, variant in SYSTEMS:
        for (t, subset), variants in load_eval_results(results_dir).items():
            if t != tag or variant not in variants:
                continue
            path, metrics = variants[variant]
            systems.append({
                "system": label, "tag": tag, "variant": variant, "subset": subset,
                "source": str(path.relative_to(results_dir.parent)) if path.is_relative_to(results_dir.parent)
                else str(path),
                "n": metrics["n"], "ex": metrics["ex"],
                "seconds_per_question": metrics.get("seconds_per_question"),
                "prompt_tokens_per_question": metrics.get("prompt_tokens_per_question"),
                "answer_tokens_per_question": answer_tokens(metrics["items"], tokenizer),
                "samples_per_question": (metrics.get("infer") or {}).get("samples", 1),
            })
    prices = []
    published = layout.published_file(results_dir, "llm_published.json")
    if published.exists():
        for price in json.loads(published.read_text()).get("prices", []):
            per_1000 = []
            for s in systems:
                if s["prompt_tokens_per_question"] is None:
                    continue
                # n completions of one prompt: the prompt is billed once, every completion's tokens
                usd = 1000 * (s["prompt_tokens_per_question"] * price["input_usd_per_mtok"]
                              + s["samples_per_question"] * s["answer_tokens_per_question"]
                              * price["output_usd_per_mtok"]) / 1e6
                per_1000.append({"system": s["system"], "subset": s["subset"], "usd_per_1000_questions": round(usd, 3)})
            prices.append({"model": price["model"], "input_usd_per_mtok": price["input_usd_per_mtok"],
                           "output_usd_per_mtok": price["output_usd_per_mtok"], "as_of": price.get("as_of"),
                           "same_prompts_per_1000_questions": per_1000})
    return {"local": local, "systems": systems, "hosted": prices}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement (a model run)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    out = measure_cost(args.results, measure_memory=not args.no_memory)
    command = "python -m graphsql.experiments.cost " + " ".join(argv if argv is not None else sys.argv[1:])
    out["provenance"] = run_info(command)
    path = layout.analysis_file(args.results, "cost.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n")
    log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
