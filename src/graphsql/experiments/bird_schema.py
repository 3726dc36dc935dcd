"""BIRD dev without its databases: predict on empty databases built from ``dev_tables.json`` and score at the
schema level (does the SQL run on the schema; does it use the gold's tables and columns).

    $ python -m graphsql.experiments.bird_schema --tag graph-lora --adapter models/qwen2.5-coder-0.5b-graph-lora \\
          --variant as_trained --sample 300          # -> results/bird-dev-strat300-seed0-schema/graph-lora/...
    $ python -m graphsql.experiments.bird_schema --baseline --sample 300      # the seq2seq baseline's items
    $ python -m graphsql.experiments.bird_schema --tag graph-lora --variant as_trained --sample 300 --repairs
          # no model: the finished variant's queries with `graphsql ask`'s repairs -> .../replays/as_trained_repairs.json
    $ python -m graphsql.experiments.bird_schema --tag graph-lora --adapter ... --variant compact_pruned_qsim3_bird \
          --sample 300     # few-shot: 3 demonstrations from other BIRD dev questions of the asked database

BIRD's databases could not be had offline, so execution accuracy cannot be measured; linking, pruning and
generation still run (with BIRD's evidence and column descriptions), only the value index is empty and every
query returns no rows (so self-consistency votes are meaningless here: use greedy variants). The questions are
a stratified sample by difficulty and JOIN count; predictions resume like `graphsql.experiments.variants`.

Few-shot on BIRD (``<few-shot variant>_bird``, e.g. ``compact_pruned_qsim3_bird``): BIRD has no train split
offline, so the demonstrations are the *other* BIRD dev questions of the asked database, none of the evaluated
subset (`bird_demo_file`), given to the pipeline as an examples file with ``db_id`` per example (what a user with
worked examples of their own database gives `graphsql ask --shot-pool`). Demonstrations carry no evidence.
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
from graphsql.experiments import layout
from graphsql.experiments.sampling import stratified_sample
from graphsql.experiments.variants import VARIANTS
from graphsql.provenance import run_info, write_result
from graphsql.sql.parse import count_joins, join_bucket

log = logging.getLogger(__name__)


def bird_subset(ds: Dataset, sample: int | None, seed: int = 0):
    """All BIRD dev questions, or a stratified sample by (difficulty, JOIN bucket), with the subset's name."""
    examples = list(ds.examples)
    if not sample or sample >= len(examples):
        return examples, "all"
    chosen = stratified_sample(examples, lambda e: (e.difficulty, join_bucket(count_joins(e.gold_sql))), sample, seed)
    return chosen, f"strat{sample}-seed{seed}"


BIRD_POOL_SUFFIX = "_bird"


def bird_demo_file(ds: Dataset, evaluated, path: Path) -> Path:
    """Write the few-shot pool for a run on ``evaluated``: every BIRD dev question of ``ds`` not among them, as
    ``{"db_id", "question", "sql"}`` examples (`graphsql.demos.pool_from_examples` keeps those of the asked
    database); a gold query whose tables cannot be read is left out (a demonstration shows its tables). Rewritten
    only when its content changes."""
    from graphsql.demos.select import gold_tables_of
    from graphsql.schema.graph import graphs_by_db

    graph_for = graphs_by_db(ds.schemas)
    skip = {e.idx for e in evaluated}
    items = [{"db_id": e.db_id, "question": e.question, "sql": e.gold_sql} for e in ds.examples
             if e.idx not in skip and gold_tables_of(e.gold_sql, graph_for(e.db_id)) is not None]
    log.info("BIRD demonstrations: %d questions (%d evaluated ones left out, %d unreadable)", len(items), len(skip),
             len(ds.examples) - len(skip) - len(items))
    text = json.dumps(items, ensure_ascii=False, indent=0) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def variant_settings(variant: str, demo_file: Path | None = None) -> tuple[dict, dict]:
    """(prompt, infer) settings of ``variant``: one of `graphsql.experiments.variants.VARIANTS`, or a few-shot one
    of them with ``_bird`` appended, whose demonstrations come from ``demo_file`` (`bird_demo_file`)."""
    base = variant.removesuffix(BIRD_POOL_SUFFIX)
    if base not in VARIANTS or (base != variant and not VARIANTS[base][0].get("shots")):
        raise DataError(f"unknown variant {variant} (a variant of graphsql.experiments.variants, or a few-shot one "
                        f"with {BIRD_POOL_SUFFIX} appended)")
    prompt_kw, infer_kw = VARIANTS[base]
    if base != variant:
        if demo_file is None:
            raise DataError(f"{variant}: no demonstrations file")
        prompt_kw = {**prompt_kw, "shot_pool": str(demo_file)}
    return prompt_kw, infer_kw


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
    write_result(out, metrics)
    return metrics


def replay_repairs(examples, preds_file: Path, empty: Dataset, names: bool = True) -> tuple[list[str], int]:
    """The recorded greedy queries of ``preds_file`` (one per example, in order) after `repair_sql` on each
    database's schema graph (FKs inferred from names: the databases are empty), and how many changed
    (``names``: see `repair_sql`)."""
    from graphsql.inference.batch import read_done
    from graphsql.inference.repairs import repair_sql
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
        fixed = repair_sql(sql, graph_for(example.db_id), names=names) if sql else sql
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
    parser.add_argument("--merge", default=None, help="run the adapter merged into the base weights, this GGUF type "
                        "(q8_0: what `graphsql ask` runs)")
    parser.add_argument("--sample", type=int, default=None)
    parser.add_argument("--n-ctx", type=int, default=None,
                        help="llama.cpp context window (default 2048): BIRD prompts with demonstrations need 4096")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", action="store_true", help="score the seq2seq baseline's items instead")
    parser.add_argument("--repairs", action="store_true",
                        help="no model: replay `graphsql ask`'s join and column repairs on --variant's finished "
                             "predictions (written as <variant>_repairs)")
    parser.add_argument("--exact-names", action="store_true",
                        help="with --repairs: names matched exactly only, the repairs before name matching "
                             "(written as <variant>_repairs_exact)")
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    parser.add_argument("--runs", type=Path, default=REPO_ROOT / "runs" / "eval_bird")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    command = "python -m graphsql.experiments.bird_schema " + " ".join(argv if argv is not None else sys.argv[1:])
    ds = load_dataset("bird", "dev")
    examples, subset = bird_subset(ds, args.sample, args.seed)
    name = f"bird-dev-{subset}"
    if args.baseline:
        out = layout.run_file(args.results, name, "seq2seq", "greedy", kind="bird_schema")
        m = baseline_on_subset(REPO_ROOT / "results" / "baseline" / "seq2seq_bird_schema.json", examples, out, command)
        log.info("baseline: tables F1 %.3f, columns F1 %.3f -> %s", m["tables"]["f1"], m["columns"]["f1"], out)
        return 0
    demo_file = None
    if args.variant.endswith(BIRD_POOL_SUFFIX):
        demo_file = bird_demo_file(ds, examples, args.runs / f"demos-{subset}.json")
    try:
        prompt_kw, infer_kw = variant_settings(args.variant, demo_file)
    except DataError as err:
        parser.error(str(err))
    if infer_kw.get("samples", 1) != 1:
        parser.error("use a greedy variant: every query returns no rows here, so votes would be meaningless")

    empty = with_empty_databases(ds, args.runs / "empty_databases")
    preds_file = args.runs / args.tag / name / args.variant / "preds.sql"
    if args.repairs:
        sqls, changed = replay_repairs(examples, preds_file, empty, names=not args.exact_names)
        metrics = schema_level_metrics(examples, sqls, ds.schemas)
        variant = f"{args.variant}_repairs" + ("_exact" if args.exact_names else "")
        metrics.update(variant=variant, replayed_from=_repo_relative(preds_file), repaired=changed,
                       provenance=run_info(command, {"tag": args.tag, "variant": variant, "n": len(examples)}))
        out = layout.replay_file(args.results, name, args.tag, variant, kind="bird_schema")
        write_result(out, metrics)
        log.info("%s: %d of %d queries repaired; %s -> %s", variant, changed, len(sqls),
                 json.dumps(_summary(metrics))[:300], out)
        return 0

    from graphsql.inference.batch import predict_examples
    from graphsql.inference.generate import make_generator

    prompt_cfg = PromptConfig(**{"shots": 0, **adapter_prompt_settings(args.adapter), **prompt_kw})  # as variants
    infer_cfg = InferConfig(model=args.model, adapter=args.adapter, merge=args.merge is not None,
                            quant=args.merge or InferConfig.quant,
                            **{"fix_columns": False, "fix_joins": False, "fallback": 0, **infer_kw})
    generator = make_generator(args.backend, model=args.model, adapter=args.adapter, merge=infer_cfg.merge,
                               quant=infer_cfg.quant, **({"n_ctx": args.n_ctx} if args.n_ctx else {}))
    records = predict_examples(examples, empty, generator, preds_file, prompt_cfg, infer_cfg)
    metrics = schema_level_metrics(examples, [r["pred_sql"] for r in records], ds.schemas)
    if infer_cfg.fallback:  # the same run without its fallback samples: the answers they replaced
        before = schema_level_metrics(examples, [r.get("before_fallback", r["pred_sql"]) for r in records], ds.schemas)
        fired = {r["idx"] for r in records if "before_fallback" in r}
        for item in metrics["items"]:
            item["fallback"] = item["idx"] in fired
        metrics["without_fallback"] = {**_summary(before), "items": [
            {"idx": i["idx"], "executable": i["executable"], "columns_f1": i["columns"]["f1"]} for i in before["items"]]}
    prompt = dataclasses.asdict(prompt_cfg)
    if demo_file is not None:  # no machine's absolute path in results
        prompt["shot_pool"] = _repo_relative(demo_file)
    metrics.update(variant=args.variant, prompt=prompt, infer=dataclasses.asdict(infer_cfg),
                   provenance=run_info(command, {"tag": args.tag, "variant": args.variant, "n": len(examples),
                                                 "model": args.model, "adapter": args.adapter, "n_ctx": args.n_ctx}))
    out = layout.run_file(args.results, name, args.tag, args.variant, kind="bird_schema")
    write_result(out, metrics)
    log.info("%s: %s -> %s", args.variant, json.dumps(_summary(metrics))[:300], out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
