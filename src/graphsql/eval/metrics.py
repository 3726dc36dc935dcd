"""Execution accuracy (EX), exact match (EM) and their breakdowns for a list of predictions.

    >>> ds = load_dataset("spider", "dev")
    >>> m = evaluate(ds.examples, [e.gold_sql for e in ds.examples], ds.schemas)
    >>> m["n"], m["ex"], m["em"], m["skipped"]                 # (972, 1.0, 1.0, 62)

`evaluate` returns a JSON-able dict (what ``metrics.json`` holds): overall ``ex``/``em`` (fractions, ``em`` is
None for BIRD), breakdowns ``by_hardness`` (Spider) or ``by_difficulty`` (BIRD) and ``by_joins``
("0", "1", "2", "3+" JOINs in the gold), ``errors`` (count per category) and one record per question in
``items``. Questions whose database file is missing are skipped and counted in ``skipped``.
Error categories: ``correct``, ``wrong_result``, ``parse_error``, ``execution_error``, ``timeout`` (of the
prediction) and ``gold_error`` (the gold query itself failed; the item counts as not correct).
`print_metrics` prints the tables; it only formats.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Mapping, Sequence

from graphsql.data.records import DbSchema, Example
from graphsql.eval.exact_match import UnsupportedSql, exact_match
from graphsql.eval.execute import ExecResult, bird_results_match, execute_sql, has_order_by, results_match
from graphsql.eval.files import check_counts
from graphsql.eval.hardness import HARDNESS_LEVELS, sql_hardness
from graphsql.sql.parse import count_joins, join_bucket

log = logging.getLogger(__name__)

DATASETS = ("spider", "bird")
BIRD_DIFFICULTIES = ("simple", "moderate", "challenging")
JOIN_BUCKETS = ("0", "1", "2", "3+")
ERROR_CATEGORIES = ("correct", "wrong_result", "parse_error", "execution_error", "timeout", "gold_error")


def _breakdown(items: list[dict], field: str, keys: Sequence[str], with_em: bool) -> dict:
    groups: dict[str, list[dict]] = {k: [] for k in keys}
    for item in items:
        groups.setdefault(str(item[field]) if item[field] is not None else "unknown", []).append(item)
    return {key: _summary(group, with_em) for key, group in groups.items() if group or key in keys}


def _summary(items: list[dict], with_em: bool) -> dict:
    n = len(items)
    out = {"n": n, "ex": sum(i["ex"] for i in items) / n if n else None}
    out["em"] = (sum(bool(i["em"]) for i in items) / n if n else None) if with_em else None
    return out


def evaluate(
    golds: Sequence[Example],
    preds: Sequence[str],
    schemas: Mapping[str, DbSchema],
    timeout: float = 30.0,
    dataset: str = "spider",
) -> dict:
    """Score ``preds`` (one SQL string per gold `Example`, same order) against the golds.

    ``schemas`` maps db_id to `DbSchema` (its ``db_path`` is executed on). ``dataset`` picks the rules:
    ``spider`` (EX by result multisets, ordered when the gold has ORDER BY; EM; hardness) or ``bird``
    (EX by result sets as BIRD does; no EM; BIRD's difficulty). Raises `DataError` if the prediction count
    differs from the gold count or a database file is corrupt."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}: choose {' or '.join(DATASETS)}")
    check_counts(len(golds), len(preds))
    is_spider = dataset == "spider"
    start = time.monotonic()
    gold_cache: dict[tuple[str, str], ExecResult] = {}
    items, skipped = [], 0
    for pos, (ex, pred_sql) in enumerate(zip(golds, preds)):
        schema = schemas.get(ex.db_id)
        db_path = schema.db_path if schema is not None else None
        if db_path is None or not db_path.exists():
            skipped += 1
            continue
        key = (ex.db_id, ex.gold_sql)
        if key not in gold_cache:
            gold_cache[key] = execute_sql(db_path, ex.gold_sql, timeout=timeout)
        gold = gold_cache[key]
        pred = execute_sql(db_path, pred_sql or "", timeout=timeout)
        message = ""
        if not gold.ok or gold.truncated:
            error, correct = "gold_error", False
            message = gold.error or "the gold result is larger than the fetch bounds (graphsql.eval.execute)"
        elif not pred.ok:
            error, correct, message = pred.error_kind, False, pred.error
        elif pred.truncated:  # a cut result is never compared: the rows beyond the bounds are unknown
            error, correct = "wrong_result", False
            message = "the result was cut at the fetch bounds (graphsql.eval.execute): counted as a mismatch"
        else:
            if is_spider:
                correct = results_match(gold.rows, pred.rows, ordered=has_order_by(ex.gold_sql))
            else:
                correct = bird_results_match(gold.rows, pred.rows)
            error = "correct" if correct else "wrong_result"
        em = None
        if is_spider:
            try:
                em = exact_match(ex.gold_sql, pred_sql or "", schema)
            except UnsupportedSql as err:
                log.warning("gold SQL of item %d is outside Spider's form (%s); EM counted as wrong", pos, err)
                em = False
        items.append({
            "idx": ex.idx if ex.idx >= 0 else pos,
            "db_id": ex.db_id,
            "gold_sql": ex.gold_sql,
            "pred_sql": pred_sql,
            "ex": bool(correct),
            "em": em,
            # Spider: computed hardness level; BIRD: the dataset's difficulty (simple/moderate/challenging)
            "hardness": sql_hardness(ex.gold_sql, schema) if is_spider else (ex.difficulty or None),
            "joins": count_joins(ex.gold_sql),
            "error": error,
            "error_message": message,
            "source": ex.source,
        })
    for item in items:
        item["joins_bucket"] = join_bucket(item["joins"])
    overall = _summary(items, is_spider)
    metrics = {
        "dataset": dataset,
        "n": len(items),
        "ex": overall["ex"],
        "em": overall["em"],
        "skipped": skipped,
    }
    if is_spider:
        metrics["by_hardness"] = _breakdown(items, "hardness", HARDNESS_LEVELS, True)
    else:
        metrics["by_difficulty"] = _breakdown(items, "hardness", BIRD_DIFFICULTIES, False)
    metrics["by_joins"] = _breakdown(items, "joins_bucket", JOIN_BUCKETS, is_spider)
    errors = Counter(i["error"] for i in items)
    metrics["errors"] = {k: errors.get(k, 0) for k in ERROR_CATEGORIES}
    metrics["timeout"] = timeout
    metrics["seconds"] = round(time.monotonic() - start, 2)
    metrics["items"] = items
    return metrics


def print_metrics(metrics: Mapping, console=None) -> None:
    """Print overall scores and tables by hardness/difficulty, by JOIN count and by error kind (rich)."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()

    def pct(x):
        return "-" if x is None else f"{100 * x:.1f}"

    console.print(f"[bold]{metrics.get('dataset', '')}[/bold]  n={metrics['n']}  EX={pct(metrics['ex'])}  "
                  f"EM={pct(metrics['em'])}  skipped={metrics.get('skipped', 0)}")
    for title, key in (("by hardness", "by_hardness"), ("by difficulty", "by_difficulty"), ("by JOINs", "by_joins")):
        if key not in metrics:
            continue
        table = Table(title=title)
        for col in ("", "n", "EX %", "EM %"):
            table.add_column(col, justify="right" if col else "left")
        for name, row in metrics[key].items():
            table.add_row(name, str(row["n"]), pct(row["ex"]), pct(row["em"]))
        table.add_row("all", str(metrics["n"]), pct(metrics["ex"]), pct(metrics["em"]), style="bold")
        console.print(table)
    table = Table(title="outcomes")
    table.add_column("category")
    table.add_column("count", justify="right")
    for name, count in metrics.get("errors", {}).items():
        table.add_row(name, str(count))
    console.print(table)
