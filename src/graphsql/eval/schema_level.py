"""Schema-level scores for when there is no database content (BIRD offline): does the prediction run on an
empty database with the right schema, and does it use the gold's tables and columns?

    >>> ds = load_dataset("bird", "dev")
    >>> m = schema_level_metrics(ds.examples, preds, ds.schemas)
    >>> m["executable"], m["tables"]["f1"], m["columns"]["f1"]

`build_empty_database` writes a SQLite file with the tables, declared types, primary and foreign keys of a
`DbSchema` (no rows). `schema_level_metrics` builds one per database in a temporary folder, runs each
prediction there read-only, and compares the (table) and (table, column) sets of prediction and gold,
case-folded, with table aliases and unqualified columns resolved through each SELECT's FROM clause.
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlglot import exp

from graphsql.data.records import DbSchema, Example
from graphsql.errors import DataError
from graphsql.eval.execute import execute_sql
from graphsql.eval.files import check_counts
from graphsql.sql.parse import alias_map, try_parse

# Spider/BIRD tables.json column types -> SQLite declared types (other declared types are kept as they are)
_TYPE_MAP = {"number": "NUMERIC", "text": "TEXT", "time": "TEXT", "boolean": "INTEGER", "others": "", "": ""}
_SAFE_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9 _]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_type(declared: str) -> str:
    low = (declared or "").strip().lower()
    if low in _TYPE_MAP:
        return _TYPE_MAP[low]
    return declared.strip() if _SAFE_TYPE.match(declared.strip()) else ""


def create_table_statements(schema: DbSchema) -> list[str]:
    """The CREATE TABLE statements `build_empty_database` runs (quoted names, types, PKs, FKs)."""
    known = {t.name.lower() for t in schema.tables}
    out = []
    for table in schema.tables:
        parts = [f"{_q(c.name)} {_sql_type(c.type)}".rstrip() for c in table.columns]
        pks = table.primary_keys
        if pks:
            parts.append(f"PRIMARY KEY ({', '.join(_q(c.name) for c in pks)})")
        for fk in schema.foreign_keys:
            if fk.table.lower() == table.name.lower() and fk.ref_table.lower() in known:
                parts.append(f"FOREIGN KEY ({_q(fk.column)}) REFERENCES {_q(fk.ref_table)} ({_q(fk.ref_column)})")
        out.append(f"CREATE TABLE {_q(table.name)} (\n  " + ",\n  ".join(parts) + "\n)")
    return out


def build_empty_database(schema: DbSchema, path: str | Path) -> Path:
    """Create an empty SQLite database at ``path`` with ``schema``'s tables; raises `DataError` if ``path``
    already exists (it is never overwritten) or a statement fails."""
    path = Path(path)
    if path.exists():
        raise DataError(f"{path}: already exists; not overwriting it with an empty database")
    conn = sqlite3.connect(path)
    try:
        for stmt in create_table_statements(schema):
            try:
                conn.execute(stmt)
            except sqlite3.Error as err:
                raise DataError(f"{path}: cannot create a table of {schema.db_id} ({err}): {stmt[:80]}") from err
        conn.commit()
    finally:
        conn.close()
    return path


def sql_tables_and_columns(sql: str, schema: DbSchema) -> tuple[set[str], set[tuple[str, str]]] | None:
    """Case-folded tables and ``(table, column)`` pairs a query uses, aliases resolved; unqualified columns
    are looked up in the tables of their SELECT (then the enclosing ones). None if sqlglot cannot parse it.
    CTE names and names unknown to the schema are left out of both sets."""
    tree = try_parse(sql)
    if tree is None:
        return None
    known = {t.name.lower(): {c.name.lower() for c in t.columns} for t in schema.tables}
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    tables = {t.name.lower() for t in tree.find_all(exp.Table) if t.name and t.name.lower() not in ctes}
    tables &= set(known)
    columns = set()
    for col in tree.find_all(exp.Column):
        if isinstance(col.this, exp.Star):
            continue
        name = col.name.lower()
        scopes, select = [], col.parent_select
        while select is not None:  # its own SELECT first, then the enclosing ones (correlated subqueries)
            scopes.append(alias_map(select))
            select = select.parent_select
        if col.table:
            qualifier = col.table.lower()
            table = next((s[qualifier] for s in scopes if qualifier in s), qualifier)
            if table in known and name in known[table]:
                columns.add((table, name))
            continue
        for scope in scopes:
            hit = next((t for t in dict.fromkeys(scope.values()) if t in known and name in known[t]), None)
            if hit is not None:
                columns.add((hit, name))
                break
    return tables, columns


def _prf(pred: set, gold: set) -> tuple[float, float, float]:
    if not pred and not gold:
        return 1.0, 1.0, 1.0
    hit = len(pred & gold)
    p = hit / len(pred) if pred else 0.0
    r = hit / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def schema_level_metrics(
    golds: Sequence[Example], preds: Sequence[str], schemas: Mapping[str, DbSchema], timeout: float = 10.0
) -> dict:
    """Share of predictions that run without error on an empty database of their schema, and table-set /
    column-set precision, recall and F1 (averaged over questions) of prediction vs gold.

    Returns ``{"n", "executable", "gold_executable", "tables": {"precision","recall","f1","exact"},
    "columns": {...}, "items": [...]}``. A prediction sqlglot cannot parse scores 0 on both sets."""
    check_counts(len(golds), len(preds))
    items = []
    with tempfile.TemporaryDirectory(prefix="graphsql-empty-") as tmp:
        dbs: dict[str, Path] = {}
        for pos, (ex, pred_sql) in enumerate(zip(golds, preds)):
            schema = schemas.get(ex.db_id)
            if schema is None:
                raise DataError(f"no schema for db_id {ex.db_id!r} (question {pos})")
            if ex.db_id not in dbs:
                dbs[ex.db_id] = build_empty_database(schema, Path(tmp) / f"{len(dbs)}.sqlite")
            pred_run = execute_sql(dbs[ex.db_id], pred_sql or "", timeout=timeout)
            gold_run = execute_sql(dbs[ex.db_id], ex.gold_sql, timeout=timeout)
            gold_sets = sql_tables_and_columns(ex.gold_sql, schema) or (set(), set())
            pred_sets = sql_tables_and_columns(pred_sql or "", schema)
            if pred_sets is None:
                t_prf, c_prf, t_exact, c_exact = (0.0, 0.0, 0.0), (0.0, 0.0, 0.0), False, False
            else:
                t_prf, c_prf = _prf(pred_sets[0], gold_sets[0]), _prf(pred_sets[1], gold_sets[1])
                t_exact, c_exact = pred_sets[0] == gold_sets[0], pred_sets[1] == gold_sets[1]
            items.append({
                "idx": ex.idx if ex.idx >= 0 else pos,
                "db_id": ex.db_id,
                "executable": pred_run.ok,
                "error": pred_run.error_kind or "ok",
                "error_message": pred_run.error,
                "gold_executable": gold_run.ok,
                "tables": dict(zip(("precision", "recall", "f1"), t_prf), exact=t_exact),
                "columns": dict(zip(("precision", "recall", "f1"), c_prf), exact=c_exact),
                "difficulty": ex.difficulty or None,
            })

    def agg(kind: str) -> dict:
        return {k: _mean([i[kind][k] for i in items]) for k in ("precision", "recall", "f1", "exact")}

    return {
        "n": len(items),
        "executable": _mean([float(i["executable"]) for i in items]),
        "gold_executable": _mean([float(i["gold_executable"]) for i in items]),
        "tables": agg("tables"),
        "columns": agg("columns"),
        "items": items,
    }
