"""WordNet synonyms of the schema's words in `ask`, two ways: linking a question word to the schema word it is a
synonym of (`prompt.link_synonyms`), or asking the question in the schema's words (`prompt.echo_schema_words`:
"How many vocalists ..." asked as "How many singers ..."; `graphsql.schema.synonyms`). Which questions each
changes, whether the gold tables stay in their prompts, and what `ask` answers.

    $ python -m graphsql.experiments.synonym_linking    # -> results/analyses/synonym_linking.json (~15 min)

For each question set, every question's prompt (and wording) is built with and without (no model). Where they
differ, `ask` (the merged q8_0 model, `ask`'s settings: repairs, fallback, answer rules, 3 Spider-train
demonstrations for an empty answer) answers the question both ways, now; where they are the same, both ways give
the same answer (the same prompt and seed), so `ask`'s recorded answer (`ask_fb4_graph3_empty_values_names`)
stands for both. Compared: each way against none, paired bootstrap over every question of the set (and over the
changed ones alone). Model answers resume from ``runs/analyses/synonym_linking/``.

The sets: the rule-based rewording probes (`graphsql.data.reword`: WordNet synonyms, so both ways undo part of what
that generator did: an upper bound for words a person would swap, not an independent test), Spider dev, the
domain-knowledge and renamed-schema probes, GeoQuery, and prompts only for Spider train and BIRD dev. One rule was
chosen after reading the prompts linking changed on GeoQuery (no answers): a question word the schema spells itself
("area") is never another word's synonym (without it "area", a synonym of "country", changed 266 of GeoQuery's 877
prompts by linking ``country_name`` columns). The rewording way was written after the linking way's answers on the
probes were seen.
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
from graphsql.schema.graph import graphs_by_db
from graphsql.sql.parse import tables_in_sql

log = logging.getLogger(__name__)

TAG = "graph-balanced-gpu-merged-q8_0"
ADAPTER = "models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora"
RECORDED = "ask_fb4_graph3_empty_values_names"  # what `ask` runs, answer rules replayed
# (dataset, split, sample): answered both ways where the prompt changes
ANSWERED = (("spider", "dev_schema_synonym", 300), ("spider", "dev_synonym", 300), ("spider", "dev", None),
            ("spider", "dev_knowledge", None), ("spider", "dev_rename", 300), ("geo", "all", None))
PROMPTS_ONLY = (("spider", "train", None),)


# the two ways synonyms enter `ask`, as prompt settings
WAYS = {"link": {"link_synonyms": True}, "echo": {"echo_schema_words": True}}


def ask_configs(way: str | None = None) -> tuple[PromptConfig, InferConfig]:
    """`ask`'s settings for the merged default adapter (as `ask_fb4_graph3_empty` and its replayed answer rules),
    with synonyms used the ``way`` `WAYS` names (None: not at all)."""
    prompt = PromptConfig(**{**adapter_prompt_settings(ADAPTER), **VARIANTS["ask_fb4_graph3_empty"][0],
                             **WAYS.get(way or "", {})})
    infer = InferConfig(model="qwen2.5-coder-0.5b", adapter=ADAPTER, merge=True, quant="q8_0",
                        **{**VARIANTS["ask_fb4_graph3_empty"][1], "names_for_star": True, "respell_literals": True,
                           "reuse_examples": False})
    return prompt, infer


def ask_generator():
    """The merged q8_0 default adapter that `ask` runs (llama.cpp where built)."""
    from graphsql.inference.generate import make_generator

    infer = ask_configs()[1]
    return make_generator("auto", model=infer.model, adapter=infer.adapter, merge=infer.merge, quant=infer.quant)


def changed_questions(ds, examples, cache, way: str) -> dict[int, dict]:
    """{idx: {gold tables shown without / with synonyms, the question as asked}} of the questions whose prompt
    (``link``) or wording (``echo``) synonyms change."""
    from graphsql.schema.synonyms import echo_question

    without = dataclasses.replace(ask_configs()[0], shots=0)
    with_ = dataclasses.replace(without, link_synonyms=way == "link")
    out, graphs = {}, graphs_by_db(ds.schemas)
    for ex in examples:
        db_path = ds.db_path(ex.db_id)
        # BIRD: its schema only (no database here)
        graph, index = cache.get(db_path, ds.schemas.get(ex.db_id)) if db_path is not None else (graphs(ex.db_id), None)
        asked = echo_question(ex.question, graph, index)[0] if way == "echo" else ex.question
        a, b = (prepare_schema(q, graph, cfg, value_index=index, evidence=ex.evidence)
                for q, cfg in ((ex.question, without), (asked, with_)))
        if asked != ex.question or a.text != b.text or a.values_text != b.values_text:
            gold = {t.lower() for t in tables_in_sql(ex.gold_sql)}
            out[ex.idx] = {"gold_shown_without": gold <= set(a.tables), "gold_shown_with": gold <= set(b.tables),
                           "asked": asked}
    return out


def _counts(changed: dict[int, dict], n: int) -> dict:
    return {"n": n, "changed": len(changed),
            "gold_tables_now_shown": sum(c["gold_shown_with"] and not c["gold_shown_without"] for c in changed.values()),
            "gold_tables_no_longer_shown": sum(c["gold_shown_without"] and not c["gold_shown_with"]
                                               for c in changed.values())}


def answers(ds, examples, subset: str, way: str | None, generator, work: Path) -> dict[int, dict]:
    """`ask`'s evaluated items on ``examples`` with synonyms used ``way`` (resuming from ``work``), by idx."""
    from graphsql.inference.batch import predict_examples

    prompt_cfg, infer_cfg = ask_configs(way)
    records = predict_examples(examples, ds, generator, work / subset / (way or "without") / "preds.sql", prompt_cfg,
                               infer_cfg, strict_pool=True)
    return {it["idx"]: it for it in evaluate(examples, [r["pred_sql"] for r in records], ds.schemas)["items"]}


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
        changed = {way: changed_questions(ds, examples, cache, way) for way in WAYS}
        entry = {way: _counts(c, len(examples)) for way, c in changed.items()}
        log.info("%s: %s", subset, entry)
        recorded_path = layout.replay_file(args.results, subset, TAG, RECORDED)
        if (dataset, split, sample) in ANSWERED and recorded_path.exists():
            recorded = json.loads(recorded_path.read_text())["by_k"]["1"]["items"]
            entry["recorded"] = str(recorded_path.relative_to(args.results.parent)
                                    if recorded_path.is_relative_to(args.results.parent) else recorded_path)
            union = [e for e in examples if any(e.idx in c for c in changed.values())]
            if union:
                generator = generator or ask_generator()
            without = answers(ds, union, subset, None, generator, args.work) if union else {}
            for way, c in changed.items():
                asked = [e for e in examples if e.idx in c]
                with_ = answers(ds, asked, subset, way, generator, args.work) if asked else {}
                full_a = [without.get(it["idx"], it) if it["idx"] in c else it for it in recorded]
                full_b = [with_.get(it["idx"], it) for it in recorded]
                entry[way]["versus"] = {
                    "all": paired_bootstrap(full_a, full_b),
                    "changed": paired_bootstrap([without[e.idx] for e in asked], [with_[e.idx] for e in asked])
                    if asked else None}
                entry[way]["examples"] = [
                    {"idx": e.idx, "db_id": e.db_id, "question": e.question, "asked": c[e.idx]["asked"],
                     "without": without[e.idx]["pred_sql"], "with": with_[e.idx]["pred_sql"],
                     "ex_without": without[e.idx]["ex"], "ex_with": with_[e.idx]["ex"]}
                    for e in asked if without[e.idx]["ex"] != with_[e.idx]["ex"]][:6]
        sets[subset] = entry
    bird = load_dataset("bird", "dev")
    for sample in (300, None):
        examples, name = bird_subset(bird, sample)
        sets[f"bird-dev-{name}"] = {way: _counts(changed_questions(bird, examples, cache, way), len(examples))
                                    for way in WAYS}
    command = "python -m graphsql.experiments.synonym_linking " + " ".join(argv if argv is not None else sys.argv[1:])
    path = layout.analysis_file(args.results, "synonym_linking.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"model": TAG, "recorded": RECORDED, "ways": WAYS, "sets": sets,
                                "provenance": run_info(command)}, indent=1, default=str) + "\n")
    log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
