"""Replay the rules `ask` applies to its final answer on a finished run's answers: the name rule
(`graphsql.inference.entity`, `infer.names_for_star`) and the literal rule (`graphsql.inference.literals`,
`infer.respell_literals`), from a run recorded without them.

    $ python -m graphsql.experiments.rules_replay --tag graph-balanced-gpu-merged-q8_0 --variant ask_fb4 \\
          --dataset spider --split dev --sample 0 --rules values,names
          # reads results/spider-dev-all/<tag>/ask_fb4.json (each question's answer)
          # -> results/spider-dev-all/<tag>/replays/ask_fb4_values_names.json

No model runs. The rules apply to the final answer only (after voting, the repairs, the re-prompt and the
fallback), in the order `predict` applies them (literals, then names), so a run with them on differs from the
recorded one exactly where a rule rewrites an answer; a rewrite that does not run is not kept (as in `predict`,
which applies them in `answer_rules`). The file's name says which rules ran
(`layout.RULE_SUFFIXES`: ``_names`` the name rule, ``_values_names`` both); it has the shape of a vote replay with
one candidate (``by_k["1"]``: EX, breakdowns, items; an item a rule rewrote says which: ``renamed``, ``respelled``)
and counts the answers rewritten (``changed``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.errors import DataError
from graphsql.eval.execute import has_rows
from graphsql.eval.metrics import evaluate
from graphsql.experiments import layout
from graphsql.experiments.variants import load_question_set
from graphsql.inference.predict import ANSWER_RULES as RULES
from graphsql.inference.predict import DatabaseCache, answer_rules
from graphsql.provenance import run_info

log = logging.getLogger(__name__)

FLAGS = layout.RULE_FLAGS


def replay_rules(examples, answers: dict[int, str], schemas, dataset: str = "spider",
                 rules: tuple[str, ...] = ("names",), cache=None, before_shots: dict[int, str] | None = None) -> dict:
    """Metrics (`evaluate`) of ``answers`` (idx -> SQL) after ``rules`` (`RULES`, applied in that order), with
    ``changed``: the idx rewritten. ``cache``: a `DatabaseCache` for the graphs and value indexes (`predict`'s).

    ``before_shots`` (idx -> the zero-shot answer a run with ``prompt.shots_when`` "empty" replaced by the answer
    with demonstrations): as `predict` decides with the rules on, the zero-shot answer after the rules stands if
    it returns rows (the run, without them, saw no rows and asked again), else the answer with demonstrations
    after the rules if it returns rows, else the zero-shot one."""
    missing = [ex.idx for ex in examples if ex.idx not in answers]
    if missing:
        raise DataError(f"{len(missing)} of {len(examples)} items have no recorded answer (first: {missing[0]})")
    unknown = set(rules) - set(RULES)
    if unknown:
        raise DataError(f"unknown rule(s) {sorted(unknown)}: choose from {', '.join(RULES)}")
    cache = cache or DatabaseCache()
    before_shots = before_shots or {}
    preds, flags = [], {}
    for ex in examples:
        schema = schemas[ex.db_id]
        if schema.db_path is None:
            preds.append(answers[ex.idx])
            continue
        graph, index = cache.get(schema.db_path, schema)
        chosen = None
        for sql in ((before_shots[ex.idx], answers[ex.idx]) if ex.idx in before_shots else (answers[ex.idx],)):
            done = answer_rules(sql, ex.question, graph, index, schema.db_path, values="values" in rules,
                                names="names" in rules)
            ruled = done[-1][1].sql if done else sql
            rows = ex.idx not in before_shots or has_rows(ruled, schema.db_path)
            if chosen is None or rows:
                chosen = (ruled, {FLAGS[rule] for rule, _ in done})
            if rows:
                break
        preds.append(chosen[0])
        if chosen[1]:
            flags[ex.idx] = chosen[1]
    metrics = evaluate(examples, preds, schemas, dataset=dataset)
    for item in metrics["items"]:
        for rule in rules:
            item[FLAGS[rule]] = FLAGS[rule] in flags.get(item["idx"], ())
    return {**metrics, "changed": sorted(flags)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", required=True)
    parser.add_argument("--variant", default="ask_fb4")
    parser.add_argument("--dataset", default="spider")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--sample", type=int, default=300, help="the run's stratified sample (0: all items)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rules", default="names", help=f"comma-separated, of: {', '.join(RULES)}")
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    rules = tuple(r for r in RULES if r in args.rules.split(","))
    suffix = next((s for s, r in layout.RULE_SUFFIXES.items() if r == rules), None)
    if suffix is None:
        raise SystemExit(f"--rules {args.rules}: no replay file is named for these rules "
                         f"({', '.join(','.join(r) for r in layout.RULE_SUFFIXES.values())})")
    ds, examples, subset = load_question_set(args.dataset, args.split, args.sample, args.seed)
    source = layout.run_file(args.results, subset, args.tag, args.variant)
    if not source.exists():
        raise SystemExit(f"no results in {source}: run the variant first")
    run = json.loads(source.read_text())
    metrics = replay_rules(examples, {it["idx"]: it["pred_sql"] for it in run["items"]}, ds.schemas,
                           dataset="bird" if ds.name == "bird" else "spider", rules=rules,
                           before_shots={it["idx"]: it["before_shots"] for it in run["items"] if "before_shots" in it})
    out = {"by_k": {"1": metrics}, "changed": len(metrics.pop("changed")), "variant": args.variant,
           "rules": list(rules),
           "source": str(source.relative_to(REPO_ROOT) if source.is_relative_to(REPO_ROOT) else source),
           "provenance": run_info("python -m graphsql.experiments.rules_replay " + " ".join(sys.argv[1:] if argv is None else argv),
                                  vars(args) | {"subset": subset})}
    path = layout.replay_file(args.results, subset, args.tag, f"{args.variant}{suffix}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, default=str) + "\n")
    log.info("%s: EX %.3f -> %.3f, %d answers rewritten", path, run["ex"], metrics["ex"], out["changed"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
