"""SQL through sqlglot (SQLite dialect): parse, and read off tables, join conditions and JOIN counts.

    >>> count_joins("SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id")
    1
    >>> tables_in_sql("SELECT * FROM a JOIN b ON a.x = b.y")
    {'a', 'b'}

Names are case-folded. Aliases are resolved to their table within each SELECT scope.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp

DIALECT = "sqlite"


# JOINs in a row without ON or USING that sqlglot is given to parse: it reads them as possibly nested joins and its
# time doubles with each one (sqlglot 30: 14 took 0.3 s, and a model repeating `JOIN students AS Tn` up to its token
# limit hung `ask` for minutes); SQLite itself runs such a query (a cross join, bounded by the query limits)
MAX_BARE_JOINS = 10


def check_bare_joins(sql: str) -> None:
    """Raise ``sqlglot.errors.ParseError`` if ``sql`` has more than `MAX_BARE_JOINS` JOINs (not CROSS or NATURAL)
    in a row without an ON or USING between them (tokenizing is linear; an input the tokenizer rejects is left to
    the parser)."""
    from sqlglot.tokens import TokenType

    if sql.lower().count("join") <= MAX_BARE_JOINS:  # nearly every query: no second tokenizing before the parser's
        return
    try:
        tokens = sqlglot.Dialect.get_or_raise(DIALECT).tokenize(sql)
    except Exception:  # the parser reports it
        return
    run = 0
    for before, tok in zip([None, *tokens], tokens):
        # CROSS and NATURAL JOINs take no ON and parse in linear time; a subquery between JOINs does not end the run
        if tok.token_type == TokenType.JOIN and (before is None or before.token_type not in (TokenType.CROSS,
                                                                                              TokenType.NATURAL)):
            run += 1
            if run > MAX_BARE_JOINS:
                raise sqlglot.errors.ParseError(f"more than {MAX_BARE_JOINS} JOINs in a row without ON or USING: "
                                                "not parsed (sqlglot's time doubles with each)")
        elif tok.token_type in (TokenType.ON, TokenType.USING):
            run = 0


def parse_statements(sql: str) -> list:
    """`sqlglot.parse` of SQLite ``sql``, after `check_bare_joins`."""
    check_bare_joins(sql)
    return sqlglot.parse(sql, read=DIALECT)


@lru_cache(maxsize=4096)
def parse_sql(sql: str) -> exp.Expression:
    """Parse one SQLite statement; raises ``sqlglot.errors.ParseError`` (or ValueError if empty).

    Cached: the tree is shared by every caller, so never modify it; ``.copy()`` it first."""
    check_bare_joins(sql)
    tree = sqlglot.parse_one(sql, read=DIALECT)
    if tree is None:
        raise ValueError("empty SQL")
    return tree


def try_parse(sql: str) -> exp.Expression | None:
    """`parse_sql`, or None if sqlglot cannot parse it."""
    try:
        return parse_sql(sql)
    except Exception:  # sqlglot raises several error types; any failure means "not parseable"
        return None


def tables_in_sql(sql: str) -> set[str]:
    """Lower-cased names of the real tables a query reads (CTE names excluded)."""
    tree = try_parse(sql)
    if tree is None:
        return set()
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    return {t.name.lower() for t in tree.find_all(exp.Table) if t.name and t.name.lower() not in ctes}


def query_template(sql: str) -> str:
    """The query with every literal masked and case and spacing folded: questions that paraphrase one query, or ask
    it of other values ("rivers in texas" / "... in ohio"), share a template (Finegan-Dollak et al. 2018 call
    these query templates; GeoQuery repeats them heavily). SQL that sqlglot cannot parse is masked token-wise."""
    tree = try_parse(sql)
    if tree is None:
        masked = re.sub(r"'[^']*'|\"[^\"]*\"|\b\d+(?:\.\d+)?\b", "?", sql)
        return " ".join(masked.lower().replace(";", " ").split())
    tree = tree.transform(lambda node: exp.Placeholder() if _is_value(node) else node)
    return tree.sql(dialect=DIALECT).lower()


def _is_value(node: exp.Expression) -> bool:
    """A literal, or a double-quoted bare name (SQLite reads "texas" as a string when no column has that name;
    Spider and GeoQuery write strings that way)."""
    if isinstance(node, exp.Literal):
        return True
    return (isinstance(node, exp.Column) and not node.table and isinstance(node.this, exp.Identifier)
            and node.this.quoted)


def count_joins(sql: str) -> int:
    """Number of joins in the query, nested queries included: explicit JOINs plus extra comma-separated
    FROM tables. 0 for a query that cannot be parsed."""
    tree = try_parse(sql)
    if tree is None:
        return 0
    n = 0
    for select in tree.find_all(exp.Select):
        n += len(select.args.get("joins") or [])
        from_ = from_clause(select)
        if from_ is not None and isinstance(from_.this, exp.Table):
            n += len(from_.expressions or [])
    return n


def from_clause(select: exp.Select) -> exp.From | None:
    """A SELECT's FROM clause (sqlglot names its key ``from_`` in newer versions, ``from`` before)."""
    return select.args.get("from_") or select.args.get("from")


def join_bucket(n_joins: int) -> str:
    """JOIN-count bucket used in every breakdown: "0", "1", "2" or "3+"."""
    return str(n_joins) if n_joins < 3 else "3+"


def alias_map(select: exp.Select, alias_only: bool = False) -> dict[str, str]:
    """qualifier (lower) -> table name (lower) for the tables directly in one SELECT's FROM/JOIN clauses.

    A table is reachable by its name and by its alias; with ``alias_only`` an aliased table is reachable by its
    alias only, as SQLite resolves qualifiers."""
    out = {}
    for table in select.find_all(exp.Table):
        if table.parent_select is not select or not table.name:
            continue
        name = table.name.lower()
        if not (alias_only and table.alias):
            out[name] = name
        if table.alias:
            out[table.alias.lower()] = name
    return out


def own_columns(select: exp.Select) -> list[exp.Column]:
    """The columns of one SELECT, its clauses included (ORDER BY, HAVING), not those of its subqueries."""
    nested = (exp.Select, exp.Subquery, exp.Union, exp.Intersect, exp.Except)
    return [n for n in select.walk(prune=lambda n: n is not select and isinstance(n, nested))
            if isinstance(n, exp.Column)]


def fresh_alias(taken: set[str], prefix: str = "J") -> str:
    """The first of J1, J2, ... (``prefix``) that no table or alias of the query uses (lower-cased in ``taken``),
    added to ``taken``."""
    alias = next(f"{prefix}{i}" for i in range(1, 1000) if f"{prefix.lower()}{i}" not in taken)
    taken.add(alias.lower())
    return alias


def join_conditions(sql: str) -> set[tuple[tuple[str, str], tuple[str, str]]]:
    """Column equalities that join two different tables (in ON or WHERE), as sorted pairs of
    ``(table, column)`` keys, e.g. ``{(("concert", "stadium_id"), ("stadium", "stadium_id"))}``.
    Unqualified columns are left out (their table is ambiguous)."""
    tree = try_parse(sql)
    if tree is None:
        return set()
    found = set()
    for select in tree.find_all(exp.Select):
        aliases = alias_map(select)
        for eq in select.find_all(exp.EQ):
            if eq.parent_select is not select:
                continue
            left, right = eq.this, eq.expression
            if not (isinstance(left, exp.Column) and isinstance(right, exp.Column)):
                continue
            if not (left.table and right.table):
                continue
            lt, rt = aliases.get(left.table.lower()), aliases.get(right.table.lower())
            if lt is None or rt is None or lt == rt:
                continue
            a, b = (lt, left.name.lower()), (rt, right.name.lower())
            found.add((min(a, b), max(a, b)))
    return found


def literal_text(node: exp.Expression, columns: set[str]) -> str | None:
    """The string ``node`` stands for: a string literal, or a double-quoted, unqualified name that is no column of
    the schema (``columns``, lower case): SQLite reads ``"usa"`` as a string then, and Spider writes most literals
    so. None for anything else."""
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    if (isinstance(node, exp.Column) and not node.table and isinstance(node.this, exp.Identifier)
            and node.this.quoted and node.name.lower() not in columns):
        return node.name
    return None


def column_ref(name: str, table: str | None = None) -> exp.Column:
    """A column node ``table.name``, the name quoted when it is not a plain word."""
    return exp.column(name, table=table, quoted=not re.fullmatch(r"[A-Za-z_]\w*", name))


def owner_table(col: exp.Column, aliases: dict[str, str], columns: dict[str, set[str]]) -> str | None:
    """The table (lower case) a column of one SELECT reads: its qualifier's (``aliases``: `alias_map`), or for an
    unqualified column the one table of the SELECT that has it (``columns``: table -> its column names, lower
    case); None when unknown or ambiguous."""
    if col.table:
        table = aliases.get(col.table.lower())
        return table if table in columns else None
    having = {t for t in aliases.values() if col.name.lower() in columns.get(t, ())}
    return having.pop() if len(having) == 1 else None


def literal_comparisons(select: exp.Select, columns: set[str]):
    """(column, literal node, its text) of each ``column = 'x'`` / ``!=`` / ``<>`` / ``IN ('x', ...)`` of this
    SELECT (``columns``: the schema's column names, lower case)."""
    for node in select.find_all(exp.EQ, exp.NEQ, exp.In):
        if node.parent_select is not select:
            continue
        if isinstance(node, exp.In):
            if isinstance(node.this, exp.Column) and not node.args.get("query"):
                for lit in node.expressions:
                    text = literal_text(lit, columns)
                    if text is not None:
                        yield node.this, lit, text
            continue
        col, lit = node.this, node.expression
        if literal_text(col, columns) is not None and isinstance(lit, exp.Column):
            col, lit = lit, col
        text = literal_text(lit, columns)
        if isinstance(col, exp.Column) and literal_text(col, columns) is None and text is not None:
            yield col, lit, text


def string_literals(sql: str, schema=None) -> set[str]:
    """Normalized string literals of a query (``LIKE`` wildcards dropped); empty ones left out.

    Spider writes many literals in double quotes, which SQLite (and sqlglot) read as identifiers: a
    double-quoted, unqualified column that names no column of ``schema`` counts as a literal too."""
    from graphsql.schema.values import normalize_text  # schema imports sql: imported here

    tree = try_parse(sql)
    if tree is None:
        return set()
    columns = {c.name.lower() for c in schema.columns} if schema is not None else set()
    texts = [text for node in tree.find_all(exp.Literal, exp.Column)
             if (text := literal_text(node, columns)) is not None]
    out = set()
    for text in texts:
        norm = normalize_text(text.replace("%", " "))
        if norm:
            out.add(norm)
    return out
