"""Schema-aware fixes of generated SQL that need no model: done before a candidate is executed.

    >>> fix_column_qualifiers("SELECT T2.name FROM singer AS T1 JOIN concert AS T2 ON ...", schema)
    'SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON ...'

Small models often put a column behind the wrong alias (``T2.name`` where only ``T1``'s table has ``name``): a
third of the bare 0.5B model's failures on Spider dev are "no such column", and most of those name a column that
one other table of the same SELECT has. `fix_column_qualifiers` moves such a column to that table's alias.
It also respells a column that no table of the query has when exactly one column of its SELECT's tables has the
same name up to case and punctuation (``pet_type`` for ``PetType``). A query whose columns all exist is returned
unchanged, so a correct query is never touched.
"""

from __future__ import annotations

import logging
import re

from sqlglot import exp

from graphsql.data.records import DbSchema
from graphsql.sql.parse import alias_map, try_parse

log = logging.getLogger(__name__)


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _respell_columns(tree: exp.Expression, schema: DbSchema) -> bool:
    """Rename, in place, each column that no table of the query has to the one column of its SELECT's tables
    with the same squashed name (case and punctuation ignored). True if anything changed."""
    spelled = {t.name.lower(): {c.name.lower(): c.name for c in t.columns} for t in schema.tables}
    in_query = {t.name.lower() for t in tree.find_all(exp.Table)}
    known = {c for t in in_query for c in spelled.get(t, {})}
    projected = {a.alias.lower() for a in tree.find_all(exp.Alias) if a.alias}
    changed = False
    for select in tree.find_all(exp.Select):
        scope = alias_map(select, alias_only=True)
        for column in select.find_all(exp.Column):
            name = column.name.lower()
            if column.parent_select is not select or not name or name in known or name in projected:
                continue
            if column.table:
                tables = [scope[column.table.lower()]] if column.table.lower() in scope else []
            else:
                tables = sorted(set(scope.values()))
            matches = [(t, real) for t in tables for low, real in spelled.get(t, {}).items()
                       if _squash(low) == _squash(name)]
            if len(matches) == 1:
                column.set("this", exp.to_identifier(matches[0][1]))
                changed = True
    return changed


def fix_column_qualifiers(sql: str, schema: DbSchema) -> str:
    """``sql`` with every qualified column that its table lacks moved to the one other table of the same SELECT
    that has it, and every column no table of the query has respelled as the one column of its SELECT's tables
    with the same name up to case and punctuation; unchanged when nothing needs fixing, when a fix is ambiguous,
    or when the SQL does not parse."""
    tree = try_parse(sql)
    if tree is None:
        return sql
    tree = tree.copy()  # the parse is cached and shared
    columns = {t.name.lower(): {c.name.lower() for c in t.columns} for t in schema.tables}
    changed = _respell_columns(tree, schema)
    for select in tree.find_all(exp.Select):
        scope = alias_map(select, alias_only=True)
        if len(scope) < 2:
            continue
        for column in select.find_all(exp.Column):
            if column.parent_select is not select or not column.table:
                continue
            qualifier, name = column.table.lower(), column.name.lower()
            table = scope.get(qualifier)
            if table is None or table not in columns or name in columns[table]:
                continue
            owners = [q for q, t in scope.items() if name in columns.get(t, ())]
            if len(owners) != 1:
                continue
            original = next(t for t in select.find_all(exp.Table)
                            if t.parent_select is select and (t.alias or t.name).lower() == owners[0])
            column.set("table", exp.to_identifier(original.alias or original.name))
            changed = True
    if not changed:
        return sql
    fixed = tree.sql(dialect="sqlite")
    log.debug("requalified columns: %s -> %s", sql, fixed)
    return fixed
