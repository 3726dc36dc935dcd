"""Schemas under other names: a train database with its tables and columns renamed (BIRD-style spaced and long
names among them), every gold SQL rewritten to match with sqlglot and kept only if it returns what the original
returns on the original database.

    >>> plan = plan_renames(graph.schema, random.Random(0))          # styles drawn per database
    >>> rename_sql("SELECT T1.name FROM singer AS T1", graph.schema, plan)
    'SELECT T1."Singer Name" FROM "Singer Roster" AS T1'
    >>> kept, new_schema, info = rename_database_examples(db_examples, schema, db_path, workdir, rng, share=0.5)

Name styles (`TABLE_STYLES`, `COLUMN_STYLES`), from the natural names Spider gives every table and column:

* ``spaced``: title-cased words with spaces (``Song Release Year``): quoted in SQL, as BIRD's are;
* ``long``: a column's table words before its own (``Singer Song Release Year``), spaced: BIRD's long names;
* ``camel``: ``SongReleaseYear``;
* ``abbreviated``: each word cut to its first letter and following consonants, at most 4 letters, joined by
  ``_`` (``sng_rls_yr``): cryptic names of real-world schemas;
* ``snake_upper``: ``SONG_RELEASE_YEAR``.

The renamed copy of the database is made with SQLite's own ``ALTER TABLE ... RENAME`` (foreign keys follow),
in a temporary folder. SQL is rewritten scope by scope (`sqlglot.optimizer.scope`): table names, and columns
qualified by an alias or table name or, unqualified, owned by exactly one table in their scope. A rewrite that
fails, or whose result differs from the original query's, is dropped (counted by the caller).
"""

from __future__ import annotations

import logging
import random
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlglot import exp
from sqlglot.optimizer.scope import traverse_scope

from graphsql.data.records import DbSchema, Example, ForeignKey, Table
from graphsql.eval.execute import execute_sql, has_order_by, results_match
from graphsql.schema.serialize import quote_identifier
from graphsql.sql.parse import DIALECT, own_columns, try_parse

log = logging.getLogger(__name__)

SOURCE = "aug:rename"
TABLE_STYLES = ("spaced", "camel", "abbreviated", "snake_upper")
COLUMN_STYLES = ("spaced", "long", "camel", "abbreviated", "snake_upper")


@dataclass(frozen=True)
class RenamePlan:
    """New names: ``tables`` maps a lower-cased table name to its new name, ``columns`` maps (table, column),
    lower-cased, to the column's new name."""

    tables: dict
    columns: dict
    table_style: str
    column_style: str

    def table(self, name: str) -> str:
        return self.tables.get(name.lower(), name)

    def column(self, table: str, name: str) -> str:
        return self.columns.get((table.lower(), name.lower()), name)


def _words(name: str, natural: str) -> list[str]:
    text = natural or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace("_", " ")
    return [w for w in re.findall(r"[A-Za-z0-9]+", text)] or [name]


def _abbreviate(word: str) -> str:
    low = word.lower()
    if len(low) <= 3 or low.isdigit():
        return low
    return (low[0] + re.sub(r"[aeiou]", "", low[1:]))[:4]


def style_name(words: Sequence[str], style: str) -> str:
    """``words`` as one identifier in ``style`` (see the module docstring; ``long`` is spaced here)."""
    if style in ("spaced", "long"):
        return " ".join(w[:1].upper() + w[1:].lower() for w in words)
    if style == "camel":
        return "".join(w[:1].upper() + w[1:].lower() for w in words)
    if style == "abbreviated":
        return "_".join(_abbreviate(w) for w in words)
    if style == "snake_upper":
        return "_".join(w.upper() for w in words)
    raise ValueError(f"unknown name style {style!r}")


def _unique(name: str, taken: set[str]) -> str:
    out, n = name, 2
    while out.lower() in taken:
        out, n = f"{name} {n}" if " " in name else f"{name}_{n}", n + 1
    taken.add(out.lower())
    return out


def plan_renames(schema: DbSchema, rng: random.Random, table_style: str | None = None,
                 column_style: str | None = None) -> RenamePlan:
    """New names for every table and column of ``schema`` in a table style and a column style (drawn by ``rng``
    unless given); names stay unique (case-insensitively) within the database and within each table."""
    table_style = table_style or rng.choice(TABLE_STYLES)
    column_style = column_style or rng.choice(COLUMN_STYLES)
    tables, columns, taken = {}, {}, set()
    for table in schema.tables:
        if table.name.lower().startswith("sqlite_"):  # SQLite's own tables keep their names
            continue
        twords = _words(table.name, table.natural_name)
        if "".join(twords).lower().startswith("sqlite"):  # a shifted natural name (Spider's store_1): SQLite's own
            twords = _words(table.name, "")
        tables[table.name.lower()] = _unique(style_name(twords, table_style), taken)
        col_taken: set[str] = set()
        for col in table.columns:
            cwords = _words(col.name, col.natural_name)
            if column_style == "long" and not {w.lower() for w in twords} & {w.lower() for w in cwords}:
                cwords = twords + cwords
            columns[(table.name.lower(), col.name.lower())] = _unique(style_name(cwords, column_style), col_taken)
    return RenamePlan(tables, columns, table_style, column_style)


def rename_schema(schema: DbSchema, plan: RenamePlan, db_path: Path | None = None) -> DbSchema:
    """``schema`` under ``plan``'s names (natural names and descriptions kept), at ``db_path``."""
    tables = []
    for table in schema.tables:
        new_t = plan.table(table.name)
        cols = tuple(replace(c, table=new_t, name=plan.column(table.name, c.name)) for c in table.columns)
        tables.append(Table(new_t, cols, table.natural_name, table.description, table.row_count))
    fks = tuple(ForeignKey(plan.table(fk.table), plan.column(fk.table, fk.column), plan.table(fk.ref_table),
                           plan.column(fk.ref_table, fk.ref_column)) for fk in schema.foreign_keys)
    return DbSchema(schema.db_id, tuple(tables), fks, db_path=db_path)


def _identifier(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=quote_identifier(name) != name)


def rename_sql(sql: str, schema: DbSchema, plan: RenamePlan) -> str | None:
    """``sql`` with ``plan``'s names, or None if sqlglot cannot parse it or a column cannot be placed."""
    tree = try_parse(sql)
    if tree is None:
        return None
    tree = tree.copy()
    known = {t.name.lower(): {c.name.lower() for c in t.columns} for t in schema.tables}
    try:
        scopes = list(traverse_scope(tree))
    except Exception:  # sqlglot raises several types on odd queries
        return None
    for scope in scopes:
        tables = {alias.lower(): src.name.lower() for alias, src in scope.sources.items()
                  if isinstance(src, exp.Table) and src.name.lower() in known}
        if not isinstance(scope.expression, exp.Select):
            continue
        columns = own_columns(scope.expression)
        for col in columns:
            name = col.name.lower()
            if col.table:
                owner = tables.get(col.table.lower())
                if owner is None:
                    if col.table.lower() in known:
                        owner = col.table.lower()
                    else:
                        continue  # a derived table's column: its name comes from the subquery
                if col.table.lower() == owner:  # qualified by the table's own name
                    col.set("table", _identifier(plan.table(owner)))
            else:
                owners = [t for t in dict.fromkeys(tables.values()) if name in known[t]]
                if len(owners) != 1:
                    continue  # a select alias, a string in double quotes, or ambiguous: left as it is
                owner = owners[0]
            if name in known[owner]:
                col.set("this", _identifier(plan.column(owner, name)))
    for table in tree.find_all(exp.Table):
        if table.name.lower() in known:
            table.set("this", _identifier(plan.table(table.name)))
    return tree.sql(dialect=DIALECT)


def renamed_database(db_path: Path, schema: DbSchema, plan: RenamePlan, dest: Path) -> Path:
    """A copy of ``db_path`` at ``dest`` with ``plan``'s names, made by SQLite's ``ALTER TABLE``."""
    src = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    out = sqlite3.connect(dest)
    try:
        src.backup(out)
        out.execute("PRAGMA legacy_alter_table = OFF")
        own = [t for t in schema.tables if not t.name.lower().startswith("sqlite_")]
        for step in (0, 1):  # through temporary names: a new name may be another column's old one
            for table in own:
                for i, col in enumerate(table.columns):
                    old, new = (col.name, f"tmp_{i}_renamed") if step == 0 else (f"tmp_{i}_renamed",
                                                                                 plan.column(table.name, col.name))
                    out.execute(f"ALTER TABLE {quote_identifier(table.name)} RENAME COLUMN "
                                f"{quote_identifier(old)} TO {quote_identifier(new)}")
        for table in own:  # two steps: a new name may equal another table's old one, case aside
            out.execute(f"ALTER TABLE {quote_identifier(table.name)} RENAME TO "
                        f"{quote_identifier('tmp_' + table.name + '_renamed')}")
        for table in own:
            out.execute(f"ALTER TABLE {quote_identifier('tmp_' + table.name + '_renamed')} RENAME TO "
                        f"{quote_identifier(plan.table(table.name))}")
        out.commit()
    finally:
        src.close()
        out.close()
    return dest


def same_result(db_path: Path, sql: str, new_db: Path, new_sql: str, timeout: float) -> bool:
    """Whether ``new_sql`` on ``new_db`` returns what ``sql`` returns on ``db_path`` (order too with ORDER BY)."""
    old = execute_sql(db_path, sql, timeout=timeout)
    new = execute_sql(new_db, new_sql, timeout=timeout)
    return old.ok and new.ok and results_match(old.rows, new.rows, ordered=has_order_by(sql))


def renamed_examples(examples: Sequence[Example], schema: DbSchema, db_path: Path, plan: RenamePlan,
                     new_db: Path, timeout: float = 5.0) -> tuple[list[Example], int]:
    """``examples`` with their gold SQL rewritten for ``plan`` and checked on ``new_db``; (kept, dropped)."""
    kept, dropped = [], 0
    for ex in examples:
        new_sql = rename_sql(ex.gold_sql, schema, plan)
        if new_sql is None or not same_result(db_path, ex.gold_sql, new_db, new_sql, timeout):
            dropped += 1
            continue
        kept.append(replace(ex, gold_sql=new_sql, source=SOURCE))
    return kept, dropped


def rename_database_examples(
    examples: Sequence[Example],
    schema: DbSchema,
    db_path: Path,
    workdir: Path,
    rng: random.Random,
    share: float = 0.5,
    timeout: float = 5.0,
) -> tuple[list[Example], DbSchema | None, dict]:
    """A ``share`` of ``examples`` on a renamed copy of their database (made in ``workdir``, styles drawn by
    ``rng``), their gold SQL rewritten and checked: (kept examples, the renamed schema with its ``db_path``, counts
    of asked, kept, dropped and the styles). No schema if the database cannot be renamed."""
    chosen = [ex for ex in examples if rng.random() < share]
    info = {"asked": len(chosen), "kept": 0, "dropped": 0}
    if not chosen:
        return [], None, info
    plan = plan_renames(schema, rng)
    info.update(table_style=plan.table_style, column_style=plan.column_style)
    dest = workdir / f"{schema.db_id}.sqlite"
    try:
        renamed_database(db_path, schema, plan, dest)
    except sqlite3.Error as err:  # views or triggers that a rename breaks: the database is skipped
        log.warning("%s: cannot rename (%s)", schema.db_id, err)
        info["dropped"] = len(chosen)
        return [], None, info
    kept, dropped = renamed_examples(chosen, schema, db_path, plan, dest, timeout)
    info.update(kept=len(kept), dropped=dropped)
    return kept, rename_schema(schema, plan, dest), info
