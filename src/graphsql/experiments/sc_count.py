"""How many self-consistency samples pay: EX of the vote over the first k sampled candidates, k = 1..N, and the
oracle (some candidate among the first k is right), from one finished self-consistency run.

    $ python -m graphsql.experiments.sc_count --tag base --variant ddl_pruned_sc5 --sample 300
          # reads runs/eval/base/spider-dev-strat300-seed0/ddl_pruned_sc5/preds.sql.jsonl (every candidate kept)
          # -> results/spider-dev-strat300-seed0/base/replays/ddl_pruned_sc5.json

No model runs: the candidates were sampled (in order) by `graphsql.experiments.variants`; the vote over a prefix
of them is the vote a run with ``--samples k`` would have made with the same random draws. The repair step of a
run (re-prompting when every candidate fails) is not replayed, so k = N can differ from the run's own figure on
the items it repaired; ``agrees_with_run`` counts the items where the replayed vote equals the run's answer.

``--fix-columns`` replays the column-qualifier fix (`graphsql.inference.repairs`) on candidates recorded without it
(a run with the fix on samples the same candidates: same prompts, same seeds) -> ``<variant>_repairs_columns.json``; with
``--fix-joins`` as well, all the repairs of `graphsql ask` (`graphsql.inference.repairs.repair_sql`) ->
``<variant>_repairs.json`` (with ``--exact-names`` as well, those repairs as they were before names were matched:
``<variant>_repairs_exact.json``); ``--fix-joins`` alone -> ``<variant>_repairs_joins.json``. On a greedy run (one
candidate) k = 1 is then greedy decoding with the fix.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.errors import DataError
from graphsql.eval.metrics import JOIN_BUCKETS, _breakdown, evaluate
from graphsql.experiments import layout
from graphsql.experiments.variants import load_question_set
from graphsql.inference.batch import read_done
from graphsql.inference.repairs import repair_sql
from graphsql.inference.vote import vote
from graphsql.provenance import run_info
from graphsql.schema.graph import graphs_by_db

log = logging.getLogger(__name__)


def _by_joins(items: list[dict]) -> dict:
    return _breakdown(items, "joins_bucket", JOIN_BUCKETS, with_em=False)


FIX_SUFFIX = {(False, False): "", (True, False): "_repairs_columns", (True, True): "_repairs",
              (False, True): "_repairs_joins"}


def sc_count_curve(examples, records: dict[int, dict], schemas, timeout: float = 30.0,
                   fix_columns: bool = False, fix_joins: bool = False, names: bool = True) -> dict:
    """Per k: EX of the vote over the first k candidates, and oracle EX (any of the first k right), overall and
    by JOIN count, with per-item flags. ``records``: idx -> prediction record holding ``candidates``;
    ``fix_joins``, ``fix_columns``: apply the join repairs (on the schema graph with inferred FKs, as at inference)
    and the column-qualifier fix to each candidate first (`graphsql.inference.repairs.repair_sql`)."""
    missing = [ex.idx for ex in examples if not records.get(ex.idx, {}).get("candidates")]
    if missing:
        raise DataError(f"{len(missing)} of {len(examples)} items have no recorded candidates (first: {missing[0]})")
    if fix_columns or fix_joins:
        graph_for = graphs_by_db(schemas)
        records = {ex.idx: {**records[ex.idx], "candidates": [
            repair_sql(c, graph_for(ex.db_id), joins=fix_joins, columns=fix_columns, names=names)
            for c in records[ex.idx]["candidates"]]} for ex in examples}
    n_samples = min(len(records[ex.idx]["candidates"]) for ex in examples)
    # each candidate position scored once: right[j][i] = candidate j of item i is right
    right = []
    for j in range(n_samples):
        scored = evaluate(examples, [records[ex.idx]["candidates"][j] for ex in examples], schemas, timeout=timeout)
        right.append([it["ex"] for it in scored["items"]])
    buckets = [it["joins_bucket"] for it in scored["items"]]
    curve = {}
    for k in range(1, n_samples + 1):
        voted = [vote(records[ex.idx]["candidates"][:k], schemas[ex.db_id].db_path, timeout=timeout).sql
                 for ex in examples]
        scored = evaluate(examples, voted, schemas, timeout=timeout)
        oracle = [{"idx": ex.idx, "ex": any(right[j][i] for j in range(k)), "joins_bucket": buckets[i]}
                  for i, ex in enumerate(examples)]
        entry = {"ex": scored["ex"], "by_joins": _by_joins(scored["items"]),
                 "oracle_ex": sum(it["ex"] for it in oracle) / len(oracle), "oracle_by_joins": _by_joins(oracle),
                 "items": [{"idx": it["idx"], "db_id": ex.db_id, "ex": it["ex"], "joins_bucket": it["joins_bucket"],
                            **({"reworded": bool(ex.meta["rewording"])} if "rewording" in ex.meta else {})}
                           for it, ex in zip(scored["items"], examples, strict=True)]}
        if k == n_samples:
            entry["agrees_with_run"] = sum(v == records[ex.idx]["pred_sql"] for v, ex in zip(voted, examples))
        curve[str(k)] = entry
    return {"n": len(examples), "samples": n_samples, "by_k": curve}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", default="base")
    parser.add_argument("--variant", default="ddl_pruned_sc5")
    parser.add_argument("--dataset", default="spider")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fix-columns", action="store_true", help="replay the column-qualifier fix on the candidates")
    parser.add_argument("--fix-joins", action="store_true",
                        help="replay the join-path fix on the candidates (before the column fix)")
    parser.add_argument("--exact-names", action="store_true",
                        help="with the fixes: match names exactly only (the repairs before name matching)")
    parser.add_argument("--runs", type=Path, default=REPO_ROOT / "runs" / "eval")
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ds, examples, subset = load_question_set(args.dataset, args.split, args.sample, args.seed)
    log_path = args.runs / args.tag / subset / args.variant / "preds.sql.jsonl"
    records = read_done(log_path)
    if not records:
        raise SystemExit(f"no predictions in {log_path}: run the variant first")
    out = sc_count_curve(examples, records, ds.schemas, fix_columns=args.fix_columns, fix_joins=args.fix_joins,
                         names=not args.exact_names)
    out["fix_columns"], out["fix_joins"], out["fix_names"] = args.fix_columns, args.fix_joins, not args.exact_names
    out["source"] = str(log_path.relative_to(REPO_ROOT) if log_path.is_relative_to(REPO_ROOT) else log_path)
    out["provenance"] = run_info("python -m graphsql.experiments.sc_count " + " ".join(sys.argv[1:] if argv is None else argv),
                                 vars(args) | {"subset": subset})
    suffix = FIX_SUFFIX[args.fix_columns, args.fix_joins] + ("_exact" if args.exact_names else "")
    path = layout.replay_file(args.results, subset, args.tag, f"{args.variant}{suffix}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, default=str) + "\n")
    log.info("%s: %s", path, {k: (round(v["ex"], 3), round(v["oracle_ex"], 3)) for k, v in out["by_k"].items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
