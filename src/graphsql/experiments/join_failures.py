"""Why `ask` misses questions with 2+ JOINs: the wrong answers on Spider dev whose gold query has two or more JOINs,
of what `ask` runs (the headline's last row) and of the same model greedy without repairs, by failure category
(`graphsql.eval.errors`), by whether every table of the gold query was in the prompt (each item's
``tables_shown``: the pruned schema), and by how many JOINs the answer wrote against the gold's.

    $ python -m graphsql.experiments.join_failures     # -> results/analyses/join_failures.json (seconds, no model)

It separates what inference can still fix (a gold table pruned away before the model saw it) from what only the
model can (all tables shown, the joins or the query's shape wrong). Reads committed results files only.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.data.spider import load_dataset
from graphsql.eval.errors import CATEGORIES, error_breakdown
from graphsql.experiments import layout
from graphsql.experiments.registry import load_registry
from graphsql.provenance import run_info
from graphsql.sql.parse import count_joins, tables_in_sql

log = logging.getLogger(__name__)

MIN_JOINS = 2


def _items(results: Path, subset: str, tag: str, name: str) -> tuple[list[dict], Path]:
    """Per-question items of run or replay ``name`` (a replay's answers are after its rules; its tables shown are
    those of the run it replays)."""
    replay = layout.replay_file(results, subset, tag, name)
    if replay.exists():
        data = json.loads(replay.read_text())
        items = data["by_k"]["1"]["items"]
        run = json.loads(layout.run_file(results, subset, tag, data["variant"]).read_text())
        shown = {it["idx"]: it.get("tables_shown") for it in run["items"]}
        return [{**it, "tables_shown": shown.get(it["idx"])} for it in items], replay
    path = layout.run_file(results, subset, tag, name)
    return json.loads(path.read_text())["items"], path


def join_failures(items: list[dict], schemas: dict, min_joins: int = MIN_JOINS) -> dict:
    """The breakdown of the wrong answers among ``items`` whose gold query has ``min_joins``+ JOINs."""
    multi = [it for it in items if it["joins"] >= min_joins]
    wrong = [it for it in multi if not it["ex"]]
    prompt = Counter()
    joins = Counter()
    for it in wrong:
        gold = {t.lower() for t in tables_in_sql(it["gold_sql"])}
        shown = it.get("tables_shown")
        prompt["unknown" if shown is None else "all_shown" if gold <= {t.lower() for t in shown}
               else "some_pruned"] += 1
        wrote = count_joins(it["pred_sql"]) if it.get("pred_sql") else 0
        joins["fewer" if wrote < it["joins"] else "same" if wrote == it["joins"] else "more"] += 1
    breakdown = error_breakdown(wrong, schemas)
    return {"n": len(multi), "right": len(multi) - len(wrong), "wrong": len(wrong),
            "ex": round((len(multi) - len(wrong)) / len(multi), 4) if multi else None,
            "categories": {c: breakdown["counts"].get(c, 0) for c in CATEGORIES},
            "tables_vs_gold": breakdown["tables_vs_gold"],
            "gold_tables_in_prompt": {k: prompt.get(k, 0) for k in ("all_shown", "some_pruned", "unknown")},
            "joins_written_vs_gold": {k: joins.get(k, 0) for k in ("fewer", "same", "more")},
            "examples": {c: v[:1] for c, v in breakdown["examples"].items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    registry = load_registry()
    exp = registry.experiment(registry.headline["spider"])
    label, tag, name = registry.headline["rows"][-1]
    systems = [("the same model greedy, no repairs", tag, "as_trained"), (label, tag, name)]
    schemas = load_dataset(exp.dataset, exp.split).schemas
    out = {}
    for system_label, system_tag, system_name in systems:
        items, source = _items(args.results, exp.subset, system_tag, system_name)
        out[f"{system_tag}:{system_name}"] = {"label": system_label, "source": str(source.relative_to(REPO_ROOT))
                                              if source.is_relative_to(REPO_ROOT) else str(source),
                                              **join_failures(items, schemas)}
        log.info("%s:%s: %d wrong of %d", system_tag, system_name, out[f"{system_tag}:{system_name}"]["wrong"],
                 out[f"{system_tag}:{system_name}"]["n"])
    command = "python -m graphsql.experiments.join_failures " + " ".join(argv if argv is not None else sys.argv[1:])
    path = layout.analysis_file(args.results, "join_failures.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"subset": exp.subset, "min_joins": MIN_JOINS, "systems": out,
                                "provenance": run_info(command)}, indent=1) + "\n")
    log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
