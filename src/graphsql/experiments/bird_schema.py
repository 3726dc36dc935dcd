"""BIRD dev without its databases: predict on empty databases built from ``dev_tables.json`` and score at the
schema level (does the SQL run on the schema; does it use the gold's tables and columns).

    $ python -m graphsql.experiments.bird_schema --tag graph-lora --adapter models/qwen2.5-coder-0.5b-graph-lora \\
          --variant as_trained --sample 300          # -> results/bird_schema/graph-lora/bird-dev-strat300-seed0/...
    $ python -m graphsql.experiments.bird_schema --baseline --sample 300      # the seq2seq baseline's items
    $ python -m graphsql.experiments.bird_schema --tag graph-lora --variant as_trained --sample 300 --repairs
          # no model: the finished variant's queries with `graphsql ask`'s repairs -> .../as_trained_fixj.json

BIRD's databases could not be had offline, so execution accuracy cannot be measured; linking, pruning and
generation still run (with BIRD's evidence and column descriptions), only the value index is empty and every
query returns no rows (so self-consistency votes are meaningless here: use greedy variants). The questions are
a stratified sample by difficulty and JOIN count; predictions resume like `graphsql.experiments.variants`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from pathlib import Path

from graphsql.config import REPO_ROOT, InferConfig, PromptConfig, adapter_prompt_settings
from graphsql.data.spider import Dataset, load_dataset
from graphsql.errors import DataError
from graphsql.eval.schema_level import build_empty_database, schema_level_metrics
from graphsql.experiments.sampling import stratified_sample
from graphsql.experiments.variants import VARIANTS
from graphsql.provenance import run_info
from graphsql.sql.parse import count_joins, join_bucket

log = logging.getLogger(__name__)


def bird_subset(ds: Dataset, sample: int | None, seed: int = 0):
    """All BIRD dev questions, or a stratified sample by (difficulty, JOIN bucket), with the subset's name."""
    examples = list(ds.examples)
    if not sample or sample >= len(examples):
        return examples, "all"
    chosen = stratified_sample(examples, lambda e: (e.difficulty, join_bucket(count_joins(e.gold_sql))), sample, seed)
    return chosen, f"strat{sample}-seed{seed}"


def with_empty_databases(ds: Dataset, folder: Path) -> Dataset:
    """``ds`` with every schema's ``db_path`` pointing at an empty database of that schema under ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    schemas = {}
    for db_id, schema in ds.schemas.items():
        path = folder / f"{db_id}.sqlite"
        if not path.exists():
            build_empty_database(schema, path)
        schemas[db_id] = dataclasses.replace(schema, db_path=path)
    return dataclasses.replace(ds, schemas=schemas)


def _summary(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if k != "items"}


def _write(metrics: dict, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(metrics, indent=1, default=str) + "\n")


def _repo_relative(path: Path) -> str:
    return str(path.relative_to(REPO_ROOT)) if path.is_relative_to(REPO_ROOT) else str(path)


def baseline_on_subset(baseline_file: Path, examples, out: Path, command: str) -> dict:
    """The baseline's per-item schema-level scores (from `graphsql baseline evaluate`) averaged over ``examples``."""
    data = json.loads(baseline_file.read_text())
    wanted = {e.idx for e in examples}
    items = [it for it in data["metrics"]["items"] if it["idx"] in wanted]

    def mean(values):
        return sum(values) / len(values) if values else None

    metrics = {
        "n": len(items),
        "executable": mean([float(i["executable"]) for i in items]),
        "gold_executable": mean([float(i["gold_executable"]) for i in items]),
        **{kind: {k: mean([i[kind][k] for i in items]) for k in ("precision", "recall", "f1", "exact")}
           for kind in ("tables", "columns")},
        "items": items,
        "model": data.get("model"),
        "source_scores": _repo_relative(baseline_file),
        "provenance": run_info(command, {"n": len(items)}),
    }
    _write(metrics, out)
    return metrics


def replay_repairs(examples, preds_file: Path, empty: Dataset) -> tuple[list[str], int]:
    """The recorded greedy queries of ``preds_file`` (one per example, in order) after `repair_sql` on each
    database's schema graph (FKs inferred from names: the databases are empty), and how many changed."""
    from graphsql.inference.batch import read_done
    from graphsql.inference.fix import repair_sql
    from graphsql.schema.graph import graphs_by_db

    records = read_done(preds_file.with_suffix(".sql.jsonl"))
    missing = [e.idx for e in examples if e.idx not in records]
    if missing:
        raise DataError(f"{preds_file}: {len(missing)} of {len(examples)} questions not predicted yet; "
                        "finish the variant first")
    graph_for = graphs_by_db(empty.schemas)
    sqls, changed = [], 0
    for example in examples:
        sql = records[example.idx]["pred_sql"] or ""
        fixed = repair_sql(sql, graph_for(example.db_id)) if sql else sql
        changed += fixed != sql
        sqls.append(fixed)
    return sqls, changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", default="base")
    parser.add_argument("--variant", default="ddl_pruned", help="a greedy variant of graphsql.experiments.variants")
    parser.add_argument("--model", default="qwen2.5-coder-0.5b")
    parser.add_argument("--adapter", default=None)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", action="store_true", help="score the seq2seq baseline's items instead")
    parser.add_argument("--repairs", action="store_true",
                        help="no model: replay `graphsql ask`'s join and column repairs on --variant's finished "
                             "predictions (written as <variant>_fixj)")
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results" / "bird_schema")
    parser.add_argument("--runs", type=Path, default=REPO_ROOT / "runs" / "eval_bird")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    command = "python -m graphsql.experiments.bird_schema " + " ".join(argv if argv is not None else sys.argv[1:])
    ds = load_dataset("bird", "dev")
    examples, subset = bird_subset(ds, args.sample, args.seed)
    name = f"bird-dev-{subset}"
    if args.baseline:
        out = args.results / "seq2seq" / name / "greedy.json"
        m = baseline_on_subset(REPO_ROOT / "results" / "baseline" / "seq2seq_bird_schema.json", examples, out, command)
        log.info("baseline: tables F1 %.3f, columns F1 %.3f -> %s", m["tables"]["f1"], m["columns"]["f1"], out)
        return 0
    if args.variant not in VARIANTS:
        parser.error(f"unknown variant {args.variant}")
    prompt_kw, infer_kw = VARIANTS[args.variant]
    if infer_kw.get("samples", 1) != 1:
        parser.error("use a greedy variant: every query returns no rows here, so votes would be meaningless")

    empty = with_empty_databases(ds, args.runs / "empty_databases")
    preds_file = args.runs / args.tag / name / args.variant / "preds.sql"
    if args.repairs:
        sqls, changed = replay_repairs(examples, preds_file, empty)
        metrics = schema_level_metrics(examples, sqls, ds.schemas)
        variant = f"{args.variant}_fixj"
        metrics.update(variant=variant, replayed_from=_repo_relative(preds_file), repaired=changed,
                       provenance=run_info(command, {"tag": args.tag, "variant": variant, "n": len(examples)}))
        out = args.results / args.tag / name / f"{variant}.json"
        _write(metrics, out)
        log.info("%s: %d of %d queries repaired; %s -> %s", variant, changed, len(sqls),
                 json.dumps(_summary(metrics))[:300], out)
        return 0

    from graphsql.inference.batch import predict_examples
    from graphsql.inference.generate import make_generator

    prompt_cfg = PromptConfig(**{**adapter_prompt_settings(args.adapter), **prompt_kw})
    infer_cfg = InferConfig(model=args.model, adapter=args.adapter,
                            **{"fix_columns": False, "fix_joins": False, **infer_kw})
    generator = make_generator(args.backend, model=args.model, adapter=args.adapter)
    records = predict_examples(examples, empty, generator, preds_file, prompt_cfg, infer_cfg)
    metrics = schema_level_metrics(examples, [r["pred_sql"] for r in records], ds.schemas)
    metrics.update(variant=args.variant, prompt=dataclasses.asdict(prompt_cfg), infer=dataclasses.asdict(infer_cfg),
                   provenance=run_info(command, {"tag": args.tag, "variant": args.variant, "n": len(examples),
                                                 "model": args.model, "adapter": args.adapter}))
    out = args.results / args.tag / name / f"{args.variant}.json"
    _write(metrics, out)
    log.info("%s: %s -> %s", args.variant, json.dumps(_summary(metrics))[:300], out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
