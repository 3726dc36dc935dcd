"""Schema-aware fixes of generated SQL that need no model: done before a candidate is executed.

    >>> fix_column_qualifiers("SELECT T2.name FROM singer AS T1 JOIN concert AS T2 ON ...", schema)
    'SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON ...'

Small models often put a column behind the wrong alias (``T2.name`` where only ``T1``'s table has ``name``): a
third of the bare 0.5B model's failures on Spider dev are "no such column", and most of those name a column that
one other table of the same SELECT has. `fix_column_qualifiers` moves such a column to that table's alias. A
query whose qualified columns all exist is returned unchanged, so a correct query is never touched.
"""

from __future__ import annotations

import logging

from sqlglot import exp

from graphsql.data.records import DbSchema
from graphsql.sql.parse import alias_map, try_parse

log = logging.getLogger(__name__)


def fix_column_qualifiers(sql: str, schema: DbSchema) -> str:
    """``sql`` with every qualified column that its table lacks moved to the one other table of the same SELECT
    that has it; unchanged when nothing needs fixing, when the fix is ambiguous, or when the SQL does not parse."""
    tree = try_parse(sql)
    if tree is None:
        return sql
    tree = tree.copy()  # the parse is cached and shared
    columns = {t.name.lower(): {c.name.lower() for c in t.columns} for t in schema.tables}
    changed = False
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
