"""A query rewritten in the style the adapters were trained on (Spider's), with the same meaning.

    >>> house_style('SELECT CITYalias0.POPULATION FROM CITY AS CITYalias0 WHERE CITYalias0.CITY_NAME = "boulder"',
    ...             schema)
    'SELECT population FROM city WHERE city_name = "boulder"'

Demonstrations come in whatever style their author wrote them (GeoQuery's ``CITYalias0.POPULATION``, a user's own
``c.pop``); the adapter learned Spider's: tables and columns spelled as the schema spells them, no alias where a
SELECT reads one table, ``T1``, ``T2``, ... where it reads several. `house_style` changes only names: every table
keeps its place, every column its table, every literal its text.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

from graphsql.data.records import DbSchema
from graphsql.sql.parse import DIALECT, from_clause, own_columns, try_parse


def house_style(sql: str, schema: DbSchema) -> str:
    """``sql`` in Spider's style over ``schema`` (above); ``sql`` unchanged where sqlglot cannot parse or scope it
    or it reads a table the schema lacks."""
    tree = try_parse(sql.strip().rstrip(";").strip())
    if tree is None:
        return sql
    tree = tree.copy()
    for select in tree.find_all(exp.Select):
        _comma_joins_on(select)
    tables = {t.name.lower(): t for t in schema.tables}
    try:
        scopes = list(traverse_scope(tree))
    except Exception:  # sqlglot raises several types on odd queries
        return sql
    if not all(t.name.lower() in tables for t in tree.find_all(exp.Table)):
        return sql
    # names a scope's tables are referred by (alias or table name) that a nested scope uses too: they keep a name
    outer = {c.table.lower() for s in scopes for c in s.columns if c.table and c.table not in s.sources}
    renames: dict[int, dict[str, str | None]] = {}  # id(scope) -> source name, lower-cased -> new alias or None
    counter = 0
    for scope in reversed(scopes):  # outermost first: T1 is the first table read
        own = [(name, src) for name, src in scope.sources.items() if isinstance(src, exp.Table)]
        single = len(scope.sources) == 1
        local = {}
        for name, table in own:
            if single and name.lower() not in outer:
                local[name.lower()] = None
            else:
                counter += 1
                local[name.lower()] = f"T{counter}"
            table.set("this", exp.to_identifier(tables[table.name.lower()].name))
            new = local[name.lower()]
            table.set("alias", exp.TableAlias(this=exp.to_identifier(new)) if new else None)
        renames[id(scope)] = local
    for scope in scopes:
        if not isinstance(scope.expression, exp.Select):
            continue
        owners = {name.lower(): src.name.lower() for name, src in scope.sources.items() if isinstance(src, exp.Table)}
        for col in own_columns(scope.expression):
            _restyle_column(col, scope, owners, renames, tables)
    return tree.sql(dialect=DIALECT)


def _comma_joins_on(select: exp.Select) -> None:
    """``FROM a, b WHERE ... AND b.x = a.y`` as ``FROM a JOIN b ON b.x = a.y WHERE ...``: for each comma (cross)
    join, the first top-level equality of WHERE between one of its columns and a column of a table read before it
    becomes its ON condition (an inner join on a condition is the cross join filtered by it)."""
    where = select.args.get("where")
    if where is None:
        return
    first = from_clause(select)
    seen = {(first.this.alias_or_name or "").lower()} if first is not None else set()
    for join in select.args.get("joins") or ():
        name = (join.this.alias_or_name or "").lower()
        if not join.args.get("on") and not join.args.get("using") and join.args.get("kind", "").upper() in ("", "CROSS"):
            for cond in list(where.this.flatten() if isinstance(where.this, exp.And) else [where.this]):
                if isinstance(cond, exp.EQ) and all(isinstance(side, exp.Column) and side.table
                                                    for side in (cond.this, cond.expression)):
                    sides = {cond.this.table.lower(), cond.expression.table.lower()}
                    if name in sides and (sides - {name}) <= seen and len(sides) == 2:
                        rest = [c for c in (where.this.flatten() if isinstance(where.this, exp.And) else [where.this])
                                if c is not cond]
                        join.set("kind", None)
                        join.set("on", cond.copy())
                        if rest:
                            where.set("this", exp.and_(*[c.copy() for c in rest]))
                        else:
                            select.set("where", None)
                            where = None
                        break
        seen.add(name)
        if where is None:
            return


def _restyle_column(col: exp.Column, scope, owners: dict[str, str], renames: dict, tables: dict) -> None:
    """One column: its qualifier as its scope (or the enclosing scope it refers to) renamed it, its name as the
    schema spells it. A double-quoted string that names no column is left alone."""
    qualifier = col.table.lower() if col.table else None
    where = scope
    while qualifier is not None and where is not None and qualifier not in renames.get(id(where), {}):
        where = where.parent
    if qualifier is not None and where is not None:
        table = tables[_owner(where, qualifier)]
        new = renames[id(where)][qualifier]
        col.set("table", exp.to_identifier(new) if new else None)
    else:
        candidates = [tables[t] for t in dict.fromkeys(owners.values())
                      if any(c.name.lower() == col.name.lower() for c in tables[t].columns)]
        if len(candidates) != 1:
            return  # a select alias, a string in double quotes, or ambiguous: left as it is
        table = candidates[0]
    spelled = next((c.name for c in table.columns if c.name.lower() == col.name.lower()), None)
    if spelled is not None:
        col.set("this", exp.to_identifier(spelled, quoted=col.this.quoted and not spelled.isidentifier()))


def _owner(scope, name: str) -> str:
    """The table (lower-cased) a scope's source ``name`` reads."""
    return next(src.name.lower() for key, src in scope.sources.items()
                if key.lower() == name and isinstance(src, exp.Table))
