"""The pre-LLM baseline's predictions scored on the same question subsets as the LLM variants.

    $ python -m graphsql.experiments.baseline_subset --dataset spider --split dev --sample 300
    # -> results/spider-dev-strat300-seed0/seq2seq/greedy.json

`graphsql baseline evaluate` scores the baseline on every runnable question (results/baseline/*.json, with
per-item predictions). This takes those predictions for the items of a variant subset (the same stratified
sample `graphsql.experiments.variants` uses), re-scores them with `graphsql.eval.metrics.evaluate`, and writes a
results file in the variants' layout, so the report's main table and its bootstrap put the baseline beside the
LLMs on identical questions.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.data.spider import load_dataset
from graphsql.errors import DataError
from graphsql.experiments import layout
from graphsql.experiments.variants import select_examples
from graphsql.provenance import run_info

log = logging.getLogger(__name__)
BASELINE_FILES = {("spider", "dev"): "seq2seq_spider_dev.json", ("geo", "all"): "seq2seq_geo.json"}


def score_subset(baseline_file: Path, dataset: str, split: str, sample: int | None, seed: int, out_root: Path,
                 command: str = "") -> Path:
    from graphsql.eval.metrics import evaluate

    data = json.loads(baseline_file.read_text())
    preds = {it["idx"]: it["pred_sql"] for it in data["metrics"]["items"]}
    ds = load_dataset(dataset, split)
    examples, subset = select_examples(ds, sample, seed)
    missing = [e.idx for e in examples if e.idx not in preds]
    if missing:
        raise DataError(f"{baseline_file}: no prediction for {len(missing)} items of {subset} (e.g. {missing[:3]})")
    metrics = evaluate(examples, [preds[e.idx] for e in examples], ds.schemas, dataset="spider")
    metrics.update(variant="greedy", model=data.get("model"), parameters=(data.get("training") or {}).get("parameters"),
                   source_predictions=str(baseline_file.relative_to(REPO_ROOT)) if baseline_file.is_relative_to(REPO_ROOT)
                   else str(baseline_file),
                   provenance=run_info(command, {"dataset": dataset, "split": split, "subset": subset}))
    out = layout.run_file(out_root, f"{dataset}-{split}-{subset}", "seq2seq", "greedy")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(metrics, indent=1, default=str) + "\n")
    log.info("%s: EX %.3f on %d -> %s", subset, metrics["ex"], metrics["n"], out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="spider")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline-results", type=Path, default=REPO_ROOT / "results" / "baseline")
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    name = BASELINE_FILES.get((args.dataset, args.split))
    if name is None:
        parser.error(f"no baseline results for {args.dataset} {args.split}")
    command = "python -m graphsql.experiments.baseline_subset " + " ".join(argv if argv is not None else sys.argv[1:])
    score_subset(args.baseline_results / name, args.dataset, args.split, args.sample, args.seed, args.results, command)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
