"""Compare our Spider hardness and exact match (EM) with the official evaluator, question by question.

    PYTHONPATH=/tmp/nltkvenv/lib/python3.11/site-packages .venv/bin/python scripts/check_official_agreement.py \\
        --official /tmp/spider_official

``--official`` is a folder holding the official ``evaluation.py`` and ``process_sql.py`` (github:taoyds/spider
or taoyds/test-suite-sql-eval), kept outside the repository; they need ``nltk`` importable (the punkt data is
not needed: the script calls ``word_tokenize(..., preserve_line=True)``). Nothing is copied from them: they
are imported at run time, only to compare.

It checks, on all Spider dev items:
1. hardness of every gold query (official vs ours);
2. EM of gold against itself (must be 100 %);
3. EM of a perturbed prediction file, made deterministically from the gold by `perturb` (seeded), which
   is written to ``--perturbed`` (default ``results/analyses/perturbed_dev.sql``) and can be reused.
The official side reads each schema as the official script does where the database file is present (table
and column names from the SQLite file; read-only here) and from tables.json otherwise (wta_1).
Results and every disagreement go to ``results/analyses/eval_agreement.json``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

import sqlglot
from sqlglot import exp

from graphsql.data.spider import load_dataset
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.eval.exact_match import UnsupportedSql, exact_match, parse_spider_sql
from graphsql.eval.hardness import hardness_of
from graphsql.experiments import layout

log = logging.getLogger("check_official_agreement")
REPO = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------------------- perturbations


def _to_sql(tree: exp.Expression) -> str:
    # sqlglot writes <> for != ; the official tokenizer only knows !=
    text = tree.sql(dialect="sqlite").replace(" <> ", " != ").replace(" ON TRUE", "")
    # sqlglot writes NOT x IN (...); Spider's parser only reads x NOT IN (...)
    return re.sub(r"\bNOT ((?:\w+\.)?\w+) (IN|LIKE|BETWEEN)\b", r"\1 NOT \2", text)


def _select_nodes(tree):
    return [s for s in tree.find_all(exp.Select)]


def _p_drop_where_condition(tree, rng, schema):
    ands = [n for n in tree.find_all(exp.And) if n.find_ancestor(exp.Where)]
    if not ands:
        return None
    node = rng.choice(ands)
    node.replace(node.this if rng.random() < 0.5 else node.expression)
    return tree


def _p_drop_where(tree, rng, schema):
    selects = [s for s in _select_nodes(tree) if s.args.get("where") is not None]
    if not selects:
        return None
    rng.choice(selects).set("where", None)
    return tree


def _p_swap_column(tree, rng, schema):
    top = tree if isinstance(tree, exp.Select) else None
    if top is None:
        return None
    cols = [c for c in top.expressions if isinstance(c, exp.Column)]
    if not cols:
        return None
    col = rng.choice(cols)
    tables = [t.name for t in top.find_all(exp.Table) if t.parent_select is top]
    alias_of = {(t.alias or t.name).lower(): t.name for t in top.find_all(exp.Table) if t.parent_select is top}
    table = alias_of.get(col.table.lower()) if col.table else (tables[0] if tables else None)
    if table is None:
        return None
    try:
        choices = [c.name for c in schema.table(table).columns if c.name.lower() != col.name.lower()]
    except KeyError:
        return None
    if not choices:
        return None
    col.set("this", exp.to_identifier(rng.choice(choices)))
    return tree


def _p_change_aggregate(tree, rng, schema):
    aggs = list(tree.find_all(exp.Max, exp.Min, exp.Avg, exp.Sum))
    if not aggs:
        counts = [c for c in tree.find_all(exp.Count) if isinstance(c.this, exp.Column)]
        if not counts:
            return None
        node = rng.choice(counts)
        node.replace(exp.Max(this=node.this.copy()))
        return tree
    node = rng.choice(aggs)
    swap = {exp.Max: exp.Min, exp.Min: exp.Max, exp.Avg: exp.Sum, exp.Sum: exp.Avg}[type(node)]
    node.replace(swap(this=node.this.copy()))
    return tree


def _p_remove_join(tree, rng, schema):
    selects = [s for s in _select_nodes(tree) if s.args.get("joins")]
    if not selects:
        return None
    select = rng.choice(selects)
    joins = select.args["joins"]
    select.set("joins", joins[:-1] or None)
    return tree


def _p_flip_order(tree, rng, schema):
    ordered = list(tree.find_all(exp.Ordered))
    if not ordered:
        return None
    node = rng.choice(ordered)
    node.set("desc", not node.args.get("desc"))
    return tree


def _p_change_value(tree, rng, schema):
    literals = [lit for lit in tree.find_all(exp.Literal) if not lit.find_ancestor(exp.Limit)]
    if not literals:
        return None
    for lit in literals:
        if lit.is_string:
            lit.replace(exp.Literal.string(lit.this + "zz"))
        else:
            try:
                lit.replace(exp.Literal.number(float(lit.this) + 7 if "." in lit.this else int(lit.this) + 7))
            except ValueError:
                return None
    return tree


def _p_reorder_select(tree, rng, schema):
    if not isinstance(tree, exp.Select) or len(tree.expressions) < 2:
        return None
    tree.set("expressions", list(reversed(tree.expressions)))
    return tree


def _p_rename_aliases(tree, rng, schema):
    renames = {}
    for table in tree.find_all(exp.Table):
        if table.alias:
            new = renames.setdefault(table.alias.lower(), f"Q{len(renames) + 1}")
            table.set("alias", exp.TableAlias(this=exp.to_identifier(new)))
    if not renames:
        return None
    for col in tree.find_all(exp.Column):
        if col.table and col.table.lower() in renames:
            col.set("table", exp.to_identifier(renames[col.table.lower()]))
    return tree


def _p_and_to_or(tree, rng, schema):
    ands = [n for n in tree.find_all(exp.And) if n.find_ancestor(exp.Where) and not n.find_ancestor(exp.Between)]
    if not ands:
        return None
    node = rng.choice(ands)
    node.replace(exp.Or(this=node.this.copy(), expression=node.expression.copy()))
    return tree


def _p_drop_limit(tree, rng, schema):
    nodes = [n for n in tree.walk() if isinstance(n, (exp.Select, exp.Union, exp.Intersect, exp.Except))
             and n.args.get("limit") is not None]
    if not nodes:
        return None
    rng.choice(nodes).set("limit", None)
    return tree


def _p_change_limit_value(tree, rng, schema):
    limits = list(tree.find_all(exp.Limit))
    if not limits:
        return None
    limit = rng.choice(limits)
    limit.set("expression", exp.Literal.number(int(limit.expression.this) + 2))
    return tree


def _p_add_distinct(tree, rng, schema):
    if not isinstance(tree, exp.Select):
        return None
    tree.set("distinct", None if tree.args.get("distinct") else exp.Distinct())
    return tree


def _p_drop_group_by(tree, rng, schema):
    selects = [s for s in _select_nodes(tree) if s.args.get("group") is not None]
    if not selects:
        return None
    select = rng.choice(selects)
    select.set("group", None)
    select.set("having", None)
    return tree


def _p_union_to_except(tree, rng, schema):
    if not isinstance(tree, (exp.Union, exp.Intersect, exp.Except)):
        return None
    other = {exp.Union: exp.Except, exp.Intersect: exp.Union, exp.Except: exp.Intersect}[type(tree)]
    return other(this=tree.this.copy(), expression=tree.expression.copy(), distinct=True,
                 **{k: tree.args[k].copy() for k in ("order", "limit") if tree.args.get(k)})


def _p_swap_where_operands(tree, rng, schema):
    nodes = [n for n in tree.find_all(exp.And, exp.Or) if n.find_ancestor(exp.Where) and not n.find_ancestor(exp.Between)]
    if not nodes:
        return None
    node = rng.choice(nodes)
    node.replace(type(node)(this=node.expression.copy(), expression=node.this.copy()))
    return tree


def _p_swap_join_order(tree, rng, schema):
    if not isinstance(tree, exp.Select) or not tree.args.get("joins"):
        return None
    from_ = tree.args.get("from_") or tree.args.get("from")
    first, join = from_.this, tree.args["joins"][0]
    from_.set("this", join.this.copy())
    join.set("this", first.copy())
    return tree


def _p_foreign_key_column(tree, rng, schema):
    """Replace a SELECT/WHERE column by the column it is joined to (same values; EM maps FKs together)."""
    if not isinstance(tree, exp.Select):
        return None
    pairs = []
    for join in tree.args.get("joins") or []:
        on = join.args.get("on")
        if isinstance(on, exp.EQ) and isinstance(on.this, exp.Column) and isinstance(on.expression, exp.Column):
            pairs.append((on.this, on.expression))
    for left, right in pairs:
        for col in tree.find_all(exp.Column):
            if col.find_ancestor(exp.Join) or col.parent_select is not tree:
                continue
            for a, b in ((left, right), (right, left)):
                if col.table.lower() == a.table.lower() and col.name.lower() == a.name.lower():
                    col.replace(b.copy())
                    return tree
    return None


def _p_select_alias(tree, rng, schema):
    if not isinstance(tree, exp.Select):
        return None
    tree.expressions[0].replace(exp.alias_(tree.expressions[0].copy(), "result"))
    return tree


def _p_left_join(tree, rng, schema):
    joins = [j for s in _select_nodes(tree) for j in s.args.get("joins") or []]
    if not joins:
        return None
    rng.choice(joins).set("side", "LEFT")
    return tree


def _p_toggle_count_distinct(tree, rng, schema):
    counts = [c for c in tree.find_all(exp.Count) if not isinstance(c.this, exp.Star)]
    if not counts:
        return None
    node = rng.choice(counts)
    arg = node.this
    node.set("this", arg.expressions[0].copy() if isinstance(arg, exp.Distinct) else exp.Distinct(expressions=[arg.copy()]))
    return tree


def _p_group_by_other_table(tree, rng, schema):
    """GROUP BY the joined column of the other table (official compares GROUP BY column names only)."""
    out = _p_foreign_key_column(tree, rng, schema) if tree.args.get("group") is not None else None
    return out


PERTURBATIONS = {
    "swap_where_operands": _p_swap_where_operands,
    "swap_join_order": _p_swap_join_order,
    "foreign_key_column": _p_foreign_key_column,
    "select_alias": _p_select_alias,
    "left_join": _p_left_join,
    "toggle_count_distinct": _p_toggle_count_distinct,
    "group_by_other_table": _p_group_by_other_table,
    "drop_where_condition": _p_drop_where_condition,
    "drop_where": _p_drop_where,
    "swap_column": _p_swap_column,
    "change_aggregate": _p_change_aggregate,
    "remove_join": _p_remove_join,
    "flip_order": _p_flip_order,
    "change_value": _p_change_value,
    "reorder_select": _p_reorder_select,
    "rename_aliases": _p_rename_aliases,
    "and_to_or": _p_and_to_or,
    "drop_limit": _p_drop_limit,
    "change_limit_value": _p_change_limit_value,
    "add_distinct": _p_add_distinct,
    "drop_group_by": _p_drop_group_by,
    "set_op_swap": _p_union_to_except,
}


def perturb(gold_sql: str, schema, rng: random.Random) -> tuple[str, str]:
    """One deterministic perturbation of ``gold_sql``: ``(new_sql, perturbation_name)``; tries the
    perturbations in a seeded order and returns the gold unchanged (``"none"``) if none applies."""
    names = list(PERTURBATIONS)
    rng.shuffle(names)
    for name in names:
        try:
            tree = sqlglot.parse_one(gold_sql, read="sqlite")
            new = PERTURBATIONS[name](tree, rng, schema)
        except Exception:  # a perturbation that trips on a query is skipped
            continue
        if new is not None:
            return _to_sql(new), name
    return gold_sql, "none"


def make_perturbed(examples, schemas, seed: int, share: float) -> list[tuple[str, str]]:
    """``[(pred_sql, perturbation)]`` for every example: a seeded ``share`` of them perturbed, the rest gold."""
    rng = random.Random(seed)
    out = []
    for ex in examples:
        if rng.random() < share:
            out.append(perturb(ex.gold_sql, schemas[ex.db_id], rng))
        else:
            out.append((ex.gold_sql, "gold"))
    return out


# ------------------------------------------------------------------------------------------- official side


def load_official(folder: Path):
    """Import the official modules from ``folder`` without copying them; patch tokenization to avoid punkt."""
    sys.path.insert(0, str(folder))
    from nltk import word_tokenize

    process_sql = importlib.import_module("process_sql")
    process_sql.word_tokenize = lambda s: word_tokenize(s, preserve_line=True)
    evaluation = importlib.import_module("evaluation")
    return process_sql, evaluation


def official_schema(process_sql, schema):
    """The official ``Schema`` object: names from the SQLite file if present (read-only), else tables.json."""
    if schema.db_path is not None and schema.db_path.exists():
        schema = read_sqlite_schema(schema.db_path, schema.db_id, sample_values=0)
    return process_sql.Schema({t.name.lower(): [c.name.lower() for c in t.columns] for t in schema.tables})


def official_em_and_hardness(process_sql, evaluation, oschema, kmap, gold, pred):
    """(em 0/1, hardness, pred_parsed) as official ``evaluate()`` computes them for one question."""
    g_sql = process_sql.get_sql(oschema, gold)
    hardness = evaluation.Evaluator().eval_hardness(g_sql)
    try:
        p_sql = process_sql.get_sql(oschema, pred)
        parsed = True
    except Exception:
        p_sql = {"except": None, "from": {"conds": [], "table_units": []}, "groupBy": [], "having": [],
                 "intersect": None, "limit": None, "orderBy": [], "select": [False, []], "union": None, "where": []}
        parsed = False
    g_valid = evaluation.build_valid_col_units(g_sql["from"]["table_units"], oschema)
    g_sql = evaluation.rebuild_sql_col(g_valid, evaluation.rebuild_sql_val(g_sql), kmap)
    p_valid = evaluation.build_valid_col_units(p_sql["from"]["table_units"], oschema)
    p_sql = evaluation.rebuild_sql_col(p_valid, evaluation.rebuild_sql_val(p_sql), kmap)
    try:
        em = int(bool(evaluation.Evaluator().eval_exact_match(p_sql, g_sql)))
    except TypeError:  # official crashes when it must sort two FROM subqueries; count as a miss
        em = 0
    return em, hardness, parsed


def official_structure(process_sql, oschema, sql):
    """The official parse with its ``__t.c__`` ids turned into our ``(t, c)`` keys, for diffing."""
    def convert(obj):
        if isinstance(obj, str) and obj.startswith("__") and obj.endswith("__") and not obj.startswith("__val"):
            inner = obj[2:-2]
            if inner == "all":
                return ("*", "*")
            return tuple(inner.split(".", 1)) if "." in inner else inner
        if isinstance(obj, dict):
            return {k: convert(v) for k, v in obj.items()}
        if isinstance(obj, tuple):
            return tuple(convert(v) for v in obj)
        if isinstance(obj, list):
            return [convert(v) for v in obj]
        return obj

    return convert(process_sql.get_sql(oschema, sql))


# ------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--official", type=Path, required=True, help="folder with evaluation.py, process_sql.py")
    parser.add_argument("--spider", type=Path, default=None, help="Spider folder (default: data_root()/spider)")
    parser.add_argument("--perturbed", type=Path, default=layout.analysis_file(REPO / "results", "perturbed_dev.sql"),
                        help="perturbed prediction file; written (with a .json sidecar) if absent")
    parser.add_argument("--out", type=Path, default=layout.analysis_file(REPO / "results", "eval_agreement.json"))
    parser.add_argument("--split", default="dev", help="Spider split: dev (default) or train")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--share", type=float, default=0.5, help="share of questions perturbed")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    process_sql, evaluation = load_official(args.official)
    ds = load_dataset("spider", args.split, root=args.spider)
    root = args.spider or (ds.schemas[ds.examples[0].db_id].db_path.parents[2])
    kmaps = evaluation.build_foreign_key_map_from_json(str(root / "tables.json"))
    oschemas = {db_id: official_schema(process_sql, s) for db_id, s in ds.schemas.items()}

    sidecar = args.perturbed.with_suffix(".json")
    if args.perturbed.exists() and sidecar.exists():
        preds = args.perturbed.read_text().split("\n")[: len(ds.examples)]
        kinds = json.loads(sidecar.read_text())["perturbation"]
    else:
        made = make_perturbed(ds.examples, ds.schemas, args.seed, args.share)
        preds, kinds = [p for p, _ in made], [k for _, k in made]
        args.perturbed.parent.mkdir(parents=True, exist_ok=True)
        args.perturbed.write_text("".join(p + "\n" for p in preds))
        sidecar.write_text(json.dumps({"seed": args.seed, "share": args.share, "perturbation": kinds}) + "\n")

    start = time.monotonic()
    hard_dis, gold_dis, pert_dis, struct_dis = [], [], [], []
    pert_counts: Counter = Counter()
    hard_counts: Counter = Counter()
    n_hard_ok = n_gold_ok = n_pert_ok = 0
    official_pert_em = ours_pert_em = 0
    official_fails = []
    for ex, pred, kind in zip(ds.examples, preds, kinds):
        schema, oschema, kmap = ds.schemas[ex.db_id], oschemas[ex.db_id], kmaps[ex.db_id]
        record = {"idx": ex.idx, "db_id": ex.db_id, "gold": ex.gold_sql}
        # hardness and raw structure
        try:
            o_em_gold, o_hard, _ = official_em_and_hardness(process_sql, evaluation, oschema, kmap, ex.gold_sql,
                                                            ex.gold_sql)
        except Exception as err:  # the official parser fails on this gold: nothing to compare
            try:
                parse_spider_sql(ex.gold_sql, schema)
                ours = "parsed"
            except UnsupportedSql as our_err:
                ours = f"unsupported: {our_err}"
            official_fails.append({**record, "official_error": repr(err)[:200], "ours": ours})
            continue
        try:
            ours_struct = parse_spider_sql(ex.gold_sql, schema)
            our_hard = hardness_of(ours_struct)
        except UnsupportedSql as err:
            ours_struct, our_hard = None, f"unsupported: {err}"
        hard_counts[o_hard] += 1
        if our_hard == o_hard:
            n_hard_ok += 1
        else:
            hard_dis.append({**record, "official": o_hard, "ours": our_hard})
        if ours_struct is not None and ours_struct != official_structure(process_sql, oschema, ex.gold_sql):
            struct_dis.append(record)
        # gold vs gold
        try:
            our_em_gold = int(exact_match(ex.gold_sql, ex.gold_sql, schema))
        except UnsupportedSql as err:
            our_em_gold = f"unsupported: {err}"
        if our_em_gold == o_em_gold:
            n_gold_ok += 1
        else:
            gold_dis.append({**record, "official": o_em_gold, "ours": our_em_gold})
        # perturbed
        o_em, _, o_parsed = official_em_and_hardness(process_sql, evaluation, oschema, kmap, ex.gold_sql, pred)
        try:
            our_em = int(exact_match(ex.gold_sql, pred, schema))
        except UnsupportedSql as err:
            our_em = f"unsupported gold: {err}"
        official_pert_em += o_em
        ours_pert_em += our_em if isinstance(our_em, int) else 0
        pert_counts[(kind, o_em)] += 1
        if our_em == o_em:
            n_pert_ok += 1
        else:
            reason = ""
            try:
                parse_spider_sql(pred, schema)
            except UnsupportedSql as err:
                reason = f"ours cannot read the prediction: {err}"
            if not reason and not o_parsed:
                reason = "official parser fails on the prediction"
            pert_dis.append({**record, "pred": pred, "perturbation": kind, "official": o_em, "ours": our_em,
                             "reason": reason})
    n = len(ds.examples) - len(official_fails)
    by_kind: dict = {}
    for (kind, em), count in sorted(pert_counts.items()):
        by_kind.setdefault(kind, {"n": 0, "official_em": 0})
        by_kind[kind]["n"] += count
        by_kind[kind]["official_em"] += em * count
    result = {
        "split": args.split,
        "n": n,
        "official": str(args.official),
        "official_cannot_parse_gold": official_fails,
        "hardness_agreement": n_hard_ok / n,
        "hardness_distribution_official": dict(hard_counts),
        "structure_mismatches": len(struct_dis),
        "em_gold_vs_gold_agreement": n_gold_ok / n,
        "em_perturbed_agreement": n_pert_ok / n,
        "perturbed": {"file": str(args.perturbed), "seed": args.seed, "share": args.share,
                      "official_em": official_pert_em / n, "ours_em": ours_pert_em / n, "by_perturbation": by_kind},
        "disagreements": {"hardness": hard_dis, "em_gold": gold_dis, "em_perturbed": pert_dis,
                          "structure": struct_dis[:50]},
        "seconds": round(time.monotonic() - start, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    log.info("hardness %.4f | EM gold %.4f | EM perturbed %.4f (official EM %.3f, ours %.3f) | structures "
             "differing %d -> %s", result["hardness_agreement"], result["em_gold_vs_gold_agreement"],
             result["em_perturbed_agreement"], official_pert_em / n, ours_pert_em / n, len(struct_dis), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
