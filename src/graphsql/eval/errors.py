"""Why a prediction is wrong: one category per failed item, decided from the SQL alone (sqlglot), in a fixed order.

    >>> from graphsql.eval.errors import classify_error, error_breakdown
    >>> classify_error(item, schema)      # item: a per-item record of `graphsql.eval.metrics.evaluate`
    'wrong_join_path'

Categories, first match wins (so every failure lands in exactly one):

1. ``execution_error``: the query did not parse, failed or timed out (sub-kinds from the message, see
   `execution_kind`: unknown column, unknown table, ambiguous column, syntax, other);
2. ``wrong_tables``: it reads a different set of tables than the gold query;
3. ``wrong_join_path``: the same tables, but different join conditions (table.column pairs);
4. ``nesting``: a subquery or set operation (UNION/INTERSECT/EXCEPT) is missing, added or of another kind;
5. ``aggregation``: GROUP BY / HAVING / aggregate functions differ;
6. ``wrong_condition``: WHERE conditions differ (columns, operators or AND/OR);
7. ``wrong_columns``: the SELECT list differs;
8. ``ordering``: ORDER BY / LIMIT differ;
9. ``values_or_other``: the structure matches the gold (Spider's components, values ignored): usually a literal
   value (e.g. 'USA' vs 'United States') or a detail the components do not see.
"""

from __future__ import annotations

import re
from collections import Counter

from sqlglot import exp

from graphsql.data.records import DbSchema
from graphsql.eval.exact_match import component_matches
from graphsql.sql.parse import join_conditions, tables_in_sql, try_parse

CATEGORIES = ("execution_error", "wrong_tables", "wrong_join_path", "nesting", "aggregation", "wrong_condition",
              "wrong_columns", "ordering", "values_or_other")
EXECUTION_KINDS = (("no such column", "unknown_column"), ("no such table", "unknown_table"),
                   ("ambiguous column", "ambiguous_column"), ("syntax error", "syntax"),
                   ("incomplete input", "syntax"), ("timed out", "timeout"), ("interrupted", "timeout"))
AGGREGATES = (exp.Count, exp.Sum, exp.Avg, exp.Max, exp.Min)


def execution_kind(message: str) -> str:
    """A short kind for an execution error message (``unknown_column``, ``syntax``, ... or ``other``)."""
    low = (message or "").lower()
    for needle, kind in EXECUTION_KINDS:
        if needle in low:
            return kind
    return "other"


def _nesting_shape(tree: exp.Expression) -> tuple[int, tuple[str, ...]]:
    """(number of nested SELECTs, the set operations by kind) of a parsed query."""
    selects = sum(1 for _ in tree.find_all(exp.Select))
    set_ops = sorted(type(node).__name__ for node in tree.find_all(exp.Union, exp.Intersect, exp.Except))
    return selects - 1 - len(set_ops), tuple(set_ops)


def _aggregates(tree: exp.Expression) -> Counter:
    return Counter(type(node).__name__ for node in tree.find_all(*AGGREGATES))


def classify_error(item: dict, schema: DbSchema | None = None) -> str | None:
    """The category of a failed per-item record (``ex`` false), or None for a correct one."""
    if item.get("ex"):
        return None
    if item.get("error") in ("execution_error", "parse_error", "timeout"):
        return "execution_error"
    gold_sql, pred_sql = item.get("gold_sql", ""), item.get("pred_sql", "")
    gold, pred = try_parse(gold_sql), try_parse(pred_sql)
    if pred is None:
        return "execution_error"
    if gold is None:
        return "values_or_other"
    if tables_in_sql(pred_sql) != tables_in_sql(gold_sql):
        return "wrong_tables"
    if join_conditions(pred_sql) != join_conditions(gold_sql):
        return "wrong_join_path"
    if _nesting_shape(pred) != _nesting_shape(gold):
        return "nesting"
    components = None
    if schema is not None:
        try:
            components = component_matches(gold_sql, pred_sql, schema)
        except Exception:  # noqa: BLE001 - a gold query outside Spider's form: fall back to the coarse checks
            components = None
    if _aggregates(pred) != _aggregates(gold) or (components and not components["group"]):
        return "aggregation"
    if components is not None:
        if not (components["where"] and components["and/or"]):
            return "wrong_condition"
        if not components["select"]:
            return "wrong_columns"
        if not components["order"]:
            return "ordering"
        return "values_or_other"
    # no schema: compare clause texts
    def clause(tree, key):
        node = tree.args.get(key) if isinstance(tree, exp.Select) else None
        return re.sub(r"\s+", " ", node.sql().lower()) if node is not None else ""

    if clause(pred, "where") != clause(gold, "where"):
        return "wrong_condition"
    if [e.sql().lower() for e in pred.expressions] != [e.sql().lower() for e in gold.expressions]:
        return "wrong_columns"
    if clause(pred, "order") != clause(gold, "order") or clause(pred, "limit") != clause(gold, "limit"):
        return "ordering"
    return "values_or_other"


def table_set_relation(pred_sql: str, gold_sql: str) -> str | None:
    """How the tables a prediction reads relate to the gold's: ``same``, ``extra`` (a strict superset: it joins
    tables the question does not need), ``missing`` (a strict subset), ``different``; None if it does not parse."""
    if not isinstance(try_parse(pred_sql), exp.Query):  # unparseable, or not a query at all
        return None
    pred, gold = tables_in_sql(pred_sql), tables_in_sql(gold_sql)
    if pred == gold:
        return "same"
    if pred > gold:
        return "extra"
    if pred < gold:
        return "missing"
    return "different"


def error_breakdown(items: list[dict], schemas: dict[str, DbSchema] | None = None, examples_per_category: int = 2
                    ) -> dict:
    """Counts of each category over the failed ``items`` (overall and by JOIN bucket), execution-error kinds,
    and a few examples of each category (the first ones in item order)."""
    schemas = schemas or {}
    counts: Counter = Counter()
    by_joins: dict[str, Counter] = {}
    kinds: Counter = Counter()
    examples: dict[str, list[dict]] = {}
    tables: Counter = Counter()
    failed = 0
    for item in items:
        category = classify_error(item, schemas.get(item.get("db_id")))
        if category is None:
            continue
        failed += 1
        counts[category] += 1
        relation = table_set_relation(item.get("pred_sql", ""), item.get("gold_sql", ""))
        tables[relation or "unparsed"] += 1
        by_joins.setdefault(str(item.get("joins_bucket")), Counter())[category] += 1
        if category == "execution_error":
            kinds[execution_kind(item.get("error_message", "")) if item.get("error") != "parse_error" else "syntax"] += 1
        if len(examples.setdefault(category, [])) < examples_per_category:
            examples[category].append({k: item.get(k) for k in ("idx", "db_id", "gold_sql", "pred_sql",
                                                                "error_message")})
    return {
        "n": len(items),
        "failed": failed,
        "counts": {c: counts.get(c, 0) for c in CATEGORIES},
        "by_joins": {b: {c: n for c, n in sorted(cnt.items())} for b, cnt in sorted(by_joins.items())},
        "execution_kinds": dict(kinds.most_common()),
        # every wrong answer (execution errors included): its tables against the gold's
        "tables_vs_gold": {k: tables.get(k, 0) for k in ("same", "extra", "missing", "different", "unparsed")},
        "examples": examples,
    }
