"""The schema repairs of `graphsql ask` on queries nobody read while writing them: the candidates that DPO sampling
drew for Spider *train* questions (another adapter, temperature 1.0, labelled against the gold by execution).

    $ python -m graphsql.experiments.repairs_heldout      # reads runs/dpo/graph_cpu/candidates.jsonl
          # -> results/analyses/repairs_heldout.json

The join repairs (`graphsql.inference.repairs`) were written after reading the default adapter's failures on Spider
dev; these candidates come from different databases, different questions and a different adapter, so what the
repairs fix or break here is a held-out measurement. Each distinct candidate is run three ways: as written, with
the column fix alone (what `ask` did before the join repairs), and with every repair (`repair_sql`, what `ask` does
now); each is compared with the gold result. No model runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.data.spider import load_dataset
from graphsql.eval.compare import paired_bootstrap
from graphsql.eval.execute import execute_sql, has_order_by, results_match
from graphsql.experiments import layout
from graphsql.inference.repairs import repair_sql
from graphsql.provenance import run_info
from graphsql.schema.graph import SchemaGraph, graphs_by_db

log = logging.getLogger(__name__)

WAYS = ("as_written", "columns", "all_repairs")


def _bucket(n_joins: int) -> str:
    return "0" if n_joins == 0 else "1" if n_joins == 1 else "2+"


def replay_repairs(records: Iterable[dict], graph_for: Callable[[str], SchemaGraph], timeout: float = 10.0) -> dict:
    """Per candidate of ``records`` (``db_id``, ``gold_sql``, ``n_joins``, ``candidates`` with ``sql``), whether it
    matches the gold as written, with the column fix, and with every repair; with counts, fixed/broken and paired
    bootstrap intervals overall and by the gold's JOIN count (0, 1, 2+)."""
    items: dict[str, list[dict]] = {way: [] for way in WAYS}
    changed = {"columns": 0, "joins": 0}
    questions = skipped = 0
    for rec in records:
        graph = graph_for(rec["db_id"])
        db = graph.schema.db_path
        gold = execute_sql(db, rec["gold_sql"], timeout=timeout)
        if not gold.ok:
            skipped += 1
            continue
        questions += 1
        ordered = has_order_by(rec["gold_sql"])
        for cand in rec["candidates"]:
            sqls = {"as_written": cand["sql"], "columns": repair_sql(cand["sql"], graph, joins=False),
                    "all_repairs": repair_sql(cand["sql"], graph)}
            changed["columns"] += sqls["columns"] != sqls["as_written"]
            changed["joins"] += sqls["all_repairs"] != sqls["columns"]
            idx = len(items["as_written"])
            for way, sql in sqls.items():
                if way != "as_written" and sql == sqls["as_written"]:
                    right = items["as_written"][idx]["ex"]
                else:
                    run = execute_sql(db, sql, timeout=timeout)
                    right = bool(run.ok and results_match(gold.rows, run.rows, ordered=ordered))
                items[way].append({"idx": idx, "ex": right, "joins_bucket": _bucket(rec.get("n_joins", 0))})
    n = len(items["as_written"])

    def flips(a: str, b: str) -> dict:
        pairs = list(zip(items[a], items[b], strict=True))
        return {"fixed": sum(not x["ex"] and y["ex"] for x, y in pairs),
                "broken": sum(x["ex"] and not y["ex"] for x, y in pairs)}

    out = {"questions": questions, "questions_skipped_gold_fails": skipped, "candidates": n, "changed": changed,
           "correct": {way: sum(it["ex"] for it in items[way]) for way in WAYS},
           "join_repairs_vs_columns": flips("columns", "all_repairs") | {
               "bootstrap": paired_bootstrap(items["columns"], items["all_repairs"]),
               "bootstrap_2plus_joins": paired_bootstrap(items["columns"], items["all_repairs"], subset="2+")},
           "all_repairs_vs_as_written": flips("as_written", "all_repairs") | {
               "bootstrap": paired_bootstrap(items["as_written"], items["all_repairs"])},
           "by_joins": {b: {"candidates": sum(it["joins_bucket"] == b for it in items["as_written"]),
                            **{way: sum(it["ex"] for it in items[way] if it["joins_bucket"] == b) for way in WAYS}}
                        for b in ("0", "1", "2+")}}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=Path, default=REPO_ROOT / "runs" / "dpo" / "graph_cpu" / "candidates.jsonl")
    parser.add_argument("--out", type=Path, default=layout.analysis_file(REPO_ROOT / "results", "repairs_heldout.json"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not args.candidates.exists():
        raise SystemExit(f"{args.candidates} not found: run `graphsql dpo sample` (scripts/dpo_experiments.sh) first")
    records = [json.loads(line) for line in args.candidates.read_text(encoding="utf-8").splitlines() if line.strip()]
    out = replay_repairs(records, graphs_by_db(load_dataset("spider", "train").schemas))
    out["source"] = str(args.candidates.relative_to(REPO_ROOT) if args.candidates.is_relative_to(REPO_ROOT)
                        else args.candidates)
    out["provenance"] = run_info("python -m graphsql.experiments.repairs_heldout " + " ".join(sys.argv[1:] if argv is None else argv),
                                 {"candidates": out["source"]})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    log.info("%s: %s", args.out, {k: out[k] for k in ("candidates", "correct", "changed")})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
