"""Evaluate a model under named prompt/inference variants on a fixed subset of a dataset.

    $ python -m graphsql.experiments.variants --tag base --variants ddl_full,graph_pruned,graph_pruned_sc5 \\
          --dataset spider --split dev --sample 300

Each variant predicts into ``runs/eval/<tag>/<subset>/<variant>/preds.sql`` (resumable: rerun the same command
after an interruption) and writes ``results/<subset>/<tag>/<variant>.json`` (`graphsql.experiments.layout`): the metrics of
`graphsql.eval.metrics.evaluate` (with per-item records), seconds and prompt tokens per question, and the
run's provenance (model, adapter, settings, commit). A finished variant is not evaluated again (delete its
results file for that). ``--reuse-from strat300-seed0`` copies the items another subset's run of the same
variant already predicted (the settings must match), e.g. to extend a strat300 run to all items.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path

from graphsql.config import LEGACY_SETTINGS, REPO_ROOT, InferConfig, PromptConfig, adapter_prompt_settings
from graphsql.data.records import Example
from graphsql.data.spider import Dataset, load_dataset
from graphsql.errors import ConfigError
from graphsql.experiments import layout
from graphsql.experiments.sampling import stratified_sample
from graphsql.provenance import run_info
from graphsql.sql.parse import count_joins, join_bucket

log = logging.getLogger(__name__)

# name -> (prompt settings, inference settings); everything else stays at its default, except demonstrations: none
# unless a variant names them. An adapter's own prompt settings (its graphsql.yaml) are the base under every
# variant's; "as_trained" changes nothing else (for the bare model: the PromptConfig defaults).
VARIANTS: dict[str, tuple[dict, dict]] = {
    "as_trained": ({}, {"samples": 1}),
    "as_trained_sc5": ({}, {"samples": 5, "temperature": 0.7}),
    "as_trained_repairs_columns": ({}, {"samples": 1, "fix_columns": True}),
    # what `graphsql ask` runs without demonstrations (greedy, every repair inside the run, the error re-prompt,
    # the execution-guided fallback: 4 samples when nothing runs); the results also hold the same run's answers
    # without the fallback. ask_fb4_graph3_empty (below) is what ask runs since session 26
    "ask_fb4": ({}, {"samples": 1, "fix_columns": True, "fix_joins": True, "fix_names": True, "fallback": 4,
                     "fallback_empty": False}),
    # ask_fb4 as run before keys were inferred for databases that declare none (graphsql.schema.infer)
    "ask_fb4_nokeys": ({"infer_keys": False}, {"samples": 1, "fix_columns": True, "fix_joins": True,
                                               "fix_names": True, "fallback": 4, "fallback_empty": False}),
    # the same with a pruning budget of 6 tables instead of 4 (linking recall on the probes:
    # results/analyses/linking_recall.json)
    "ask_fb4_t6": ({"max_tables": 6}, {"samples": 1, "fix_columns": True, "fix_joins": True, "fix_names": True,
                                       "fallback": 4, "fallback_empty": False}),
    # ask_fb4 with values named by an adjective linked (French -> France: graphsql.schema.pertainyms)
    "ask_fb4_pert": ({"link_pertainyms": True}, {"samples": 1, "fix_columns": True, "fix_joins": True,
                                                  "fix_names": True, "fallback": 4, "fallback_empty": False}),
    # the fallback also when the answer runs but returns no rows (a sample that returns rows replaces it)
    # (SAME_PROMPT: a variant that changes only the prompt copies another's answers where the prompt is the same)
    "ask_fb4_empty": ({}, {"samples": 1, "fix_columns": True, "fix_joins": True, "fix_names": True, "fallback": 4,
                           "fallback_empty": True}),
    "as_trained_sc5_repairs_columns": ({}, {"samples": 5, "temperature": 0.7, "fix_columns": True}),
    # decoding under a grammar of the shown schema's names (graphsql.inference.grammar; issue 25.4)
    "as_trained_grammar": ({}, {"samples": 1, "grammar": True}),
    "ddl_pruned_grammar": ({"schema_format": "ddl", "prune": True}, {"samples": 1, "grammar": True}),
    "ddl_pruned_decomposed": ({"schema_format": "ddl", "prune": True, "answer_format": "decomposed"}, {"samples": 1}),
    "ddl_full_repairs_columns": ({"schema_format": "ddl", "prune": False}, {"samples": 1, "fix_columns": True}),
    "ddl_pruned_sc5_repairs_columns": ({"schema_format": "ddl", "prune": True}, {"samples": 5, "temperature": 0.7,
                                                                      "fix_columns": True}),
    "ddl_full": ({"schema_format": "ddl", "prune": False}, {"samples": 1}),
    "compact_full": ({"schema_format": "compact", "prune": False}, {"samples": 1}),
    "ddl_pruned": ({"schema_format": "ddl", "prune": True}, {"samples": 1}),
    "compact_pruned": ({"schema_format": "compact", "prune": True}, {"samples": 1}),
    "graph_pruned": ({"schema_format": "graph", "prune": True}, {"samples": 1}),
    "graph_pruned_sc5": ({"schema_format": "graph", "prune": True}, {"samples": 5, "temperature": 0.7}),
    "compact_pruned_sc5": ({"schema_format": "compact", "prune": True}, {"samples": 5, "temperature": 0.7}),
    "ddl_pruned_sc5": ({"schema_format": "ddl", "prune": True}, {"samples": 5, "temperature": 0.7}),
}
# pruning-budget variants: <format>_pruned_t<n>, at most n tables kept (the default budget is PromptConfig.max_tables)
for _fmt in ("ddl", "compact"):
    for _n in (2, 3, 6, 8):
        VARIANTS[f"{_fmt}_pruned_t{_n}"] = ({"schema_format": _fmt, "prune": True, "max_tables": _n}, {"samples": 1})
# the short prompt of issue 4's size target (<= 0.5x the full-DDL prompt's tokens): 2 tables, 4 columns a table;
# benchmarks/bench_pipeline.py measures the same budget under the same names
SHORT_BUDGET = {"max_tables": 2, "max_columns": 4}
SHORT_SUFFIX = "_pruned_t2_c4"
for _fmt in ("ddl", "compact"):
    VARIANTS[f"{_fmt}{SHORT_SUFFIX}"] = ({"schema_format": _fmt, "prune": True, **SHORT_BUDGET}, {"samples": 1})
    VARIANTS[f"{_fmt}{SHORT_SUFFIX}_sc5"] = ({"schema_format": _fmt, "prune": True, **SHORT_BUDGET},
                                             {"samples": 5, "temperature": 0.7})
# few-shot variants: <format>_pruned_<selector><k>, k demonstrations from Spider train (never the target's db);
# <format>_pruned_<selector><k>_geo: from GeoQuery's query-split train (the same database; for its query_test split)
for _fmt in ("ddl", "compact"):
    for _sel, _short in (("random", "rand"), ("question_similar", "qsim"), ("masked_question_similar", "mqsim"),
                         ("graph_similar", "graph"), ("skeleton_similar", "skel")):
        for _k in (1, 3, 5):
            VARIANTS[f"{_fmt}_pruned_{_short}{_k}"] = (
                {"schema_format": _fmt, "prune": True, "shots": _k, "shot_selector": _sel, "shots_when": "always"},
                {"samples": 1})
            VARIANTS[f"{_fmt}_pruned_{_short}{_k}_geo"] = (
                {"schema_format": _fmt, "prune": True, "shots": _k, "shot_selector": _sel, "shot_pool": "geo",
                 "shots_when": "always"}, {"samples": 1})


def load_question_set(dataset: str, split: str, sample: int | None, seed: int = 0
                      ) -> tuple[Dataset, list[Example], str]:
    """The dataset, its runnable examples or a stratified sample of them (`select_examples`), and the question
    set's id (``<dataset>-<split>-<all | strat<N>-seed<S>>``: the experiment folder under ``results/``)."""
    ds = load_dataset(dataset, split)
    examples, subset = select_examples(ds, sample, seed)
    return ds, examples, f"{dataset}-{split}-{subset}"


def select_examples(ds: Dataset, sample: int | None, seed: int = 0) -> tuple[list[Example], str]:
    """The runnable examples of ``ds``, or a stratified sample of ``sample`` of them (by hardness/difficulty
    and JOIN bucket), with the subset's name (``all`` or ``strat<N>-seed<S>``)."""
    examples = list(ds.runnable())
    if not sample or sample >= len(examples):
        return examples, "all"
    if ds.name == "bird":
        def key(e):
            return (e.difficulty, join_bucket(count_joins(e.gold_sql)))
    else:
        from graphsql.eval.hardness import sql_hardness

        def key(e):
            return (sql_hardness(e.gold_sql, ds.schemas[e.db_id]), join_bucket(count_joins(e.gold_sql)))
    return stratified_sample(examples, key, sample, seed), f"strat{sample}-seed{seed}"


def count_prompt_tokens(records: list[dict], tokenizer) -> list[int]:
    """Prompt length in the model's tokens (chat template applied) of each record's ``messages``."""
    out = []
    for rec in records:
        if rec.get("messages"):
            ids = tokenizer.apply_chat_template(rec["messages"], add_generation_prompt=True, tokenize=True)
            out.append(len(ids["input_ids"] if isinstance(ids, dict) or hasattr(ids, "keys") else ids))
    return out


# what `ask` runs (ask_fb4) with k demonstrations of the asked database, as a user passes them (--shots k
# --shot-pool FILE): from GeoQuery's query-split train, for its query_test split (issue 25.1, with ask's defaults)
ASK_FB4 = VARIANTS["ask_fb4"]
# (_style: each demonstration's SQL in the adapters' training style, `graphsql.sql.style`; _empty: demonstrations
# only when the zero-shot answer fails or returns no rows, PromptConfig.shots_when)
for _sel, _short in (("graph_similar", "graph"), ("question_similar", "qsim"), ("typed_question_similar", "tqsim")):
    VARIANTS[f"ask_fb4_{_short}3_geo"] = ({**ASK_FB4[0], "shots": 3, "shot_selector": _sel, "shot_pool": "geo",
                                           "shots_when": "always"}, ASK_FB4[1])
    VARIANTS[f"ask_fb4_{_short}3_geo_style"] = ({**VARIANTS[f"ask_fb4_{_short}3_geo"][0], "restyle_shots": True},
                                                ASK_FB4[1])
    VARIANTS[f"ask_fb4_{_short}3_geo_empty"] = ({**VARIANTS[f"ask_fb4_{_short}3_geo"][0], "shots_when": "empty"},
                                                ASK_FB4[1])


# ... from GeoQuery's question-split train, for its question-split dev and test (the same SQL templates)
VARIANTS["ask_fb4_qsim3_geoq_empty"] = ({**VARIANTS["ask_fb4_qsim3_geo_empty"][0], "shot_pool": "geo_question"},
                                        ASK_FB4[1])


# the same with 3 graph-similar demonstrations from Spider train (other databases), only for an empty answer: what
# `ask` does by default since session 26 (it cost Spider dev nothing, report: Few-shot demonstrations)
VARIANTS["ask_fb4_graph3_empty"] = ({**ASK_FB4[0], "shots": 3, "shot_selector": "graph_similar",
                                     "shots_when": "empty"}, ASK_FB4[1])

# variant -> the variant with the same inference settings whose answers it copies where its prompt comes out the
# same (for demonstrations shown only for an empty answer: the zero-shot answers that return rows)
SAME_PROMPT = {"ask_fb4_pert": "ask_fb4", "ask_fb4_graph3_empty": "ask_fb4", "ask_fb4_qsim3_geoq_empty": "ask_fb4"}


def _all_done(jsonl: Path, examples: list[Example]) -> bool:
    from graphsql.inference.batch import read_done

    done = read_done(jsonl)
    return all(e.idx in done for e in examples)


def _same_settings(results: Path, model: str, adapter: str | None, prompt_cfg: PromptConfig,
                   infer_cfg: InferConfig, parts: tuple[str, ...] = ("prompt", "infer")) -> bool:
    """True if the results file ``results`` was made with these settings; raises ConfigError if not (or if it is
    missing), naming what differs. A setting the file lacks (added to the code since) counts as the same when it
    is off (false, 0, empty) or at its default now."""
    if not results.exists():
        raise ConfigError(f"cannot reuse predictions: {results} does not exist (finish that run first)")
    made = json.loads(results.read_text(encoding="utf-8"))
    now = json.loads(json.dumps({"prompt": asdict(prompt_cfg), "infer": asdict(infer_cfg)}, default=str))
    then = {"prompt": made.get("prompt"), "infer": made.get("infer")}
    defaults = json.loads(json.dumps({"prompt": asdict(PromptConfig()), "infer": asdict(InferConfig())}, default=str))
    for part in (now, then):  # when demonstrations are shown does not matter without any
        if isinstance(part["prompt"], dict) and not part["prompt"].get("shots"):
            part["prompt"] = {k: v for k, v in part["prompt"].items() if k != "shots_when"}
    for k in ("prompt", "infer"):  # a setting added since that run did not exist then: fine if at the value runs had
        if isinstance(then[k], dict):  # before it existed (LEGACY_SETTINGS), else if off or at its default now
            then[k] = {**{key: value for key, value in now[k].items() if key not in then[k] and (
                value == LEGACY_SETTINGS[(k, key)] if (k, key) in LEGACY_SETTINGS
                else not value or value == defaults[k].get(key))}, **then[k]}
    run = made.get("provenance", {}).get("settings", {})
    differ = [k for k in parts if now[k] != then[k]]
    differ += [k for k, v in (("model", model), ("adapter", adapter)) if k in run and run[k] != v]
    if differ:
        raise ConfigError(f"cannot reuse predictions of {results}: made with other {', '.join(differ)} settings")
    return True


def run_variant(
    name: str,
    ds: Dataset,
    examples: list[Example],
    generator,
    work_dir: Path,
    result_path: Path,
    model: str,
    adapter: str | None,
    tokenizer=None,
    prompt_overrides: dict | None = None,
    command: str = "",
    partial: bool = False,
    reuse_from: dict[str, tuple[Path, Path]] | None = None,
    merged: str | None = None,
    same_prompt_from: dict[str, tuple[Path, Path]] | None = None,
) -> dict:
    """Predict ``examples`` under variant ``name``, evaluate, and write ``result_path`` (JSON).

    ``partial``: predict nothing; evaluate the items an interrupted run has done so far and write
    ``<variant>.partial.json`` with ``progress`` (done / total) instead.
    ``merged``: the generator runs the adapter merged into the base weights in this GGUF format (recorded in the
    results' ``infer``); None: applied at run time, as every run before issue 24.
    ``reuse_from``: {subset: (its results .json, its predictions .jsonl)} of the same variant on other subsets;
    their items are copied instead of predicted again, after checking that the results file was made with the
    same model, adapter, prompt and inference settings (a mismatch is an error).
    ``same_prompt_from``: {variant: (its results .json, its predictions .jsonl)} on the same questions, with other
    prompt settings and the same inference settings: an item whose prompt comes out the same is copied
    (`graphsql.inference.batch.copy_same_prompt`)."""
    from graphsql.eval.metrics import evaluate
    from graphsql.inference.batch import predict_examples, read_done

    prompt_kw, infer_kw = VARIANTS[name]
    # zero-shot unless the variant says otherwise (what every run before demonstrations became ask's default had)
    prompt_cfg = PromptConfig(**{"shots": 0, **adapter_prompt_settings(adapter), **prompt_kw,
                                 **(prompt_overrides or {})})
    # the measurement protocol predates the column and join-path fixes: the column fix is on only in the
    # *_repairs_columns variants; both are replayed on recorded candidates by graphsql.experiments.sc_count
    # the name and literal rules (names_for_star, respell_literals) are replayed on a run's answers (graphsql.experiments.rules_replay)
    infer_cfg = InferConfig(model=model, adapter=adapter, merge=merged is not None, quant=merged or InferConfig.quant,
                            **{"fix_columns": False, "fix_joins": False, "fallback": 0, "names_for_star": False,
                               "respell_literals": False, "reuse_examples": False,
                               **infer_kw})
    if not partial and result_path.exists() and _all_done(work_dir / "preds.sql.jsonl", examples):
        # finished before: keep its results file (its wall time and provenance are those of the run that made it)
        log.info("%s: all %d items already predicted; %s kept (delete it to evaluate again)", name, len(examples),
                 result_path)
        return json.loads(result_path.read_text(encoding="utf-8"))
    sources = {subset: jsonl for subset, (results, jsonl) in (reuse_from or {}).items()
               if _same_settings(results, model, adapter, prompt_cfg, infer_cfg)}
    start = time.perf_counter()
    total = len(examples)
    if partial:
        done = read_done(work_dir / "preds.sql.jsonl")
        examples = [e for e in examples if e.idx in done]
        records = [done[e.idx] for e in examples]
        result_path = result_path.with_suffix(".partial.json")
        if not examples:
            log.info("%s: nothing predicted yet", name)
            return {}
    else:
        same = {other: jsonl for other, (results, jsonl) in (same_prompt_from or {}).items()
                if _same_settings(results, model, adapter, prompt_cfg, infer_cfg, parts=("infer",))}
        records = predict_examples(examples, ds, generator, work_dir / "preds.sql", prompt_cfg, infer_cfg,
                                   reuse=sources, reuse_same_prompt=same,
                                   strict_pool=True)  # a measurement never goes zero-shot for want of data
    wall = time.perf_counter() - start
    dataset = "bird" if ds.name == "bird" else "spider"
    metrics = evaluate(examples, [r["pred_sql"] for r in records], ds.schemas, dataset=dataset)
    tokens = count_prompt_tokens(records, tokenizer) if tokenizer is not None else []
    seconds = [r["seconds"] for r in records if r.get("seconds")]
    by_idx = {r["idx"]: r for r in records}
    reworded = {e.idx: bool(e.meta["rewording"]) for e in examples if "rewording" in e.meta}
    rules = {e.idx: "+".join(e.meta["rules"]) for e in examples if "rules" in e.meta}
    for item in metrics["items"]:
        rec = by_idx.get(item["idx"], {})
        if reworded:  # a robustness probe (graphsql.data.robust): was this question reworded?
            item["reworded"] = reworded.get(item["idx"], False)
        if rules:  # and by which rules (the knowledge probe), e.g. "value+omit_name"
            item["rules"] = rules.get(item["idx"], "")
        item["votes"] = rec.get("votes")
        item["tables_shown"] = rec.get("tables")
        item["repaired"] = rec.get("repaired")
        if infer_cfg.fallback:
            item["fallback"] = "before_fallback" in rec
        if "before_shots" in rec:  # prompt.shots_when "empty": the zero-shot answer the demonstrations' replaced
            item["before_shots"] = rec["before_shots"]
    if infer_cfg.fallback:  # the same run without its fallback samples: the answers they replaced
        before = evaluate(examples, [r.get("before_fallback", r["pred_sql"]) for r in records], ds.schemas,
                          dataset=dataset)
        metrics["without_fallback"] = {"ex": before["ex"], "em": before["em"], "by_joins": before["by_joins"],
                                       "ex_items": {str(i["idx"]): i["ex"] for i in before["items"]}}
    metrics.update(
        variant=name,
        prompt=asdict(prompt_cfg),
        infer=asdict(infer_cfg),
        seconds_per_question=round(statistics.mean(seconds), 3) if seconds else None,
        prompt_tokens_per_question=round(statistics.mean(tokens), 1) if tokens else None,
        wall_seconds_this_run=round(wall, 1),
        progress={"done": len(examples), "total": total},
        reused={subset: sum(1 for r in records if r.get("reused_from") == subset) for subset in sources},
        **({"same_prompt": sum(1 for r in records if str(r.get("reused_from", "")).endswith("(same prompt)"))}
           if same_prompt_from else {}),
        provenance=run_info(command, {"variant": name, "dataset": ds.name, "split": ds.split,
                                      "n": len(examples), "model": model, "adapter": adapter}),
    )
    result_path.parent.mkdir(parents=True, exist_ok=True)
    result_path.write_text(json.dumps(metrics, indent=1, default=str) + "\n", encoding="utf-8")
    if not partial:  # the finished run replaces what an interrupted one had written
        result_path.with_suffix(".partial.json").unlink(missing_ok=True)
    log.info("%s: EX %.3f EM %s on %d items -> %s", name, metrics["ex"], metrics["em"], metrics["n"], result_path)
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", default="ddl_full,graph_pruned,graph_pruned_sc5")
    parser.add_argument("--tag", default="base", help="names the model setting in output paths")
    parser.add_argument("--dataset", default="spider")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--sample", type=int, default=None, help="stratified subset size (default: all runnable)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default="qwen2.5-coder-0.5b")
    parser.add_argument("--adapter", default=None)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--max-tables", type=int, default=None)
    parser.add_argument("--merge", default=None, metavar="QUANT",
                        help="run --adapter merged into the base weights, as a GGUF of this format (q8_0, q4_k_m, "
                             "q4_0 ...; llama.cpp); default: the adapter applied at run time")
    parser.add_argument("--partial", action="store_true",
                        help="evaluate what an interrupted run has predicted so far (<variant>.partial.json)")
    parser.add_argument("--reuse-from", default="",
                        help="comma-separated subsets (e.g. strat300-seed0; dev-all: of another split) whose "
                             "predictions of the same variant are copied where the question is the same, instead of "
                             "predicted again")
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    parser.add_argument("--runs", type=Path, default=REPO_ROOT / "runs" / "eval")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from graphsql.inference.generate import load_tokenizer, make_generator
    from graphsql.inference.models import resolve_model

    names = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in names if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s) {', '.join(unknown)}; known: {', '.join(VARIANTS)}")
    ds, examples, here = load_question_set(args.dataset, args.split, args.sample, args.seed)
    files = resolve_model(args.model)
    tokenizer = load_tokenizer(files.hf_path) if files.hf_path else None
    generator = None if args.partial else make_generator(args.backend, model=args.model, adapter=args.adapter,
                                                         merge=args.merge is not None, quant=args.merge or "q8_0")
    overrides = {"max_tables": args.max_tables} if args.max_tables else None
    command = "python -m graphsql.experiments.variants " + " ".join(argv if argv is not None else sys.argv[1:])
    # reuse entry (named so in the records: strat300-seed0, dev-all) -> the question set it names
    reuse = {s.strip(): layout.reuse_source(args.dataset, args.split, s.strip())
             for s in args.reuse_from.split(",") if s.strip()}

    def recorded(questions: str, variant: str) -> tuple[Path, Path]:
        """A run's results file and its predictions log."""
        return (layout.run_file(args.results, questions, args.tag, variant),
                args.runs / args.tag / questions / variant / "preds.sql.jsonl")

    for name in names:
        # a question set this variant never ran on has nothing to lend (its runs that exist must match: _same_settings)
        sources = {entry: recorded(other, name) for entry, other in reuse.items()
                   if other != here and recorded(other, name)[0].exists()}
        base = SAME_PROMPT.get(name)
        same = {base: recorded(here, base)} if base and recorded(here, base)[0].exists() else {}
        results, _ = recorded(here, name)
        try:
            run_variant(name, ds, examples, generator, args.runs / args.tag / here / name, results,
                        args.model, args.adapter, tokenizer, overrides, command, partial=args.partial,
                        reuse_from=sources, merged=args.merge, same_prompt_from=same)
        except ConfigError as err:
            parser.error(str(err))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
