"""Values typed by the word beside them: `ask` with ``prompt.typed_values`` against `ask` as it is.

    $ python -m graphsql.experiments.typed_values     # -> results/analyses/typed_values.json (~20 min on this CPU)

A name that several columns hold ("mississippi": a state, a river, and every column that refers to a state) is
listed under each of them in the prompt's "Values mentioned in the question"; the question often says which one
it means with the word beside it ("the mississippi river", "the state of nevada", "the city of Anthony", "code
'AKO'"). With ``typed_values`` such a value links only to the columns whose name has that word
(`graphsql.schema.link.typed_values`): the pruned tables and the value lines follow. The rule was written in
session 29 after reading `ask`'s wrong answers on GeoQuery (river names read as states), and its wording checked on
the questions it changes in Spider dev and GeoQuery (prompts only, before any answer with it was seen); the
probes and Spider dev are measured as they come.

Only questions whose prompt changes are asked again (`budget_vote.differing`); the others keep `ask`'s recorded
answer (`ask_fb4_graph3_empty_values_names`), as in `budget_vote`. GeoQuery's strat300 reuses the answers of all
877. Paired bootstrap over questions, over whole query templates of the gold SQL, and per JOIN count.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.eval.comparisons import bootstrap_entry
from graphsql.eval.metrics import evaluate
from graphsql.experiments import layout
from graphsql.experiments.budget_vote import differing, with_recorded_answers
from graphsql.experiments.synonym_linking import RECORDED, TAG, ask_configs, ask_generator
from graphsql.provenance import run_info
from graphsql.sql.parse import query_template

log = logging.getLogger(__name__)

SETTINGS = {"typed_values": True}
# GeoQuery all first: its strat300 reuses those answers
SETS = (("geo", "all", None), ("geo", "all", 300), ("spider", "dev", None), ("spider", "dev_knowledge", None),
        ("spider", "dev_schema_synonym", 300), ("spider", "dev_synonym", 300), ("spider", "dev_rename", 300))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "runs" / "analyses" / "typed_values")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from graphsql.inference.batch import predict_examples
    from graphsql.inference.predict import DatabaseCache

    cache = DatabaseCache()
    generator = None
    prompt_cfg, infer_cfg = ask_configs()
    prompt_cfg = dataclasses.replace(prompt_cfg, **SETTINGS)
    out, done = {}, {}
    for ds, examples, subset, recorded_path, recorded in with_recorded_answers(SETS, args.results):
        asked = differing(ds, examples, {"typed": SETTINGS}, cache)["typed"]
        log.info("%s: %d prompts differ", subset, len(asked))
        generator = generator or (ask_generator() if asked else None)
        path = args.work / subset / "preds.sql"
        reuse = {name: p for name, (split, p) in done.items() if split == (ds.name, ds.split)}
        records = predict_examples(asked, ds, generator, path, prompt_cfg, infer_cfg, reuse=reuse,
                                   strict_pool=True) if asked else []
        done[subset] = ((ds.name, ds.split), path.with_suffix(".sql.jsonl"))
        new = {r["idx"]: r["pred_sql"] for r in records}
        by_idx = {ex.idx: ex for ex in examples}
        base = {it["idx"]: it for it in recorded}
        base = [base[ex.idx] for ex in examples]
        items = evaluate(examples, [new.get(it["idx"], it["pred_sql"]) for it in base], ds.schemas)["items"]
        versus = bootstrap_entry(base, items, {it["idx"]: query_template(it["gold_sql"]) for it in base})
        changed = [{"idx": it["idx"], "db_id": it["db_id"], "question": by_idx[it["idx"]].question,
                    "before": b["pred_sql"], "after": it["pred_sql"], "ex_before": b["ex"], "ex_after": it["ex"]}
                   for b, it in zip(base, items) if b["pred_sql"] != it["pred_sql"]]
        out[subset] = {"n": len(examples), "recorded": str(recorded_path.relative_to(args.results.parent)),
                       "prompts_differ": len(asked), "answers_changed": len(changed),
                       "right_to_wrong": sum(c["ex_before"] and not c["ex_after"] for c in changed),
                       "wrong_to_right": sum(c["ex_after"] and not c["ex_before"] for c in changed),
                       "versus_ask": versus, "examples": changed[:8]}
        log.info("%s: %s", subset, versus["all"])
    command = "python -m graphsql.experiments.typed_values " + " ".join(argv if argv is not None else sys.argv[1:])
    path = layout.analysis_file(args.results, "typed_values.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"model": TAG, "recorded": RECORDED, "settings": SETTINGS, "sets": out,
                                "provenance": run_info(command)}, indent=1) + "\n")
    log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
