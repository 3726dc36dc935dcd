"""`ask`'s answer rules on Spider train's gold queries, which no part of the rules was written on: how often each
rewrites a query that is right, and whether the rewrite changes its result (it should not); for the literal rule
also how often it restores the result of a gold query whose literal was respelled on purpose (letter case changed;
a country named by another of its names).

    $ python -m graphsql.experiments.rules_heldout      # -> results/analyses/rules_heldout.json

No model runs. ``literals``: every gold query that runs and compares a column with a string literal;
``names``: every gold query that runs, with its question (`graphsql.inference.entity`: the star rule and the key
rule, counted apart). A gold query that does not run is skipped.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
from collections import Counter
from pathlib import Path

from sqlglot import exp

from graphsql.config import REPO_ROOT
from graphsql.data.spider import load_dataset
from graphsql.eval.execute import execute_sql, has_order_by, results_match
from graphsql.experiments import layout
from graphsql.inference.entity import names_for_key, names_for_star
from graphsql.inference.literals import respell_literals
from graphsql.inference.predict import DatabaseCache
from graphsql.provenance import run_info
from graphsql.sql.parse import literal_text, try_parse

log = logging.getLogger(__name__)


def _literals(tree: exp.Expression, columns: set[str]) -> list[tuple[exp.Expression, str]]:
    """(node, text) of each string literal of ``tree`` with a letter and no LIKE wildcard, double-quoted ones
    included (a double-quoted name that is no column: SQLite reads it as a string)."""
    out = []
    for node in tree.find_all(exp.Literal, exp.Column):
        text = literal_text(node, columns)
        if text is not None and text.strip() and any(ch.isalpha() for ch in text) and "%" not in text:
            out.append((node, text))
    return out


def _perturbed(sql: str, columns: set[str], rng: random.Random,
               spellings: dict[str, list[str]]) -> tuple[str, str] | None:
    """(how, ``sql`` with one string literal respelled): a country by another of its names where it is one, else
    its letter case changed; None when the query has no string literal whose case can change."""
    tree = try_parse(sql)
    if tree is None:
        return None
    found = _literals(tree, columns)
    if not found:
        return None
    pick = rng.randrange(len(found))
    tree = tree.copy()
    lit, text = _literals(tree, columns)[pick]
    others = [s for s in spellings.get(text.lower(), []) if s.lower() != text.lower()]
    if others:
        how, new = "country", rng.choice(others)
    else:
        how = "case"
        new = text.upper() if text != text.upper() else text.title()
        if new == text:
            new = text.lower()
        if new == text:
            return None
    lit.replace(exp.Literal.string(new))
    return how, tree.sql(dialect="sqlite")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="train")
    parser.add_argument("--root", type=Path, default=None, help="a Spider-format folder (default: the shared data)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from graphsql.data.knowledge import country_spellings

    spellings: dict[str, list[str]] = {}
    for spelling, country in country_spellings().items():
        spellings.setdefault(country.lower(), []).append(spelling.title() if len(spelling) > 3 else spelling.upper())
    for country, names in list(spellings.items()):
        for name in names:
            spellings.setdefault(name.lower(), names + [country.title()])
    ds = load_dataset("spider", args.split, root=args.root)
    cache, rng = DatabaseCache(), random.Random(args.seed)
    counts: Counter = Counter()
    names: Counter = Counter()
    examples, name_examples = [], []
    for ex in ds.runnable():
        schema = ds.schemas[ex.db_id]
        tree = try_parse(ex.gold_sql)
        if tree is None:
            continue
        gold = execute_sql(schema.db_path, ex.gold_sql, timeout=10)
        if not gold.ok:
            names["gold_fails"] += 1
            continue
        ordered = has_order_by(ex.gold_sql)
        names["queries"] += 1
        for rule, rewrite in (("star", names_for_star), ("key", names_for_key)):
            named = rewrite(ex.gold_sql, ex.question, schema)
            if named != ex.gold_sql:
                after = execute_sql(schema.db_path, named, timeout=10)
                same = after.ok and results_match(gold.rows, after.rows, ordered)
                names[f"{rule}_rewritten"] += 1
                names[f"{rule}_rewritten_{'same' if same else 'other'}_result"] += 1
                if not same and len(name_examples) < 20:
                    name_examples.append({"rule": rule, "question": ex.question, "gold": ex.gold_sql, "rewritten": named})
        columns = {c.name.lower() for t in schema.tables for c in t.columns}
        if not _literals(tree, columns):
            continue
        counts["queries"] += 1
        graph, index = cache.get(schema.db_path, schema)
        rewritten = respell_literals(ex.gold_sql, graph, index)
        if rewritten != ex.gold_sql:
            counts["gold_rewritten"] += 1
            after = execute_sql(schema.db_path, rewritten, timeout=10)
            same = after.ok and results_match(gold.rows, after.rows, ordered)
            counts["gold_rewritten_same_result" if same else "gold_rewritten_other_result"] += 1
            if len(examples) < 20:
                examples.append({"db_id": ex.db_id, "gold": ex.gold_sql, "rewritten": rewritten, "same_result": same})
        perturbed = _perturbed(ex.gold_sql, columns, rng, spellings)
        if perturbed is None:
            continue
        how, wrong = perturbed
        before = execute_sql(schema.db_path, wrong, timeout=10)
        if before.ok and results_match(gold.rows, before.rows, ordered):
            counts[f"{how}_harmless"] += 1  # SQLite compared it as the database holds it anyway
            continue
        counts[f"{how}_perturbed"] += 1
        fixed = respell_literals(wrong, graph, index)
        after = execute_sql(schema.db_path, fixed, timeout=10) if fixed != wrong else None
        counts[f"{how}_restored" if after is not None and after.ok and results_match(gold.rows, after.rows, ordered)
               else f"{how}_not_restored"] += 1
    out = {"split": args.split,
           "literals": {"counts": dict(sorted(counts.items())), "gold_rewritten_examples": examples},
           "names": {"counts": dict(sorted(names.items())), "other_result_examples": name_examples},
           "provenance": run_info("python -m graphsql.experiments.rules_heldout " + " ".join(sys.argv[1:] if argv is None else argv),
                                  vars(args))}
    path = args.out or layout.analysis_file(REPO_ROOT / "results", "rules_heldout.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1, default=str) + "\n")
    log.info("%s: literals %s; names %s", path, dict(counts), dict(names))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
