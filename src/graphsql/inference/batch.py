"""Predict a whole questions file, resumably: `predictions.jsonl` grows one line per question, and the Spider
prediction file (one SQL per line, question order) is written from it at the end.

    >>> predict_examples(ds.runnable(), ds, generator, Path("runs/x/preds.sql"))

An interrupted run resumes where it stopped (items already in the jsonl are skipped). An item that fails gets
the placeholder line ``SELECT 1`` -- never a shifted file -- and its reason is logged and kept in the jsonl.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from graphsql.atomic import open_append, read_jsonl, write_text_atomic
from graphsql.config import InferConfig, PromptConfig
from graphsql.data.records import Example
from graphsql.data.spider import Dataset
from graphsql.errors import ConfigError
from graphsql.inference.generate import Generator
from graphsql.inference.models import ModelError
from graphsql.inference.predict import DatabaseCache, predict

log = logging.getLogger(__name__)
PLACEHOLDER_SQL = "SELECT 1"


def read_done(path: Path) -> dict[int, dict]:
    """Records already in a predictions .jsonl log, by idx (a line cut by a kill is skipped: that item is redone)."""
    return {rec["idx"]: rec for rec in read_jsonl(path)}


def copy_reusable(examples: Sequence[Example], done: dict[int, dict], jsonl: Path, sources: dict[str, Path],
                  accept: Callable[[Example, dict], bool] | None = None, mark: str = "") -> int:
    """Append to ``jsonl`` (and ``done``) the records of ``sources`` for examples not done yet: same idx, database
    and question, predicted without error (and taken by ``accept``, if given), marked ``reused_from: <name><mark>``.
    Returns how many were copied."""
    wanted = {ex.idx: ex for ex in examples if ex.idx not in done}
    copied = 0
    with open_append(jsonl) as fh:
        for name, path in sources.items():
            for idx, rec in read_done(Path(path)).items():
                ex = wanted.get(idx)
                if ex is None or rec.get("error") or (rec.get("db_id"), rec.get("question")) != (ex.db_id, ex.question):
                    continue
                if accept is not None and not accept(ex, rec):
                    continue
                rec = {**rec, "reused_from": name + mark}
                fh.write(json.dumps(rec) + "\n")
                done[idx] = rec
                del wanted[idx]
                copied += 1
    if copied:
        log.info("%s: %d predictions reused from %s%s", jsonl, copied, ", ".join(sources), mark)
    return copied


def copy_same_prompt(examples: Sequence[Example], done: dict[int, dict], jsonl: Path, sources: dict[str, Path],
                     dataset: Dataset, prompt_config: PromptConfig, cache: DatabaseCache) -> int:
    """`copy_reusable` from ``sources`` made with other prompt settings and the same inference settings: only
    the examples whose prompt under ``prompt_config`` (`prompt_messages`: without demonstrations) equals the recorded
    one. With demonstrations shown only for an empty answer (``shots_when`` "empty"), that zero-shot prompt is the
    question's first step: its record is copied only if its answer returns rows (`predict` would stop there)."""
    from graphsql.eval.execute import has_rows
    from graphsql.inference.predict import prompt_messages

    first_step = prompt_config.shots > 0 and prompt_config.shots_when == "empty"

    def same(ex: Example, rec: dict) -> bool:
        db_path = dataset.db_path(ex.db_id)
        return db_path is not None and rec.get("messages") == prompt_messages(
            ex.question, db_path, prompt_config, cache, schema=dataset.schemas.get(ex.db_id), evidence=ex.evidence) and (
            not first_step or (rec.get("ok") and has_rows(rec["pred_sql"], db_path)))

    return copy_reusable(examples, done, jsonl, sources, accept=same,
                         mark=" (zero-shot answer with rows)" if first_step else " (same prompt)")


def predict_examples(
    examples: Sequence[Example],
    dataset: Dataset,
    generator: Generator,
    out_sql: Path,
    prompt_config: PromptConfig | None = None,
    infer_config: InferConfig | None = None,
    on_item: Callable[[dict], None] | None = None,
    reuse: dict[str, Path] | None = None,
    workers: int = 1,
    reuse_same_prompt: dict[str, Path] | None = None,
    strict_pool: bool = False,
) -> list[dict]:
    """Predict every example, appending to ``<out_sql>.jsonl`` (records: idx, db_id, question, pred_sql, ok,
    seconds, error, candidates, messages) and finally writing ``out_sql``. Returns the records in ``examples`` order.

    ``reuse``: {name: predictions .jsonl} of the *same* model and settings on other subsets of the same dataset
    (the caller checks that); an item predicted there without error is copied, marked ``reused_from: name``,
    instead of predicted again (generation is seeded per item, so it would come out the same).

    ``reuse_same_prompt``: {name: predictions .jsonl} of the same model and *inference* settings, other prompt
    settings, on the same questions: an item whose prompt comes out the same now as recorded there is copied,
    marked ``reused_from: "<name> (same prompt)"`` (the same prompt and seed give the same answer): zero-shot, or
    the zero-shot first step of demonstrations shown only for an empty answer (`copy_same_prompt`).

    ``workers``: questions in flight at once against a server backend (`graphsql.inference.remote`; its continuous
    batching does the rest); lines are still written in question order. A `ModelError` (the server is down) stops
    the run after the last finished line; rerunning resumes there.

    ``strict_pool``: a named demonstration pool whose dataset is missing is an error, not a zero-shot run with a
    warning (`DatabaseCache.named_pool`)."""
    prompt_config = prompt_config or PromptConfig()
    out_sql = Path(out_sql)
    out_sql.parent.mkdir(parents=True, exist_ok=True)
    jsonl = out_sql.with_suffix(out_sql.suffix + ".jsonl")
    done = read_done(jsonl)
    if reuse:
        copy_reusable(examples, done, jsonl, reuse)
    cache = DatabaseCache(infer_fks=prompt_config.infer_fks, infer_keys=prompt_config.infer_keys)
    if reuse_same_prompt and (prompt_config.shots == 0 or prompt_config.shots_when == "empty"):
        copy_same_prompt(examples, done, jsonl, reuse_same_prompt, dataset, prompt_config, cache)
    # a named pool is loaded once (None where its dataset is missing: zero-shot, warned); an examples file per database
    pool = (cache.named_pool(prompt_config, strict=strict_pool)
            if prompt_config.shots > 0 and not prompt_config.examples_file else None)
    def one(ex: Example) -> dict:
        db_path = dataset.db_path(ex.db_id)
        rec = {"idx": ex.idx, "db_id": ex.db_id, "question": ex.question}
        try:
            if db_path is None:
                raise FileNotFoundError(f"database {ex.db_id} not found")
            pred = predict(ex.question, db_path, generator, prompt_config, infer_config, cache=cache,
                           schema=dataset.schemas.get(ex.db_id), evidence=ex.evidence, demo_pool=pool)
            rec.update(pred_sql=pred.pred_sql or PLACEHOLDER_SQL, ok=pred.ok, seconds=round(pred.seconds, 3),
                       votes=pred.vote.votes, candidates=[c.sql for c in pred.vote.candidates],
                       tables=list(pred.prepared.tables), repaired=pred.repaired, error="",
                       messages=pred.messages, timings={k: round(v, 4) for k, v in pred.timings.items()})
            if pred.generated:
                rec["generated"] = pred.generated
            if pred.before_fallback:
                rec["before_fallback"] = pred.before_fallback
            if pred.before_shots:
                rec["before_shots"] = pred.before_shots
        except Exception as err:  # one bad item must not stop or shift the run
            if isinstance(err, ModelError) and getattr(generator, "concurrent", False):
                raise  # the server is gone: stop after the last written line; rerunning resumes there
            log.warning("item %s (%s): %s", ex.idx, ex.db_id, err)
            rec.update(pred_sql=PLACEHOLDER_SQL, ok=False, seconds=0.0, error=f"{type(err).__name__}: {err}")
        return rec

    for ex in examples:
        if ex.idx in done and on_item:
            on_item(done[ex.idx])
    pending = [ex for ex in examples if ex.idx not in done]
    if workers > 1 and not getattr(generator, "concurrent", False):
        raise ConfigError(f"--workers {workers}: only a server backend (--backend openai) answers several questions "
                          "at once")
    with open_append(jsonl) as fh, ThreadPoolExecutor(max(1, workers)) as threads:
        # map yields in question order: lines are written in that order, each as soon as those before it are done
        for rec in (threads.map(one, pending) if workers > 1 else map(one, pending)):
            fh.write(json.dumps(rec) + "\n")
            fh.flush()
            done[rec["idx"]] = rec
            if on_item:
                on_item(rec)
    records = [done[ex.idx] for ex in examples]
    write_text_atomic(out_sql, "".join(" ".join(r["pred_sql"].split()) + "\n" for r in records))
    return records
