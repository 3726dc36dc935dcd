"""Predict SQL with a trained seq2seq baseline.

    >>> preds = predict_baseline("runs/baseline/seq2seq", ds.examples, ds.schemas)   # one SQL string each

Reads ``model_dir/config.yaml``, ``vocab.json`` and ``model.pt`` (or, when the run has not finished, its newest
checkpoint). Decoding is greedy with the grammar rules of `PointerSeq2Seq.greedy_decode`; only the question's own
words and its database's tables and columns can be copied.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

from graphsql.data.records import DbSchema, Example
from graphsql.errors import DataError

log = logging.getLogger(__name__)

FALLBACK_SQL = "SELECT 1"  # only for an example whose database schema is unknown


def load_baseline(model_dir: str | Path):
    """(model in eval mode, vocab, config) of a run folder; the newest checkpoint if there is no model.pt."""
    import torch

    from graphsql.baseline.train import build_model, list_checkpoints, load_baseline_config
    from graphsql.baseline.vocab import load_vocab

    model_dir = Path(model_dir)
    for name in ("config.yaml", "vocab.json"):
        if not (model_dir / name).exists():
            raise DataError(f"{model_dir / name}: not found (is this a baseline run folder?)")
    config = load_baseline_config(model_dir / "config.yaml")
    vocab = load_vocab(model_dir / "vocab.json")
    model = build_model(config, len(vocab.in_words), len(vocab.out_words))
    checkpoints = list_checkpoints(model_dir)
    weights = model_dir / "model.pt"
    if checkpoints and (not weights.exists() or checkpoints[-1].stat().st_mtime > weights.stat().st_mtime):
        state = torch.load(checkpoints[-1], weights_only=False)["model"]
    elif weights.exists():
        state = torch.load(weights, weights_only=True)
    else:
        raise DataError(f"{model_dir}: no model.pt and no checkpoint")
    model.load_state_dict(state)
    model.eval()
    return model, vocab, config


def predict_baseline(
    model_dir: str | Path,
    examples: Sequence[Example],
    schemas: Mapping[str, DbSchema],
    batch_size: int = 64,
    threads: int = 1,
) -> list[str]:
    """One SQL string per example (same order), greedy-decoded by the model in ``model_dir``."""
    import torch

    from graphsql.baseline.model import collate
    from graphsql.baseline.vocab import encode_example, render_sql

    torch.set_num_threads(threads)
    model, vocab, config = load_baseline(model_dir)
    preds = [FALLBACK_SQL] * len(examples)
    todo = [
        (i, encode_example(ex, schemas[ex.db_id], vocab, with_target=False))
        for i, ex in enumerate(examples)
        if ex.db_id in schemas
    ]
    if len(todo) < len(examples):
        log.warning("%d examples have no schema; predicted %r", len(examples) - len(todo), FALLBACK_SQL)
    todo.sort(key=lambda pair: len(pair[1].inputs))  # similar lengths batch together
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        batch = collate([enc for _, enc in chunk])
        choices = model.greedy_decode(batch, vocab, max_steps=config.max_decode_steps)
        for (i, enc), picks in zip(chunk, choices):
            preds[i] = render_sql(picks, enc, vocab) or FALLBACK_SQL
    return preds


EVAL_SETS = ("spider_dev", "geo", "bird_schema")


def _write_json(path: Path, data) -> Path:
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    tmp.replace(path)
    return path


def evaluate_baseline(
    model_dir: str | Path,
    results_dir: str | Path = "results/baseline",
    name: str = "seq2seq",
    sets: Sequence[str] = EVAL_SETS,
    limit: int | None = None,
) -> dict[str, Path]:
    """Predict and score the run in ``model_dir`` on Spider dev (runnable items: EX, EM, by hardness and JOIN
    count), GeoQuery (EX only; its gold is text2sql-data style, so EM means nothing there) and BIRD dev
    (schema-level scores: its databases are not on disk). Writes ``<results_dir>/<name>_spider_dev.json``,
    ``<name>_geo.json``, ``<name>_bird_schema.json`` (each with provenance) and
    ``<model_dir>/eval/<set>/predictions.jsonl``; returns the result paths by set."""
    import json

    from graphsql.data.spider import load_dataset
    from graphsql.eval.metrics import evaluate
    from graphsql.eval.schema_level import schema_level_metrics
    from graphsql.provenance import run_info

    model_dir, results_dir = Path(model_dir), Path(results_dir)
    unknown = sorted(set(sets) - set(EVAL_SETS))
    if unknown:
        raise ValueError(f"unknown evaluation set(s) {unknown}: choose from {EVAL_SETS}")
    train_metrics_path = model_dir / "metrics.json"
    training = json.loads(train_metrics_path.read_text()) if train_metrics_path.exists() else None
    plan = {"spider_dev": ("spider", "dev"), "geo": ("geo", "all"), "bird_schema": ("bird", "dev")}
    written = {}
    for key in sets:
        dataset, split = plan[key]
        ds = load_dataset(dataset, split)
        examples = list(ds.runnable() if key != "bird_schema" else ds.examples)[:limit]
        preds = predict_baseline(model_dir, examples, ds.schemas)
        pred_dir = model_dir / "eval" / key
        pred_dir.mkdir(parents=True, exist_ok=True)
        with (pred_dir / "predictions.jsonl").open("w", encoding="utf-8") as fh:
            for ex, sql in zip(examples, preds):
                fh.write(
                    json.dumps(
                        {
                            "db_id": ex.db_id,
                            "question": ex.question,
                            "pred_sql": sql,
                            "gold_sql": ex.gold_sql,
                            "idx": ex.idx,
                        }
                    )
                    + "\n"
                )
        if key == "bird_schema":
            metrics = schema_level_metrics(examples, preds, ds.schemas)
        else:
            metrics = evaluate(examples, preds, ds.schemas, dataset="spider")
            if key == "geo":
                metrics["em"] = None  # text2sql-data gold style: exact match is not meaningful
                metrics["em_note"] = "EM not meaningful on GeoQuery (text2sql-data gold SQL style); EX only"
        settings = {
            "model_dir": str(model_dir),
            "dataset": dataset,
            "split": split,
            "limit": limit,
            "decoding": "greedy with grammar constraints",
        }
        out = {
            "model": "seq2seq+attention+copy baseline (graphsql.baseline)",
            "dataset": dataset,
            "split": split,
            "training": training,
            "metrics": metrics,
            "provenance": run_info(
                f"graphsql.baseline.predict.evaluate_baseline({str(model_dir)!r})", settings
            ),
        }
        written[key] = _write_json(results_dir / f"{name}_{key}.json", out)
        log.info("%s: %s", key, {k: metrics.get(k) for k in ("n", "ex", "em", "executable")})
    return written


def main() -> None:  # pragma: no cover - `python -m graphsql.baseline.predict --model runs/baseline/seq2seq`
    import argparse

    parser = argparse.ArgumentParser(
        description="Evaluate a trained seq2seq baseline on Spider dev, Geo, BIRD."
    )
    parser.add_argument("--model", default="runs/baseline/seq2seq")
    parser.add_argument("--results", default="results/baseline")
    parser.add_argument("--sets", nargs="*", default=list(EVAL_SETS))
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for key, path in evaluate_baseline(args.model, args.results, sets=args.sets, limit=args.limit).items():
        log.info("%s -> %s", key, path)


if __name__ == "__main__":  # pragma: no cover
    main()
