"""How well the schema graph covers what Spider's gold SQL joins, and how many gold tables pruning keeps.

    python -m graphsql.experiments.graph_coverage --out results/analyses/graph_coverage.json [--limit 200]

Three measurements, on Spider train and dev:

1. ``joins``: the share of gold join conditions (``graphsql.sql.parse.join_conditions``) that are declared FK
   edges, and declared-or-inferred ones; and the share of multi-table questions whose gold tables the
   declared (resp. declared + inferred) FK graph connects.
2. ``fk_inference``: inferred FKs against declared ones, on databases that declare some, with the declared
   ones hidden from inference; precision and recall (as undirected column pairs) at several thresholds.
3. ``pruning``: per table budget, the mean share of gold tables kept by `select_tables`, the share of
   questions with all gold tables kept, and the mean number kept, for these seeds:
   ``first_gold_table`` (oracle: the first table of the gold FROM, then graph expansion),
   ``lexical_top1`` (oracle-free: the table whose name best matches the question, then graph expansion),
   ``lexical_scores`` (the same seed, with the lexical scores of all tables ranking the frontier), and
   ``lexical_only`` (no graph: the top-k tables by lexical score, a baseline).
   The lexical scorer is a stand-in for the schema linker, which other code will supply as seeds/scores.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from graphsql.config import REPO_ROOT
from graphsql.config import data_root as default_data_root
from graphsql.data.records import DbSchema
from graphsql.data.spider import load_dataset
from graphsql.experiments import layout
from graphsql.schema.graph import EdgeKind, SchemaGraph, build_schema_graph, join_path
from graphsql.schema.infer import infer_foreign_keys, singularize
from graphsql.schema.prune import select_tables
from graphsql.sql.parse import join_conditions, tables_in_sql, try_parse

log = logging.getLogger(__name__)

THRESHOLDS = (0.5, 0.7, 0.9)
MIN_CONFIDENCE = 0.5
NEIGHBOURS = 2
SEED_STRATEGIES = ("first_gold_table", "lexical_top1", "lexical_scores", "lexical_only")
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    return {singularize(w) for w in _WORD.findall(text.lower().replace("_", " "))}


def lexical_table_scores(question: str, schema: DbSchema) -> dict[str, float]:
    """A crude linker: per table (lower-cased), the share of its name's words found in the question plus
    0.1 per column whose (natural) name's words all appear in it."""
    q = _words(question)
    out = {}
    for table in schema.tables:
        name_words = _words(table.natural_name or table.name) | _words(table.name)
        score = len(name_words & q) / max(1, len(name_words))
        for col in table.columns:
            cw = _words(col.natural_name or col.name)
            if cw and cw <= q and cw != {"id"}:
                score += 0.1
        out[table.name.lower()] = round(score, 4)
    return out


def _first_table(sql: str, gold: set[str]) -> str | None:
    """The first gold table in the query's own FROM (breadth-first through the parse tree)."""
    from sqlglot import exp

    tree = try_parse(sql)
    if tree is None:
        return None
    for t in tree.find_all(exp.Table):
        if t.name.lower() in gold:
            return t.name.lower()
    return None


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _git_dirty() -> bool | None:
    """Whether tracked or untracked files differ from HEAD (None if git is unavailable)."""
    try:
        out = subprocess.run(
            ["git", "status", "--porcelain"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return bool(out.strip())


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 4) if b else None


def _measure_joins(examples, graphs: dict[str, SchemaGraph]) -> dict:
    n_cond = n_decl = n_any = n_unknown = 0
    n_multi = n_conn_decl = n_conn_any = 0
    for ex in examples:
        g = graphs[ex.db_id]
        decl = {e.pair for e in g.join_edges if e.kind is EdgeKind.FOREIGN_KEY}
        anyk = {e.pair for e in g.join_edges}
        cols = {("column", *n[1:]) for n in g.graph.nodes if n[0] == "column"}
        for cond in join_conditions(ex.gold_sql):
            if ("column", *cond[0]) not in cols or ("column", *cond[1]) not in cols:
                n_unknown += 1
                continue
            n_cond += 1
            n_decl += cond in decl
            n_any += cond in anyk
        gold = {t for t in tables_in_sql(ex.gold_sql) if ("table", t) in g.graph}
        if len(gold) >= 2:
            n_multi += 1
            n_conn_decl += join_path(g, sorted(gold), use_inferred=False).is_connected
            n_conn_any += join_path(g, sorted(gold)).is_connected
    return {
        "gold_join_conditions": n_cond,
        "unresolved_conditions": n_unknown,
        "share_declared_fk": _ratio(n_decl, n_cond),
        "share_declared_or_inferred_fk": _ratio(n_any, n_cond),
        "multi_table_questions": n_multi,
        "share_gold_tables_connected_declared": _ratio(n_conn_decl, n_multi),
        "share_gold_tables_connected_declared_or_inferred": _ratio(n_conn_any, n_multi),
    }


def _measure_inference(schemas: dict[str, DbSchema]) -> dict:
    """Infer with declared FKs hidden and compare, as undirected column pairs, at each threshold."""
    counts = {th: [0, 0] for th in THRESHOLDS}  # threshold -> [predicted, correct]
    n_declared = n_dbs = with_values = 0
    for db_id in sorted(schemas):
        schema = schemas[db_id]
        if not schema.foreign_keys:
            continue
        n_dbs += 1
        path = schema.db_path if schema.db_path is not None and schema.db_path.exists() else None
        with_values += path is not None
        declared = {tuple(sorted(f.key)) for f in schema.foreign_keys}
        n_declared += len(declared)
        inferred = infer_foreign_keys(replace(schema, foreign_keys=()), path, min_confidence=min(THRESHOLDS))
        for th in THRESHOLDS:
            pred = {tuple(sorted(f.key)) for f in inferred if f.confidence >= th}
            counts[th][0] += len(pred)
            counts[th][1] += len(pred & declared)
    return {
        "databases": n_dbs,
        "databases_with_sqlite_file": with_values,
        "declared_fk_pairs": n_declared,
        "note": "Spider's declared FKs are incomplete, so precision here is a lower bound: most 'wrong' "
        "inferred FKs inspected (e.g. baseball_1 batting.team_id -> team.team_id) are real undeclared ones.",
        "by_threshold": {
            str(th): {"inferred": p, "correct": c, "precision": _ratio(c, p), "recall": _ratio(c, n_declared)}
            for th, (p, c) in counts.items()
        },
    }


def _measure_pruning(examples, graphs: dict[str, SchemaGraph], budgets: Sequence[int]) -> dict:
    stats = {
        (group, s, b): [0, 0.0, 0, 0]  # questions, summed recall, all-kept count, summed kept size
        for group in ("all", "multi_table")
        for s in SEED_STRATEGIES
        for b in budgets
    }
    cache: dict[tuple, tuple[str, ...]] = {}
    for ex in examples:
        g = graphs[ex.db_id]
        gold = {t for t in tables_in_sql(ex.gold_sql) if ("table", t) in g.graph}
        if not gold:
            continue
        groups = ("all", "multi_table") if len(gold) >= 2 else ("all",)
        scores = lexical_table_scores(ex.question, g.schema)
        order = list(g.tables.nodes)
        ranked = sorted(order, key=lambda t: (-scores.get(t, 0.0), order.index(t)))
        first = _first_table(ex.gold_sql, gold) or sorted(gold)[0]
        for b in budgets:
            for s in SEED_STRATEGIES:
                if s == "first_gold_table":
                    key = (ex.db_id, first, b)
                    if key not in cache:
                        cache[key] = select_tables(g, [first], b, NEIGHBOURS)[0]
                    kept = cache[key]
                elif s == "lexical_top1":
                    key = (ex.db_id, ranked[0], b)
                    if key not in cache:
                        cache[key] = select_tables(g, [ranked[0]], b, NEIGHBOURS)[0]
                    kept = cache[key]
                elif s == "lexical_scores":
                    kept = select_tables(g, [ranked[0]], b, NEIGHBOURS, table_scores=scores)[0]
                else:
                    kept = tuple(ranked[:b])
                hit = len(gold & set(kept))
                for group in groups:
                    row = stats[(group, s, b)]
                    row[0] += 1
                    row[1] += hit / len(gold)
                    row[2] += hit == len(gold)
                    row[3] += len(kept)
    out: dict = {}
    for (group, s, b), (n, rec, full, size) in stats.items():
        out.setdefault(group, {}).setdefault(s, {})[str(b)] = {
            "questions": n,
            "mean_gold_table_recall": _ratio(rec, n),
            "share_all_gold_tables_kept": _ratio(full, n),
            "mean_tables_kept": _ratio(size, n),
        }
    return out


def measure_graph_coverage(
    out_path: str | Path | None,
    data_root: str | Path | None = None,
    budgets: Sequence[int] = (2, 3, 4, 6, 8),
    splits: Sequence[str] = ("train", "dev"),
    limit: int | None = None,
    command: str = "",
) -> dict:
    """Run the three measurements (module docstring) on Spider ``splits`` under ``data_root`` (the folder
    holding ``spider/``; default `graphsql.config.data_root`), write them as JSON to ``out_path`` (if given)
    and return them. ``limit``: first N questions per split (smoke runs)."""
    start = time.perf_counter()
    root = Path(data_root) if data_root is not None else default_data_root()
    spider_root = root / "spider"
    result: dict = {
        "command": command or "measure_graph_coverage()",
        "git_commit": _git_commit(),
        "git_dirty": _git_dirty(),
        "data": {"spider_root": str(spider_root), "splits": list(splits), "limit": limit},
        "settings": {
            "budgets": list(budgets),
            "min_confidence": MIN_CONFIDENCE,
            "neighbours": NEIGHBOURS,
            "inference_thresholds": list(THRESHOLDS),
            "seed_strategies": list(SEED_STRATEGIES),
            "value_containment": "first 2000 distinct values per column, 20M SQLite VM steps per check",
        },
        "splits": {},
    }
    all_schemas: dict[str, DbSchema] = {}
    for split in splits:
        t0 = time.perf_counter()
        ds = load_dataset("spider", split, root=spider_root)
        examples = ds.examples[:limit] if limit else ds.examples
        all_schemas.update({e.db_id: ds.schemas[e.db_id] for e in examples})
        graphs = {
            db_id: build_schema_graph(ds.schemas[db_id], min_confidence=MIN_CONFIDENCE)
            for db_id in sorted({e.db_id for e in examples})
        }
        n_inferred = sum(len(g.inferred_fks) for g in graphs.values())
        result.setdefault("inferred_fks_added", []).extend(
            {
                "db_id": g.db_id,
                "fk": f"{f.table}.{f.column} -> {f.ref_table}.{f.ref_column}",
                "confidence": f.confidence,
                "containment": f.containment,
                "rule": f.rule,
            }
            for g in graphs.values()
            for f in g.inferred_fks
        )
        result["splits"][split] = {
            "questions": len(examples),
            "databases": len(graphs),
            "databases_with_sqlite_file": sum(1 for g in graphs.values() if ds.db_path(g.db_id) is not None),
            "declared_fks": sum(len(g.schema.foreign_keys) for g in graphs.values()),
            "inferred_fks_added": n_inferred,
            "joins": _measure_joins(examples, graphs),
            "pruning": _measure_pruning(examples, graphs, budgets),
        }
        log.info("%s: %d questions in %.1fs", split, len(examples), time.perf_counter() - t0)
    result["fk_inference"] = _measure_inference(all_schemas)
    result["key_inference"] = _measure_key_inference(all_schemas, root)
    result["elapsed_s"] = round(time.perf_counter() - start, 1)
    if out_path is not None:
        out = Path(out_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return result


def _measure_key_inference(schemas: dict[str, DbSchema], data_root: Path | None = None) -> dict:
    """What `infer_foreign_keys(..., infer_keys=True)` (keys of keyless tables, references by value; what `ask`
    uses) adds: on Spider's databases as they are, with their declared FKs hidden (how many of the added ones
    are declared), and with every key hidden, primary ones too (the declared FKs found without and with it:
    precision and recall as undirected column pairs); and on GeoQuery, which declares no keys, every FK it finds."""
    from graphsql.data.spider import DEFAULT_DIRS
    from graphsql.data.sqlite import connect_readonly
    from graphsql.schema.infer import infer_primary_keys

    def fks(schema, keys):
        return {f.key: f for f in infer_foreign_keys(schema, min_confidence=MIN_CONFIDENCE, infer_keys=keys)}

    changed, added, hidden_added, hidden_declared = [], 0, 0, 0
    keyless = {keys: {"found": 0, "declared": 0, "of_declared_found": 0} for keys in ("without", "with")}
    for db_id, schema in sorted(schemas.items()):
        if schema.db_path is None or not Path(schema.db_path).exists():
            continue
        extra = set(fks(schema, True)) - set(fks(schema, False))
        if extra:
            changed.append(db_id)
            added += len(extra)
        if schema.foreign_keys:
            hidden = replace(schema, foreign_keys=())
            new = set(fks(hidden, True)) - set(fks(hidden, False))
            declared = {frozenset(fk.key) for fk in schema.foreign_keys}
            hidden_added += len(new)
            hidden_declared += sum(frozenset(k) in declared for k in new)
            # every key hidden, primary ones too (a database that declares none): what inference finds
            bare = replace(hidden, tables=tuple(replace(t, columns=tuple(replace(c, is_primary=False) for c in t.columns))
                                                for t in hidden.tables))
            for name, keys in (("without", False), ("with", True)):
                got = {frozenset(k) for k in fks(bare, keys)}
                keyless[name]["found"] += len(got)
                keyless[name]["declared"] += len(declared)
                keyless[name]["of_declared_found"] += len(got & declared)
    out = {"spider": {"databases": len(schemas), "databases_changed": changed, "fks_added": added,
                      "declared_hidden": {"fks_added": hidden_added, "of_which_declared": hidden_declared},
                      "all_keys_hidden": {f"{name} infer_keys": {
                          **v, "precision": round(v["of_declared_found"] / v["found"], 4) if v["found"] else None,
                          "recall": round(v["of_declared_found"] / v["declared"], 4) if v["declared"] else None}
                          for name, v in keyless.items()}}}
    try:
        geo = load_dataset("geo", "all", root=data_root / DEFAULT_DIRS["geo"] if data_root else None)
    except Exception as err:  # GeoQuery is optional data
        log.info("no GeoQuery: %s", err)
        return out
    for db_id, schema in geo.schemas.items():
        if schema.db_path is None or not Path(schema.db_path).exists():
            continue
        conn = connect_readonly(schema.db_path)
        try:
            keys = infer_primary_keys(schema, conn)
        finally:
            conn.close()
        out.setdefault("geo", {})[db_id] = {
            "declared_keys": sum(len(t.primary_keys) for t in schema.tables), "declared_fks": len(schema.foreign_keys),
            "keys_inferred": keys, "fks_without_keys": len(fks(schema, False)),
            "fks_with_keys": [f"{f.table}.{f.column} -> {f.ref_table}.{f.ref_column} ({f.rule})"
                              for f in fks(schema, True).values()]}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Schema-graph coverage of Spider gold joins and tables.")
    parser.add_argument("--out", default=str(layout.analysis_file(Path("results"), "graph_coverage.json")), help="JSON file to write")
    parser.add_argument(
        "--data-root", default=None, help="folder holding spider/ (default: config.data_root())"
    )
    parser.add_argument("--budgets", default="2,3,4,6,8", help="comma-separated table budgets")
    parser.add_argument("--limit", type=int, default=None, help="first N questions per split")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    argv_list = list(argv) if argv is not None else sys.argv[1:]
    command = "python -m graphsql.experiments.graph_coverage " + " ".join(argv_list)
    budgets = tuple(int(b) for b in args.budgets.split(",") if b.strip())
    res = measure_graph_coverage(args.out, args.data_root, budgets, limit=args.limit, command=command.strip())
    log.info("wrote %s in %.1fs", args.out, res["elapsed_s"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
