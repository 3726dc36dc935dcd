"""Replay `graphsql.inference.entity.names_for_star` on a finished run's answers: what `ask` answers with its
name rule on (`infer.names_for_star`), from a run recorded without it.

    $ python -m graphsql.experiments.names_replay --tag graph-balanced-gpu-merged-q8_0 --variant ask_fb4 \\
          --dataset spider --split dev --sample 0
          # reads results/spider-dev-all/<tag>/ask_fb4.json (each question's answer)
          # -> results/spider-dev-all/<tag>/replays/ask_fb4_names.json

No model runs. The rule (`graphsql.inference.entity.named_answer`, as `predict` applies it) applies to the final answer only (after voting, the repairs, the re-prompt and the
fallback), so a run with it on differs from the recorded one exactly where the rule rewrites an answer; a rewritten
answer that does not run is not kept (as in `predict`). The file has the shape of a vote replay with one candidate
(``by_k["1"]``: EX, breakdowns, items) and counts the answers rewritten (``changed``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.errors import DataError
from graphsql.eval.metrics import evaluate
from graphsql.experiments import layout
from graphsql.experiments.variants import load_question_set
from graphsql.inference.entity import named_answer
from graphsql.provenance import run_info

log = logging.getLogger(__name__)


def replay_names(examples, answers: dict[int, str], schemas, dataset: str = "spider") -> dict:
    """Metrics (`evaluate`) of ``answers`` (idx -> SQL) after the name rule, with ``changed``: the idx rewritten."""
    missing = [ex.idx for ex in examples if ex.idx not in answers]
    if missing:
        raise DataError(f"{len(missing)} of {len(examples)} items have no recorded answer (first: {missing[0]})")
    preds, changed = [], []
    for ex in examples:
        sql, schema = answers[ex.idx], schemas[ex.db_id]
        named = named_answer(sql, ex.question, schema, schema.db_path) if schema.db_path is not None else None
        preds.append(named.sql if named else sql)
        if named:
            changed.append(ex.idx)
    metrics = evaluate(examples, preds, schemas, dataset=dataset)
    renamed = set(changed)
    for item in metrics["items"]:
        item["renamed"] = item["idx"] in renamed
    return {**metrics, "changed": changed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", required=True)
    parser.add_argument("--variant", default="ask_fb4")
    parser.add_argument("--dataset", default="spider")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--sample", type=int, default=300, help="the run's stratified sample (0: all items)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ds, examples, subset = load_question_set(args.dataset, args.split, args.sample, args.seed)
    source = layout.run_file(args.results, subset, args.tag, args.variant)
    if not source.exists():
        raise SystemExit(f"no results in {source}: run the variant first")
    run = json.loads(source.read_text())
    metrics = replay_names(examples, {it["idx"]: it["pred_sql"] for it in run["items"]}, ds.schemas,
                           dataset="bird" if ds.name == "bird" else "spider")
    out = {"by_k": {"1": metrics}, "changed": len(metrics.pop("changed")), "variant": args.variant,
           "source": str(source.relative_to(REPO_ROOT) if source.is_relative_to(REPO_ROOT) else source),
           "provenance": run_info("python -m graphsql.experiments.names_replay " + " ".join(argv or sys.argv[1:]),
                                  vars(args) | {"subset": subset})}
    path = layout.replay_file(args.results, subset, args.tag, f"{args.variant}{layout.NAMES_SUFFIX}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, default=str) + "\n")
    log.info("%s: EX %.3f -> %.3f, %d answers rewritten", path, run["ex"], metrics["ex"], out["changed"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
