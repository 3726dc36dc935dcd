"""Speed and size targets of the question -> SQL pipeline, as ratios measured in one run.

    python benchmarks/bench_pipeline.py                       # writes results/benchmarks/bench_pipeline.json
    python benchmarks/bench_pipeline.py --n-timed 0           # token part only (no model run)

1. Prompt size: prompt tokens (the model's chat template applied) of the pruned prompt (each format) against
   the full-DDL prompt, on every runnable Spider dev question; and the share of gold tables the pruned schema
   keeps. Target: pruned <= 0.5 x DDL tokens while keeping >= 95% of gold tables.
2. Pipeline overhead: on the first ``--n-timed`` questions, wall time of `predict` (linking, pruning, prompt,
   generation, execution, voting) against the time spent inside the generator for the same prompts, in the
   same calls. Target: <= 1.30 x (the pipeline adds at most 30%). Per-database work (graph, value index) is
   built before timing starts, as it is once per database in use.

Beside the whole prompt, the schema block alone (schema text plus matched values) is counted: the instruction,
the question and the chat template (~80 tokens) are the same in every configuration and bound the whole-prompt
ratio from below. The target is judged on the whole prompt, for the smallest configuration that keeps >= 95% of
gold tables; whether that configuration answers as well is measured by the experiments' variant of the same name
(`python -m graphsql.experiments.variants --variants compact_pruned_t2_c4 ...`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from graphsql.config import REPO_ROOT, InferConfig, PromptConfig
from graphsql.data.spider import load_dataset
from graphsql.experiments import layout
from graphsql.experiments.linking_recall import columns_in_sql
from graphsql.experiments.variants import SHORT_BUDGET, SHORT_SUFFIX
from graphsql.inference.generate import load_tokenizer, make_generator
from graphsql.inference.models import resolve_model
from graphsql.inference.predict import DatabaseCache, predict
from graphsql.prompting import build_messages, prepare_schema
from graphsql.provenance import run_info
from graphsql.sql.parse import tables_in_sql


class TimedGenerator:
    """Wraps a generator and adds up the seconds spent inside ``generate``."""

    def __init__(self, inner):
        self.inner = inner
        self.seconds = 0.0

    def generate(self, prompts, **kwargs):
        start = time.perf_counter()
        try:
            return self.inner.generate(prompts, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


def prompt_sizes(ds, examples, tokenizer, formats, max_tables, max_columns=None) -> dict:
    """Mean prompt tokens per configuration and the gold-table (and gold-column) keep rate of each: each format
    pruned at the given budget, and each format at the short budget (``<fmt>_pruned_t2_c4``)."""
    cache = DatabaseCache()
    configs = {"ddl_full": PromptConfig(schema_format="ddl", prune=False)}
    configs |= {f"{fmt}_pruned": PromptConfig(schema_format=fmt, prune=True, max_tables=max_tables,
                                              max_columns=max_columns) for fmt in formats}
    configs |= {f"{fmt}{SHORT_SUFFIX}": PromptConfig(schema_format=fmt, prune=True, **SHORT_BUDGET) for fmt in formats}
    tokens: dict[str, list[int]] = {name: [] for name in configs}
    schema_tokens: dict[str, list[int]] = {name: [] for name in configs}
    kept = {name: [0, 0] for name in configs}
    kept_cols = {name: [0, 0] for name in configs}
    for ex in examples:
        graph, index = cache.get(ds.db_path(ex.db_id), ds.schemas[ex.db_id])
        gold = tables_in_sql(ex.gold_sql)
        gold_cols = columns_in_sql(ex.gold_sql, graph.schema)
        for name, cfg in configs.items():
            prepared = prepare_schema(ex.question, graph, cfg, value_index=index)
            shown = {c.key for t in prepared.schema.tables for c in t.columns}
            kept_cols[name][0] += len(gold_cols & shown)
            kept_cols[name][1] += len(gold_cols)
            ids = tokenizer.apply_chat_template(build_messages(ex.question, prepared), add_generation_prompt=True,
                                                tokenize=True)
            tokens[name].append(len(ids["input_ids"] if hasattr(ids, "keys") else ids))
            block = prepared.text + ("\n" + prepared.values_text if prepared.values_text else "")
            schema_tokens[name].append(len(tokenizer(block)["input_ids"]))
            kept[name][0] += len(gold & set(prepared.tables))
            kept[name][1] += len(gold)
    base = statistics.mean(tokens["ddl_full"])
    schema_base = statistics.mean(schema_tokens["ddl_full"])
    return {name: {"mean_prompt_tokens": round(statistics.mean(t), 1),
                   "ratio_to_ddl_full": round(statistics.mean(t) / base, 3),
                   "mean_schema_tokens": round(statistics.mean(schema_tokens[name]), 1),
                   "schema_ratio_to_ddl_full": round(statistics.mean(schema_tokens[name]) / schema_base, 3),
                   "gold_tables_kept": round(kept[name][0] / kept[name][1], 4),
                   "gold_columns_kept": round(kept_cols[name][0] / max(kept_cols[name][1], 1), 4)}
            for name, t in tokens.items()}


def pipeline_overhead(ds, examples, generator, prompt_config) -> dict:
    """Wall seconds of `predict` against seconds inside the generator, greedy, same calls."""
    timed = TimedGenerator(generator)
    cache = DatabaseCache(infer_fks=prompt_config.infer_fks)
    for ex in examples:  # per-database work happens once per database; do it before timing
        cache.get(ds.db_path(ex.db_id), ds.schemas[ex.db_id])
    infer = InferConfig(samples=1, repair=False)
    wall = 0.0
    for ex in examples:
        start = time.perf_counter()
        predict(ex.question, ds.db_path(ex.db_id), timed, prompt_config, infer, cache=cache, schema=ds.schemas[ex.db_id])
        wall += time.perf_counter() - start
    return {"n": len(examples), "pipeline_seconds": round(wall, 2), "generator_seconds": round(timed.seconds, 2),
            "ratio": round(wall / timed.seconds, 3) if timed.seconds else None,
            "seconds_per_question": round(wall / len(examples), 3)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-0.5b")
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--max-tables", type=int, default=PromptConfig().max_tables)
    parser.add_argument("--max-columns", type=int, default=PromptConfig().max_columns)
    parser.add_argument("--n-timed", type=int, default=30)
    parser.add_argument("--limit", type=int, default=None, help="questions for the token part (default: all)")
    parser.add_argument("--out", type=Path, default=layout.benchmark_file(REPO_ROOT / "results", "bench_pipeline.json"))
    args = parser.parse_args(argv)

    ds = load_dataset("spider", "dev")
    examples = list(ds.runnable())[: args.limit]
    files = resolve_model(args.model)
    sizes = prompt_sizes(ds, examples, load_tokenizer(files.hf_path), ("compact", "graph", "ddl"), args.max_tables,
                         args.max_columns)
    out = {"prompt_sizes": sizes, "n_questions": len(examples)}
    # the smallest whole prompt among the configurations that keep >= 95% of gold tables
    keeping = [(v["ratio_to_ddl_full"], k) for k, v in sizes.items() if k != "ddl_full" and v["gold_tables_kept"] >= 0.95]
    best = min(keeping) if keeping else (None, None)
    out["targets"] = {"pruned_tokens_at_most_half": {"best": best[1], "ratio": best[0],
                                                     "met": best[0] is not None and best[0] <= 0.5}}
    if args.n_timed:
        generator = make_generator(args.backend, model=args.model)
        overhead = pipeline_overhead(ds, examples[: args.n_timed], generator,
                                     PromptConfig(schema_format="compact", max_tables=args.max_tables))
        out["pipeline_overhead"] = overhead
        out["targets"]["pipeline_overhead_at_most_30pct"] = {"ratio": overhead["ratio"],
                                                             "met": overhead["ratio"] is not None and overhead["ratio"] <= 1.3}
    out["provenance"] = run_info("python benchmarks/bench_pipeline.py " + " ".join(argv or []), vars(args) | {"out": str(args.out)})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2, default=str) + "\n")
    print(json.dumps({k: v for k, v in out.items() if k != "provenance"}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
