"""The records every stage shares: a database schema and a question about it.

    >>> from graphsql.data.records import Column, Table, ForeignKey, DbSchema
    >>> t = Table("singer", (Column("singer", "singer_id", "number", is_primary=True),))
    >>> DbSchema("concert", (t,), ()).table("SINGER").name
    'singer'

All records are frozen; functions return new values. Names keep their original spelling; lookups are
case-insensitive, as SQLite's are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path


@dataclass(frozen=True)
class Column:
    """One column of a table."""

    table: str
    name: str
    type: str = "text"
    is_primary: bool = False
    natural_name: str = ""  # Spider/BIRD's human-readable name ("singer id"), if the dataset has one
    description: str = ""  # BIRD column description, if any
    value_description: str = ""
    sample_values: tuple = ()

    @property
    def key(self) -> tuple[str, str]:
        """Case-folded (table, column) key used by graphs and lookups."""
        return (self.table.lower(), self.name.lower())


@dataclass(frozen=True)
class Table:
    """A table and its columns, in declaration order."""

    name: str
    columns: tuple[Column, ...]
    natural_name: str = ""
    description: str = ""
    row_count: int | None = None

    @property
    def primary_keys(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_primary)

    def column(self, name: str) -> Column:
        """The column called ``name`` (case-insensitive); KeyError if absent."""
        low = name.lower()
        for col in self.columns:
            if col.name.lower() == low:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")


@dataclass(frozen=True)
class ForeignKey:
    """``table.column`` references ``ref_table.ref_column``."""

    table: str
    column: str
    ref_table: str
    ref_column: str

    @property
    def key(self) -> tuple[tuple[str, str], tuple[str, str]]:
        return ((self.table.lower(), self.column.lower()), (self.ref_table.lower(), self.ref_column.lower()))


@dataclass(frozen=True)
class DbSchema:
    """A database's schema: tables, declared foreign keys, and where its SQLite file is (if anywhere)."""

    db_id: str
    tables: tuple[Table, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    db_path: Path | None = None

    def table(self, name: str) -> Table:
        """The table called ``name`` (case-insensitive); KeyError if absent."""
        low = name.lower()
        for tab in self.tables:
            if tab.name.lower() == low:
                return tab
        raise KeyError(f"database {self.db_id!r} has no table {name!r}")

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    @property
    def columns(self) -> tuple[Column, ...]:
        return tuple(c for t in self.tables for c in t.columns)

    def with_tables(self, names) -> DbSchema:
        """A new schema with only the named tables (in this schema's order) and the FKs among them."""
        keep = {n.lower() for n in names}
        tables = tuple(t for t in self.tables if t.name.lower() in keep)
        fks = tuple(f for f in self.foreign_keys if f.table.lower() in keep and f.ref_table.lower() in keep)
        return replace(self, tables=tables, foreign_keys=fks)


@dataclass(frozen=True)
class Example:
    """One question about one database, with its gold SQL when known.

    ``source`` says where it came from: ``spider:dev``, ``bird:dev``, ``geo``, ``aug:<name>``...
    """

    db_id: str
    question: str
    gold_sql: str = ""
    evidence: str = ""  # BIRD's external knowledge hint
    difficulty: str = ""  # BIRD's simple/moderate/challenging; Spider hardness is computed, not stored
    source: str = ""
    idx: int = -1  # position in its source file
    meta: dict = field(default_factory=dict, compare=False, hash=False)
