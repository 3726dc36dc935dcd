"""A model-free check of demonstration selectors: how often the chosen demos share the gold SQL skeleton or
the gold join shape of the question they are chosen for.

    $ nice -n 19 python -m graphsql.experiments.demo_proxy --sample 200 --k 3 --splits dev,train

Questions: the stratified Spider dev subset the model evaluations use (`variants.select_examples`, same seed);
``train`` runs the same check on a stratified subset of Spider train questions, each choosing from the pool
minus its own database (the cross-database rule), a check that uses no dev data at all.
Each selector sees only what inference sees (`build_schema_context` from the default `PromptConfig`'s prepared
schema, no gold SQL); the gold SQL of the dev question is used only to score the choice. Rows:

* ``top1_*``: the first demo matches; ``topk_*``: share of the ``k`` demos that match;
* ``pool_rate_*``: share of eligible pool demos that match (what a random pick gets on average);
* ``skeleton_similar_oracle_draft``: ``skeleton_similar`` given the *gold* SQL as its draft, an upper bound for
  a perfect draft, not a selector one could run; ``skeleton_similar`` itself has no draft here (no model), so it
  equals ``question_similar``.

Writes ``results/analyses/demo_selection_proxy.json`` with the run's provenance.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from collections import Counter
from pathlib import Path

from graphsql.config import REPO_ROOT, PromptConfig
from graphsql.data.spider import load_dataset
from graphsql.demos.select import (
    SELECTORS,
    SchemaContext,
    build_schema_context,
    gold_tables_of,
    load_demo_pool,
    select_demos,
)
from graphsql.demos.skeleton import join_shape, sql_skeleton
from graphsql.experiments import layout
from graphsql.experiments.variants import select_examples
from graphsql.inference.predict import DatabaseCache
from graphsql.prompting import prepare_schema
from graphsql.provenance import run_info
from graphsql.schema.graph import join_path

log = logging.getLogger(__name__)

ORACLE = "skeleton_similar_oracle_draft"


def _rate(hits: list[float]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def measure_demo_proxy(sample: int = 200, k: int = 3, seed: int = 0, split: str = "dev",
                       root: str | Path | None = None) -> dict:
    """Selector relevance proxies on ``sample`` Spider ``split`` questions (see the module docstring)."""
    pool = load_demo_pool(root)
    ds = load_dataset("spider", split, root=root)
    examples, subset = select_examples(ds, sample, seed)
    config = PromptConfig()
    cache = DatabaseCache(infer_fks=config.infer_fks)
    names = list(SELECTORS) + [ORACLE]
    hits = {n: {"top1_skeleton": [], "top1_shape": [], "topk_skeleton": [], "topk_shape": []} for n in names}
    pool_skeleton, pool_shape, shape_ok, by_joins = [], [], [], {n: Counter() for n in names}
    counted = Counter()
    skeleton_counts = Counter(d.skeleton for d in pool.demos)
    shape_counts = Counter(d.join_shape for d in pool.demos)
    start = time.perf_counter()
    for ex in examples:
        graph, index = cache.get(ds.db_path(ex.db_id), ds.schemas[ex.db_id])
        gold = gold_tables_of(ex.gold_sql, graph)
        if gold is None:
            continue
        gold_skeleton, gold_shape = sql_skeleton(ex.gold_sql), join_shape(join_path(graph, gold))
        prepared = prepare_schema(ex.question, graph, config, value_index=index)
        context = build_schema_context(ex.question, graph, prepared)
        shape_ok.append(context.join_shape == gold_shape)
        same_db = [d for d in pool.demos if d.db_id == ex.db_id]  # Spider dev/train share none; kept for safety
        eligible = len(pool) - len(same_db)
        pool_skeleton.append((skeleton_counts[gold_skeleton] - sum(d.skeleton == gold_skeleton for d in same_db))
                             / eligible)
        pool_shape.append((shape_counts[gold_shape] - sum(d.join_shape == gold_shape for d in same_db)) / eligible)
        bucket = "no_join" if gold_shape.n_joins == 0 else "join"
        counted[bucket] += 1
        for name in names:
            ctx = context
            if name == ORACLE:
                ctx = SchemaContext(context.db_id, context.join_shape, context.tables, ex.gold_sql)
            selector = "skeleton_similar" if name == ORACLE else name
            rng = random.Random(f"{seed}:{ex.idx}")
            demos = select_demos(selector, ex.question, ctx, pool, k, rng)
            sk = [d.skeleton == gold_skeleton for d in demos]
            sh = [d.join_shape == gold_shape for d in demos]
            h = hits[name]
            h["top1_skeleton"].append(sk[0])
            h["top1_shape"].append(sh[0])
            h["topk_skeleton"].append(sum(sk) / len(sk))
            h["topk_shape"].append(sum(sh) / len(sh))
            by_joins[name][bucket] += sh[0]
    selectors = {}
    for name in names:
        row = {key: _rate(vals) for key, vals in hits[name].items()}
        row["top1_shape_by_gold_joins"] = {b: round(by_joins[name][b] / counted[b], 4) for b in sorted(counted)}
        selectors[name] = row
    return {
        "n": len(shape_ok),
        "subset": f"spider-{split}-{subset}",
        "k": k,
        "pool_size": len(pool),
        "pool_settings": pool.settings,
        "pool_rate_skeleton": _rate(pool_skeleton),
        "pool_rate_shape": _rate(pool_shape),
        "predicted_shape_accuracy": _rate(shape_ok),
        "questions_by_gold_joins": dict(sorted(counted.items())),
        "selectors": selectors,
        "seconds": round(time.perf_counter() - start, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=200, help="stratified Spider dev subset size")
    parser.add_argument("--k", type=int, default=3, help="demos per question")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--splits", default="dev,train", help="Spider splits whose questions are scored")
    parser.add_argument("--out", type=Path, default=layout.analysis_file(REPO_ROOT / "results", "demo_selection_proxy.json"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    splits = [s.strip() for s in args.splits.split(",") if s.strip()]
    result = {f"spider_{split}": measure_demo_proxy(args.sample, args.k, args.seed, split) for split in splits}
    command = "python -m graphsql.experiments.demo_proxy " + " ".join(argv if argv is not None else sys.argv[1:])
    result["provenance"] = run_info(command, {"sample": args.sample, "k": args.k, "seed": args.seed,
                                              "splits": splits})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
    log.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
