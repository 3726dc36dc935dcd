"""Seconds a question, end to end, for every way of running the default model: one run, one process, ratios.

    python benchmarks/bench_speed.py                   # writes results/benchmarks/bench_speed.json (~40 min on 2 cores)
    python benchmarks/bench_speed.py --n 20 --sc-n 5 --out /tmp/speed.json    # a quick look

On the same ``--sample`` stratified Spider dev questions (``strat100-seed0``, as the experiments sample them), each
system answers every question through `graphsql.inference.predict.predict` with `graphsql ask`'s defaults (the
adapter's prompt settings, greedy, the repairs, the error re-prompt). Systems:

- ``bare_generation``: the base model alone, given the very prompts the default system built (the chat messages
  recorded per question), generation only: the floor the default is compared with;
- ``runtime_lora``: the base GGUF with the adapter converted to a GGUF LoRA and applied at run time (before
  issue 24, the default);
- ``merged_<quant>``: the adapter merged into the base weights (`graphsql.inference.merge`), per GGUF format,
  those of ``--variants`` also ``_no_prefix_cache`` (every prompt evaluated from scratch) and ``_prompt_lookup``
  (prompt-lookup speculative decoding, drafts verified in one batch a step: `LlamaCppGenerator`);
- ``sc5_parallel`` and ``sc5_sequential``: 5 sampled candidates voted by execution (``--samples 5``) with the
  default format, on the first ``--sc-n`` questions, decoded as parallel sequences or one after another; each
  against the default greedy system on the same questions.

Per system: p50/p95/mean seconds a question end to end, seconds by stage (prompt: linking, pruning, messages;
generate; execute: repairs, running, voting; per-database set-up is done before timing, once per database, and
reported apart), prompt and generated tokens per second from llama.cpp's own counters, and how many greedy SQL
strings differ from the same format's cached run. Targets (issue 24): the default greedy at p50 <= 0.6 s and within
1.1x of the bare model's generation on the same prompts; SC5 <= 2.5x greedy.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import time
from pathlib import Path

import graphsql.inference.generate  # noqa: F401  (OMP_WAIT_POLICY before torch or llama_cpp load)
from graphsql.config import REPO_ROOT, InferConfig, load_config
from graphsql.data.spider import load_dataset
from graphsql.experiments import layout
from graphsql.experiments.variants import select_examples
from graphsql.inference.generate import LlamaCppGenerator, make_generator
from graphsql.inference.merge import merged_gguf
from graphsql.inference.models import resolve_model
from graphsql.inference.predict import DatabaseCache, predict
from graphsql.provenance import run_info, write_result

PROMPT_LOOKUP_TOKENS = 4


def _perf(gen: LlamaCppGenerator) -> dict:
    """llama.cpp's own counters of the generator's main context since the last reset."""
    import llama_cpp

    data = llama_cpp.llama_perf_context(gen.llm._ctx.ctx)
    return {"prompt_ms": data.t_p_eval_ms, "prompt_tokens": data.n_p_eval, "gen_ms": data.t_eval_ms,
            "gen_tokens": data.n_eval}


def _reset_perf(gen: LlamaCppGenerator) -> None:
    import llama_cpp

    llama_cpp.llama_perf_context_reset(gen.llm._ctx.ctx)
    gen.counts = dict.fromkeys(gen.counts, 0)


def _summary(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {"p50_s": round(statistics.median(ordered), 3),
            "p95_s": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 3),
            "mean_s": round(statistics.mean(ordered), 3), "n": len(ordered)}


def run_pipeline(gen, examples, ds, cfg, cache, infer: InferConfig) -> dict:
    """Every question through `predict`, timed; returns the summary and the per-question records."""
    _reset_perf(gen)
    records = []
    for ex in examples:
        reused = gen.counts["reused_tokens"]
        pred = predict(ex.question, ds.db_path(ex.db_id), gen, cfg.prompt, infer, cache=cache,
                       schema=ds.schemas[ex.db_id])
        records.append({"idx": ex.idx, "db_id": ex.db_id, "seconds": pred.seconds, "timings": pred.timings,
                        "sql": pred.pred_sql, "messages": pred.messages,
                        "reused_tokens": gen.counts["reused_tokens"] - reused})
    perf = _perf(gen)
    stages = sorted({k for r in records for k in r["timings"]})
    out = _summary([r["seconds"] for r in records])
    out["stage_mean_s"] = {k: round(statistics.mean(r["timings"].get(k, 0.0) for r in records), 4) for k in stages}
    out |= _rates(perf, gen.counts)
    return {"summary": out, "records": records}


def _rates(perf: dict, counts: dict) -> dict:
    return {
        "prompt_tokens_per_s": round(1000 * perf["prompt_tokens"] / perf["prompt_ms"], 1) if perf["prompt_ms"] else None,
        "generated_tokens_per_s": round(1000 * perf["gen_tokens"] / perf["gen_ms"], 1) if perf["gen_ms"] else None,
        "prompt_tokens_evaluated": perf["prompt_tokens"],
        "prompt_tokens_total": counts["prompt_tokens"],
        "prompt_tokens_reused": counts["reused_tokens"],
        "generated_tokens": counts["generated_tokens"],
    }


def run_bare(gen, records) -> dict:
    """The base model on the recorded prompts, generation only (what `predict` adds is left out)."""
    _reset_perf(gen)
    seconds = []
    for rec in records:
        start = time.perf_counter()
        gen.generate([rec["messages"]], n=1, temperature=0.0, max_new_tokens=InferConfig().max_new_tokens)
        seconds.append(time.perf_counter() - start)
    return _summary(seconds) | _rates(_perf(gen), gen.counts)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=100, help="stratified Spider dev questions")
    parser.add_argument("--n", type=int, default=None, help="only the first N of them (a quick look)")
    parser.add_argument("--sc-n", type=int, default=20, help="of those, how many self-consistency answers")
    parser.add_argument("--quants", default="q8_0,q4_k_m,q4_0", help="merged GGUF formats to time")
    parser.add_argument("--variants", default="q8_0,q4_k_m",
                        help="formats also timed without the prefix cache and with prompt lookup")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--sc-only", action="store_true",
                        help="rerun only the self-consistency rows (and their greedy reference, in the same process) "
                             "and replace them in the existing --out file")
    parser.add_argument("--out", type=Path, default=layout.benchmark_file(REPO_ROOT / "results", "bench_speed.json"))
    args = parser.parse_args(argv)

    cfg = load_config()  # ask's defaults: the shipped adapter, its prompt settings, merged, greedy, repairs
    adapter = cfg.infer.adapter
    ds = load_dataset("spider", "dev")
    examples, subset = select_examples(ds, args.sample, seed=0)
    examples = examples[: args.n]
    cache = DatabaseCache(infer_fks=cfg.prompt.infer_fks)
    setup = {}
    for ex in examples:  # once per database, before timing
        if ex.db_id not in setup:
            start = time.perf_counter()
            cache.get(ds.db_path(ex.db_id), ds.schemas[ex.db_id])
            setup[ex.db_id] = time.perf_counter() - start
    base = resolve_model(cfg.infer.model)
    kw = {"n_threads": args.threads} if args.threads else {}
    greedy = dataclasses.replace(cfg.infer, samples=1)
    systems: dict[str, dict] = {}
    sql: dict[str, list[str]] = {}

    def timed(name: str, gen, infer=greedy, items=examples) -> dict:
        print(f"{name} …", flush=True)
        result = run_pipeline(gen, items, ds, cfg, cache, infer)
        systems[name] = result["summary"]
        sql[name] = [r["sql"] for r in result["records"]]
        print(f"  {json.dumps(systems[name])}", flush=True)
        return result

    default_name = f"merged_{cfg.infer.quant}"
    if args.sc_only:
        return _rerun_self_consistency(args, argv, cfg, examples, timed, systems, kw)
    quants = list(dict.fromkeys([cfg.infer.quant, *args.quants.split(",")]))
    default_records = None
    uncached_records = None
    for quant in quants:
        path = merged_gguf(adapter, quant, base_model=cfg.infer.model)
        gen = LlamaCppGenerator(path, **kw)
        result = timed(f"merged_{quant}", gen)
        if quant == cfg.infer.quant:
            default_records = result["records"]
            if args.sc_n:
                _self_consistency(gen, examples[: args.sc_n], cfg, timed)
        if quant in args.variants.split(","):
            gen.prefix_cache = False
            result = timed(f"merged_{quant}_no_prefix_cache", gen)
            if quant == cfg.infer.quant:
                uncached_records = result["records"]
            gen.close()
            gen = LlamaCppGenerator(path, prompt_lookup=PROMPT_LOOKUP_TOKENS, **kw)
            timed(f"merged_{quant}_prompt_lookup", gen)
        gen.close()
    gen = make_generator("llama.cpp", model=cfg.infer.model, adapter=adapter, merge=False, **kw)
    timed("runtime_lora", gen)
    gen.close()
    gen = LlamaCppGenerator(base.gguf_path, **kw)
    print("bare_generation …", flush=True)
    systems["bare_generation"] = run_bare(gen, default_records)
    print(f"  {json.dumps(systems['bare_generation'])}", flush=True)
    gen.close()

    for name in systems:  # greedy SQL that changed against the same format's cached run
        ref = name.removesuffix("_no_prefix_cache").removesuffix("_prompt_lookup")
        if name != ref and ref in sql:
            systems[name]["sql_differs_from_cached_run"] = sum(a != b for a, b in zip(sql[name], sql[ref]))
    bare = systems["bare_generation"]
    ratios = {name: {"p50_over_bare_generation": round(s["p50_s"] / bare["p50_s"], 3),
                     "mean_over_bare_generation": round(s["mean_s"] / bare["mean_s"], 3)}
              for name, s in systems.items() if name != "bare_generation" and not name.startswith(("sc5", "greedy_"))}
    default = systems[default_name]
    targets = {
        "default": default_name,
        "default_p50_at_most_0.6s": {"p50_s": default["p50_s"], "met": default["p50_s"] <= 0.6},
        "default_within_1.1x_bare_generation": {"ratio_mean": ratios[default_name]["mean_over_bare_generation"],
                                                "ratio_p50": ratios[default_name]["p50_over_bare_generation"],
                                                "met": ratios[default_name]["mean_over_bare_generation"] <= 1.1},
    }
    if args.sc_n:
        _sc_ratios(systems, ratios, targets, args.sc_n)
    if uncached_records is not None:  # what the cache saves a question asked right after one on the same database
        follow = [i for i in range(1, len(default_records))
                  if default_records[i]["db_id"] == default_records[i - 1]["db_id"]]
        cached_s = statistics.mean(default_records[i]["seconds"] for i in follow)
        uncached_s = statistics.mean(uncached_records[i]["seconds"] for i in follow)
        ratios["prefix_cache_second_question_same_db"] = {
            "n": len(follow), "mean_s_cached": round(cached_s, 3), "mean_s_uncached": round(uncached_s, 3),
            "uncached_over_cached": round(uncached_s / cached_s, 3),
            "mean_prompt_tokens_reused": round(statistics.mean(default_records[i]["reused_tokens"] for i in follow), 1),
            "mean_prompt_tokens_all_questions": round(systems[default_name]["prompt_tokens_total"]
                                                      / len(default_records), 1)}
    out = {
        "questions": {"dataset": "spider", "split": "dev", "subset": subset, "n": len(examples),
                      "idx": [ex.idx for ex in examples]},
        "setup_s_per_database": {"mean": round(statistics.mean(setup.values()), 3),
                                 "max": round(max(setup.values()), 3), "databases": len(setup)},
        "systems": systems,
        "ratios": ratios,
        "targets": targets,
        "settings": {"adapter": adapter, "model": cfg.infer.model, "default_quant": cfg.infer.quant,
                     "prompt_lookup_tokens": PROMPT_LOOKUP_TOKENS, "threads": args.threads or "all",
                     "max_new_tokens": cfg.infer.max_new_tokens, "temperature_sc": cfg.infer.temperature},
        "provenance": run_info("python benchmarks/bench_speed.py " + " ".join(argv or []),
                               {k: str(v) for k, v in vars(args).items()}),
    }
    write_result(args.out, out)
    print(json.dumps({"ratios": ratios, "targets": targets}, indent=1))
    return 0


def _self_consistency(gen, items, cfg, timed) -> None:
    """Greedy, then 5 samples decoded as parallel sequences, then one after another, on the same questions."""
    timed(f"greedy_first{len(items)}", gen, items=items)
    sc_infer = dataclasses.replace(cfg.infer, samples=5)
    for mode in ("parallel", "sequential"):
        gen.parallel = mode == "parallel"
        timed(f"sc5_{mode}", gen, sc_infer, items)
    gen.parallel = True


def _sc_ratios(systems: dict, ratios: dict, targets: dict, sc_n: int) -> None:
    ref = systems[f"greedy_first{sc_n}"]["mean_s"]
    for mode in ("parallel", "sequential"):
        ratios[f"sc5_{mode}"] = {"mean_over_greedy": round(systems[f"sc5_{mode}"]["mean_s"] / ref, 3)}
    targets["sc5_at_most_2.5x_greedy"] = {"ratio": ratios["sc5_parallel"]["mean_over_greedy"],
                                         "met": ratios["sc5_parallel"]["mean_over_greedy"] <= 2.5}


def _rerun_self_consistency(args, argv, cfg, examples, timed, systems, kw) -> int:
    """``--sc-only``: the self-consistency rows measured again (greedy reference in the same process) and put in
    place of the old ones in ``--out``; the file keeps the first run's provenance and adds this one's."""
    out = json.loads(args.out.read_text(encoding="utf-8"))
    gen = LlamaCppGenerator(merged_gguf(cfg.infer.adapter, cfg.infer.quant, base_model=cfg.infer.model), **kw)
    _self_consistency(gen, examples[: args.sc_n], cfg, timed)
    gen.close()
    for name in [k for k in out["systems"] if k.startswith(("sc5_", "greedy_first"))]:
        del out["systems"][name]
    out["systems"].update(systems)
    _sc_ratios(out["systems"], out["ratios"], out["targets"], args.sc_n)
    out["provenance_sc_rows"] = run_info("python benchmarks/bench_speed.py " + " ".join(argv or []),
                                         {k: str(v) for k, v in vars(args).items()})
    write_result(args.out, out)
    print(json.dumps({k: out["ratios"][k] for k in ("sc5_parallel", "sc5_sequential")}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
