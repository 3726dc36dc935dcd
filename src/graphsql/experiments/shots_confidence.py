"""Can the model's own likelihood tell when a user's demonstrations helped? (issue 25.1)

    $ python -m graphsql.experiments.shots_confidence      # -> results/analyses/shots_confidence.json (~25 min)

Shown always, three same-database demonstrations cost `ask` EX on GeoQuery, yet they turn some wrong zero-shot
answers right (and some right ones wrong). `ask` shows them only when its zero-shot answer fails or returns no rows
(``prompt.shots_when`` "empty"). This analysis asks whether the model's confidence would choose better: each
recorded answer of the zero-shot run (``ask_fb4``) and of the run with demonstrations always shown
(``ask_fb4_qsim3_geo``) is scored by the model that wrote it (mean log-probability a token of the answer's first
candidate as the reply to its own prompt, `Scorer.score`), and these choices are compared on the same questions:

- ``empty``: the run made with the rule `ask` uses (``ask_fb4_qsim3_geo_empty``);
- ``likelier``: of the two answers, the one the model finds likelier (ties: zero-shot);
- ``empty_then_likelier``: the answer that returns rows if only one does, else the likelier one;
- ``gated_<t>``: demonstrations for an empty answer or when the zero-shot answer's score is below ``t``.

GeoQuery's query-split dev was the design split, chosen before test was looked at for this (the choices above were
fixed before either was scored); test is reported beside it. EX as the runs recorded it (the answer rules not
replayed: both answers of a question would get them). Scores are cached under ``runs/analyses/shots_confidence/``
(a rerun resumes).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from graphsql.atomic import read_jsonl
from graphsql.config import REPO_ROOT
from graphsql.eval.compare import paired_bootstrap
from graphsql.eval.execute import has_rows
from graphsql.experiments import layout
from graphsql.provenance import run_info
from graphsql.sql.parse import query_template

log = logging.getLogger(__name__)

TAG = "graph-balanced-gpu-merged-q8_0"  # what `ask` runs
ADAPTER = "models/qwen2.5-coder-0.5b-graph-balanced-gpu-lora"
ZERO, SHOWN, EMPTY = "ask_fb4", "ask_fb4_qsim3_geo", "ask_fb4_qsim3_geo_empty"
SPLITS = {"query_dev": "geo-query_dev-all", "query_test": "geo-query_test-all"}
GATES = (-0.3, -0.2, -0.1, -0.05)


def score_records(records: list[dict], generator, cache: Path) -> dict[int, float]:
    """idx -> `Scorer.score` of each record's first candidate (its final SQL if it has none) as the reply to its
    recorded messages; lines already in ``cache`` are reused, new ones appended."""
    scores = {row["idx"]: row["score"] for row in read_jsonl(cache)}
    cache.parent.mkdir(parents=True, exist_ok=True)
    with cache.open("a", encoding="utf-8") as fh:
        for rec in records:
            if rec["idx"] in scores or not rec.get("messages"):
                continue
            answer = (rec.get("candidates") or [rec["pred_sql"]])[0]
            scores[rec["idx"]] = generator.score([rec["messages"]], [answer])[0]
            fh.write(json.dumps({"idx": rec["idx"], "score": scores[rec["idx"]]}) + "\n")
            fh.flush()
    return scores


def choose(zero: list[dict], shown: list[dict], zero_scores: dict[int, float], shown_scores: dict[int, float],
           returns_rows, policy: str) -> list[dict]:
    """The items (zero-shot or with demonstrations) ``policy`` keeps, question by question; ``returns_rows(sql)``
    says whether an answer returns rows."""
    by_shown = {it["idx"]: it for it in shown}
    out = []
    for z in zero:
        s = by_shown[z["idx"]]
        cz, cs = zero_scores.get(z["idx"], 0.0), shown_scores.get(z["idx"], 0.0)
        if policy == "likelier":
            take = cs > cz
        else:
            rz, rs = returns_rows(z["pred_sql"]), returns_rows(s["pred_sql"])
            if policy == "empty_then_likelier":
                take = rs if rz != rs else cs > cz
            elif policy.startswith("gated_"):
                take = rs and (not rz or cz < float(policy.removeprefix("gated_")))
            else:
                raise ValueError(f"unknown policy {policy!r}")
        out.append(s if take else z)
    return out


def auc(items: list[dict], scores: dict[int, float]) -> float | None:
    """How well a score ranks right answers above wrong ones (the share of right-wrong pairs it orders right)."""
    right = [scores[it["idx"]] for it in items if it["ex"] and it["idx"] in scores]
    wrong = [scores[it["idx"]] for it in items if not it["ex"] and it["idx"] in scores]
    if not right or not wrong:
        return None
    return round(sum((r > w) + 0.5 * (r == w) for r in right for w in wrong) / (len(right) * len(wrong)), 4)


def analyse_split(split: str, subset: str, generator, results_dir: Path, runs_dir: Path, work: Path) -> dict:
    from graphsql.data.spider import load_dataset

    ds = load_dataset("geo", split)
    items = {v: json.loads(layout.run_file(results_dir, subset, TAG, v).read_text())["items"]
             for v in (ZERO, SHOWN, EMPTY)}
    scores = {}
    for v in (ZERO, SHOWN):
        records = read_jsonl(runs_dir / TAG / subset / v / "preds.sql.jsonl")
        scores[v] = score_records(records, generator, work / f"{subset}.{v}.jsonl")
    db_path = ds.db_path(ds.examples[0].db_id)
    rows: dict[str, bool] = {}

    def answer_has_rows(sql: str) -> bool:
        if sql not in rows:
            rows[sql] = has_rows(sql, db_path)
        return rows[sql]

    templates = {it["idx"]: query_template(it["gold_sql"]) for it in items[ZERO]}

    def cluster(it: dict) -> str:
        return templates.get(it["idx"], f"#{it['idx']}")

    chosen = {"zero_shot": items[ZERO], "always": items[SHOWN], "empty": items[EMPTY]}
    for policy in ("likelier", "empty_then_likelier", *(f"gated_{t}" for t in GATES)):
        chosen[policy] = choose(items[ZERO], items[SHOWN], scores[ZERO], scores[SHOWN], answer_has_rows, policy)
    out = {"subset": subset, "n": len(items[ZERO]), "templates": len(set(templates.values())),
           "ex": {k: round(sum(bool(it["ex"]) for it in v) / len(v), 4) for k, v in chosen.items()},
           "auc_zero_shot": auc(items[ZERO], scores[ZERO]), "auc_shown": auc(items[SHOWN], scores[SHOWN]),
           "shown_likelier": round(sum(scores[SHOWN].get(k, 0.0) > s for k, s in scores[ZERO].items())
                                   / max(1, len(scores[ZERO])), 4),
           "vs_empty": {}}
    for policy in chosen:
        if policy != "empty":
            out["vs_empty"][policy] = {"questions": paired_bootstrap(items[EMPTY], chosen[policy]),
                                       "templates": paired_bootstrap(items[EMPTY], chosen[policy], cluster=cluster)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=REPO_ROOT / "results")
    parser.add_argument("--runs", type=Path, default=REPO_ROOT / "runs" / "eval")
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "runs" / "analyses" / "shots_confidence")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from graphsql.inference.generate import make_generator

    generator = make_generator("llama.cpp", adapter=REPO_ROOT / ADAPTER, merge=True, quant="q8_0", n_ctx=4096)
    out = {split: analyse_split(split, subset, generator, args.results, args.runs, args.work)
           for split, subset in SPLITS.items()}
    command = "python -m graphsql.experiments.shots_confidence " + " ".join(argv if argv is not None else sys.argv[1:])
    path = layout.analysis_file(args.results, "shots_confidence.json")
    path.write_text(json.dumps({"model": TAG, "zero_shot": ZERO, "shown": SHOWN, "empty": EMPTY,
                                "design_split": "query_dev", "splits": out, "provenance": run_info(command)},
                               indent=1) + "\n", encoding="utf-8")
    log.info("wrote %s", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
