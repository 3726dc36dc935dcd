"""How often schema linking ranks the gold tables and columns near the top, on Spider dev and BIRD dev.

    python -m graphsql.experiments.linking_recall --out results/analyses/linking_recall.json [--limit N]

For each question: gold tables from `tables_in_sql`, gold columns from the gold SQL (qualified through each
SELECT's aliases; an unqualified column is given to the tables of its SELECT that have it), and the string
literals of the gold SQL. Reported per dataset:

* ``table_recall_at_k``: share of gold tables among the top-k linked tables (micro-average over tables);
* ``all_tables_in_top_k``: share of questions whose gold tables are all in the top k;
* the same two for columns (``column_recall_at_k``, ``all_columns_in_top_k``), and again without the
  columns of join conditions (``non_join_column_recall_at_k``...), which questions rarely name;
* ``values``: how often value matches hit a gold string literal (recall), and how often matches are gold
  literals, strings or numbers (precision) (Spider only: BIRD has no databases here).

Spider dev uses the runnable questions (database present) with a value index per database (cached);
BIRD dev uses schemas with descriptions and the ``evidence`` text, and no value index.
If `graphsql.schema.prune` exists, recall of the tables `prune_schema` keeps at a few table budgets is added
(seeded with the top 1 or top 2 linked tables, ranked by the link scores).
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from sqlglot import exp

from graphsql.config import REPO_ROOT
from graphsql.data.records import DbSchema, Example
from graphsql.data.spider import load_dataset
from graphsql.experiments import layout
from graphsql.schema.link import LinkResult, link_schema
from graphsql.schema.values import ValueIndex, build_value_index, normalize_text
from graphsql.sql.parse import alias_map, join_conditions, string_literals, tables_in_sql, try_parse

log = logging.getLogger(__name__)

TABLE_KS = (1, 2, 3, 4, 5, 6, 7, 8)
COLUMN_KS = (1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30)
PRUNE_BUDGETS = (3, 4, 6)
PRUNE_SEEDS = (1, 2)  # seed the pruner with the top 1 or top 2 linked tables


def columns_in_sql(sql: str, schema: DbSchema) -> set[tuple[str, str]]:
    """Case-folded ``(table, column)`` keys of the schema columns a query mentions (approximate).

    Qualified columns go through the aliases of their own SELECT; an unqualified one goes to every table of
    its SELECT's FROM that has a column of that name. ``*`` and names not in the schema are left out."""
    tree = try_parse(sql)
    if tree is None:
        return set()
    known = {c.key for c in schema.columns}
    found = set()
    for select in tree.find_all(exp.Select):
        aliases = alias_map(select)
        scope_tables = sorted(set(aliases.values()))
        for col in select.find_all(exp.Column):
            if col.parent_select is not select:
                continue
            name = col.name.lower()
            if not name or name == "*":
                continue
            if col.table:
                table = aliases.get(col.table.lower())
                if table is not None and (table, name) in known:
                    found.add((table, name))
            else:
                for table in scope_tables:
                    if (table, name) in known:
                        found.add((table, name))
    return found


def number_literals(sql: str) -> set[str]:
    """Numeric literals of a query outside LIMIT/OFFSET, as text (``2014``)."""
    tree = try_parse(sql)
    if tree is None:
        return set()
    return {
        lit.this
        for lit in tree.find_all(exp.Literal)
        if not lit.is_string and lit.find_ancestor(exp.Limit, exp.Offset) is None
    }


def _recall(hits: list[tuple[int, int]]) -> tuple[float, float]:
    """(micro recall, share of items fully covered) from per-item (found, total) with total > 0."""
    items = [(f, t) for f, t in hits if t > 0]
    if not items:
        return 0.0, 0.0
    micro = sum(f for f, _ in items) / sum(t for _, t in items)
    full = sum(1 for f, t in items if f == t) / len(items)
    return round(micro, 4), round(full, 4)


def _prune_tables(schema_graph, link: LinkResult, budget: int, n_seeds: int) -> set[str]:
    """Tables kept by the pruner (another engineer's module, imported lazily) seeded with the top linked tables."""
    from graphsql.schema import prune  # optional: absent in older checkouts

    seeds = link.top_tables(min(n_seeds, budget))
    if hasattr(prune, "select_tables"):  # the table choice of prune_schema, without building the sub-schema
        kept, _path = prune.select_tables(
            schema_graph, seeds, max_tables=budget, table_scores=link.table_scores
        )
        return set(kept)
    return set(
        prune.prune_schema(schema_graph, seeds, max_tables=budget, table_scores=link.table_scores).tables
    )


def measure_linking_recall(
    examples: Sequence[Example],
    schemas: dict[str, DbSchema],
    value_indexes: dict[str, ValueIndex] | None = None,
    table_ks: Sequence[int] = TABLE_KS,
    column_ks: Sequence[int] = COLUMN_KS,
    prune_budgets: Sequence[int] = (),
) -> dict:
    """Recall figures (see module docstring) of `link_schema` over ``examples``; plain numbers in a dict."""
    table_hits = {k: [] for k in table_ks}
    column_hits = {k: [] for k in column_ks}
    nonjoin_hits = {k: [] for k in column_ks}
    prune_hits: dict[tuple[int, int], list] = {(b, n): [] for b in prune_budgets for n in PRUNE_SEEDS}
    prune_sizes: dict[tuple[int, int], list] = {key: [] for key in prune_hits}
    prune_error = None
    graphs: dict = {}
    n_with_literals = literals_total = literals_found = questions_hit = 0
    n_with_matches = top1_gold = matches_total = matches_gold = 0
    n_unparsed = 0
    started = time.perf_counter()
    for ex in examples:
        schema = schemas[ex.db_id]
        gold_tables = tables_in_sql(ex.gold_sql) & {t.lower() for t in schema.table_names}
        if not gold_tables:
            n_unparsed += 1
            continue
        gold_columns = columns_in_sql(ex.gold_sql, schema)
        index = (value_indexes or {}).get(ex.db_id)
        link = link_schema(ex.question, schema, index, evidence=ex.evidence)
        for k in table_ks:
            table_hits[k].append((len(gold_tables & set(link.top_tables(k))), len(gold_tables)))
        join_columns = {key for pair in join_conditions(ex.gold_sql) for key in pair}
        nonjoin_columns = gold_columns - join_columns
        for k in column_ks:
            top = set(link.top_columns(k))
            column_hits[k].append((len(gold_columns & top), len(gold_columns)))
            nonjoin_hits[k].append((len(nonjoin_columns & top), len(nonjoin_columns)))
        if index is not None:
            gold_literals = string_literals(ex.gold_sql, schema)
            gold_values = gold_literals | number_literals(ex.gold_sql)
            matched = [normalize_text(m.value) for m in link.matched_values]
            if gold_literals:
                n_with_literals += 1
                found = gold_literals & set(matched)
                literals_total += len(gold_literals)
                literals_found += len(found)
                questions_hit += bool(found)
            if matched:
                n_with_matches += 1
                top1_gold += matched[0] in gold_values
                matches_total += len(matched)
                matches_gold += sum(m in gold_values for m in matched)
        if prune_budgets and prune_error is None:
            try:
                if ex.db_id not in graphs:
                    from graphsql.schema.graph import build_schema_graph

                    graphs[ex.db_id] = build_schema_graph(schema)
                for b, n in prune_hits:
                    kept = _prune_tables(graphs[ex.db_id], link, b, n)
                    prune_hits[b, n].append((len(gold_tables & kept), len(gold_tables)))
                    prune_sizes[b, n].append(len(kept))
            except Exception as err:  # optional figure: record why it is missing, keep the rest
                prune_error = f"{type(err).__name__}: {err}"
                log.warning("prune_schema unavailable: %s", prune_error)

    out: dict = {"n_questions": len(table_hits[table_ks[0]]), "n_skipped_no_gold_tables": n_unparsed}
    recalls = {k: _recall(v) for k, v in table_hits.items()}
    out["table_recall_at_k"] = {str(k): r[0] for k, r in recalls.items()}
    out["all_tables_in_top_k"] = {str(k): r[1] for k, r in recalls.items()}
    crecalls = {k: _recall(v) for k, v in column_hits.items()}
    out["n_questions_with_gold_columns"] = sum(1 for f, t in column_hits[column_ks[0]] if t)
    out["column_recall_at_k"] = {str(k): r[0] for k, r in crecalls.items()}
    out["all_columns_in_top_k"] = {str(k): r[1] for k, r in crecalls.items()}
    nrecalls = {k: _recall(v) for k, v in nonjoin_hits.items()}
    out["non_join_column_recall_at_k"] = {str(k): r[0] for k, r in nrecalls.items()}
    out["all_non_join_columns_in_top_k"] = {str(k): r[1] for k, r in nrecalls.items()}
    if value_indexes:
        out["values"] = {
            "questions_with_gold_literals": n_with_literals,
            "gold_literal_recall": round(literals_found / literals_total, 4) if literals_total else 0.0,
            "questions_with_a_gold_literal_matched": round(questions_hit / n_with_literals, 4)
            if n_with_literals
            else 0.0,
            "questions_with_matches": n_with_matches,
            "top1_match_is_gold_literal": round(top1_gold / n_with_matches, 4) if n_with_matches else 0.0,
            "match_precision": round(matches_gold / matches_total, 4) if matches_total else 0.0,
        }
    if prune_budgets:
        if prune_error is None:
            out["after_prune"] = {}
            for n in PRUNE_SEEDS:
                pr = {b: _recall(prune_hits[b, n]) for b in prune_budgets}
                out["after_prune"][f"seeds_top{n}"] = {
                    "table_recall_at_budget": {str(b): r[0] for b, r in pr.items()},
                    "all_tables_kept_at_budget": {str(b): r[1] for b, r in pr.items()},
                    "mean_tables_kept": {
                        str(b): round(sum(prune_sizes[b, n]) / max(1, len(prune_sizes[b, n])), 3)
                        for b in prune_budgets
                    },
                }
            out["after_prune"]["how"] = (
                "prune.select_tables(graph, top-n linked tables, max_tables=budget, table_scores=link scores); "
                "graph = build_schema_graph(schema) with inferred FKs"
            )
        else:
            out["after_prune"] = {"error": prune_error}
    out["seconds"] = round(time.perf_counter() - started, 2)
    return out


def _git_commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        )
        return head.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _prune_available() -> bool:
    return (Path(__file__).resolve().parents[1] / "schema" / "prune.py").exists()


# Spider dev reworded with synonyms (questions; questions and schema names), renamed schemas, and GeoQuery (a
# database of another domain): `graphsql data robust` builds the first three
PROBES = (("spider", "dev_synonym"), ("spider", "dev_schema_synonym"), ("spider", "dev_rename"), ("geo", "all"))


def run_linking_recall(limit: int | None = None, with_bird: bool = True, with_prune: bool = True) -> dict:
    """Measure on Spider dev (runnable items, value indexes) and BIRD dev (schemas + evidence)."""
    started = time.perf_counter()
    budgets = PRUNE_BUDGETS if with_prune and _prune_available() else ()
    results: dict = {}
    spider = load_dataset("spider", "dev")
    examples = spider.runnable()[:limit] if limit else spider.runnable()
    t0 = time.perf_counter()
    indexes = {
        db_id: build_value_index(spider.db_path(db_id)) for db_id in sorted({e.db_id for e in examples})
    }
    index_seconds = round(time.perf_counter() - t0, 2)
    results["spider_dev"] = measure_linking_recall(examples, spider.schemas, indexes, prune_budgets=budgets)
    results["spider_dev"]["value_index_seconds"] = index_seconds
    results["spider_dev"]["value_index_sizes"] = {d: ix.num_values for d, ix in indexes.items()}
    if with_bird:
        bird = load_dataset("bird", "dev")
        bexamples = bird.examples[:limit] if limit else bird.examples
        results["bird_dev"] = measure_linking_recall(bexamples, bird.schemas, None, prune_budgets=budgets)
        results["bird_dev"]["note"] = (
            "schemas, descriptions and evidence only: no databases, so no value index"
        )
    results["probes"] = {}
    for name, split in PROBES:  # the questions and schemas of issue 25's probes: how much of their gap is linking
        ds = load_dataset(name, split)
        pexamples = ds.runnable()[:limit] if limit else ds.runnable()
        pindexes = {d: build_value_index(ds.db_path(d)) for d in sorted({e.db_id for e in pexamples})}
        results["probes"][f"{name}_{split}"] = measure_linking_recall(pexamples, ds.schemas, pindexes,
                                                                     prune_budgets=budgets)
    results["total_seconds"] = round(time.perf_counter() - started, 2)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m graphsql.experiments.linking_recall", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--out", type=Path, default=layout.analysis_file(Path("results"), "linking_recall.json"), help="where to write the JSON"
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="first N questions of each split (smoke runs)"
    )
    parser.add_argument("--no-bird", action="store_true", help="skip BIRD dev")
    parser.add_argument("--no-prune", action="store_true", help="skip recall after prune_schema")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    results = run_linking_recall(args.limit, with_bird=not args.no_bird, with_prune=not args.no_prune)
    from graphsql.schema import values as values_mod

    record = {
        "command": "python -m graphsql.experiments.linking_recall "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "settings": {
            "table_ks": list(TABLE_KS),
            "column_ks": list(COLUMN_KS),
            "limit": args.limit,
            "max_values_per_column": values_mod.DEFAULT_MAX_VALUES_PER_COLUMN,
            "max_value_length": values_mod.DEFAULT_MAX_VALUE_LENGTH,
            "max_rows_scanned": values_mod.DEFAULT_MAX_ROWS_SCANNED,
            "fuzzy_threshold": 0.85,
            "max_value_matches": 20,
            "spider_examples": "spider dev, runnable() (database present)",
            "bird_examples": "bird dev, all (schema only)" if not args.no_bird else None,
            "prune_budgets": list(PRUNE_BUDGETS) if (not args.no_prune and _prune_available()) else [],
            "prune_seeds": list(PRUNE_SEEDS),
        },
        **results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %s", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
