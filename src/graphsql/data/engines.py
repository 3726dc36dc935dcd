"""Databases other than SQLite files, named by a SQLAlchemy URL: PostgreSQL, MySQL/MariaDB and DuckDB (issue 29).

    >>> db, schema = read_database("postgresql://reader@localhost/shop")   # a SQLite path: the path, its schema
    >>> # schema: tables, columns, types, PKs, FKs; every schema of a PostgreSQL database
    >>> res = db.execute("SELECT name FROM customer LIMIT 3")       # SQLite-style SQL: transpiled, read-only

The model writes the SQLite SQL it was trained on, and the repairs work on it as on SQLite; `to_dialect` turns it
into the engine's dialect with sqlglot just before it runs, every table and column spelled (and quoted) as the
schema spells it, so SQLite's case-insensitive names keep working on PostgreSQL. A query sqlglot cannot translate
fails with one line naming the dialect and the SQL. Reads are bounded by the engine itself: PostgreSQL and MySQL
run each query in a READ ONLY transaction with the engine's statement timeout (``statement_timeout``,
``max_execution_time``), DuckDB opens the file ``read_only`` and is interrupted at the timeout; every fetch has
the row and byte bounds of `graphsql.eval.execute`. Credentials come from the URL (or the driver's environment,
e.g. ``PGPASSWORD``) and are never printed: `EngineDatabase.label` hides the password.
"""

from __future__ import annotations

import dataclasses
import decimal
import logging
import threading
import time
from pathlib import Path

from graphsql.data.records import Column, DbSchema, ForeignKey, Table
from graphsql.errors import DataError

SCHEMES = {"postgresql": "postgres", "postgres": "postgres", "mysql": "mysql", "mariadb": "mysql",
           "duckdb": "duckdb"}
SAMPLE_VALUES = 3
log = logging.getLogger(__name__)


def is_url(target: str | Path) -> bool:
    """True for a SQLAlchemy URL (``scheme://...``), False for a file path."""
    return "://" in str(target)


def _one_line(err: Exception, with_type: bool = True) -> str:
    """The driver's message, its first line only (SQLAlchemy appends the SQL and a link on further lines)."""
    orig = getattr(err, "orig", None) or err  # SQLAlchemy wraps the driver's exception
    lines = [line.strip() for line in str(orig).splitlines() if line.strip()]
    text = lines[0] if lines else type(orig).__name__
    return f"{type(orig).__name__}: {text}" if with_type else text


def read_database(target: str | Path) -> tuple:
    """(what to run queries on, its `DbSchema`) for a SQLite path or a database URL; DataError if unusable."""
    if is_url(target):
        db = EngineDatabase(str(target))
        return db, db.read_schema()
    from graphsql.data.sqlite import read_sqlite_schema

    return Path(target), read_sqlite_schema(target)


def _plain(value):
    """A fetched value as SQLite would give it: Decimal -> int or float, dates and times -> ISO text."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**63 else float(value)
    if hasattr(value, "isoformat") and not isinstance(value, str | bytes):
        return value.isoformat(sep=" ") if hasattr(value, "hour") and hasattr(value, "day") else value.isoformat()
    if isinstance(value, memoryview):
        return bytes(value)
    return value


class EngineDatabase:
    """One database behind a SQLAlchemy URL: its schema, and read-only bounded execution of SQLite-style SQL."""

    def __init__(self, url: str):
        try:
            from sqlalchemy import create_engine
            from sqlalchemy.engine import make_url
        except ImportError as err:  # pragma: no cover - the engines extra is missing
            raise DataError("databases by URL need SQLAlchemy: pip install 'graphsql[engines]'") from err
        try:
            parsed = make_url(url)
        except Exception as err:
            raise DataError(f"not a database URL ({type(err).__name__})") from None
        scheme = parsed.get_backend_name()
        if scheme not in SCHEMES:
            raise DataError(f"{scheme}://: unsupported database (postgresql, mysql, mariadb, duckdb; or a SQLite path)")
        self.dialect = SCHEMES[scheme]
        self.label = parsed.render_as_string(hide_password=True)
        self.db_id = (Path(parsed.database).stem if self.dialect == "duckdb" and parsed.database
                      else parsed.database or scheme)
        # read-only by the engine: DuckDB opens the file read_only; PostgreSQL sessions default to read-only
        # transactions (and each query runs in a READ ONLY one); MySQL's in `execute_native`
        connect_args = ({"read_only": True} if self.dialect == "duckdb" else
                        {"options": "-c default_transaction_read_only=on"} if self.dialect == "postgres" else {})
        if self.dialect == "postgres" and not parsed.drivername.startswith("postgresql+"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        if self.dialect == "mysql" and "+" not in parsed.drivername:
            parsed = parsed.set(drivername="mysql+pymysql")
        self.url = parsed  # with the driver that is installed (psycopg, pymysql)
        try:
            self.engine = create_engine(parsed, connect_args=connect_args, pool_pre_ping=True)
        except Exception as err:
            raise DataError(f"{self.label}: cannot open ({_one_line(err)})") from None
        self._schema: DbSchema | None = None

    def __repr__(self) -> str:
        return f"EngineDatabase({self.label!r})"

    # ------------------------------------------------------------------------------------------------ schema

    def read_schema(self, sample_values: int = SAMPLE_VALUES) -> DbSchema:
        """Tables (and views) of every user schema, columns with types and a few sample values, primary and foreign
        keys, read through SQLAlchemy's inspector. Tables outside the default schema are named ``schema.table``."""
        from sqlalchemy import inspect

        try:
            inspector = inspect(self.engine)
            default = inspector.default_schema_name
            schemas = [s for s in inspector.get_schema_names()
                       if s not in ("information_schema", "pg_catalog", "pg_toast", "mysql", "performance_schema",
                                    "sys") and not s.startswith("pg_")]
        except Exception as err:
            raise DataError(f"{self.label}: cannot read the schema ({_one_line(err)})") from None
        if self.dialect == "mysql":
            schemas = [default]
        # DuckDB names its schemas <catalog>.<schema> here; queries name them <schema>
        short = (lambda name: name.split(".")[-1] if name else name) if self.dialect == "duckdb" else (lambda n: n)
        default = short(default)
        tables, fks, where = [], [], {}
        for schema_name in schemas:
            names = inspector.get_table_names(schema=schema_name) + inspector.get_view_names(schema=schema_name)
            for name in names:
                full = name if short(schema_name) in (default, None) else f"{short(schema_name)}.{name}"
                where[full.lower()] = (short(schema_name), name)
                pk, table_fks = self._keys(inspector, schema_name, name)
                cols = []
                for col in inspector.get_columns(name, schema=schema_name):
                    values = self._samples(short(schema_name), name, col["name"], sample_values) if sample_values else ()
                    cols.append(Column(full, col["name"], str(col["type"]).lower(), is_primary=col["name"] in pk,
                                       sample_values=values))
                tables.append(Table(full, tuple(cols), row_count=None))
                for fk in table_fks:
                    ref_schema = short(fk.get("referred_schema") or schema_name)
                    ref = fk["referred_table"] if ref_schema in (default, None) else f"{ref_schema}.{fk['referred_table']}"
                    for src, dst in zip(fk["constrained_columns"], fk["referred_columns"]):
                        fks.append(ForeignKey(full, src, ref, dst))
        self._schema = DbSchema(self.db_id, tuple(tables), tuple(fks), db_path=None)
        self._where, self._default = where, default
        bare: dict[str, list] = {}
        for schema_name, name in where.values():
            bare.setdefault(name.lower(), []).append((schema_name, name))
        self._bare = {k: v[0] for k, v in bare.items() if len(set(v)) == 1}  # a name only one schema has
        self._tables = {}  # (schema, table) -> {lower-cased column: its spelling}
        self._spellings: dict[str, set] = {}
        for table in tables:
            key = where[table.name.lower()]
            self._tables[key] = {c.name.lower(): c.name for c in table.columns}
            for c in table.columns:
                self._spellings.setdefault(c.name.lower(), set()).add(c.name)
        return self._schema

    def column_values(self, max_values: int, max_length: int, max_rows: int,
                      timeout: float = 2.0) -> list[tuple[str, str, tuple[str, ...]]]:
        """``(table, column, values)`` for every text-typed column, as `graphsql.schema.values.read_column_values`
        reads a SQLite file: up to ``max_values`` distinct non-empty strings of at most ``max_length`` characters
        among the first ``max_rows`` rows, each column one bounded read-only query (a column that fails or times
        out is left out)."""
        import sqlalchemy as sa

        from graphsql.schema.values import _is_text_type

        schema = self._schema or self.read_schema()
        out = []
        for table in schema.tables:
            schema_name, name = self._where[table.name.lower()]
            for col in table.columns:
                if not _is_text_type(col.type):
                    continue
                source = sa.table(name, sa.column(col.name), schema=None if schema_name == self._default else schema_name)
                inner = sa.select(source.c[col.name].label("v")).limit(max_rows).subquery()
                query = sa.select(inner.c.v).where(inner.c.v.is_not(None)).distinct().limit(max_values)
                sql = str(query.compile(dialect=self.engine.dialect, compile_kwargs={"literal_binds": True}))
                res = self.execute_native(sql, timeout=timeout, max_rows=max_values)
                if not res.ok:
                    log.warning("%s: no values of %s.%s (%s)", self.label, table.name, col.name, res.error)
                    continue
                values = tuple(sorted({v.strip() for (v,) in res.rows
                                       if isinstance(v, str) and 0 < len(v.strip()) <= max_length}))
                if values:
                    out.append((table.name, col.name, values))
        return out

    def _keys(self, inspector, schema_name, table: str) -> tuple[set, list[dict]]:
        """(primary key columns, foreign keys as SQLAlchemy reports them). DuckDB's are read from
        ``duckdb_constraints()``: SQLAlchemy's PostgreSQL reflection, which duckdb-engine inherits, fails there."""
        if self.dialect != "duckdb":
            pk = set(inspector.get_pk_constraint(table, schema=schema_name).get("constrained_columns") or ())
            return pk, inspector.get_foreign_keys(table, schema=schema_name)
        from sqlglot import exp

        query = ("SELECT constraint_type, constraint_column_names, referenced_table, referenced_column_names "
                 "FROM duckdb_constraints() WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') "
                 f"AND schema_name = {exp.Literal.string(schema_name.split('.')[-1]).sql()} "
                 f"AND table_name = {exp.Literal.string(table).sql()}")
        res = self.execute_native(query, timeout=5.0)
        pk, fks = set(), []
        for kind, cols, ref_table, ref_cols in res.rows if res.ok else ():
            if kind == "PRIMARY KEY":
                pk = set(cols)
            else:
                fks.append({"constrained_columns": list(cols), "referred_schema": schema_name.split(".")[-1],
                            "referred_table": ref_table, "referred_columns": list(ref_cols)})
        return pk, fks

    def _samples(self, schema_name, table: str, column: str, n: int) -> tuple:
        from sqlglot import exp

        source = exp.table_(table, db=schema_name, quoted=True)
        col = exp.column(column, quoted=True)
        query = exp.select(col).distinct().from_(source).where(col.is_(exp.null()).not_()).limit(n)
        res = self.execute_native(query.sql(dialect=self.dialect), timeout=2.0, max_rows=n)
        return tuple(r[0] for r in res.rows if isinstance(r[0], str | int | float)) if res.ok else ()

    # ------------------------------------------------------------------------------------------------ SQL

    def to_dialect(self, sql: str) -> str:
        """SQLite-style ``sql`` in this engine's dialect, tables and columns spelled (and quoted) as the schema
        spells them. Raises `ValueError` (one line) when sqlglot cannot read or translate it."""
        import sqlglot
        from sqlglot import exp

        from graphsql.sql.parse import parse_statements

        if self._schema is None:
            self.read_schema()
        try:
            trees = parse_statements(sql)
        except sqlglot.errors.ParseError as err:
            raise ValueError(f"cannot read it as SQLite SQL ({str(err).splitlines()[0]})") from None
        if len(trees) != 1 or trees[0] is None:
            raise ValueError("one statement expected")
        tree = trees[0]
        aliases = {}  # alias or name in the query -> the schema's table
        spelled = {}  # a table named without an alias -> its spelling (a column qualified by it must match)
        for node in tree.find_all(exp.Table):
            key = ".".join(p for p in (node.db, node.name) if p).lower()
            found = self._where.get(key) or self._bare.get(node.name.lower())
            if found is None:
                continue  # a CTE or a table the schema lacks: left as written
            schema_name, name = found
            node.set("this", exp.to_identifier(name, quoted=True))
            node.set("db", None if schema_name in (self._default, None) else exp.to_identifier(schema_name, quoted=True))
            aliases[node.alias_or_name.lower()] = self._tables[(schema_name, name)]
            if not node.alias:
                spelled[name.lower()] = name
        in_query = list(aliases.values())
        named = {a.alias.lower() for a in tree.find_all(exp.Alias)} | {
            c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
        for node in list(tree.find_all(exp.Column)):
            if isinstance(node.this, exp.Star):
                continue
            if node.table and node.table.lower() in spelled:
                node.set("table", exp.to_identifier(spelled[node.table.lower()], quoted=True))
            lower = node.name.lower()
            if (not node.table and node.this.quoted and lower not in self._spellings and lower not in named
                    and node.this.args.get("quoted")):
                # SQLite reads "France" as a string when no column has that name (Spider writes it so)
                node.replace(exp.Literal.string(node.name))
                continue
            owner = aliases.get(node.table.lower()) if node.table else None
            spellings = ({owner[lower]} if owner and lower in owner
                         else {t[lower] for t in in_query if lower in t} or self._spellings.get(lower, set()))
            if len(spellings) == 1:
                node.set("this", exp.to_identifier(next(iter(spellings)), quoted=True))
        _aggregate_bare_columns(tree)
        try:
            return tree.sql(dialect=self.dialect)
        except Exception as err:
            raise ValueError(f"cannot write it in {self.dialect}'s dialect ({type(err).__name__}: {err})") from None

    def execute(self, sql: str, timeout: float = 30.0, max_rows: int | None = None):
        """SQLite-style ``sql``, translated (`to_dialect`) and run read-only (`execute_native`)."""
        from graphsql.eval.execute import ExecResult

        if not sql or not sql.strip():
            return ExecResult(False, error_kind="parse_error", error="empty SQL")
        try:
            native = self.to_dialect(sql)
        except ValueError as err:
            return ExecResult(False, error_kind="parse_error", error=f"{self.dialect}: {err}: {sql}")
        res = self.execute_native(native, timeout, max_rows)
        return dataclasses.replace(res, ran_sql=native)

    def execute_native(self, sql: str, timeout: float = 30.0, max_rows: int | None = None):
        """Run ``sql`` (already in the engine's dialect) in a read-only transaction, bounded in time and rows."""
        from graphsql.eval.execute import FETCH_MAX_ROWS, ExecResult, _bounded_fetch

        start = time.monotonic()
        try:
            raw = self.engine.raw_connection()
        except Exception as err:
            raise DataError(f"{self.label}: cannot connect ({_one_line(err)})") from None
        timer = None
        try:
            cursor = raw.cursor()
            ms = max(1, int(timeout * 1000))
            if self.dialect == "postgres":
                cursor.execute("BEGIN TRANSACTION READ ONLY")
                cursor.execute(f"SET LOCAL statement_timeout = {ms}")
            elif self.dialect == "mysql":  # MariaDB bounds every statement in seconds, MySQL a SELECT in ms
                if getattr(self.engine.dialect, "is_mariadb", False):
                    cursor.execute(f"SET SESSION max_statement_time = {max(timeout, 0.001):g}")
                else:
                    cursor.execute(f"SET SESSION max_execution_time = {ms}")
                # a DDL statement commits the open transaction and runs in one of its own: the session's default
                # must be read-only too, or a CREATE TABLE would pass (found by the tests against MariaDB)
                cursor.execute("SET SESSION TRANSACTION READ ONLY")
                cursor.execute("START TRANSACTION READ ONLY")
            elif self.dialect == "duckdb":
                interrupt = _duckdb_interrupt(raw)
                if interrupt is not None:
                    timer = threading.Timer(timeout, interrupt)
                    timer.start()
            cursor.execute(sql)
            rows, truncated = ((), False)
            if cursor.description is not None:
                rows, truncated = _bounded_fetch(cursor, FETCH_MAX_ROWS if max_rows is None
                                                 else min(max_rows, FETCH_MAX_ROWS))
            columns = tuple(d[0] for d in cursor.description or ())
            return ExecResult(True, tuple(tuple(_plain(v) for v in r) for r in rows), columns,
                              elapsed=time.monotonic() - start, truncated=truncated)
        except Exception as err:
            message = _one_line(err, with_type=False)
            elapsed = time.monotonic() - start
            kind = "timeout" if ("timeout" in message.lower() or "interrupt" in message.lower()
                                 or "maximum statement execution time" in message.lower()) else "execution_error"
            if kind == "timeout":
                message = f"timed out after {timeout:g} s"
            return ExecResult(False, error_kind=kind, error=message, elapsed=elapsed)
        finally:
            if timer is not None:
                timer.cancel()
            try:
                raw.rollback()
            except Exception:
                pass
            raw.close()


def _aggregate_bare_columns(tree) -> None:
    """SQLite lets a grouped SELECT show a column that is neither grouped nor aggregated (one row's value: the
    same for every row when it depends on the group key, as in Spider's ``SELECT T1.name, count(*) ... GROUP BY
    T1.id``); PostgreSQL and DuckDB refuse it. Such a column, in the SELECT list or ORDER BY, becomes MIN(column)."""
    from sqlglot import exp

    for select in tree.find_all(exp.Select):
        group = select.args.get("group")
        if not group:
            continue
        grouped = {g.sql().lower() for g in group.expressions}
        grouped_names = {g.name.lower() for g in group.expressions if isinstance(g, exp.Column)}

        def bare(node, grouped=grouped, grouped_names=grouped_names) -> bool:
            return (isinstance(node, exp.Column) and node.sql().lower() not in grouped
                    and node.name.lower() not in grouped_names)

        targets = list(select.expressions)
        order = select.args.get("order")
        if order:
            targets += [o.this for o in order.expressions]
        for target in targets:
            inner = target.this if isinstance(target, exp.Alias) else target
            if bare(inner) and inner.find_ancestor(exp.Select) is select:
                inner.replace(exp.Min(this=inner.copy()))


def _duckdb_interrupt(raw):
    """The ``interrupt`` of the duckdb connection under SQLAlchemy's and duckdb-engine's wrappers, or None."""
    conn = getattr(raw, "driver_connection", raw)
    for _ in range(3):
        if hasattr(conn, "interrupt"):
            return conn.interrupt
        conn = getattr(conn, "_ConnectionWrapper__c", None) or getattr(conn, "c", None)
        if conn is None:
            return None
    return None


def _is_int_text(v) -> bool:
    return isinstance(v, str) and v.strip() == v and v.lstrip("-").isdigit() and str(int(v)) == v


def _is_float_text(v) -> bool:
    try:
        return isinstance(v, str) and v.strip() == v and repr(float(v)) == v
    except ValueError:
        return False


def _indexable(dialect: str, columns: list, sa) -> bool:
    """Whether MySQL can key these (type, longest value) columns: text as VARCHAR, 4 bytes a character, 3,072
    bytes in all (InnoDB); the other engines key any column."""
    if dialect != "mysql":
        return True
    return sum(4 * length if kind is sa.Text else 8 for kind, length in columns) <= 3072


def _kind_of(values: list, sa):
    """The SQL type a copied column gets from the values it holds: integers (whole-number text included, as
    SQLite compares ``'2014' = 2014`` in a text column), 64-bit floats, blobs, else text."""
    if values and all(isinstance(v, int) or _is_int_text(v) for v in values):
        return sa.BigInteger
    if values and all(isinstance(v, int | float) or _is_int_text(v) or _is_float_text(v) for v in values):
        return sa.Double
    if values and all(isinstance(v, bytes) for v in values):
        return sa.LargeBinary
    return sa.Text


def _converter(kind):
    import sqlalchemy as sa

    if kind is sa.BigInteger:
        return lambda v: int(v) if isinstance(v, str) else v
    if kind is sa.Double:
        return lambda v: float(v) if isinstance(v, str) else v
    if kind is sa.Text:
        return lambda v: v if v is None or isinstance(v, str) else (v.decode("utf-8", "replace")
                                                                    if isinstance(v, bytes) else str(v))
    return lambda v: v


def copy_sqlite_database(sqlite_path: str | Path, url: str, schema: str | None = None) -> EngineDatabase:
    """Copy every table of a SQLite file (columns, types, primary and foreign keys, rows) into the database at
    ``url`` (into ``schema`` when given): how the tests and `graphsql.experiments.engines` load Spider databases
    into PostgreSQL and DuckDB.

    SQLite enforces little of what it declares, so what is copied is what holds in the data: a column's type is
    the one its values have (`_kind_of`: a text column of whole numbers becomes an integer one, as SQLite compares
    ``'2014' = 2014`` there; an INTEGER column holding words becomes text), a primary key is kept only if its
    values are unique and not NULL, a foreign key only if it references a kept key of the same type and no value
    dangles (tables are created referenced-first; a key in a cycle is dropped)."""
    import sqlalchemy as sa

    from graphsql.data.sqlite import _quote_ident as q
    from graphsql.data.sqlite import connect_readonly, read_sqlite_schema

    src = read_sqlite_schema(sqlite_path, sample_values=0)
    target = EngineDatabase(url)
    engine = sa.create_engine(target.url)
    sqlite = connect_readonly(sqlite_path)
    try:
        kinds, keys, lengths = {}, {}, {}
        for table in src.tables:
            for col in table.columns:
                values = [r[0] for r in sqlite.execute(
                    f"SELECT DISTINCT {q(col.name)} FROM {q(table.name)} WHERE {q(col.name)} IS NOT NULL")]
                kinds[(table.name, col.name)] = _kind_of(values, sa)
                lengths[(table.name, col.name)] = max((len(str(v)) for v in values), default=1)
            pk = [c.name for c in table.primary_keys]
            if pk and not _indexable(target.dialect, [(kinds[(table.name, c)], lengths[(table.name, c)]) for c in pk], sa):
                pk = []  # MySQL indexes at most 3,072 bytes of a key
            if pk:
                cols = ", ".join(q(c) for c in pk)
                nulls = " OR ".join(f"{q(c)} IS NULL" for c in pk)
                dup = sqlite.execute(f"SELECT count(*) FROM (SELECT {cols} FROM {q(table.name)} GROUP BY {cols} "
                                     f"HAVING count(*) > 1)").fetchone()[0]
                none = sqlite.execute(f"SELECT count(*) FROM {q(table.name)} WHERE {nulls}").fetchone()[0]
                if not dup and not none:
                    keys[table.name] = pk
        fks = []
        for fk in src.foreign_keys:
            ref_key = keys.get(fk.ref_table)
            if (fk.table == fk.ref_table or ref_key != [fk.ref_column]
                    or kinds.get((fk.table, fk.column)) is not kinds.get((fk.ref_table, fk.ref_column))
                    or not _indexable(target.dialect, [(kinds[(fk.table, fk.column)], lengths[(fk.table, fk.column)])],
                                      sa)):
                continue
            dangling = sqlite.execute(
                f"SELECT count(*) FROM {q(fk.table)} WHERE {q(fk.column)} IS NOT NULL AND {q(fk.column)} NOT IN "
                f"(SELECT {q(fk.ref_column)} FROM {q(fk.ref_table)})").fetchone()[0]
            if not dangling:
                fks.append(fk)
        order, placed = [], set()
        pending = [t.name for t in src.tables]
        while pending:  # referenced tables first; a table left in a cycle loses its keys into the cycle
            ready = [t for t in pending if all(f.ref_table in placed for f in fks if f.table == t)]
            if not ready:
                stuck = pending[0]
                fks = [f for f in fks if f.table != stuck or f.ref_table in placed]
                ready = [stuck]
            order += ready
            placed.update(ready)
            pending = [t for t in pending if t not in placed]
        meta = sa.MetaData(schema=schema)
        made = {}
        columns = {t.name: t.columns for t in src.tables}
        keyed = ({(t, c) for t, cs in keys.items() for c in cs} | {(f.table, f.column) for f in fks}
                 | {(f.ref_table, f.ref_column) for f in fks})
        for name in order:
            cols = []
            for col in columns[name]:
                ref = next((f for f in fks if f.table == name and f.column == col.name), None)
                extra = [sa.ForeignKey(f"{schema + '.' if schema else ''}{ref.ref_table}.{ref.ref_column}")] if ref else []
                kind = kinds[(name, col.name)]
                if target.dialect == "mysql" and kind is sa.Text and (name, col.name) in keyed:
                    kind = sa.String(lengths[(name, col.name)])  # MySQL keys no TEXT column: a sized VARCHAR
                cols.append(sa.Column(col.name, kind, *extra,
                                      primary_key=col.name in keys.get(name, ()), autoincrement=False))
            made[name] = sa.Table(name, meta, *cols)
        with engine.begin() as conn:
            if schema:
                conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            for name in order:
                made[name].create(conn)
                rows = sqlite.execute(f"SELECT * FROM {q(name)}").fetchall()
                if rows:
                    names = [c.name for c in columns[name]]
                    convert = [_converter(kinds[(name, c)]) for c in names]
                    conn.execute(made[name].insert(), [{n: f(v) for n, f, v in zip(names, convert, r)} for r in rows])
    finally:
        sqlite.close()
        engine.dispose()
    return target
