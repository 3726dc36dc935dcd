"""Schema linking with WordNet synonyms (`prompt.link_synonyms`, `graphsql.schema.synonyms`): which prompts it
changes, whether the gold tables stay in them, and what `ask` answers with it.

    $ python -m graphsql.experiments.synonym_linking    # -> results/analyses/synonym_linking.json (~10 min)

For each question set, every question's prompt is built with and without synonyms (no model). Where the two
differ, `ask` (the merged q8_0 model, `ask`'s settings: repairs, fallback, answer rules, 3 Spider-train
demonstrations for an empty answer) answers the question both ways, now; where they are the same, both ways give
the same answer (the same prompt and seed), so `ask`'s recorded answer (`ask_fb4_graph3_empty_values_names`)
stands for both. Compared: with against without, paired bootstrap over every question of the set (and over the
changed ones alone). Model answers resume from ``runs/analyses/synonym_linking/``.

The sets: the rule-based rewording probes (`graphsql.data.reword`: WordNet synonyms, so this linker undoes part of
what that generator did: an upper bound for words a person would swap, not an independent test), Spider dev,
the domain-knowledge and renamed-schema probes, GeoQuery, and prompts only for Spider train and BIRD dev. One
rule was chosen after reading the prompts it changed on GeoQuery (no answers): a question word the schema spells
itself ("area") links there only, never as another word's synonym (without it "area", a synonym of "country",
changed 266 of GeoQuery's 877 prompts by linking ``country_name`` columns).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from pathlib import Path

from graphsql.config import REPO_ROOT, InferConfig, PromptConfig, adapter_prompt_settings
from graphsql.eval.compare import paired_bootstrap
from graphsql.eval.metrics import evaluate
from graphsql.experiments import layout
from graphsql.experiments.variants import VARIANTS, load_question_set
from graphsql.prompting import prepare_schema
from graphsql.provenance import run_info
from graphsql.schema.graph import build_schema_graph
from graphsql.sql.parse import tables_in_sql

log = logging.getLogger(__name__)

TAG = "graph-balanced-gpu-merged-q8_0"
ADAPTER = "models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora"
RECORDED = "ask_fb4_graph3_empty_values_names"  # what `ask` runs, answer rules replayed
# (dataset, split, sample): answered both ways where the prompt changes
ANSWERED = (("spider", "dev_schema_synonym", 300), ("spider", "dev_synonym", 300), ("spider", "dev", None),
            ("spider", "dev_knowledge", None), ("spider", "dev_rename", 300), ("geo", "all", None))
PROMPTS_ONLY = (("spider", "train", None),)


def ask_configs(synonyms: bool) -> tuple[PromptConfig, InferConfig]:
    """`ask`'s settings for the merged default adapter (as `ask_fb4_graph3_empty` and its replayed answer rules)."""
    prompt = PromptConfig(**{**adapter_prompt_settings(ADAPTER), **VARIANTS["ask_fb4_graph3_empty"][0],
                             "link_synonyms": synonyms})
    infer = InferConfig(model="qwen2.5-coder-0.5b", adapter=ADAPTER, merge=True, quant="q8_0",
                        **{**VARIANTS["ask_fb4_graph3_empty"][1], "names_for_star": True, "respell_literals": True,
                           "reuse_examples": False})
    return prompt, infer


def ask_generator():
    """The merged q8_0 default adapter that `ask` runs (llama.cpp where built)."""
    from graphsql.inference.generate import make_generator

    infer = ask_configs(False)[1]
    return make_generator("auto", model=infer.model, adapter=infer.adapter, merge=infer.merge, quant=infer.quant)


def changed_prompts(ds, examples, cache) -> dict[int, dict]:
    """{idx: {gold tables shown without / with synonyms}} of the questions whose prompt synonyms change."""
    without, with_ = (dataclasses.replace(ask_configs(s)[0], shots=0) for s in (False, True))
    out, graphs = {}, {}
    for ex in examples:
        db_path = ds.db_path(ex.db_id)
        if db_path is not None:
            graph, index = cache.get(db_path, ds.schemas.get(ex.db_id))
        else:  # BIRD: its schema only (no database here), graphs built once
            schema = ds.schemas[ex.db_id]
            graph = graphs.get(ex.db_id) or graphs.setdefault(ex.db_id, build_schema_graph(schema))
            index = None
        a, b = (prepare_schema(ex.question, graph, cfg, value_index=index, evidence=ex.evidence)
                for cfg in (without, with_))
        if a.text != b.text or a.values_text != b.values_text:
            gold = {t.lower() for t in tables_in_sql(ex.gold_sql)}
            out[ex.idx] = {"gold_shown_without": gold <= set(a.tables), "gold_shown_with": gold <= set(b.tables)}
    return out


def _prompt_counts(changed: dict[int, dict], n: int) -> dict:
    return {"n": n, "prompts_changed": len(changed),
            "gold_tables_now_shown": sum(c["gold_shown_with"] and not c["gold_shown_without"] for c in changed.values()),
            "gold_tables_no_longer_shown": sum(c["gold_shown_without"] and not c["gold_shown_with"]
                                               for c in changed.values())}


def answer_both_ways(ds, examples, subset: str, generator, work: Path) -> dict[str, list[dict]]:
    """`ask`'s evaluated items without and with synonyms on ``examples`` (resuming from ``work``)."""
    from graphsql.inference.batch import predict_examples

    out = {}
    for arm, synonyms in (("without", False), ("with", True)):
        prompt_cfg, infer_cfg = ask_configs(synonyms)
        records = predict_examples(examples, ds, generator, work / subset / arm / "preds.sql", prompt_cfg, infer_cfg,
                                   strict_pool=True)
        out[arm] = evaluate(examples, [r["pred_sql"] for r in records], ds.schemas)["items"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "runs" / "analyses" / "synonym_linking")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from graphsql.data.spider import load_dataset
    from graphsql.experiments.bird_schema import bird_subset
    from graphsql.inference.predict import DatabaseCache

    cache = DatabaseCache()
    generator = None
    sets = {}
    for dataset, split, sample in ANSWERED + PROMPTS_ONLY:
        ds, examples, subset = load_question_set(dataset, split, sample)
        changed = changed_prompts(ds, examples, cache)
        entry = _prompt_counts(changed, len(examples))
        log.info("%s: %s", subset, entry)
        recorded_path = layout.replay_file(args.results, subset, TAG, RECORDED)
        if (dataset, split, sample) in ANSWERED and recorded_path.exists():
            recorded = json.loads(recorded_path.read_text())["by_k"]["1"]["items"]
            entry["recorded"] = str(recorded_path.relative_to(args.results.parent)
                                    if recorded_path.is_relative_to(args.results.parent) else recorded_path)
            asked = [e for e in examples if e.idx in changed]
            if asked:
                generator = generator or ask_generator()
                arms = answer_both_ways(ds, asked, subset, generator, args.work)
            else:
                arms = {"without": [], "with": []}
            by_arm = {arm: {it["idx"]: it for it in items} for arm, items in arms.items()}
            full = {arm: [by_arm[arm].get(it["idx"], it) for it in recorded] for arm in arms}
            entry["versus"] = {"all": paired_bootstrap(full["without"], full["with"]),
                               "changed": paired_bootstrap(arms["without"], arms["with"]) if asked else None}
            entry["examples"] = [{"idx": e.idx, "db_id": e.db_id, "question": e.question,
                                  "without": by_arm["without"][e.idx]["pred_sql"], "with": by_arm["with"][e.idx]["pred_sql"],
                                  "ex_without": by_arm["without"][e.idx]["ex"], "ex_with": by_arm["with"][e.idx]["ex"]}
                                 for e in asked if by_arm["without"][e.idx]["ex"] != by_arm["with"][e.idx]["ex"]][:6]
        sets[subset] = entry
    bird = load_dataset("bird", "dev")
    for sample in (300, None):
        examples, name = bird_subset(bird, sample)
        sets[f"bird-dev-{name}"] = _prompt_counts(changed_prompts(bird, examples, cache), len(examples))
    command = "python -m graphsql.experiments.synonym_linking " + " ".join(argv if argv is not None else sys.argv[1:])
    path = layout.analysis_file(args.results, "synonym_linking.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"model": TAG, "recorded": RECORDED, "sets": sets,
                                "provenance": run_info(command, {"prompt": dataclasses.asdict(ask_configs(True)[0])})},
                               indent=1, default=str) + "\n")
    log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
