"""Schema-aware fixes of generated SQL that need no model: done before a candidate is executed.

    >>> fix_column_qualifiers("SELECT T2.name FROM singer AS T1 JOIN concert AS T2 ON ...", schema)
    'SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON ...'

Small models often put a column behind the wrong alias (``T2.name`` where only ``T1``'s table has ``name``): a
third of the bare 0.5B model's failures on Spider dev are "no such column", and most of those name a column that
one other table of the same SELECT has. `fix_column_qualifiers` moves such a column to that table's alias.
It also respells a column that no table of the query has when exactly one column of its SELECT's tables has the
same name up to case and punctuation (``pet_type`` for ``PetType``). A query whose columns all exist is returned
unchanged, so a correct query is never touched.

`fix_join_paths` uses the schema graph: the fine-tuned model's commonest failure on questions with two or more
JOINs is a shortcut, two tables joined directly on columns that no foreign key links
(``continents JOIN car_makers ON T1.ContId = T2.Continent``) where the schema needs a bridge table
(``countries``). Each such JOIN is rewritten along the graph's FK path, bridge tables joined in under new aliases.
`join_missing_tables` handles the other half of "no such column": a column that no table of its SELECT has but
exactly one table one foreign key away has (``SELECT Name FROM countrylanguage``) is read from that table, joined
in on the FK. `repair_sql` runs the fixes in order; `graphsql ask` applies it to every candidate.

    >>> fix_join_paths("SELECT ... FROM continents AS T1 JOIN car_makers AS T2 ON T1.ContId = T2.Continent", graph)
    'SELECT ... FROM continents AS T1 JOIN countries AS J1 ON T1.contid = J1.continent JOIN car_makers AS T2 ON ...'
"""

from __future__ import annotations

import logging
import re

import networkx as nx
from sqlglot import exp

from graphsql.data.records import DbSchema
from graphsql.schema.graph import JoinEdge, SchemaGraph
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


MAX_BRIDGES = 2  # a shortcut is rewritten through at most this many bridge tables


def _condition(edge: JoinEdge, left_table: str, left_q: str, right_q: str) -> exp.EQ:
    """``left_q.col = right_q.col`` for the FK ``edge`` between the table ``left_table`` (qualifier ``left_q``) and
    the other table of the edge (qualifier ``right_q``)."""
    left_col, right_col = ((edge.column, edge.ref_column) if edge.table == left_table
                           else (edge.ref_column, edge.column))
    return exp.EQ(this=exp.column(left_col, table=left_q), expression=exp.column(right_col, table=right_q))


def _fresh_alias(taken: set[str]) -> str:
    """The first of J1, J2, ... that no table or alias of the query uses (lower-cased in ``taken``); now taken."""
    alias = next(f"J{i}" for i in range(1, 1000) if f"j{i}" not in taken)
    taken.add(alias.lower())
    return alias


def _single_join(graph: SchemaGraph, a: str, b: str) -> JoinEdge | None:
    """The one FK condition between tables ``a`` and ``b`` (declared first); None if there are several different
    ones (e.g. a flight's source and destination airport: which one is meant is unclear)."""
    joins = graph.tables.edges[a, b]["joins"]
    return joins[0] if len({edge.pair for edge in joins}) == 1 else None


def fix_join_paths(sql: str, graph: SchemaGraph, max_bridges: int = MAX_BRIDGES) -> str:
    """``sql`` with each ``JOIN t ON x.c = t.d`` whose one column equality no FK edge of ``graph`` (declared or
    inferred) backs, between two different tables that the graph connects, rewritten along the FK path between
    them: the ON condition becomes the FK's columns, and a path through bridge tables (at most ``max_bridges``, none
    of them already in that SELECT, every hop a single FK) joins them in under new aliases ``J1``, ``J2``, ...
    Unchanged when every join is backed by an FK, when a rewrite would be ambiguous, or when the SQL does not parse."""
    tree = try_parse(sql)
    if tree is None:
        return sql
    tree = tree.copy()  # the parse is cached and shared
    backed = {edge.pair for edge in graph.join_edges}
    taken = {(t.alias or t.name).lower() for t in tree.find_all(exp.Table)}
    changed = False
    for select in list(tree.find_all(exp.Select)):
        scope = alias_map(select)
        joins = select.args.get("joins") or []
        for join in list(joins):
            on, table = join.args.get("on"), join.this
            if not isinstance(on, exp.EQ) or not isinstance(table, exp.Table) or join.args.get("using"):
                continue
            left, right = on.this, on.expression
            if not (isinstance(left, exp.Column) and isinstance(right, exp.Column) and left.table and right.table):
                continue
            joined_q = (table.alias or table.name).lower()
            if right.table.lower() == joined_q:
                other = left
            elif left.table.lower() == joined_q:
                other = right
            else:
                continue
            other_t, joined_t = scope.get(other.table.lower()), table.name.lower()
            if other_t is None or other_t == joined_t or other_t not in graph.tables or joined_t not in graph.tables:
                continue
            pair = tuple(sorted([(scope[left.table.lower()], left.name.lower()),
                                 (scope[right.table.lower()], right.name.lower())]))
            if pair in backed:
                continue
            try:
                path = nx.dijkstra_path(graph.tables, other_t, joined_t, weight="weight")
            except nx.NetworkXNoPath:
                continue
            bridges = path[1:-1]
            hops = [_single_join(graph, a, b) for a, b in zip(path, path[1:], strict=False)]
            if len(bridges) > max_bridges or any(h is None for h in hops) or set(bridges) & set(scope.values()):
                continue
            qualifiers = [other.table, *(_fresh_alias(taken) for _ in bridges), table.alias or table.name]
            new_joins = [exp.Join(this=exp.Table(this=exp.to_identifier(bridge),
                                                 alias=exp.TableAlias(this=exp.to_identifier(alias))),
                                  on=_condition(hop, a, qa, qb))
                         for bridge, alias, hop, a, qa, qb in zip(bridges, qualifiers[1:], hops, path,
                                                                  qualifiers, qualifiers[1:], strict=False)]
            join.set("on", _condition(hops[-1], path[-2], qualifiers[-2], qualifiers[-1]))
            at = joins.index(join)
            joins[at:at] = new_joins
            select.set("joins", joins)  # the inserted joins get their parent
            changed = True
    if not changed:
        return sql
    fixed = tree.sql(dialect="sqlite")
    log.debug("rerouted joins: %s -> %s", sql, fixed)
    return fixed


def join_missing_tables(sql: str, graph: SchemaGraph) -> str:
    """``sql`` with each column that no table of its SELECT has, but exactly one table one foreign key away from
    them has, read from that table: it is joined in (``JOIN t AS Jn ON <the FK>``, one FK between the two tables)
    and the column qualified with it (``SELECT Name FROM countrylanguage`` -> ``... JOIN country AS J1 ON
    countrylanguage.countrycode = J1.code``, ``J1.Name``). Only plain SELECT ... FROM with table sources; unchanged
    when nothing is missing, when the table is not unique, or when the SQL does not parse."""
    tree = try_parse(sql)
    if tree is None:
        return sql
    tree = tree.copy()  # the parse is cached and shared
    columns = {t.name.lower(): {c.name.lower() for c in t.columns} for t in graph.schema.tables}
    projected = {a.alias.lower() for a in tree.find_all(exp.Alias) if a.alias}
    taken = {(t.alias or t.name).lower() for t in tree.find_all(exp.Table)}
    changed = False
    for select in list(tree.find_all(exp.Select)):
        from_ = select.args.get("from") or select.args.get("from_")
        sources = [t for t in select.find_all(exp.Table) if t.parent_select is select]
        if from_ is None or not sources or any(not isinstance(j.this, exp.Table) for j in select.args.get("joins") or []):
            continue
        in_scope = {t.name.lower(): (t.alias or t.name) for t in sources}   # table -> qualifier
        if any(t not in columns for t in in_scope):
            continue
        added: dict[str, str] = {}   # table joined in -> its alias
        unqualified: list[tuple[exp.Column, str]] = []   # columns of a table in scope, written without a qualifier
        qualifiers = {q.lower() for q in in_scope.values()}
        for column in list(select.find_all(exp.Column)):
            name = column.name.lower()
            if column.parent_select is not select or not name or name in projected:
                continue
            if column.table and column.table.lower() not in qualifiers:
                continue   # qualified by something else (an outer query's alias): not ours to judge
            owner = next((t for t in in_scope if name in columns[t]), None)
            if owner is not None:
                if not column.table:
                    unqualified.append((column, owner))
                continue
            owners = {(nb, t) for t in in_scope for nb in graph.tables.neighbors(t)
                      if nb not in in_scope and name in columns.get(nb, ())}
            if len(owners) != 1:
                continue
            (table, via), = owners
            edge = _single_join(graph, via, table)
            if edge is None:
                continue
            if table not in added:
                alias = added[table] = _fresh_alias(taken)
                join = exp.Join(this=exp.Table(this=exp.to_identifier(table),
                                                alias=exp.TableAlias(this=exp.to_identifier(alias))),
                                on=_condition(edge, via, in_scope[via], alias))
                select.set("joins", [*(select.args.get("joins") or []), join])
            column.set("table", exp.to_identifier(added[table]))
            changed = True
        for column, owner in unqualified:  # a joined-in table with the same column name would make it ambiguous
            if any(column.name.lower() in columns[t] for t in added):
                column.set("table", exp.to_identifier(in_scope[owner]))
    if not changed:
        return sql
    fixed = tree.sql(dialect="sqlite")
    log.debug("joined missing tables: %s -> %s", sql, fixed)
    return fixed


def repair_sql(sql: str, graph: SchemaGraph, joins: bool = True, columns: bool = True) -> str:
    """The schema-aware repairs a generated query gets before it runs, in this order: shortcut joins rerouted
    (``joins``; a shortcut's misplaced columns are what it replaces), column qualifiers and spellings fixed
    (``columns``), then tables joined in for columns that no table of their SELECT has (``joins``)."""
    if joins:
        sql = fix_join_paths(sql, graph)
    if columns:
        sql = fix_column_qualifiers(sql, graph.schema)
    if joins:
        sql = join_missing_tables(sql, graph)
    return sql
