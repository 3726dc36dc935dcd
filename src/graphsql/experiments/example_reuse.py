"""Answers from a user's worked examples, no model (`graphsql.demos.reuse`), on GeoQuery: a database no model here
trained on, whose items come in two splits that share or do not share SQL templates.

    $ python -m graphsql.experiments.example_reuse     # -> results/analyses/example_reuse.json (a minute, no model)

For each split (question split: train / dev / test questions of the same templates; query split: each template in
one part only), the train part is the user's examples file and each dev or test question goes through what
`graphsql ask` does first with examples (`predict.reuse_example`: a matching example's SQL with the question's
values, kept if it runs and returns rows). Where it answers, its answer replaces `ask`'s recorded one; elsewhere
`ask`'s recorded answer stands (the model runs only when no example answers, so the replay is exact). Recorded
answers: `ask` zero-shot with its answer rules (`geo-all-all`, every item) and `ask` with 3 of the same examples
shown as demonstrations for an empty answer (`geo-<part>-all`, `geo-query_<part>-all`). Compared: each with reuse
against itself, and all that `ask` does with the examples (reuse, then demonstrations for an empty answer)
against `ask` without them. Paired bootstrap over questions and over whole query templates.

The slot types were chosen on the question split's dev part (49 questions: a value's columns must be named as the
example value's, among three variants); the test parts were not used to choose anything else.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from graphsql.config import REPO_ROOT, InferConfig, PromptConfig
from graphsql.data.spider import load_dataset
from graphsql.demos import pool_from_examples
from graphsql.errors import DataError
from graphsql.eval.compare import paired_bootstrap
from graphsql.eval.metrics import evaluate
from graphsql.experiments import layout
from graphsql.inference.predict import DatabaseCache, first_reused, reuse_example
from graphsql.provenance import run_info
from graphsql.schema.values import normalize_text
from graphsql.sql.parse import query_template

log = logging.getLogger(__name__)

TAG = "graph-balanced-gpu-merged-q8_0"
SPLITS = (("question", "dev"), ("question", "test"), ("query", "dev"), ("query", "test"))
# the recorded answers of `ask`: zero-shot (every GeoQuery item) and with 3 of the examples shown for an empty answer
# (the split's own question set), with the answer rules
ZERO_SHOT = ("geo-all-all", "ask_fb4_values_names")
WITH_EXAMPLES = {"question": "ask_fb4_qsim3_geoq_empty_values_names", "query": "ask_fb4_qsim3_geo_empty_values_names"}


def _part(example, split: str) -> str | None:
    return example.meta.get("query_split") if split == "query" else example.source.split(":", 1)[-1]


def reused_answers(ds, split: str, part: str) -> tuple[list, dict[int, dict]]:
    """The ``part`` questions of ``split`` and, for those an example of its train part answers, {idx: {sql,
    example, ex}}."""
    pool_items = [{"question": e.question, "sql": e.gold_sql} for e in ds.examples if _part(e, split) == "train"]
    asked = [e for e in ds.examples if _part(e, split) == part]
    cache = DatabaseCache()
    db_path = ds.db_path("geography")
    graph, _index = cache.get(db_path, ds.schemas["geography"])
    pool = pool_from_examples(pool_items, graph)
    reused = {}
    for ex in asked:
        pred = reuse_example(ex.question, db_path, PromptConfig(), InferConfig(), cache, ds.schemas["geography"],
                              "", pool)
        if pred is not None:
            right = bool(evaluate([ex], [pred.pred_sql], ds.schemas)["ex"])
            reused[ex.idx] = {"sql": pred.pred_sql, "example": pred.reused_example, "ex": right}
    return asked, reused


def leave_one_out(ds) -> dict:
    """Each question of ``ds`` with the other questions of its database as the examples file (an example in the
    question's own words left out too): how many an example answers, and how many of those right."""
    cache = DatabaseCache()
    out = {"n": 0, "answered": 0, "right_when_answered": 0, "databases": 0, "wrong": []}
    for db_id in sorted({e.db_id for e in ds.examples}):
        db_path = ds.db_path(db_id)
        asked = [e for e in ds.examples if e.db_id == db_id]
        if db_path is None or len(asked) < 2:
            continue
        graph, index = cache.get(db_path, ds.schemas[db_id])
        try:
            pool = pool_from_examples([{"question": e.question, "sql": e.gold_sql} for e in asked], graph)
        except DataError as err:
            log.warning("%s: no examples (%s)", db_id, err)
            continue
        templates = cache.example_templates(pool, graph, index) if index is not None else []
        out["databases"] += 1
        for ex in asked:
            own = normalize_text(ex.question)
            found = first_reused(ex.question, db_path, [t for t in templates if normalize_text(t.example) != own],
                                 index, InferConfig()) if templates else None
            out["n"] += 1
            if found is None:
                continue
            right = bool(evaluate([ex], [found[1].sql], ds.schemas)["ex"])
            out["answered"] += 1
            out["right_when_answered"] += right
            if not right and len(out["wrong"]) < 5:
                out["wrong"].append({"db_id": db_id, "question": ex.question, "example": found[0].example,
                                     "sql": found[1].sql, "gold_sql": ex.gold_sql})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    parser.add_argument("--leave-one-out", nargs="*", default=["dev", "train"], metavar="SPLIT",
                        help="Spider splits whose questions are asked with their database's other questions as examples")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ds = load_dataset("geo", "all")
    out = {}
    for split, part in SPLITS:
        asked, reused = reused_answers(ds, split, part)
        ids = {e.idx for e in asked}
        templates = {e.idx: query_template(e.gold_sql) for e in asked}
        entry = {"n": len(asked), "pool": sum(_part(e, split) == "train" for e in ds.examples),
                 "answered": len(reused), "right_when_answered": sum(r["ex"] for r in reused.values()),
                 "examples": [{"idx": i, **r} for i, r in list(reused.items())[:3]], "sources": {}, "versus": {}}
        recorded = {}
        for name, (subset, stem) in (("zero_shot", ZERO_SHOT),
                                     ("with_examples", (f"geo-{part}-all" if split == "question"
                                                        else f"geo-query_{part}-all", WITH_EXAMPLES[split]))):
            path = layout.replay_file(args.results, subset, TAG, stem)
            items = ([it for it in json.loads(path.read_text())["by_k"]["1"]["items"] if it["idx"] in ids]
                     if path.exists() else [])
            if len(items) == len(asked):  # else that run did not answer this part's questions
                recorded[name] = items
                entry["sources"][name] = str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)
        reused_over = {name: [{**it, "ex": reused[it["idx"]]["ex"]} if it["idx"] in reused else it for it in items]
                       for name, items in recorded.items()}
        labels = {"zero_shot": "reuse over `ask` zero-shot",
                  "with_examples": "reuse over `ask` with 3 examples shown for an empty answer"}
        pairs = [(labels[name], recorded[name], reused_over[name]) for name in recorded]
        if len(recorded) == 2:  # all that ask does with the examples against ask without them
            pairs.append(("`ask` with the examples (reuse, then 3 shown for an empty answer) vs `ask` zero-shot",
                          recorded["zero_shot"], reused_over["with_examples"]))
        for label, a, b in pairs:
            entry["versus"][label] = {"questions": paired_bootstrap(a, b),
                                      "templates": paired_bootstrap(a, b, cluster=lambda it, t=templates: t[it["idx"]])}
        out[f"{split}_{part}"] = entry
        log.info("%s split, %s: %d of %d answered from examples, %d right", split, part, entry["answered"],
                 entry["n"], entry["right_when_answered"])
    others = {}
    for split in args.leave_one_out:  # off GeoQuery: no model answers to compare with, how often and how right
        others[f"spider-{split}"] = leave_one_out(load_dataset("spider", split))
        log.info("spider %s, leave one out: %s", split, {k: v for k, v in others[f"spider-{split}"].items()
                                                          if k != "wrong"})
    command = "python -m graphsql.experiments.example_reuse " + " ".join(argv if argv is not None else sys.argv[1:])
    path = layout.analysis_file(args.results, "example_reuse.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"model": TAG, "splits": out, "leave_one_out": others, "provenance": run_info(command)},
                               indent=1) + "\n")
    log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
