"""A schema (or schema graph) as prompt text, in one of three formats, byte-for-byte deterministic.

    >>> print(serialize_schema(graph, fmt="compact", sample_values=2))
    singer(singer_id number pk, name text ('Joe Sharp', 'Timbaland'), country text)
    singer_in_concert(singer_id number, concert_id number)
    fk: singer_in_concert.singer_id = singer.singer_id

Formats (``FORMATS``):

* ``ddl``: ``CREATE TABLE`` statements with column types, ``PRIMARY KEY`` and ``FOREIGN KEY ... REFERENCES``
  clauses; sample values and descriptions as ``--`` comments. Valid SQLite.
* ``compact``: one ``table(col type [pk] [(values)], ...)`` line per table, then ``fk: a.x = b.y`` lines
  (``fk?: a.x = b.y (0.82)`` for inferred ones); the shortest.
* ``graph``: ``node`` lines (a table and its columns), ``edge a.x -> b.y`` lines (``~>`` inferred, with its
  confidence) and, given a `JoinPath`, ``join`` lines such as ``join singer -[singer_id]-> singer_in_concert``.

Identifiers that are not plain words (``Free Meal Count (K-12)``) or are SQL keywords are double-quoted
(``"` `"`` doubled inside). `parse_schema_text` reads any format back to tables, columns and FKs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphsql.data.records import DbSchema
from graphsql.schema.graph import EdgeKind, JoinEdge, JoinPath, SchemaGraph

FORMATS = ("ddl", "compact", "graph")
MAX_VALUE_CHARS = 40

# SQLite keywords that would need quoting as bare identifiers (the common ones in Spider/BIRD names).
SQL_KEYWORDS = frozenset(
    """abort action add after all alter analyze and as asc attach autoincrement before begin between by cascade
    case cast check collate column commit conflict constraint create cross current_date current_time
    current_timestamp database default deferrable deferred delete desc detach distinct drop each else end
    escape except exclusive exists explain fail for foreign from full glob group having if ignore immediate in
    index indexed initially inner insert instead intersect into is isnull join key left like limit match
    natural no not notnull null of offset on or order outer plan pragma primary query raise recursive
    references regexp reindex release rename replace restrict right rollback row savepoint select set table
    temp temporary then to transaction trigger union unique update using vacuum values view virtual when where
    with without""".split()
)
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def quote_identifier(name: str) -> str:
    """``name`` as-is if it is a plain word that is not a keyword, else double-quoted."""
    if _PLAIN.match(name) and name.lower() not in SQL_KEYWORDS:
        return name
    return '"' + name.replace('"', '""') + '"'


def normalize_type(declared: str) -> str:
    """A declared type on one line, no space before ``(``; ``text`` when empty: ``VARCHAR (20)`` -> ``VARCHAR(20)``."""
    return re.sub(r"\s+\(", "(", " ".join((declared or "").split())) or "text"


def format_value(value) -> str:
    """A sample value as a SQL literal, long strings cut to ``MAX_VALUE_CHARS`` characters."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    text = " ".join(str(value).split())
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 3] + "..."
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class _Col:
    name: str
    type: str
    is_primary: bool
    values: tuple
    description: str


@dataclass(frozen=True)
class _View:
    """What every format prints, gathered once from a DbSchema or a SchemaGraph."""

    tables: tuple[tuple[str, tuple[_Col, ...]], ...]
    edges: tuple[JoinEdge, ...]
    names: dict  # lower-cased (table,) or (table, column) -> original spelling


def _gather(
    source: DbSchema | SchemaGraph, sample_values: int, descriptions: bool, include_inferred: bool
) -> _View:
    schema = source.schema if isinstance(source, SchemaGraph) else source
    nodes = source.graph.nodes if isinstance(source, SchemaGraph) else None
    names: dict = {}
    tables = []
    for table in schema.tables:
        names[(table.name.lower(),)] = table.name
        cols = []
        for col in table.columns:
            names[col.key] = col.name
            values = col.sample_values
            if not values and nodes is not None:
                values = nodes[("column", *col.key)].get("sample_values", ())
            desc = ""
            if descriptions:
                desc = "; ".join(x for x in (col.description, col.value_description) if x)
                if not desc and col.natural_name and col.natural_name.lower() != col.name.lower():
                    desc = col.natural_name
            cols.append(
                _Col(col.name, normalize_type(col.type), col.is_primary, tuple(values[:sample_values]), desc)
            )
        tables.append((table.name, tuple(cols)))
    if isinstance(source, SchemaGraph):
        edges = source.join_edges
        if not include_inferred:
            edges = tuple(e for e in edges if e.kind is EdgeKind.FOREIGN_KEY)
    else:
        edges = tuple(
            JoinEdge(f.table.lower(), f.column.lower(), f.ref_table.lower(), f.ref_column.lower())
            for f in schema.foreign_keys
        )
    edges = tuple(e for e in edges if (e.table, e.column) in names and (e.ref_table, e.ref_column) in names)
    return _View(tuple(tables), edges, names)


def _tname(view: _View, table: str) -> str:
    return quote_identifier(view.names.get((table,), table))


def _cname(view: _View, table: str, column: str) -> str:
    return quote_identifier(view.names.get((table, column), column))


def _qualified(view: _View, table: str, column: str) -> str:
    return f"{_tname(view, table)}.{_cname(view, table, column)}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _ddl(view: _View, include_fks: bool) -> str:
    blocks = []
    for tname, cols in view.tables:
        low = tname.lower()
        items: list[tuple[str, str]] = []  # (clause, trailing comment)
        for col in cols:
            notes = []
            if col.values:
                notes.append("values: " + ", ".join(format_value(v) for v in col.values))
            if col.description:
                notes.append(_one_line(col.description))
            items.append((f"{quote_identifier(col.name)} {col.type}", "; ".join(notes)))
        pks = [quote_identifier(c.name) for c in cols if c.is_primary]
        if pks:
            items.append((f"PRIMARY KEY ({', '.join(pks)})", ""))
        if include_fks:
            for e in view.edges:
                if e.table == low and e.kind is EdgeKind.FOREIGN_KEY:
                    items.append(
                        (
                            f"FOREIGN KEY ({_cname(view, e.table, e.column)}) REFERENCES "
                            f"{_tname(view, e.ref_table)}({_cname(view, e.ref_table, e.ref_column)})",
                            "",
                        )
                    )
        lines = [f"CREATE TABLE {quote_identifier(tname)} ("]
        for i, (clause, comment) in enumerate(items):
            sep = "," if i < len(items) - 1 else ""
            lines.append(f"  {clause}{sep}" + (f" -- {comment}" if comment else ""))
        lines.append(");")
        blocks.append("\n".join(lines))
    text = "\n".join(blocks)
    if include_fks:
        inferred = [e for e in view.edges if e.kind is EdgeKind.INFERRED_FOREIGN_KEY]
        for e in inferred:
            text += (
                f"\n-- inferred FK: {_qualified(view, e.table, e.column)} = "
                f"{_qualified(view, e.ref_table, e.ref_column)} ({e.confidence:.2f})"
            )
    return text


def _compact_column(col: _Col) -> str:
    text = f"{quote_identifier(col.name)} {col.type}"
    if col.is_primary:
        text += " pk"
    if col.values:
        text += " (" + ", ".join(format_value(v) for v in col.values) + ")"
    return text


def _fk_lines(view: _View, prefix_declared: str, prefix_inferred: str) -> list[str]:
    lines = []
    for e in view.edges:
        left, right = _qualified(view, e.table, e.column), _qualified(view, e.ref_table, e.ref_column)
        if e.kind is EdgeKind.FOREIGN_KEY:
            lines.append(f"{prefix_declared}{left} = {right}")
        else:
            lines.append(f"{prefix_inferred}{left} = {right} ({e.confidence:.2f})")
    return lines


def _descriptions(view: _View) -> list[str]:
    return [
        f"-- {_qualified(view, t.lower(), c.name.lower())}: {_one_line(c.description)}"
        for t, cols in view.tables
        for c in cols
        if c.description
    ]


def _compact(view: _View, include_fks: bool) -> str:
    lines = [
        f"{quote_identifier(t)}({', '.join(_compact_column(c) for c in cols)})" for t, cols in view.tables
    ]
    if include_fks:
        lines += _fk_lines(view, "fk: ", "fk?: ")
    return "\n".join(lines + _descriptions(view))


def _join_lines(view: _View, path: JoinPath) -> list[str]:
    """Chains such as ``join a -[x]-> b -[y=z]-> c``: a depth-first walk of the join tree, one line per branch."""
    if not path.conditions:
        return []
    adj: dict[str, list[tuple[str, JoinEdge]]] = {}
    for e in path.conditions:
        adj.setdefault(e.table, []).append((e.ref_table, e))
        adj.setdefault(e.ref_table, []).append((e.table, e))
    root = next((t for t in path.tables if t in adj), path.conditions[0].table)
    lines: list[str] = []
    seen = {root}

    def label(e: JoinEdge, frm: str) -> str:
        a, b = (e.column, e.ref_column) if frm == e.table else (e.ref_column, e.column)
        to = e.ref_table if frm == e.table else e.table
        la, lb = _cname(view, frm, a), _cname(view, to, b)
        mark = "~" if e.kind is EdgeKind.INFERRED_FOREIGN_KEY else "-"
        return f" {mark}[{la if a == b else la + '=' + lb}]{mark}> {_tname(view, to)}"

    def walk(node: str, line: str) -> None:
        children = [(nb, e) for nb, e in adj.get(node, []) if nb not in seen]
        if not children:
            lines.append(line)
            return
        for i, (nb, e) in enumerate(children):
            seen.add(nb)
            walk(nb, (line if i == 0 else f"join {_tname(view, node)}") + label(e, node))

    walk(root, f"join {_tname(view, root)}")
    return lines


def _graph(view: _View, include_fks: bool, path: JoinPath | None) -> str:
    lines = []
    for t, cols in view.tables:
        lines.append(f"node {quote_identifier(t)}: " + "; ".join(_compact_column(c) for c in cols))
    if include_fks:
        for e in view.edges:
            left, right = _qualified(view, e.table, e.column), _qualified(view, e.ref_table, e.ref_column)
            if e.kind is EdgeKind.FOREIGN_KEY:
                lines.append(f"edge {left} -> {right}")
            else:
                lines.append(f"edge {left} ~> {right} ({e.confidence:.2f})")
    if path is not None:
        lines += _join_lines(view, path)
    return "\n".join(lines + _descriptions(view))


def serialize_schema(
    source: DbSchema | SchemaGraph,
    fmt: str = "ddl",
    sample_values: int = 0,
    include_fks: bool = True,
    join_path: JoinPath | None = None,
    descriptions: bool = False,
    include_inferred: bool = True,
) -> str:
    """``source`` as text in format ``fmt`` (``ddl`` | ``compact`` | ``graph``), tables and columns in schema order.

    ``sample_values``: values shown per column (from the schema or, failing that, the graph's nodes);
    ``include_fks``: print FK clauses/lines; ``include_inferred``: also inferred FKs (only a SchemaGraph has
    them); ``join_path``: join lines (``graph`` format; other formats ignore it); ``descriptions``: BIRD
    column descriptions (or Spider natural names that differ from the column name) as ``--`` comments."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown schema format {fmt!r}: choose {', '.join(FORMATS)}")
    view = _gather(source, sample_values, descriptions, include_inferred)
    if fmt == "ddl":
        return _ddl(view, include_fks)
    if fmt == "compact":
        return _compact(view, include_fks)
    return _graph(view, include_fks, join_path)


# ----------------------------------------------------------------------------------------------- parsing back

_IDENT = r'(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_]*)'
_QUAL = re.compile(rf"({_IDENT})\.({_IDENT})")


def _unquote(name: str) -> str:
    name = name.strip()
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside quotes and parentheses."""
    parts, depth, buf, quote = [], 0, [], ""
    for ch in text:
        if quote:
            buf.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "\"'":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    parts.append("".join(buf))
    return [p.strip() for p in parts if p.strip()]


def _strip_comment(line: str) -> str:
    """``line`` without a trailing ``-- comment`` (outside quotes)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif line.startswith("--", i):
            return line[:i].rstrip()
    return line


def _leading_ident(text: str) -> tuple[str, str]:
    m = re.match(rf"\s*({_IDENT})", text)
    if not m:
        raise ValueError(f"expected an identifier at {text[:30]!r}")
    return _unquote(m.group(1)), text[m.end() :]


@dataclass(frozen=True)
class ParsedSchema:
    """What `parse_schema_text` reads back: ``tables`` maps a table to its (column, type, is_primary) tuple;
    ``foreign_keys`` holds ((table, column), (ref_table, ref_column)); ``inferred`` the inferred ones."""

    tables: dict
    foreign_keys: frozenset
    inferred: frozenset = frozenset()


def _fk_pair(text: str) -> tuple[tuple[str, str], tuple[str, str]]:
    quals = _QUAL.findall(text)
    (t1, c1), (t2, c2) = quals[0], quals[1]
    return ((_unquote(t1), _unquote(c1)), (_unquote(t2), _unquote(c2)))


def _before_values(text: str) -> str:
    """``text`` up to a top-level `` (`` that opens sample values (a type's own ``(`` has no space before it)."""
    quote, depth = "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "(":
            if depth == 0 and i > 0 and text[i - 1] == " ":
                return text[:i]
            depth += 1
        elif ch == ")":
            depth -= 1
    return text


def _parse_columns(parts: list[str]) -> tuple:
    cols = []
    for part in parts:
        name, rest = _leading_ident(part)
        type_part = _before_values(rest)
        words = type_part.split()
        is_primary = bool(words) and words[-1] == "pk"
        cols.append((name, " ".join(words[:-1] if is_primary else words), is_primary))
    return tuple(cols)


def parse_schema_text(text: str, fmt: str) -> ParsedSchema:
    """Read tables, columns (name, type, is_primary) and FKs back from `serialize_schema` output."""
    tables: dict = {}
    fks, inferred = set(), set()
    if fmt == "ddl":
        for stmt in re.split(r"\n(?=CREATE TABLE )", text):
            if not stmt.startswith("CREATE TABLE "):
                continue
            body_lines = [_strip_comment(line) for line in stmt.splitlines()]
            head = body_lines[0][len("CREATE TABLE ") :]
            tname, _ = _leading_ident(head)
            cols, pks = [], set()
            for line in body_lines[1:]:
                clause = line.strip().rstrip(",")
                if not clause or clause == ");":
                    continue
                if clause.startswith("PRIMARY KEY"):
                    inner = clause[clause.index("(") + 1 : clause.rindex(")")]
                    pks = {_unquote(p) for p in _split_top(inner, ",")}
                elif clause.startswith("FOREIGN KEY"):
                    m = re.match(rf"FOREIGN KEY \(({_IDENT})\) REFERENCES ({_IDENT})\(({_IDENT})\)", clause)
                    fks.add(((tname, _unquote(m.group(1))), (_unquote(m.group(2)), _unquote(m.group(3)))))
                else:
                    name, rest = _leading_ident(clause)
                    cols.append((name, rest.strip()))
            tables[tname] = tuple((n, t, n in pks) for n, t in cols)
        for line in text.splitlines():
            if line.startswith("-- inferred FK: "):
                inferred.add(_fk_pair(line))
        return ParsedSchema(tables, frozenset(fks), frozenset(inferred))
    if fmt not in ("compact", "graph"):
        raise ValueError(f"unknown schema format {fmt!r}: choose {', '.join(FORMATS)}")
    for line in text.splitlines():
        if not line or line.startswith("--") or line.startswith("join "):
            continue
        if fmt == "compact" and line.startswith(("fk: ", "fk?: ")):
            (inferred if line.startswith("fk?") else fks).add(_fk_pair(line))
        elif fmt == "graph" and line.startswith("edge "):
            (inferred if " ~> " in line else fks).add(_fk_pair(line))
        elif fmt == "graph" and line.startswith("node "):
            tname, rest = _leading_ident(line[len("node ") :])
            tables[tname] = _parse_columns(_split_top(rest.lstrip()[1:], ";"))
        elif fmt == "compact":
            tname, rest = _leading_ident(line)
            tables[tname] = _parse_columns(_split_top(rest.strip()[1:-1], ","))
    return ParsedSchema(tables, frozenset(fks), frozenset(inferred))
