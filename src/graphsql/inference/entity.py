"""What a question about entities returns when it names no column: the entities' names, not every column.

    >>> names_for_star("SELECT * FROM singer WHERE age > 40", "Which singers are older than 40?", schema)
    'SELECT name FROM singer WHERE age > 40'

Spider's annotators answer a question that asks for entities without naming a column ("Which singers ...",
"List the stadiums without concerts") with the entities' name column; ``SELECT *`` is their answer when the
question asks for everything about them ("all the information", "the details"). Counted on Spider train (written
against it, never on dev): of the entity questions that name no column (they start with which / what is / what
are / list / show / find / give / return, say neither name, id, title, code, number nor information, details,
data, records, columns, attributes, everything) whose gold query returns one plain column, 79 return a name column,
15 a title, 8 an id and 4 every column (``*``). A model that answers such a question with ``SELECT *`` is
therefore, by that convention, nearly always wrong, and its name column is nearly always what was meant.

`names_for_star` is the rule, and nothing else: an answer whose outermost SELECT returns exactly ``*`` (or one
table's ``T1.*``) from one table, for a question that does not ask for everything (`ALL_COLUMNS`), returns that
table's name column(s) instead (`name_columns`: a column called ``name``; else the one column whose name ends in
``name``; else a first and a last name; else the one title). A table without one whose only foreign key leads
to a table with one (``poker_player.People_ID`` -> ``people``: a row that is a kind of person) gets that table
joined in along the key, and its names returned, as Spider's gold queries do (``SELECT T2.Name FROM poker_player
AS T1 JOIN people AS T2 ON ...``). Anything else is returned unchanged: another projection, a star over a join,
set operations, a table with no name within one key.
"""

from __future__ import annotations

import re

from sqlglot import exp

from graphsql.data.records import DbSchema, ForeignKey, Table
from graphsql.inference.vote import Vote, vote
from graphsql.sql.parse import alias_map, from_clause, try_parse

ALL_COLUMNS = re.compile(r"\b(information|info|details?|data|everything|attributes|columns?|records?|fields?|"
                         r"all about)\b", re.I)


def name_columns(table: Table) -> list[str]:
    """The column(s) that name a row of ``table``, by the rule of the module docstring (empty: none)."""
    names = [c.name for c in table.columns]
    low = {n.lower(): n for n in names}
    if "name" in low:
        return [low["name"]]
    ending = [n for n in names if re.search(r"name$", n, re.I)]
    if len(ending) == 1:
        return ending
    first = [n for n in ending if re.search(r"first", n, re.I)]
    last = [n for n in ending if re.search(r"last", n, re.I)]
    if len(first) == 1 and len(last) == 1:
        return [first[0], last[0]]
    titles = [n for n in names if re.search(r"title$", n, re.I)]
    return titles if len(titles) == 1 else []


def _named_along_key(table: Table, schema: DbSchema) -> tuple[Table, ForeignKey] | None:
    """The table that names ``table``'s rows and the key to it, when ``table`` has exactly one foreign key and the
    table it leads to has name columns; else None."""
    keys = [fk for fk in schema.foreign_keys if fk.table.lower() == table.name.lower()]
    if len(keys) != 1:
        return None
    target = next((t for t in schema.tables if t.name.lower() == keys[0].ref_table.lower()), None)
    return (target, keys[0]) if target is not None and name_columns(target) else None


def _column(name: str, table: str | None) -> exp.Column:
    return exp.column(name, table=table, quoted=not re.fullmatch(r"[A-Za-z_]\w*", name))


def names_for_star(sql: str, question: str, schema: DbSchema) -> str:
    """``sql`` with a lone ``*`` replaced by its table's name column(s) when ``question`` asks for entities, not
    for everything about them; otherwise ``sql`` unchanged."""
    if ALL_COLUMNS.search(question or ""):
        return sql
    tree = try_parse(sql)
    if not isinstance(tree, exp.Select) or len(tree.expressions) != 1:
        return sql
    star = tree.expressions[0]
    aliases = alias_map(tree)
    if isinstance(star, exp.Star):
        source = from_clause(tree)
        if tree.args.get("joins") or source is None or not isinstance(source.this, exp.Table):
            return sql  # every column of a join, or of a subquery: no one entity
        qualifier, table_name = None, source.this.name
    elif isinstance(star, exp.Column) and isinstance(star.this, exp.Star) and star.table:
        qualifier, table_name = star.table, aliases.get(star.table.lower(), star.table)
    else:
        return sql
    table = next((t for t in schema.tables if t.name.lower() == str(table_name).lower()), None)
    if table is None:
        return sql
    tree = tree.copy()  # parse trees are shared (cached): never modify one in place
    columns = name_columns(table)
    if columns:
        tree.set("expressions", [_column(c, qualifier) for c in columns])
        return tree.sql(dialect="sqlite")
    along = _named_along_key(table, schema) if qualifier is None else None
    if along is None:
        return sql
    target, key = along
    source = from_clause(tree).this
    ref = source.alias or source.name
    taken = {a.lower() for a in aliases}
    alias = next(f"N{i}" for i in range(1, 100) if f"n{i}" not in taken)
    for col in list(tree.find_all(exp.Column)):  # the query's own columns now need their table's name
        if not col.table and col.parent_select is tree:
            col.set("table", exp.to_identifier(ref))
    tree = tree.join(exp.Table(this=exp.to_identifier(target.name), alias=exp.TableAlias(this=exp.to_identifier(alias))),
                     on=exp.EQ(this=_column(key.column, ref), expression=_column(key.ref_column, alias)), copy=False)
    tree.set("expressions", [_column(c, alias) for c in name_columns(target)])
    return tree.sql(dialect="sqlite")


def named_answer(sql: str, question: str, schema: DbSchema, db_path, timeout: float = 30.0,
                 max_rows: int | None = None) -> Vote | None:
    """The answer `names_for_star` makes of ``sql``, run on ``db_path``, when the rule rewrites it and the rewrite
    runs; None otherwise (the answer stays). `predict` and its replay on recorded answers both decide here."""
    named = names_for_star(sql, question, schema)
    if named == sql:
        return None
    result = vote([named], db_path, timeout=timeout, max_rows=max_rows)
    return result if result.ok else None
