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
"""

from __future__ import annotations

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
            steps = [0]

            def _budget() -> int:
                steps[0] += 1
                return 1 if steps[0] > self.max_steps else 0

            self.conn.set_progress_handler(_budget, 1000)
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
) -> tuple[InferredForeignKey, ...]:
    """Undeclared foreign keys of ``schema`` with confidence >= ``min_confidence``, in schema order.

    ``db_path`` (default ``schema.db_path`` if that file exists) enables value containment, read-only;
    each check reads at most ``sample_rows`` distinct values and gives up after ``max_steps`` thousand
    SQLite VM steps. Columns that already have a declared FK, and pairs declared either way, are skipped."""
    if db_path is None and schema.db_path is not None and Path(schema.db_path).exists():
        db_path = schema.db_path
    declared_pairs = set()
    declared_cols = set()
    for fk in schema.foreign_keys:
        a, b = fk.key
        declared_pairs.update({(a, b), (b, a)})
        declared_cols.add(a)
    checker = _ValueChecker(Path(db_path), sample_rows, max_steps) if db_path is not None else None
    candidates = _ReferenceIndex(schema)
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
                if best is not None and best.confidence >= min_confidence:
                    found.append(best)
    finally:
        if checker is not None:
            checker.close()
    return tuple(found)
