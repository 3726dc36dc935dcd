"""The same answers on SQLite, PostgreSQL, DuckDB and MySQL (issue 29): what changing the engine costs in EX.

    python -m graphsql.experiments.engines --tag graph-balanced-gpu-merged-q8_0 \
        --subset spider-dev-strat300-seed0 --out results/engines/spider-dev-strat300-seed0.json

Each Spider database of the sample is copied into a throw-away PostgreSQL server and, where Debian's
`mariadb-server` is installed, a throw-away MariaDB server standing for MySQL (`graphsql.data.tempdb`, one database
each), and into a DuckDB file. Every question then goes through `predict` on each engine with what the
model wrote in the recorded run ``runs/eval/<tag>/<subset>/as_trained`` (greedy, so rerunning the model on the same
prompt gives the same text; the prompt is the one of the SQLite run: the same tables.json schema), with the
repairs `ask` applies: so a difference between engines is the translation and the engine, nothing else. The gold
query runs on SQLite; EX is Spider's rule. Recorded: EX on each engine with a paired interval against SQLite on
the same items, how many answers sqlglot could not translate, and the items that differ.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import tempfile
import time
from pathlib import Path

from graphsql.config import REPO_ROOT, ZERO_SHOT, InferConfig


class ReplayGenerator:
    """A generator that writes what the model wrote: ``answer`` is set before each question."""

    answer = ""

    def generate(self, prompts, n=1, temperature=0.0, max_new_tokens=256, seed=0, **_):
        return [[self.answer] * n for _ in prompts]


def _records(tag: str, subset: str) -> list[dict]:
    from graphsql.atomic import read_jsonl

    path = REPO_ROOT / "runs" / "eval" / tag / subset / "as_trained" / "preds.sql.jsonl"
    records = read_jsonl(path)
    if not records:
        raise SystemExit(f"{path}: no recorded answers (run `graphsql run {subset} --model {tag}` first)")
    return records


def run_engines(tag: str, subset: str, limit: int | None = None) -> dict:
    from graphsql.data.engines import EngineDatabase, copy_sqlite_database
    from graphsql.data.spider import load_dataset
    from graphsql.data.tempdb import create_database, mariadb_programs, temporary_mariadb, temporary_postgres
    from graphsql.eval.compare import paired_bootstrap
    from graphsql.eval.execute import execute_sql, has_order_by, results_match
    from graphsql.inference.predict import DatabaseCache, predict

    dataset_name, split = subset.split("-")[0], subset.split("-")[1]
    ds = load_dataset(dataset_name, split)
    by_idx = {ex.idx: ex for ex in ds.examples}
    records = [r for r in _records(tag, subset) if r["idx"] in by_idx][:limit]
    infer = InferConfig(adapter=None, fix_joins=True, fix_columns=True, fix_names=True, repair=False, fallback=0,
                        timeout=30)
    prompt = ZERO_SHOT  # the recorded answers are zero-shot
    db_ids = sorted({r["db_id"] for r in records})
    generator = ReplayGenerator()
    mysql = mariadb_programs() is not None
    items: dict[str, list[dict]] = {"sqlite": [], "postgres": [], "duckdb": [], **({"mysql": []} if mysql else {})}
    seconds = {k: 0.0 for k in items}
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(temporary_postgres())
        duck_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="graphsql-duck-"))
        maria = stack.enter_context(temporary_mariadb()) if mysql else None
        handles = {"sqlite": {d: ds.db_path(d) for d in db_ids}, "postgres": {}, "duckdb": {},
                   **({"mysql": {}} if mysql else {})}
        for db_id in db_ids:
            handles["postgres"][db_id] = EngineDatabase(copy_sqlite_database(
                ds.db_path(db_id), create_database(server, db_id)).url.render_as_string(hide_password=False))
            handles["duckdb"][db_id] = EngineDatabase(
                copy_sqlite_database(ds.db_path(db_id), f"duckdb:///{Path(duck_dir) / db_id}.duckdb").label)
            if mysql:
                handles["mysql"][db_id] = EngineDatabase(copy_sqlite_database(
                    ds.db_path(db_id), create_database(maria, db_id)).url.render_as_string(hide_password=False))
        caches = {k: DatabaseCache(infer_fks=prompt.infer_fks) for k in items}
        for rec in records:
            ex = by_idx[rec["idx"]]
            gold = execute_sql(ds.db_path(ex.db_id), ex.gold_sql)
            generator.answer = rec.get("generated") or (rec["candidates"][0] if rec.get("candidates") else "")
            for engine, dbs in handles.items():
                start = time.monotonic()
                pred = predict(ex.question, dbs[ex.db_id], generator, prompt, infer, cache=caches[engine],
                               schema=ds.schemas.get(ex.db_id))
                seconds[engine] += time.monotonic() - start
                res = pred.result
                correct = bool(gold.ok and res is not None and res.ok and not res.truncated
                               and results_match(gold.rows, res.rows, ordered=has_order_by(ex.gold_sql)))
                untranslated = bool(res is not None and not res.ok and res.error.startswith(f"{engine}: cannot"))
                items[engine].append({"idx": ex.idx, "db_id": ex.db_id, "ex": correct, "sql": pred.pred_sql,
                                      "ran_sql": res.ran_sql if res is not None else "",
                                      "error": "" if res is None or res.ok else res.error[:300],
                                      "untranslated": untranslated})
    summary = {}
    for engine, rows in items.items():
        summary[engine] = {"n": len(rows), "ex": round(sum(r["ex"] for r in rows) / max(1, len(rows)), 4),
                           "errors": sum(bool(r["error"]) for r in rows),
                           "untranslated": sum(r["untranslated"] for r in rows),
                           "seconds_per_question": round(seconds[engine] / max(1, len(rows)), 4)}
        if engine != "sqlite":
            summary[engine]["vs_sqlite"] = paired_bootstrap(items["sqlite"], rows, key="ex")
    sqlite_ex = {r["idx"]: r["ex"] for r in items["sqlite"]}
    differ = {engine: [r for r in rows if r["ex"] != sqlite_ex[r["idx"]]]
              for engine, rows in items.items() if engine != "sqlite"}
    for engine, rows in differ.items():  # ties an ORDER BY leaves to the engine are one reason to differ
        summary[engine]["differ"] = len(rows)
        summary[engine]["differ_ran_with_order_by"] = sum(" ORDER BY " in r["ran_sql"].upper() and not r["error"]
                                                          for r in rows)
    return {"tag": tag, "subset": subset, "databases": len(db_ids), "summary": summary, "differ": differ,
            "items": items}


def main(argv: list[str] | None = None) -> int:
    from graphsql.provenance import run_info, write_result

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tag", default="graph-balanced-gpu-merged-q8_0")
    parser.add_argument("--subset", default="spider-dev-strat300-seed0")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or REPO_ROOT / "results" / "engines" / f"{args.subset}.json"
    result = run_engines(args.tag, args.subset, args.limit)
    result["provenance"] = run_info("python -m graphsql.experiments.engines",
                                    {"tag": args.tag, "subset": args.subset, "limit": args.limit,
                                     "repairs": "as ask (names, joins, columns)"})
    write_result(out, result)
    for engine, s in result["summary"].items():
        extra = f", vs SQLite {s['vs_sqlite']['diff']:+.3f} {s['vs_sqlite']['ci95']}" if "vs_sqlite" in s else ""
        print(f"{engine}: EX {s['ex']:.3f} on {s['n']} ({s['errors']} errors, {s['untranslated']} untranslated){extra}")
    print(json.dumps({k: len(v) for k, v in result["differ"].items()}), "items differ from SQLite")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
