"""AST-guided decomposition of a query into the steps a model should think through before writing it.

    >>> print(decompose_answer("SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = "
    ...                        "T2.singer_id WHERE T1.age > (SELECT avg(age) FROM singer)", schema))
    Tables: singer, singer_in_concert
    Joins: singer.Singer_ID = singer_in_concert.Singer_ID
    Subqueries: (1) SELECT avg(age) FROM singer
    Clauses: SELECT, FROM, JOIN, WHERE
    SQL: SELECT T1.name FROM singer AS T1 JOIN ...

LearNAT decomposes a question along the gold query's syntax tree; here the tree gives, in order: the tables it
reads and the join conditions between them (both from the schema graph's point of view), the nested queries,
innermost first, and the clauses of the outer query. The last line is the query itself; `extract_sql` takes
what follows the last ``SQL:`` label, so a decomposed answer and a plain one are read the same way.
"""

from __future__ import annotations

from sqlglot import exp

from graphsql.data.records import DbSchema
from graphsql.sql.parse import join_conditions, tables_in_sql, try_parse

CLAUSES = (("expressions", "SELECT"), ("from", "FROM"), ("from_", "FROM"), ("joins", "JOIN"), ("where", "WHERE"),
           ("group", "GROUP BY"), ("having", "HAVING"), ("order", "ORDER BY"), ("limit", "LIMIT"))
SET_OPS = {exp.Union: "UNION", exp.Intersect: "INTERSECT", exp.Except: "EXCEPT"}


def _table_names(sql: str, schema: DbSchema) -> list[str]:
    names = []
    for name in sorted(tables_in_sql(sql)):
        try:
            names.append(schema.table(name).name)
        except KeyError:
            names.append(name)
    return sorted(names, key=str.lower)


def join_condition_texts(sql: str, schema: DbSchema, strict: bool = False) -> list[str] | None:
    """The join conditions of ``sql`` as ``table.column = table.column`` in the schema's spelling, sorted. A
    column the schema lacks is written as the query has it, or, with ``strict``, makes the answer None."""
    out = []
    for (ta, ca), (tb, cb) in sorted(join_conditions(sql)):
        try:
            a, b = schema.table(ta), schema.table(tb)
            out.append(f"{a.name}.{a.column(ca).name} = {b.name}.{b.column(cb).name}")
        except KeyError:
            if strict:
                return None
            out.append(f"{ta}.{ca} = {tb}.{cb}")
    return out


def _subqueries(tree: exp.Expression) -> list[str]:
    """Nested SELECTs (not the outer query, not the arms of a top-level set operation), innermost first."""
    top = tree
    arms = set()
    if isinstance(top, tuple(SET_OPS)):
        arms = {id(top.this), id(top.expression)}
    nested = [(_depth(select), select.sql(dialect="sqlite")) for select in tree.find_all(exp.Select)
              if select is not top and id(select) not in arms]
    # innermost (deepest) first; in reading order within one depth (sorted is stable)
    return [sql for _, sql in sorted(nested, key=lambda t: -t[0])]


def _depth(node: exp.Expression) -> int:
    depth = 0
    while node.parent is not None:
        node = node.parent
        if isinstance(node, exp.Select):
            depth += 1
    return depth


def _clauses(tree: exp.Expression) -> list[str]:
    if isinstance(tree, tuple(SET_OPS)):
        left = _clauses(tree.this)
        return [*left, SET_OPS[type(tree)], *_clauses(tree.expression)]
    if not isinstance(tree, exp.Select):
        return []
    out = []
    for key, name in CLAUSES:
        if tree.args.get(key) and name not in out:
            out.append(name)
    return out


def decompose_answer(gold_sql: str, schema: DbSchema) -> str:
    """The decomposed answer for ``gold_sql``: Tables, Joins, Subqueries, Clauses lines, then ``SQL: <gold_sql>``.
    Anything sqlglot does not read as a query gets only its ``SQL:`` line."""
    tree = try_parse(gold_sql)
    if not isinstance(tree, (exp.Select, *SET_OPS)):  # unparseable, or not a query
        return f"SQL: {gold_sql}"
    joins = join_condition_texts(gold_sql, schema)
    subs = _subqueries(tree)
    lines = [
        f"Tables: {', '.join(_table_names(gold_sql, schema)) or 'none'}",
        f"Joins: {'; '.join(joins) if joins else 'none'}",
        f"Subqueries: {' '.join(f'({i}) {s}' for i, s in enumerate(subs, 1)) if subs else 'none'}",
        f"Clauses: {', '.join(_clauses(tree))}",
        f"SQL: {gold_sql}",
    ]
    return "\n".join(lines)
