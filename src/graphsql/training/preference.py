"""Preference pairs from execution feedback: label sampled SQL by running it against the gold, pair right with wrong.

    >>> labelled = label_candidates(["SELECT ...", "SELECT ..."], gold_sql, db_path)
    >>> pairs = build_preference_pairs([{"messages": [...], "gold_sql": ..., "candidates": labelled}], min_margin=0.1)

A pair is (prompt, chosen, rejected): chosen is a candidate whose result equals the gold query's (or the gold
query itself when no candidate is right and ``gold_when_none_right``), rejected a candidate that fails or returns
another result. Each pair carries a *margin*, LearNAT's idea of how far the rejected query is from the gold:
`ast_distance`, the share of the sqlglot syntax-tree edit script (gold -> rejected) that is not "keep" (0 = the
same tree, 1 = nothing in common; an unparseable query is 1). Pairs below ``min_margin`` are dropped: their
rejected query differs from a right one only in a detail the execution check may not care about.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from sqlglot import diff
from sqlglot.diff import Keep

from graphsql.eval.execute import execute_sql, has_order_by, results_match
from graphsql.sql.parse import try_parse

log = logging.getLogger(__name__)


def ast_distance(sql: str, gold_sql: str) -> float:
    """Share of non-"keep" edits in the sqlglot edit script from ``gold_sql`` to ``sql`` (0 = same tree, 1 =
    nothing in common or ``sql`` does not parse)."""
    pred, gold = try_parse(sql), try_parse(gold_sql)
    if pred is None or gold is None:
        return 1.0
    edits = diff(gold.copy(), pred.copy(), delta_only=False)
    if not edits:
        return 0.0
    changed = sum(1 for edit in edits if not isinstance(edit, Keep))
    return round(changed / len(edits), 4)


def label_candidates(candidates: Sequence[str], gold_sql: str, db_path: str | Path, timeout: float = 10.0
                     ) -> list[dict]:
    """Each distinct candidate (same parse = same query) with ``correct`` (same result as the gold query), ``error`` and ``margin``.
    Raises ValueError if the gold query itself fails (such a question cannot give pairs)."""
    gold = execute_sql(db_path, gold_sql, timeout=timeout)
    if not gold.ok:
        raise ValueError(f"gold query fails: {gold.error}")
    ordered = has_order_by(gold_sql)
    out, seen = [], set()
    for sql in candidates:
        tree = try_parse(sql)
        key = tree.sql().lower() if tree is not None else " ".join(sql.split()).lower()
        if not sql.strip() or key in seen:
            continue
        seen.add(key)
        run = execute_sql(db_path, sql, timeout=timeout)
        correct = run.ok and results_match(gold.rows, run.rows, ordered=ordered)
        out.append({"sql": sql, "correct": correct, "error": None if run.ok else run.error,
                    "margin": 0.0 if correct else ast_distance(sql, gold_sql)})
    return out


def build_preference_pairs(
    records: Sequence[dict],
    min_margin: float = 0.1,
    max_pairs_per_question: int = 2,
    gold_when_none_right: bool = True,
) -> list[dict]:
    """(prompt, chosen, rejected, margin) pairs from labelled records (``messages`` ending with the user turn,
    ``gold_sql``, ``candidates`` from `label_candidates`). Per question the rejected queries with the largest
    margins are used first, each paired with a different right answer when there are several."""
    pairs = []
    for rec in records:
        right = [c["sql"] for c in rec["candidates"] if c["correct"]]
        wrong = sorted((c for c in rec["candidates"] if not c["correct"] and c["margin"] >= min_margin),
                       key=lambda c: -c["margin"])
        if not right and gold_when_none_right:
            right = [rec["gold_sql"]]
        if not right or not wrong:
            continue
        prompt = [m for m in rec["messages"] if m["role"] != "assistant"]
        for i, rejected in enumerate(wrong[:max_pairs_per_question]):
            pairs.append({
                "prompt": prompt,
                "chosen": [{"role": "assistant", "content": right[i % len(right)]}],
                "rejected": [{"role": "assistant", "content": rejected["sql"]}],
                "margin": rejected["margin"],
                "db_id": rec.get("db_id"),
                "idx": rec.get("idx"),
                "n_joins": rec.get("n_joins"),
                "chosen_is_gold": not any(c["correct"] for c in rec["candidates"]),
            })
    return pairs
