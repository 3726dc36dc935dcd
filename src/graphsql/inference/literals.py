"""Literals the database never holds, respelled as the value it does hold: ``state_name = 'Utah'`` where the
column says ``utah``, ``country_name = 'United States'`` where it says ``usa``.

    >>> respell_literals("SELECT population FROM state WHERE state_name = 'Utah'", graph, index)
    "SELECT population FROM state WHERE state_name = 'utah'"

A query that compares a column with a string the column never holds returns nothing for that condition, and is
nearly always wrong: the model wrote the value as the question (or its own habit) spells it, not as the database
stores it. Databases written in another style than Spider's break this most (lower-case names, codes for
countries); so do questions that name a value by what one knows of it (an adjective, "the United States"). The
value index (`graphsql.schema.values`, the distinct text values of each column) says which values a column
holds; `respell_literals` rewrites each comparison ``column = 'literal'`` (also ``!=``, ``<>`` and ``IN (...)``)
whose literal the column lacks, where exactly one value matches it, trying in this order:

1. the same column, a value equal up to letter case (``'Utah'`` -> ``'utah'``);
2. the same column, a value that names the same country (``countryinfo``: a name, a spelling of three letters or
   more, a demonym: ``'United States'`` -> ``'usa'``, ``'French'`` -> ``'France'``) or that an adjective pertains
   to (WordNet's pertainyms, `graphsql.schema.pertainyms`: ``'European'`` -> ``'Europe'``);
3. the same column, the literal without the words of its table's and column's names (``river_name = 'colorado
   river'`` -> ``'colorado'``);
4. the table that the column's foreign key leads to, joined in along the key, in the one column that holds the
   literal itself or a value found by steps 1-3 (``car_makers.Country = 'usa'``, a key to ``countries``, ->
   ``JOIN countries AS J1 ON T2.Country = J1.CountryId ... J1.CountryName = 'usa'``): a key names an entity of
   that table; not when that column is the key's own column (the same condition);
5. another text column of the same table, likewise (``city.state_name = 'houston'`` -> ``city.city_name =
   'houston'``).

Values are compared as the index keeps them (leading and trailing blanks dropped), so a literal that differs from a
stored value only by blanks counts as present and is left alone. A column whose values the index does not hold
(capped at ``DEFAULT_MAX_VALUES_PER_COLUMN``; numeric columns against a number) is left alone, and so are
numbers, LIKE patterns and literals with several candidate values (in one step; a literal held as written counts
before any value it may mean): the rewrite is made only when the database itself says which value was meant. In an
``IN (...)`` list a literal is respelled in its own column only. The rewritten query is kept only if it runs
(`respelled_answer`, as `predict` and its replay on recorded answers apply it).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from sqlglot import exp

from graphsql.inference.repairs import MAX_REPAIR_CHARS
from graphsql.inference.vote import Vote, vote
from graphsql.schema.graph import SchemaGraph
from graphsql.schema.values import DEFAULT_MAX_VALUES_PER_COLUMN, ValueIndex, singularize, tokenize
from graphsql.sql.parse import alias_map, column_ref, fresh_alias, literal_comparisons, owner_table, try_parse

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
_NUMERIC_TYPES = ("int", "real", "num", "float", "double", "dec")


@lru_cache(maxsize=1)
def _entity_names() -> dict[str, frozenset[str]]:
    """Lower-case name -> the entities it names (a country's canonical name; a place an adjective pertains to).
    Empty without the ``lexicon`` extra (countryinfo, WordNet)."""
    from graphsql.data.knowledge import country_spellings
    from graphsql.errors import ConfigError
    from graphsql.schema.pertainyms import pertainyms

    table: dict[str, set[str]] = {}
    try:
        for spelling, country in country_spellings().items():
            table.setdefault(spelling, set()).add(country.lower())
    except ConfigError as err:
        log.info("literals: no country names (%s)", err)
    for adjective, nouns in pertainyms().items():
        for noun in nouns:
            table.setdefault(adjective, set()).add(noun.lower())
            table.setdefault(noun.lower(), set()).add(noun.lower())
    return {name: frozenset(entities) for name, entities in table.items()}


def _entities(text: str) -> frozenset[str]:
    return _entity_names().get(text.strip().lower(), frozenset())


def _naming_words(*names: str) -> set[str]:
    """The words of table and column names (``state_name`` -> state, name), singular and as written."""
    words = {w for n in names for w in tokenize(re.sub(r"([a-z])([A-Z])", r"\1 \2", n).replace("_", " "))}
    return words | {singularize(w) for w in words}


def _match(literal: str, values: tuple[str, ...], naming: set[str]) -> str | None:
    """The one value of ``values`` that ``literal`` means (steps 1-3 of the module docstring), or None."""
    folded = literal.strip().casefold()
    same = {v for v in values if v.casefold() == folded}
    if len(same) == 1:
        return same.pop()
    if same:
        return None
    wanted = _entities(literal)
    if wanted:
        named = {v for v in values if _entities(v) & wanted}
        if len(named) == 1:
            return named.pop()
        if named:
            return None
    words = tokenize(literal)
    kept = [w for w in words if w not in naming and singularize(w) not in naming]
    if kept and len(kept) < len(words):
        rest = " ".join(kept)
        stripped = {v for v in values if " ".join(tokenize(v)) == rest}
        if len(stripped) == 1:
            return stripped.pop()
    return None


class _Columns:
    """The value index and schema of one database, by case-folded (table, column)."""

    def __init__(self, graph: SchemaGraph, index: ValueIndex):
        self.values = {(t.lower(), c.lower()): v for (t, c), v in zip(index.columns, index.values, strict=True)}
        self.tables = {t.name.lower(): t for t in graph.schema.tables}
        self.columns = {name: {c.name.lower() for c in t.columns} for name, t in self.tables.items()}
        self.names = set().union(*self.columns.values())

    def holds(self, table: str, column: str, literal: str) -> bool | None:
        """Whether the column holds ``literal``: True, False, or None when the index cannot say."""
        values = self.values.get((table, column.lower()))
        if values is None:
            col = next((c for c in self.tables[table].columns if c.name.lower() == column.lower()), None)
            numeric = col is not None and any(t in (col.type or "").lower() for t in _NUMERIC_TYPES)
            return False if numeric and not _NUMBER.match(literal) else None
        if literal.strip() in values:
            return True
        return None if len(values) >= DEFAULT_MAX_VALUES_PER_COLUMN else False

    def text_columns(self, table: str) -> list[str]:
        return [c.name for c in self.tables[table].columns if (table, c.name.lower()) in self.values]

    def find(self, table: str, column: str | None, literal: str, exact: bool) -> tuple[str, str] | None:
        """(column, value) of ``table`` that ``literal`` means: in ``column`` if given, else in the one text column
        that has it (``exact``: the literal itself counts too)."""
        columns = [column] if column else self.text_columns(table)
        held = {(name, literal.strip()) for name in columns
                if exact and literal.strip() in self.values.get((table, name.lower()), ())}
        if held:  # the literal itself, as written, before any value it may mean
            return held.pop() if len(held) == 1 else None
        hits = set()
        for name in columns:
            value = _match(literal, self.values.get((table, name.lower()), ()), _naming_words(table, name))
            if value is not None:
                hits.add((name, value))
        return hits.pop() if len(hits) == 1 else None


def _key_target(graph: SchemaGraph, table: str, column: str):
    """The FK edge that ``table.column`` references, when it is the one edge from that column to a known table."""
    edges = [e for e in graph.join_edges if e.table == table and e.column == column.lower()]
    return edges[0] if len({(e.ref_table, e.ref_column) for e in edges}) == 1 else None


def respell_literals(sql: str, graph: SchemaGraph, index: ValueIndex | None) -> str:
    """``sql`` with each literal its column lacks respelled as the value meant (module docstring); unchanged when
    there is nothing to respell, no value index, ``sql`` does not parse or is longer than `MAX_REPAIR_CHARS`."""
    tree = try_parse(sql) if index is not None and len(sql) <= MAX_REPAIR_CHARS else None
    if tree is None:  # no index, a query longer than any model answer (a hostile one), or no parse: left alone
        return sql
    tree = tree.copy()  # parse trees are shared (cached): never modify one in place
    cols = _Columns(graph, index)
    changed = False
    for select in list(tree.find_all(exp.Select)):
        aliases = alias_map(select)
        taken = set(aliases) | set(aliases.values())
        for col, lit, literal in list(literal_comparisons(select, cols.names)):
            if _NUMBER.match(literal) or "%" in literal:
                continue
            table = owner_table(col, aliases, cols.columns)
            if table is None or cols.holds(table, col.name, literal) is not False:
                continue
            found = cols.find(table, col.name, literal, exact=False)
            if found is not None:
                lit.replace(exp.Literal.string(found[1]))
                changed = True
                continue
            if isinstance(lit.parent, exp.In):  # one column for several literals: respelled in place only
                continue
            edge = _key_target(graph, table, col.name)
            ref = cols.tables.get(edge.ref_table) if edge else None
            found = cols.find(edge.ref_table, None, literal, exact=True) if ref else None
            if found is not None and found[0].lower() != edge.ref_column:  # the key's own column: the same condition
                alias = fresh_alias(taken)
                here = col.table or next(a for a, t in alias_map(select, alias_only=True).items() if t == table)
                ref_col = next((c.name for c in ref.columns if c.name.lower() == edge.ref_column), edge.ref_column)
                select.join(exp.Table(this=exp.to_identifier(ref.name), alias=exp.TableAlias(this=exp.to_identifier(alias))),
                            on=exp.EQ(this=column_ref(col.name, here), expression=column_ref(ref_col, alias)), copy=False)
                col.replace(column_ref(found[0], alias))
                lit.replace(exp.Literal.string(found[1]))
                changed = True
                continue
            found = cols.find(table, None, literal, exact=True)
            if found is not None:
                col.replace(column_ref(found[0], col.table or None))
                lit.replace(exp.Literal.string(found[1]))
                changed = True
    return tree.sql(dialect="sqlite") if changed else sql


def respelled_answer(sql: str, graph: SchemaGraph, index: ValueIndex | None, db_path, timeout: float = 30.0,
                     max_rows: int | None = None) -> Vote | None:
    """The answer `respell_literals` makes of ``sql``, run on ``db_path``, when it rewrites ``sql`` and the rewrite
    runs; None otherwise (the answer stays). `predict` and its replay on recorded answers both decide here."""
    respelled = respell_literals(sql, graph, index)
    if respelled == sql:
        return None
    result = vote([respelled], db_path, timeout=timeout, max_rows=max_rows)
    return result if result.ok else None
