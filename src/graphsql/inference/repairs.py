"""Schema-aware repairs of generated SQL that need no model: done before a candidate is executed.

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
in on the FK. `attach_detached_joins` gives a JOIN whose condition misses its table (a cross join) the FK condition
it lacks. `repair_sql` runs the fixes in order; `graphsql ask` applies it to every candidate.

    >>> fix_join_paths("SELECT ... FROM continents AS T1 JOIN car_makers AS T2 ON T1.ContId = T2.Continent", graph)
    'SELECT ... FROM continents AS T1 JOIN countries AS J1 ON T1.contid = J1.continent JOIN car_makers AS T2 ON ...'
"""

from __future__ import annotations

import logging
import re
import sqlite3

import networkx as nx
from sqlglot import exp

from graphsql.data.records import DbSchema
from graphsql.schema.graph import JoinEdge, SchemaGraph
from graphsql.sql.parse import alias_map, fresh_alias, from_clause, try_parse

log = logging.getLogger(__name__)


def _written(sql: str, tree: exp.Expression, changed: bool, what: str) -> str:
    """``tree`` as SQLite SQL if a fix ``changed`` it (logged as ``what``), else ``sql`` untouched."""
    if not changed:
        return sql
    fixed = tree.sql(dialect="sqlite")
    log.debug("%s: %s -> %s", what, sql, fixed)
    return fixed


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


MIN_PART = 4  # a name is matched as a part of a longer one only from this many letters (squashed)
MAX_REPAIR_CHARS = 8000  # longer queries are not repaired (model answers are a few hundred characters)


def _tier(written: str, real: str, natural: str = "") -> int | None:
    """How a name the model wrote matches a schema name: 0 the same up to case and punctuation (``pet_type`` for
    ``PetType``), 1 the same as the schema's natural name (``course_name`` for ``crs_nm``, natural name "course
    name"), 2 the start or the end of the schema name or of its natural name (``free_meal_count`` for ``Free Meal
    Count (K-12)``, ``course_name`` for ``Courses Course Name``); None when none of these."""
    w, r, n = _squash(written), _squash(real), _squash(natural)
    if not w:
        return None
    if w == r:
        return 0
    if n and w == n:
        return 1
    if len(w) >= MIN_PART and any(x and x != w and (x.startswith(w) or x.endswith(w)) for x in (r, n)):
        return 2
    return None


def best_match(written: str, candidates: list[tuple], max_tier: int = 2) -> tuple | None:
    """The one candidate ``(key, real name, natural name)`` that ``written`` matches at the closest tier of
    `_tier` (at most ``max_tier``); None when no candidate matches or two match equally well."""
    by_tier: dict[int, list[tuple]] = {}
    for cand in candidates:
        tier = _tier(written, cand[1], cand[2])
        if tier is not None and tier <= max_tier:
            by_tier.setdefault(tier, []).append(cand)
    if not by_tier:
        return None
    best = by_tier[min(by_tier)]
    return best[0] if len({c[0] for c in best}) == 1 else None


def _respell_tables(tree: exp.Expression, schema: DbSchema) -> bool:
    """Rename, in place, each table that the schema lacks to the one table it matches (`best_match`). True if
    anything changed."""
    tables = [(t.name, t.name, t.natural_name) for t in schema.tables]
    known = {t.name.lower() for t in schema.tables}
    ctes = {c.alias.lower() for c in tree.find_all(exp.CTE) if c.alias}
    changed = False
    for table in tree.find_all(exp.Table):
        name = table.name
        if not name or name.lower() in known or name.lower() in ctes:
            continue
        match = best_match(name, tables)
        if match is not None:
            table.set("this", exp.to_identifier(match[0]))
            changed = True
    return changed


def _respell_columns(tree: exp.Expression, schema: DbSchema, max_tier: int = 2) -> bool:
    """Rename, in place, each column that no table of the query has to the one column of its SELECT's tables that
    it matches (`best_match`: the same name up to case and punctuation, the column's natural name, or a start or
    end of its name); a qualified column is looked for in its qualifier's table first, then in the SELECT's other
    tables (and moved to the one that has it). True if anything changed."""
    cols = {t.name.lower(): [(c.name, c.name, c.natural_name) for c in t.columns] for t in schema.tables}
    in_query = {t.name.lower() for t in tree.find_all(exp.Table)}
    known = {c[0].lower() for t in in_query for c in cols.get(t, [])}
    projected = {a.alias.lower() for a in tree.find_all(exp.Alias) if a.alias}
    changed = False
    for select in tree.find_all(exp.Select):
        scope = alias_map(select, alias_only=True)
        qualifiers: dict[str, list[str]] = {}   # table -> its qualifiers in this SELECT, as written
        for source in select.find_all(exp.Table):
            if source.parent_select is select and source.name:
                qualifiers.setdefault(source.name.lower(), []).append(source.alias or source.name)
        everywhere = sorted(set(scope.values()))
        for column in select.find_all(exp.Column):
            name = column.name.lower()
            if column.parent_select is not select or not name or name in known or name in projected:
                continue
            if column.table and column.table.lower() not in scope:
                continue  # an outer query's alias: not ours to judge
            own = scope[column.table.lower()] if column.table else None
            for tables in ([own], everywhere) if own and max_tier > 0 else ([own] if own else everywhere,):
                match = best_match(name, [((t, c[0]), c[1], c[2]) for t in tables for c in cols.get(t, [])],
                                   max_tier)
                if match is None:
                    continue
                table, real = match[0]
                if own and table != own:
                    if len(qualifiers.get(table, [])) != 1:
                        break  # the table is in the SELECT twice: which one is meant is unclear
                    column.set("table", exp.to_identifier(qualifiers[table][0]))
                column.set("this", exp.to_identifier(real))
                changed = True
                break
    return changed


def fix_column_qualifiers(sql: str, schema: DbSchema, max_tier: int = 2) -> str:
    """``sql`` with every qualified column that its table lacks moved to the one other table of the same SELECT
    that has it, and every column no table of the query has respelled as the one column of its SELECT's tables
    with the same name up to case and punctuation; unchanged when nothing needs fixing, when a fix is ambiguous,
    or when the SQL does not parse."""
    tree = try_parse(sql)
    if tree is None:
        return sql
    tree = tree.copy()  # the parse is cached and shared
    columns = {t.name.lower(): {c.name.lower() for c in t.columns} for t in schema.tables}
    changed = _respell_columns(tree, schema, max_tier)
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
    return _written(sql, tree, changed, "requalified columns")


MAX_BRIDGES = 2  # a shortcut is rewritten through at most this many bridge tables


def _condition(edge: JoinEdge, left_table: str, left_q: str, right_q: str) -> exp.EQ:
    """``left_q.col = right_q.col`` for the FK ``edge`` between the table ``left_table`` (qualifier ``left_q``) and
    the other table of the edge (qualifier ``right_q``)."""
    left_col, right_col = ((edge.column, edge.ref_column) if edge.table == left_table
                           else (edge.ref_column, edge.column))
    return exp.EQ(this=exp.column(left_col, table=left_q), expression=exp.column(right_col, table=right_q))


def _single_join(graph: SchemaGraph, a: str, b: str) -> JoinEdge | None:
    """The one FK condition between tables ``a`` and ``b`` (declared first); None if there are several different
    ones (e.g. a flight's source and destination airport: which one is meant is unclear)."""
    joins = graph.tables.edges[a, b]["joins"]
    return joins[0] if len({edge.pair for edge in joins}) == 1 else None


def _qualifiers(condition: exp.Expression | None) -> set[str]:
    """The qualifiers of the columns ``condition`` names ("" for a column without one)."""
    return {c.table.lower() for c in condition.find_all(exp.Column)} if condition is not None else set()


def attach_detached_joins(sql: str, graph: SchemaGraph) -> str:
    """``sql`` with each ``JOIN t ON <condition>`` whose condition names neither ``t`` nor its alias attached to
    ``t`` along a foreign key of ``graph`` (declared or inferred). For an inner join the condition is only a filter,
    so such a table is joined to every row: a cross join. Either

    - one side of an equality is read from ``t`` instead, where ``t`` has its column and an FK edge backs the
      equality that results (``JOIN activity AS T3 ON T2.actid = T2.actid`` -> ``ON T3.actid = T2.actid``: some of
      Spider train's own gold queries write such joins, and the model trained on them writes them too); or,
    - where no condition of the SELECT (ON or WHERE) names ``t`` at all, the FK condition between ``t`` and the one
      other table of the SELECT it shares a single foreign key with is added (``... JOIN transcript_contents AS T2
      ON T1.transcript_id`` -> ``ON T1.transcript_id AND T1.transcript_id = T2.transcript_id``).

    A ``JOIN t`` without ON (read as ``ON TRUE``; Spider train's gold has a few) gets the FK condition the same way;
    ``CROSS JOIN``, ``FROM a, b`` and ``JOIN ... USING`` are left as written. Unchanged too when neither applies
    unambiguously (two ways to attach, several connected tables, ``t`` twice in the SELECT) and when the SQL does
    not parse."""
    tree = try_parse(sql)
    if tree is None:
        return sql
    tree = tree.copy()  # the parse is cached and shared
    backed = {edge.pair for edge in graph.join_edges}
    changed = False
    for select in list(tree.find_all(exp.Select)):
        scope = alias_map(select, alias_only=True)
        joins = select.args.get("joins") or []
        for join in joins:
            on, table = join.args.get("on"), join.this
            if on is None or not isinstance(table, exp.Table) or join.args.get("using"):
                continue
            joined_q, joined_t = (table.alias or table.name).lower(), table.name.lower()
            if not _qualifiers(on).isdisjoint({joined_q, ""}) or joined_t not in graph.tables:
                continue  # a column without a qualifier may be t's
            fixes = {}  # the FK condition it would become -> the side read from t
            if isinstance(on, exp.EQ) and isinstance(on.this, exp.Column) and isinstance(on.expression, exp.Column):
                columns = {c.name.lower() for c in graph.schema.table(joined_t).columns}
                for side, other in ((on.this, on.expression), (on.expression, on.this)):
                    other_t = scope.get(other.table.lower())
                    if other_t is None or other_t == joined_t or side.name.lower() not in columns:
                        continue
                    pair = tuple(sorted([(joined_t, side.name.lower()), (other_t, other.name.lower())]))
                    if pair in backed:
                        fixes.setdefault(pair, side)
            if len(fixes) == 1:  # T2.actid = T2.actid: both sides give the same condition
                next(iter(fixes.values())).set("table", exp.to_identifier(table.alias or table.name))
                changed = True
                continue
            conditions = [j.args.get("on") for j in joins] + [select.args.get("where")]
            if (any(not _qualifiers(c).isdisjoint({joined_q, ""}) for c in conditions)
                    or list(scope.values()).count(joined_t) > 1):
                continue
            connected = [(q, t, edge) for q, t in scope.items() if t != joined_t and graph.tables.has_edge(t, joined_t)
                         and (edge := _single_join(graph, t, joined_t)) is not None]
            if len(connected) == 1:
                (other_q, other_t, edge), = connected
                spelled = {(t.alias or t.name).lower(): t.alias or t.name for t in select.find_all(exp.Table)}
                condition = _condition(edge, other_t, spelled.get(other_q, other_q), table.alias or table.name)
                bare = isinstance(on, exp.Boolean) and on.this is True  # JOIN t without ON: sqlglot reads ON TRUE
                join.set("on", condition if bare else exp.and_(on, condition))
                changed = True
    return _written(sql, tree, changed, "attached joins")


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
            qualifiers = [other.table, *(fresh_alias(taken) for _ in bridges), table.alias or table.name]
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
    return _written(sql, tree, changed, "rerouted joins")


def join_missing_tables(sql: str, graph: SchemaGraph, max_tier: int = 2) -> str:
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
    spelled = {t.name.lower(): t.columns for t in graph.schema.tables}
    projected = {a.alias.lower() for a in tree.find_all(exp.Alias) if a.alias}
    taken = {(t.alias or t.name).lower() for t in tree.find_all(exp.Table)}
    changed = False
    for select in list(tree.find_all(exp.Select)):
        from_ = from_clause(select)
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
            near = {(nb, t) for t in in_scope for nb in graph.tables.neighbors(t) if nb not in in_scope}
            if len({nb for nb, _ in near}) != len(near):
                near = {(nb, t) for nb, t in near if sum(1 for n2, _ in near if n2 == nb) == 1}  # one way in
            match = best_match(name, [((nb, via, c.name), c.name, c.natural_name)
                                      for nb, via in near for c in spelled.get(nb, ())], max_tier)
            if match is None:
                continue
            table, via, real = match[0]
            edge = _single_join(graph, via, table)
            if edge is None:
                continue
            if table not in added:
                alias = added[table] = fresh_alias(taken)
                join = exp.Join(this=exp.Table(this=exp.to_identifier(table),
                                                alias=exp.TableAlias(this=exp.to_identifier(alias))),
                                on=_condition(edge, via, in_scope[via], alias))
                select.set("joins", [*(select.args.get("joins") or []), join])
            column.set("table", exp.to_identifier(added[table]))
            if real.lower() != name:
                column.set("this", exp.to_identifier(real))
            changed = True
        for column, owner in unqualified:  # a joined-in table with the same column name would make it ambiguous
            if any(column.name.lower() in columns[t] for t in added):
                column.set("table", exp.to_identifier(in_scope[owner]))
    return _written(sql, tree, changed, "joined missing tables")


_DATE_PARTS = {exp.Year: "%Y", exp.Month: "%m", exp.Day: "%d"}
_EXTRACT_PARTS = {"YEAR": "%Y", "MONTH": "%m", "DAY": "%d"}
SQLITE_HAS_CONCAT = tuple(int(x) for x in sqlite3.sqlite_version.split(".")[:2]) >= (3, 44)


def _strftime(fmt: str, value: exp.Expression) -> exp.Expression:
    return exp.Cast(this=exp.Anonymous(this="STRFTIME", expressions=[exp.Literal.string(fmt), value]),
                    to=exp.DataType.build("INTEGER"))


def fix_sqlite_functions(sql: str) -> str:
    """``sql`` with the date and string functions of other SQL dialects that SQLite lacks written in SQLite's
    terms: ``YEAR(d)``, ``MONTH(d)``, ``DAY(d)`` and ``EXTRACT(YEAR FROM d)`` as ``CAST(STRFTIME('%Y', d) AS
    INTEGER)``, and ``CONCAT(a, b)`` as ``a || b`` where the SQLite here predates CONCAT (3.44). A query without
    them is returned unchanged; so is one that does not parse."""
    tree = try_parse(sql)
    if tree is None:
        return sql
    tree = tree.copy()
    changed = False
    for node in list(tree.find_all(exp.Year, exp.Month, exp.Day, exp.Extract, exp.Concat)):
        if isinstance(node, exp.Extract):
            fmt = _EXTRACT_PARTS.get(node.name.upper())
            new = _strftime(fmt, node.expression) if fmt else None
        elif isinstance(node, exp.Concat):
            parts = node.expressions
            new = None if SQLITE_HAS_CONCAT or len(parts) < 2 else exp.Paren(this=_dpipe(parts))
        else:
            new = _strftime(_DATE_PARTS[type(node)], node.this)
        if new is not None:
            node.replace(new)
            changed = True
    return _written(sql, tree, changed, "SQLite functions")


def _dpipe(parts: list[exp.Expression]) -> exp.Expression:
    out = parts[0]
    for part in parts[1:]:
        out = exp.DPipe(this=out, expression=part)
    return out


_QUOTED = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\])""")
_SAFE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote_names(sql: str, schema: DbSchema) -> str:
    """``sql`` with each table or column name that needs quotes (spaces, brackets, hyphens: ``Song Name``,
    ``Free Meal Count (K-12)``) put in double quotes where it was written bare, case and runs of spaces aside
    (``T1.Song Name`` -> ``T1."Song Name"``). Text in quotes is left alone; a query that quotes its names, or whose
    schema needs no quotes, is returned unchanged."""
    names = {n for t in schema.tables for n in (t.name, *(c.name for c in t.columns)) if not _SAFE.match(n)}
    if not names:
        return sql
    patterns = []
    for name in sorted(names, key=len, reverse=True):  # "Enrollment (K-12)" before "Enrollment"
        body = r"\s+".join(re.escape(w) for w in name.split())
        patterns.append((re.compile(rf"(?<![\w\"`\[]){body}(?![\w\"`\]])", re.IGNORECASE), name))
    parts = _QUOTED.split(sql)
    for i in range(0, len(parts), 2):  # the even parts are outside quotes
        for pattern, name in patterns:
            quoted = '"' + name.replace('"', '""') + '"'
            parts[i] = pattern.sub(lambda _m, q=quoted: q, parts[i])
    fixed = "".join(parts)
    if fixed != sql:
        log.debug("quoted names: %s -> %s", sql, fixed)
    return fixed


def fix_table_names(sql: str, schema: DbSchema) -> str:
    """``sql`` with each table the schema lacks respelled as the one table it matches (`best_match`: the same name
    up to case and punctuation, the table's natural name, or a start or end of its name); unchanged otherwise."""
    tree = try_parse(sql)
    if tree is None:
        return sql
    tree = tree.copy()
    return _written(sql, tree, _respell_tables(tree, schema), "respelled tables")


def repair_sql(sql: str, graph: SchemaGraph, joins: bool = True, columns: bool = True, names: bool = True) -> str:
    """The schema-aware repairs a generated query gets before it runs, in this order: other dialects' functions
    and tables the schema lacks respelled (``columns``), joins whose condition names neither the joined table nor
    its alias attached to it and shortcut joins rerouted (``joins``; a shortcut's misplaced columns are what it
    replaces), then, first for close matches (the same name up to case and punctuation, a natural name) and then for
    partial ones (the start or end of a name), column qualifiers and spellings fixed (``columns``) and tables joined
    in for columns that no table of their SELECT has (``joins``). Without ``names`` (the repairs before names were
    matched), neither functions nor tables are touched, detached joins are left as they are, and a column is matched
    by its exact name only (up to case and punctuation). A query longer than MAX_REPAIR_CHARS
    (no model answer is; a hostile one can be, and tree rewriting grows faster than its length) is left alone."""
    if len(sql) > MAX_REPAIR_CHARS:
        return sql
    if columns and names:
        sql = fix_table_names(fix_sqlite_functions(quote_names(sql, graph.schema)), graph.schema)
    if joins:
        sql = fix_join_paths(attach_detached_joins(sql, graph) if names else sql, graph)
    for tier in (1, 2) if names else (0,):  # a close match (same name, natural name) in or next to the query before a partial one
        if columns:
            sql = fix_column_qualifiers(sql, graph.schema, tier)
        if joins:
            sql = join_missing_tables(sql, graph, tier)
    return sql
