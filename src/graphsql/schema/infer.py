"""Foreign keys a schema does not declare, guessed from column names, types and (optionally) values.

    >>> fks = infer_foreign_keys(schema, db_path="concert_singer.sqlite")   # -> tuple[InferredForeignKey, ...]
    >>> [(f.table, f.column, f.ref_table, f.ref_column, round(f.confidence, 2)) for f in fks]

A candidate ``A.c -> B.r`` needs a name match first (``r`` is a key of ``B``):

* ``c == r`` and ``r`` names its table (``singer_id`` in ``singer``)             -> 1.0
* ``c`` is ``<B>_<r>`` / ``<singular B><r>`` and ``r`` is ``id``/``code``/``no``   -> 0.9
* ``c`` is the referenced table's name (``country`` -> ``countries.countryid``)     -> 0.8
* ``c`` ends with ``_<r>`` and ``r`` names its table (``host_city_id`` -> ``city_id``) -> 0.8
* ``c == r``, ``r`` a key-like name (``aid``, ``*_code``), ``c`` not ``A``'s own key -> 0.7

Mismatched type affinities halve the name score. With a database file, the share of ``c``'s distinct values
(first ``sample_rows`` of them) found in ``r`` (value containment) is mixed in:
``confidence = 0.6 * name + 0.4 * containment * support`` where ``support`` grows with the number of distinct
values seen (a two-valued flag column proves little). Containment below 0.5 cuts confidence to ``0.3 * name``.
Declared FKs are never re-proposed; each column gets at most one (its best) target.

With ``infer_keys`` (for databases that declare no keys, e.g. GeoQuery, or a CSV import) two more rules read the
data: a table with no primary key and no id-like column gets one when a column named for its table or like a key
(``state_name`` in ``state``; ``name``, ``code`` ...) holds a value in every row and no value twice
(`infer_primary_keys`); and a text column with no name match references a text key of another table when at least
90% of at least 5 of its distinct values are found there (``river.traverse -> state.state_name``; rule ``values``,
confidence 0.6).
"""

from __future__ import annotations

import dataclasses
import logging
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from graphsql.data.records import Column, DbSchema, Table
from graphsql.data.sqlite import connect_readonly
from graphsql.errors import DataError

log = logging.getLogger(__name__)

GENERIC_NAMES = frozenset({"id", "name", "code", "type", "title", "date", "year", "description", "value"})
KEY_SUFFIXES = ("id", "code", "key", "no", "num")
NUMERIC_HINTS = ("int", "num", "real", "float", "double", "dec", "bool")
TEXT_HINTS = ("char", "text", "clob", "string")


@dataclass(frozen=True)
class InferredForeignKey:
    """``table.column`` probably references ``ref_table.ref_column``; scores are in [0, 1].

    ``containment`` is None when no database values were checked."""

    table: str
    column: str
    ref_table: str
    ref_column: str
    confidence: float
    name_score: float
    containment: float | None = None
    rule: str = ""

    @property
    def key(self) -> tuple[tuple[str, str], tuple[str, str]]:
        return ((self.table.lower(), self.column.lower()), (self.ref_table.lower(), self.ref_column.lower()))


def _norm(name: str) -> str:
    """Lower-case, with spaces and dashes as underscores: ``Singer ID`` -> ``singer_id``."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def singularize(word: str) -> str:
    """Crude English singular of a table name: ``cities`` -> ``city``, ``classes`` -> ``class``."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return word[:-1]
    return word


def table_stems(name: str) -> set[str]:
    """Ways a table's name shows up inside a column name: ``Singers`` -> {singers, singer}."""
    base = _norm(name)
    stems = {base, singularize(base), base.replace("_", ""), singularize(base).replace("_", "")}
    return {s for s in stems if len(s) >= 2}


def type_affinity(declared: str) -> str:
    """``number`` / ``text`` / ``other`` for a Spider type or a SQLite declared type."""
    t = (declared or "").lower()
    if any(h in t for h in NUMERIC_HINTS):
        return "number"
    if any(h in t for h in TEXT_HINTS):
        return "text"
    return "other"


def _key_columns(table: Table) -> tuple[Column, ...]:
    """Columns other tables may reference: the primary key, or an ``id``-like column when none is declared."""
    if len(table.primary_keys) == 1:
        return table.primary_keys
    if table.primary_keys:  # parts of a composite key are rarely referenced on their own
        return ()
    stems = table_stems(table.name)
    return tuple(
        c
        for c in table.columns
        if _norm(c.name) == "id" or any(_norm(c.name) in (f"{s}_id", f"{s}id") for s in stems)
    )


KEY_ENDINGS = ("id", "code", "key", "no", "num", "name")
VALUES_RULE_CONFIDENCE = 0.6
VALUES_RULE_CONTAINMENT = 0.9
VALUES_RULE_MIN_VALUES = 5


def _key_like(table: Table, column: Column) -> int | None:
    """How well ``column``'s name says it identifies rows of ``table``: 0 named for the table with a key ending
    (``state_name`` in ``state``), 1 a bare key ending (``name``, ``code``), None otherwise."""
    c = _norm(column.name)
    if any(c in (f"{s}_{e}", f"{s}{e}") for s in table_stems(table.name) for e in KEY_ENDINGS):
        return 0
    return 1 if c in KEY_ENDINGS else None


def infer_primary_keys(schema: DbSchema, conn: sqlite3.Connection, max_steps: int = 20_000) -> dict[str, str]:
    """{table: column} for the tables of ``schema`` that declare no primary key and have no id-like column: the
    key-like column (`_key_like`, the one named for its table first) whose values are present in every row and
    distinct, in a table of at least 2 rows. Each check gives up after ``max_steps`` thousand SQLite VM steps."""
    found = {}
    for table in schema.tables:
        if table.primary_keys or _key_columns(table):
            continue
        ranked = sorted((rank, i, c) for i, c in enumerate(table.columns)
                        if (rank := _key_like(table, c)) is not None)
        for _, _, column in ranked:
            sql = f"SELECT count(*), count({_quote(column.name)}), count(DISTINCT {_quote(column.name)}) " \
                  f"FROM {_quote(table.name)}"
            conn.set_progress_handler(_step_budget(max_steps), 1000)
            try:
                rows, present, distinct = conn.execute(sql).fetchone()
            except sqlite3.Error as err:
                log.debug("key check %s.%s failed: %s", table.name, column.name, err)
                continue
            finally:
                conn.set_progress_handler(None, 0)
            if rows >= 2 and rows == present == distinct:
                found[table.name] = column.name
                break
    return found


def _step_budget(max_steps: int):
    """A SQLite progress handler that stops a query after ``max_steps`` calls (thousands of VM steps)."""
    steps = [0]

    def handler() -> int:
        steps[0] += 1
        return 1 if steps[0] > max_steps else 0

    return handler


def _with_keys(schema: DbSchema, keys: dict[str, str]) -> DbSchema:
    """``schema`` with the columns of ``keys`` ({table: column}) marked as primary keys."""
    if not keys:
        return schema
    tables = tuple(dataclasses.replace(t, columns=tuple(dataclasses.replace(c, is_primary=True)
                                                        if keys.get(t.name) == c.name else c for c in t.columns))
                   if t.name in keys else t for t in schema.tables)
    return dataclasses.replace(schema, tables=tables)


def score_name_match(
    column: Column, ref_table: Table, ref_column: Column, source_table: Table
) -> tuple[float, str]:
    """The name score of ``column -> ref_table.ref_column`` and the rule that gave it ((0.0, "") if none)."""
    c, r = _norm(column.name), _norm(ref_column.name)
    stems = table_stems(ref_table.name)
    names_table = any(s in r or s in r.replace("_", "") for s in stems)
    own_key = tuple(_norm(k.name) for k in source_table.primary_keys) == (c,)
    if c == r and names_table and r not in GENERIC_NAMES:
        # A table's own single-column key only points elsewhere if it does not name its own table.
        if own_key and any(s in c for s in table_stems(source_table.name)):
            return 0.0, ""
        return 1.0, "same-name key"
    if r in ("id", "code", "no", "num") and any(c in (f"{s}_{r}", f"{s}{r}") for s in stems):
        return 0.9, "<table>_id"
    if c in stems and ref_table.primary_keys == (ref_column,):
        return 0.8, "table-named column"
    if c != r and c.endswith("_" + r) and names_table and r not in GENERIC_NAMES:
        return 0.8, "suffix key"
    if c == r and r not in GENERIC_NAMES and not own_key and r.endswith(KEY_SUFFIXES):
        return 0.7, "same-name column"
    return 0.0, ""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _ValueChecker:
    """Value containment through one read-only connection, with a per-query step budget and a cache."""

    def __init__(self, db_path: Path, sample_rows: int, max_steps: int):
        self.conn: sqlite3.Connection | None = None
        self.sample_rows = sample_rows
        self.max_steps = max_steps
        self.cache: dict[tuple, tuple[float, int] | None] = {}
        try:
            self.conn = connect_readonly(db_path)
        except DataError as err:
            log.warning("value containment skipped: %s", err)

    def containment(
        self, table: str, column: str, ref_table: str, ref_column: str
    ) -> tuple[float, int] | None:
        """(share of the first ``sample_rows`` distinct values of table.column found in ref_table.ref_column,
        number of distinct values looked at), or None if unknown (no values, error, too slow)."""
        key = (table.lower(), column.lower(), ref_table.lower(), ref_column.lower())
        if key in self.cache:
            return self.cache[key]
        result = None
        if self.conn is not None:
            src = (
                f"SELECT DISTINCT {_quote(column)} AS v FROM {_quote(table)} "
                f"WHERE {_quote(column)} IS NOT NULL LIMIT {int(self.sample_rows)}"
            )
            sql = f"SELECT count(*), sum(v IN (SELECT {_quote(ref_column)} FROM {_quote(ref_table)})) FROM ({src})"
            self.conn.set_progress_handler(_step_budget(self.max_steps), 1000)
            try:
                n, hits = self.conn.execute(sql).fetchone()
                if n:
                    result = ((hits or 0) / n, int(n))
            except sqlite3.Error as err:
                log.debug("containment %s.%s -> %s.%s failed: %s", table, column, ref_table, ref_column, err)
            finally:
                self.conn.set_progress_handler(None, 0)
        self.cache[key] = result
        return result

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def combine_confidence(name_score: float, containment: float | None, n_values: int = 0) -> float:
    """Mix a name score with value containment (see the module docstring); result in [0, 1]."""
    if containment is None:
        return name_score
    if containment < 0.5:
        return round(0.3 * name_score, 4)
    support = min(1.0, n_values / 5)
    return round(min(1.0, 0.6 * name_score + 0.4 * containment * support), 4)


def _by_values(checker: _ValueChecker, table: Table, column: Column, text_keys) -> InferredForeignKey | None:
    """The ``values`` rule: the text key of another table that holds the most of ``column``'s distinct values,
    if at least VALUES_RULE_CONTAINMENT of at least VALUES_RULE_MIN_VALUES of them."""
    if type_affinity(column.type) == "number" or column.is_primary:
        return None
    best = None
    for ref_table, ref_col in text_keys:
        if ref_table.name == table.name:
            continue
        cont = checker.containment(table.name, column.name, ref_table.name, ref_col.name)
        if cont and cont[0] >= VALUES_RULE_CONTAINMENT and cont[1] >= VALUES_RULE_MIN_VALUES \
                and (best is None or cont[0] > best.containment):
            best = InferredForeignKey(table.name, column.name, ref_table.name, ref_col.name, VALUES_RULE_CONFIDENCE,
                                      0.0, round(cont[0], 4), "values")
    return best


class _ReferenceIndex:
    """The key columns a column could reference by name, found by lookup instead of trying every key column of
    every table (a 1,000-table database took minutes): `score_name_match` is non-zero only when the column's
    normalized name equals a non-generic key's (``same-name``), ends with ``_`` + it (``suffix key``), is a table stem joined
    to a generic key name (``<table>_id``) or is a stem of a table whose single primary key it is
    (``table-named column``). Candidates come back in schema order, so the best one is the one a full scan picks."""

    def __init__(self, schema: DbSchema):
        self.by_name: dict[str, list] = {}
        self.by_made: dict[str, list] = {}
        self.by_stem: dict[str, list] = {}
        for t_pos, table in enumerate(schema.tables):
            stems = table_stems(table.name)
            for c_pos, col in enumerate(_key_columns(table)):
                entry = ((t_pos, c_pos), table, col)
                r = _norm(col.name)
                if r not in GENERIC_NAMES:  # the same-name and suffix rules never match a generic key name
                    self.by_name.setdefault(r, []).append(entry)
                if r in ("id", "code", "no", "num"):
                    for stem in stems:
                        for made in (f"{stem}_{r}", f"{stem}{r}"):
                            self.by_made.setdefault(made, []).append(entry)
                if table.primary_keys == (col,):
                    for stem in stems:
                        self.by_stem.setdefault(stem, []).append(entry)

    def for_column(self, column: Column) -> list[tuple[Table, Column]]:
        c = _norm(column.name)
        names = [c] + [c[i + 1:] for i, ch in enumerate(c) if ch == "_"]
        found = {}
        for entries in [self.by_name.get(n, ()) for n in names] + [self.by_made.get(c, ()), self.by_stem.get(c, ())]:
            for pos, table, col in entries:
                found[pos] = (table, col)
        return [found[pos] for pos in sorted(found)]


def infer_foreign_keys(
    schema: DbSchema,
    db_path: str | Path | None = None,
    min_confidence: float = 0.5,
    sample_rows: int = 2000,
    max_steps: int = 20_000,
    infer_keys: bool = False,
) -> tuple[InferredForeignKey, ...]:
    """Undeclared foreign keys of ``schema`` with confidence >= ``min_confidence``, in schema order.

    ``db_path`` (default ``schema.db_path`` if that file exists) enables value containment, read-only;
    each check reads at most ``sample_rows`` distinct values and gives up after ``max_steps`` thousand
    SQLite VM steps. Columns that already have a declared FK, and pairs declared either way, are skipped.
    ``infer_keys`` (needs the database): primary keys for keyless tables and the ``values`` rule (module docstring)."""
    if db_path is None and schema.db_path is not None and Path(schema.db_path).exists():
        db_path = schema.db_path
    declared_pairs = set()
    declared_cols = set()
    for fk in schema.foreign_keys:
        a, b = fk.key
        declared_pairs.update({(a, b), (b, a)})
        declared_cols.add(a)
    checker = _ValueChecker(Path(db_path), sample_rows, max_steps) if db_path is not None else None
    values_rule = infer_keys and checker is not None and checker.conn is not None
    if values_rule:
        schema = _with_keys(schema, infer_primary_keys(schema, checker.conn, max_steps))
    candidates = _ReferenceIndex(schema)
    text_keys = [(t, t.primary_keys[0]) for t in schema.tables
                 if len(t.primary_keys) == 1 and type_affinity(t.primary_keys[0].type) != "number"]
    found = []
    try:
        for table in schema.tables:
            for column in table.columns:
                if column.key in declared_cols:
                    continue
                best: InferredForeignKey | None = None
                for ref_table, ref_col in candidates.for_column(column):
                    if ref_table is table:
                        continue
                    if (column.key, ref_col.key) in declared_pairs:
                        continue
                    name_score, rule = score_name_match(column, ref_table, ref_col, table)
                    if name_score <= 0:
                        continue
                    ta, tb = type_affinity(column.type), type_affinity(ref_col.type)
                    if "other" not in (ta, tb) and ta != tb:
                        name_score *= 0.5
                    cont = (
                        checker.containment(table.name, column.name, ref_table.name, ref_col.name)
                        if checker
                        else None
                    )
                    conf = combine_confidence(
                        name_score, cont[0] if cont else None, cont[1] if cont else 0
                    )
                    cand = InferredForeignKey(
                        table.name,
                        column.name,
                        ref_table.name,
                        ref_col.name,
                        conf,
                        round(name_score, 4),
                        round(cont[0], 4) if cont else None,
                        rule,
                    )
                    if best is None or cand.confidence > best.confidence:
                        best = cand
                if values_rule and (best is None or best.confidence < min_confidence):
                    best = _by_values(checker, table, column, text_keys) or best
                if best is not None and best.confidence >= min_confidence:
                    found.append(best)
    finally:
        if checker is not None:
            checker.close()
    return tuple(found)
