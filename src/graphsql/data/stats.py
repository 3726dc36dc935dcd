"""Counts that describe a dataset split: questions, databases, Spider hardness, JOIN counts, missing files.

    >>> dataset_stats(load_dataset("spider", "dev"))["by_joins"]     # {"0": 626, "1": 320, "2": 72, "3+": 16}
"""

from __future__ import annotations

from collections import Counter

from graphsql.data.spider import Dataset
from graphsql.sql.parse import count_joins, join_bucket


def dataset_stats(ds: Dataset) -> dict:
    """Question and database counts of ``ds``, by Spider hardness (Spider and GeoQuery), by BIRD difficulty
    (BIRD), and by JOIN count of the gold SQL; plus the databases whose SQLite file is missing."""
    from graphsql.eval.hardness import sql_hardness

    by_joins = Counter(join_bucket(count_joins(e.gold_sql)) for e in ds.examples)
    out = {
        "dataset": ds.name,
        "split": ds.split,
        "questions": len(ds.examples),
        "runnable": len(ds.runnable()),
        "databases": len({e.db_id for e in ds.examples}),
        "missing_databases": ds.missing_databases(),
        "by_joins": {k: by_joins.get(k, 0) for k in ("0", "1", "2", "3+")},
    }
    if ds.name == "bird":
        diff = Counter(e.difficulty for e in ds.examples)
        out["by_difficulty"] = {k: diff[k] for k in ("simple", "moderate", "challenging", "") if diff.get(k)}
    else:
        hard = Counter(sql_hardness(e.gold_sql, ds.schemas[e.db_id]) or "unparsed" for e in ds.examples)
        out["by_hardness"] = {k: hard[k] for k in ("easy", "medium", "hard", "extra", "unparsed") if hard.get(k)}
    return out
