"""The detached-join repair (`graphsql.inference.repairs.attach_detached_joins`) on queries it was not written on:
every gold query of the benchmarks here, and every answer recorded in `results/`.

    $ python -m graphsql.experiments.detached_joins     # -> results/analyses/detached_joins.json (a few minutes, no model)

A JOIN whose condition names neither the joined table nor its alias joins that table to every row (for an inner
join the condition is only a filter). The repair was written after reading six such answers of the merged q8_0
adapter (`DESIGNED_ON`); Spider train's own gold queries turned out to hold the same slip. Here:

- gold queries (Spider train and dev, GeoQuery, BIRD dev): how many the repair changes and, where the database is
  on this machine, whether their result changes (a gold query it changes is a slip of the annotation: its result
  was a cross join's);
- recorded answers (every run of every model in `results/`; replays re-rule those answers and are skipped): how
  many it changes, and how many of those were right before and after, by execution against the gold, apart for
  the answers it was designed on (the merged q8_0 adapter's on the subsets where those six were read) and all the
  others (other models, other variants' answers nobody read while writing it).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.data.spider import Dataset, load_dataset
from graphsql.errors import DataError
from graphsql.eval.metrics import evaluate
from graphsql.experiments import layout
from graphsql.experiments.registry import load_registry
from graphsql.inference.repairs import attach_detached_joins
from graphsql.provenance import run_info
from graphsql.schema.graph import graphs_by_db

log = logging.getLogger(__name__)

GOLD_SETS = (("spider", "train"), ("spider", "dev"), ("geo", "all"), ("bird", "dev"))
# the answers read while writing the repair: (subset, question idx) of the merged q8_0 adapter's ask answers
DESIGN_TAG = "graph-balanced-gpu-merged-q8_0"
DESIGNED_ON = {("spider-dev-all", 743), ("spider-dev_rename-strat300-seed0", 403),
               ("spider-dev_rename-strat300-seed0", 404), ("spider-dev_rename-strat300-seed0", 478),
               ("spider-dev_rename-strat300-seed0", 511), ("spider-dev_schema_synonym-strat300-seed0", 545)}
EXAMPLES = 3


def _ex(ds: Dataset, example, sql: str) -> bool:
    return bool(evaluate([example], [sql], ds.schemas, dataset="bird" if ds.name == "bird" else "spider")["ex"])


def gold_queries(ds: Dataset) -> dict:
    """How many of ``ds``'s gold queries the repair changes, and whether their result changes (database present)."""
    graphs = graphs_by_db(ds.schemas)
    changed, result_changed, examples = 0, 0, []
    for ex in ds.examples:
        new = attach_detached_joins(ex.gold_sql, graphs(ex.db_id))
        if new == ex.gold_sql:
            continue
        changed += 1
        differs = None if ds.db_path(ex.db_id) is None else not _ex(ds, ex, new)
        result_changed += bool(differs)
        if len(examples) < EXAMPLES:
            examples.append({"db_id": ex.db_id, "question": ex.question, "gold_sql": ex.gold_sql, "repaired": new,
                             "result_changed": differs})
    return {"n": len(ds.examples), "changed": changed, "result_changed": result_changed, "examples": examples}


def recorded_answers(items: list[dict], ds: Dataset) -> dict:
    """What the repair does to one run's recorded answers: changed, and right before / after among those."""
    graphs, by_idx = graphs_by_db(ds.schemas), {ex.idx: ex for ex in ds.examples}
    out = {"n": len(items), "changed": 0, "right_before": 0, "right_after": 0, "changes": []}
    for it in items:
        sql, ex = it.get("pred_sql") or "", by_idx.get(it["idx"])
        new = attach_detached_joins(sql, graphs(it["db_id"])) if ex is not None and sql else sql
        if new == sql:
            continue
        after = _ex(ds, ex, new) if ds.db_path(ex.db_id) is not None else None
        out["changed"] += 1
        out["right_before"] += bool(it.get("ex"))
        out["right_after"] += bool(after)
        out["changes"].append({"idx": it["idx"], "before": bool(it.get("ex")), "after": after})
    return out


def _add(total: dict, run: dict) -> None:
    total["runs"] += 1
    total["runs_changed"] += bool(run["changed"])
    for k in ("n", "changed", "right_before", "right_after"):
        total[k] += run[k]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    gold = {}
    for name, split in GOLD_SETS:
        try:
            gold[f"{name}-{split}"] = gold_queries(load_dataset(name, split))
        except DataError as err:
            log.warning("%s %s: skipped (%s)", name, split, err)
    specs = {exp.subset: exp for exp in load_registry().experiments}
    datasets: dict[tuple[str, str], Dataset] = {}
    designed, others = {}, {}
    totals = {part: dict.fromkeys(("runs", "runs_changed", "n", "changed", "right_before", "right_after"), 0)
              for part in ("designed_on", "not_read")}
    for path, subset, tag, name in layout.results_files(args.results, kind="eval", replays=False):
        spec = specs.get(subset)
        if spec is None:
            continue
        key = (spec.dataset, spec.split)
        if key not in datasets:
            datasets[key] = load_dataset(*key)
        items = json.loads(path.read_text()).get("items") or []
        run = recorded_answers(items, datasets[key])
        read = tag == DESIGN_TAG and any(subset == s for s, _ in DESIGNED_ON)
        _add(totals["designed_on" if read else "not_read"], run)
        if not run["changed"]:
            continue
        (designed if read else others)[f"{subset}/{tag}/{name}"] = run
        log.info("%s/%s/%s: %d changed, right %d -> %d", subset, tag, name, run["changed"], run["right_before"],
                 run["right_after"])
    command = "python -m graphsql.experiments.detached_joins " + " ".join(argv if argv is not None else sys.argv[1:])
    path = layout.analysis_file(args.results, "detached_joins.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    out = {"gold": gold, "designed_on": sorted(DESIGNED_ON), "design_tag": DESIGN_TAG,
           "answers_designed_on": {"total": totals["designed_on"], "runs": designed},
           "answers_not_read": {"total": totals["not_read"], "runs": others},
           "provenance": run_info(command)}
    path.write_text(json.dumps(out, indent=1) + "\n")
    log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
