"""A vote across pruning budgets: `ask` asked with 3, 4 (its default) and 6 tables kept, the answer whose result
most of the three share wins (`graphsql.inference.vote`: ties go to the default's answer).

    $ python -m graphsql.experiments.budget_vote     # -> results/analyses/budget_vote.json (~70 min on this CPU)

Why: the default adapter is sensitive to which distractor tables its pruned prompt shows (changing them through
synonym linking flipped many of the answers it touched, both ways: `synonym_linking`); answers that agree
across prunings are likelier right, as with self-consistency over sampled answers, but here each candidate is
greedy and only the prompt differs (after MCS-SQL's several prompts per question). A question whose prompt is the
same at a budget as at 4 tables gets the default's answer there without the model (same prompt, same answer),
so the vote costs model time only where the pruning differs.

The budgets (3, 4, 6) and the tie rule were fixed before any answer was seen. `ask`'s answers at 4 tables are its
recorded ones (`ask_fb4_graph3_empty_values_names`); the others are asked now with `ask`'s settings (the merged
q8_0 model; repairs, fallback, answer rules, 3 Spider-train demonstrations for an empty answer). Compared with
`ask`, paired bootstrap over questions and per JOIN count (`graphsql.eval.comparisons.bootstrap_entry`): the vote,
and each other budget alone. Model answers resume from ``runs/analyses/budget_vote/``.
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
from graphsql.experiments.synonym_linking import RECORDED, TAG, ask_configs, ask_generator
from graphsql.experiments.variants import load_question_set
from graphsql.provenance import run_info

log = logging.getLogger(__name__)

DEFAULT_BUDGET = 4
OTHER_BUDGETS = (3, 6)
SETS = (("spider", "dev", None), ("spider", "dev_schema_synonym", 300), ("geo", "all", 300))


def differing(ds, examples, changes: dict, cache) -> dict:
    """{name: the examples whose zero-shot prompt with ``changes[name]`` (prompt settings, e.g. ``{"max_tables":
    3}``) differs from the one `ask` builds}: the only ones a changed setting needs the model for."""
    from graphsql.inference.predict import prompt_messages

    base = dataclasses.replace(ask_configs()[0], shots=0)
    out = {name: [] for name in changes}
    for ex in examples:
        db_path, schema = ds.db_path(ex.db_id), ds.schemas.get(ex.db_id)
        default = prompt_messages(ex.question, db_path, base, cache, schema=schema, evidence=ex.evidence)
        for name, settings in changes.items():
            if prompt_messages(ex.question, db_path, dataclasses.replace(base, **settings), cache,
                               schema=schema, evidence=ex.evidence) != default:
                out[name].append(ex)
    return out


def with_recorded_answers(sets, results_dir: Path):
    """For each (dataset, split, sample) of ``sets``: (dataset, examples, subset, path, items) of `ask`'s recorded
    answers there (`RECORDED`); a set without them is skipped with a warning."""
    for dataset, split, sample in sets:
        ds, examples, subset = load_question_set(dataset, split, sample)
        path = layout.replay_file(results_dir, subset, TAG, RECORDED)
        if not path.exists():
            log.warning("%s: no recorded answers of ask (%s): skipped", subset, path)
            continue
        yield ds, examples, subset, path, json.loads(path.read_text())["by_k"]["1"]["items"]


def voted(candidates: list[str], db_path) -> str:
    """The answer whose result most candidates share; ties (all differ) go to the first, the default's."""
    from graphsql.inference.vote import vote

    return vote(candidates, db_path).sql if len(set(candidates)) > 1 else candidates[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "runs" / "analyses" / "budget_vote")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from graphsql.inference.batch import predict_examples
    from graphsql.inference.predict import DatabaseCache

    cache = DatabaseCache()
    generator = None
    out = {}
    for ds, examples, subset, recorded_path, recorded in with_recorded_answers(SETS, args.results):
        default = {it["idx"]: it["pred_sql"] for it in recorded}
        answers = {DEFAULT_BUDGET: default}
        entry = {"n": len(examples), "recorded": str(recorded_path.relative_to(args.results.parent)), "budgets": {}}
        prompt_cfg, infer_cfg = ask_configs()
        for budget, asked in differing(ds, examples, {b: {"max_tables": b} for b in OTHER_BUDGETS}, cache).items():
            generator = generator or (ask_generator() if asked else None)
            records = predict_examples(asked, ds, generator, args.work / subset / f"t{budget}" / "preds.sql",
                                       dataclasses.replace(prompt_cfg, max_tables=budget), infer_cfg,
                                       strict_pool=True) if asked else []
            answers[budget] = {**default, **{r["idx"]: r["pred_sql"] for r in records}}
            entry["budgets"][str(budget)] = {"prompts_differ": len(asked)}
            log.info("%s: %d prompts differ at %d tables", subset, len(asked), budget)
        order = (DEFAULT_BUDGET, *OTHER_BUDGETS)
        vote_sql = {ex.idx: voted([answers[b][ex.idx] for b in order], ds.db_path(ex.db_id)) for ex in examples}
        items = {name: evaluate(examples, [sqls[ex.idx] for ex in examples], ds.schemas)["items"]
                 for name, sqls in (("ask", default), *((f"t{b}", answers[b]) for b in OTHER_BUDGETS),
                                    ("vote", vote_sql))}
        entry["changed_by_vote"] = sum(vote_sql[ex.idx] != default[ex.idx] for ex in examples)
        entry["versus_ask"] = {name: bootstrap_entry(items["ask"], its) for name, its in items.items() if name != "ask"}
        out[subset] = entry
        log.info("%s: vote %s", subset, entry["versus_ask"]["vote"]["all"])
    command = "python -m graphsql.experiments.budget_vote " + " ".join(argv if argv is not None else sys.argv[1:])
    path = layout.analysis_file(args.results, "budget_vote.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"model": TAG, "recorded": RECORDED, "budgets": [DEFAULT_BUDGET, *OTHER_BUDGETS],
                                "sets": out, "provenance": run_info(command)}, indent=1) + "\n")
    log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
