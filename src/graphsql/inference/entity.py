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

`names_for_key` is the same convention for an answer that returns one key column (8 of those 106 gold queries
return an id): a question about entities that names no column and asks for no id, code, number, key, name or title
(`KEY_WORDS`), answered with the table's primary key (``SELECT teacher_id FROM teacher WHERE ...``), gets the
table's name columns; answered with a foreign key to a table with name columns (``SELECT course_id FROM enrolment
GROUP BY course_id ...``), gets that table joined in along the key and its names. `named_answer` tries the star
rule, then the key rule. How often either changes the result of a right query is counted on Spider train's gold
queries (`graphsql experiment rules-heldout`; gold queries that return an id for "Which patient ...").
"""

from __future__ import annotations

import re

from sqlglot import exp

from graphsql.data.records import DbSchema, ForeignKey, Table
from graphsql.inference.vote import Vote, vote
from graphsql.sql.parse import alias_map, column_ref, fresh_alias, from_clause, owner_table, try_parse

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
        tree.set("expressions", [column_ref(c, qualifier) for c in columns])
        return tree.sql(dialect="sqlite")
    along = _named_along_key(table, schema) if qualifier is None else None
    if along is None:
        return sql
    target, key = along
    return _join_names(tree, key.column, table.name, key, target, schema).sql(dialect="sqlite")


def _join_names(tree: exp.Select, key_column: str, key_table: str, key: ForeignKey, target: Table,
                schema: DbSchema) -> exp.Select:
    """``tree`` (a copy, modified) with ``target`` joined in along ``key`` from the query's ``key_table`` and
    ``target``'s name columns returned; the query's own unqualified columns get their table's qualifier first (the
    joined table may have columns of the same names)."""
    own = alias_map(tree, alias_only=True)  # qualifier -> table
    qualifier = {t: q for q, t in own.items()}
    columns = _columns(schema)
    for col in list(tree.find_all(exp.Column)):
        if not col.table and col.parent_select is tree and not isinstance(col.this, exp.Star):
            owner = owner_table(col, own, columns)
            if owner is not None:
                col.set("table", exp.to_identifier(qualifier[owner]))
    alias = fresh_alias(set(alias_map(tree)), "N")
    tree = tree.join(exp.Table(this=exp.to_identifier(target.name), alias=exp.TableAlias(this=exp.to_identifier(alias))),
                     on=exp.EQ(this=column_ref(key_column, qualifier.get(key_table.lower(), key_table)),
                               expression=column_ref(key.ref_column, alias)), copy=False)
    tree.set("expressions", [column_ref(c, alias) for c in name_columns(target)])
    return tree


def _columns(schema: DbSchema) -> dict[str, set[str]]:
    """Table -> its column names, lower case (what `owner_table` reads)."""
    return {t.name.lower(): {c.name.lower() for c in t.columns} for t in schema.tables}


KEY_WORDS = re.compile(r"\b(ids?|identifiers?|codes?|numbers?|keys?|names?|titles?)\b", re.I)


def names_for_key(sql: str, question: str, schema: DbSchema) -> str:
    """``sql`` whose one returned column is a key, answering a question about entities that names no column,
    returning the entities' name column(s) instead (module docstring); otherwise ``sql`` unchanged.

    A key is the table's primary key (its own name columns are returned) or a foreign key to a table with name
    columns (that table joined in along the key, its names returned). The question must ask for neither every
    column (`ALL_COLUMNS`) nor an id, code, number, key, name or title (`KEY_WORDS`)."""
    if ALL_COLUMNS.search(question or "") or KEY_WORDS.search(question or ""):
        return sql
    tree = try_parse(sql)
    if not isinstance(tree, exp.Select) or len(tree.expressions) != 1:
        return sql
    col = tree.expressions[0]
    if not isinstance(col, exp.Column) or isinstance(col.this, exp.Star):
        return sql
    tables = {t.name.lower(): t for t in schema.tables}
    owner = tables.get(owner_table(col, alias_map(tree), _columns(schema)) or "")
    column = next((c for c in owner.columns if c.name.lower() == col.name.lower()), None) if owner else None
    if column is None:
        return sql
    keys = [fk for fk in schema.foreign_keys
            if fk.table.lower() == owner.name.lower() and fk.column.lower() == column.name.lower()]
    tree = tree.copy()  # parse trees are shared (cached): never modify one in place
    if column.is_primary and not keys and name_columns(owner) and column.name not in name_columns(owner):
        tree.set("expressions", [column_ref(c, col.table or None) for c in name_columns(owner)])
        return tree.sql(dialect="sqlite")
    target = tables.get(keys[0].ref_table.lower()) if len(keys) == 1 else None
    if target is None or not name_columns(target):
        return sql
    return _join_names(tree, col.name, owner.name, keys[0], target, schema).sql(dialect="sqlite")


def named_answer(sql: str, question: str, schema: DbSchema, db_path, timeout: float = 30.0,
                 max_rows: int | None = None) -> Vote | None:
    """The answer `names_for_star` (or else `names_for_key`) makes of ``sql``, run on ``db_path``, when a rule
    rewrites it and the rewrite runs; None otherwise (the answer stays). `predict` and its replay on recorded
    answers both decide here."""
    named = names_for_star(sql, question, schema)
    if named == sql:
        named = names_for_key(sql, question, schema)
    if named == sql:
        return None
    result = vote([named], db_path, timeout=timeout, max_rows=max_rows)
    return result if result.ok else None
