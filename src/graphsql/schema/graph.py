"""A database schema as a graph: tables and columns as nodes, keys and foreign keys as typed edges.

    >>> g = build_schema_graph(dataset.schemas["concert_singer"])          # infers undeclared FKs too
    >>> join_path(g, ["singer", "concert"]).bridge_tables                  # ('singer_in_concert',)

Node keys are tuples: ``("table", t)`` and ``("column", t, c)`` with ``t``/``c`` lower-cased. The column graph
(``SchemaGraph.graph``, a ``networkx.MultiDiGraph``) has edges keyed by `EdgeKind`:
``HAS_COLUMN`` and ``PRIMARY_KEY`` go table -> column; ``FOREIGN_KEY`` and ``INFERRED_FOREIGN_KEY`` go
referencing column -> referenced column. The table view (``SchemaGraph.tables``, an undirected
``networkx.Graph``) has one edge per table pair that some FK joins, carrying every `JoinEdge` between them
and a ``weight`` that makes declared FKs cheaper than inferred ones.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

import networkx as nx
from networkx.algorithms.approximation import steiner_tree

from graphsql.data.records import DbSchema
from graphsql.data.sqlite import connect_readonly
from graphsql.errors import DataError
from graphsql.schema.infer import InferredForeignKey, infer_foreign_keys

log = logging.getLogger(__name__)

DECLARED_WEIGHT = 1.0
INFERRED_WEIGHT = 2.5  # plus (1 - confidence): an inferred hop costs more than two declared ones


class EdgeKind(str, Enum):
    """What an edge of the schema graph means."""

    HAS_COLUMN = "has_column"
    PRIMARY_KEY = "primary_key"
    FOREIGN_KEY = "foreign_key"
    INFERRED_FOREIGN_KEY = "inferred_foreign_key"


@dataclass(frozen=True)
class JoinEdge:
    """One join condition ``table.column = ref_table.ref_column`` (names lower-cased), from a declared or
    inferred foreign key; ``table.column`` is the referencing side."""

    table: str
    column: str
    ref_table: str
    ref_column: str
    kind: EdgeKind = EdgeKind.FOREIGN_KEY
    confidence: float = 1.0

    @property
    def pair(self) -> tuple[tuple[str, str], tuple[str, str]]:
        """The condition as a sorted pair of (table, column) keys, as `graphsql.sql.parse.join_conditions` gives."""
        a, b = (self.table, self.column), (self.ref_table, self.ref_column)
        return (min(a, b), max(a, b))

    @property
    def weight(self) -> float:
        if self.kind is EdgeKind.FOREIGN_KEY:
            return DECLARED_WEIGHT
        return INFERRED_WEIGHT + (1.0 - self.confidence)


@dataclass(frozen=True)
class JoinPath:
    """How a set of tables joins: the conditions of a (Steiner) tree over the table view.

    ``tables``: the requested tables that got connected plus the ``bridge_tables`` needed between them;
    ``unconnected``: requested tables that no FK path reaches from the largest connected group."""

    tables: tuple[str, ...]
    conditions: tuple[JoinEdge, ...]
    bridge_tables: tuple[str, ...] = ()
    unconnected: tuple[str, ...] = ()

    @property
    def is_connected(self) -> bool:
        return not self.unconnected


@dataclass(frozen=True, eq=False)
class SchemaGraph:
    """A `DbSchema` with its column graph, its table view and the FKs inferred for it (see module doc)."""

    schema: DbSchema
    graph: nx.MultiDiGraph = field(repr=False)
    tables: nx.Graph = field(repr=False)
    inferred_fks: tuple[InferredForeignKey, ...] = ()

    @property
    def db_id(self) -> str:
        return self.schema.db_id

    @property
    def join_edges(self) -> tuple[JoinEdge, ...]:
        """Every FK edge, declared first (schema order), then inferred."""
        return tuple(_declared_edges(self.schema)) + tuple(_inferred_edges(self.inferred_fks))

    def table_key(self, name: str) -> str:
        """The lower-cased node name of table ``name``; KeyError if the schema has no such table."""
        low = name.lower()
        if ("table", low) not in self.graph:
            raise KeyError(f"database {self.schema.db_id!r} has no table {name!r}")
        return low


def table_node(table: str) -> tuple[str, str]:
    return ("table", table.lower())


def column_node(table: str, column: str) -> tuple[str, str, str]:
    return ("column", table.lower(), column.lower())


def _declared_edges(schema: DbSchema) -> Iterable[JoinEdge]:
    for fk in schema.foreign_keys:
        yield JoinEdge(fk.table.lower(), fk.column.lower(), fk.ref_table.lower(), fk.ref_column.lower())


def _inferred_edges(fks: Iterable[InferredForeignKey]) -> Iterable[JoinEdge]:
    for fk in fks:
        yield JoinEdge(
            fk.table.lower(),
            fk.column.lower(),
            fk.ref_table.lower(),
            fk.ref_column.lower(),
            EdgeKind.INFERRED_FOREIGN_KEY,
            fk.confidence,
        )


def _fetch_sample_values(db_path: Path, schema: DbSchema, n: int) -> dict[tuple[str, str], tuple]:
    """Up to ``n`` distinct non-null values per column, read-only; {} if the file cannot be read."""
    out: dict[tuple[str, str], tuple] = {}
    try:
        conn = connect_readonly(db_path)
    except DataError as err:
        log.warning("no sample values: %s", err)
        return out
    try:
        for col in schema.columns:
            qc, qt = '"' + col.name.replace('"', '""') + '"', '"' + col.table.replace('"', '""') + '"'
            try:
                rows = conn.execute(
                    f"SELECT DISTINCT {qc} FROM {qt} WHERE {qc} IS NOT NULL LIMIT {int(n)}"
                ).fetchall()
            except sqlite3.Error:
                continue
            out[col.key] = tuple(r[0] for r in rows if not isinstance(r[0], bytes))
    finally:
        conn.close()
    return out


def _assemble(
    schema: DbSchema, inferred: tuple[InferredForeignKey, ...], values: dict | None = None
) -> SchemaGraph:
    graph = nx.MultiDiGraph(db_id=schema.db_id)
    for table in schema.tables:
        tn = table_node(table.name)
        graph.add_node(
            tn,
            kind="table",
            name=table.name,
            natural_name=table.natural_name,
            description=table.description,
            row_count=table.row_count,
        )
        for col in table.columns:
            cn = column_node(table.name, col.name)
            graph.add_node(
                cn,
                kind="column",
                table=table.name,
                name=col.name,
                type=col.type,
                is_primary=col.is_primary,
                natural_name=col.natural_name,
                description=col.description,
                value_description=col.value_description,
                sample_values=col.sample_values or (values or {}).get(col.key, ()),
            )
            graph.add_edge(tn, cn, key=EdgeKind.HAS_COLUMN, kind=EdgeKind.HAS_COLUMN)
            if col.is_primary:
                graph.add_edge(tn, cn, key=EdgeKind.PRIMARY_KEY, kind=EdgeKind.PRIMARY_KEY)
    tables = nx.Graph(db_id=schema.db_id)
    tables.add_nodes_from(t.name.lower() for t in schema.tables)
    edges = list(_declared_edges(schema)) + list(_inferred_edges(inferred))
    for edge in edges:
        src, dst = column_node(edge.table, edge.column), column_node(edge.ref_table, edge.ref_column)
        if src not in graph or dst not in graph:
            log.debug("%s: FK %s names a missing column; skipped", schema.db_id, edge)
            continue
        graph.add_edge(
            src,
            dst,
            key=edge.kind,
            kind=edge.kind,
            from_column=(edge.table, edge.column),
            to_column=(edge.ref_table, edge.ref_column),
            confidence=edge.confidence,
        )
        if edge.table == edge.ref_table:
            continue  # self-references join a table to itself; no use for paths between tables
        a, b = edge.table, edge.ref_table
        if tables.has_edge(a, b):
            data = tables.edges[a, b]
            data["joins"] = data["joins"] + (edge,)
            data["weight"] = min(data["weight"], edge.weight)
        else:
            tables.add_edge(a, b, joins=(edge,), weight=edge.weight)
    return SchemaGraph(schema, graph, tables, inferred)


def build_schema_graph(
    schema: DbSchema,
    infer_fks: bool = True,
    db_path: str | Path | None = None,
    min_confidence: float = 0.5,
    sample_values: int = 0,
    infer_keys: bool = False,
) -> SchemaGraph:
    """Graph of ``schema``. With ``infer_fks``, undeclared FKs of confidence >= ``min_confidence`` become
    ``INFERRED_FOREIGN_KEY`` edges (value containment uses ``db_path``, default ``schema.db_path``).
    ``sample_values`` > 0 reads that many distinct values per column from the database for columns that
    have none. ``infer_keys``: keys of keyless tables and references by value too (`infer_foreign_keys`). The
    schema itself is not changed."""
    path = Path(db_path) if db_path is not None else schema.db_path
    if path is not None and not Path(path).exists():
        path = None
    inferred = infer_foreign_keys(schema, path, min_confidence=min_confidence, infer_keys=infer_keys) if infer_fks else ()
    values = _fetch_sample_values(path, schema, sample_values) if sample_values and path is not None else None
    return _assemble(schema, inferred, values)


def graphs_by_db(schemas: dict[str, DbSchema], infer_fks: bool = True) -> Callable[[str], SchemaGraph]:
    """``db_id -> SchemaGraph`` of ``schemas`` (each with its ``db_path`` where that file exists; FK inference
    from the data needs it), built on first use and kept: for code that scores many questions per database."""
    graphs: dict[str, SchemaGraph] = {}

    def graph_for(db_id: str) -> SchemaGraph:
        if db_id not in graphs:
            schema = schemas[db_id]
            path = schema.db_path if schema.db_path is not None and schema.db_path.exists() else None
            graphs[db_id] = build_schema_graph(schema, infer_fks=infer_fks, db_path=path)
        return graphs[db_id]

    return graph_for


def restrict_graph(
    graph: SchemaGraph, tables: Iterable[str], columns: Iterable[tuple[str, str]] | None = None
) -> SchemaGraph:
    """A new `SchemaGraph` with only ``tables`` (and, if given, only those (table, column) keys; keys and FK
    columns of kept tables stay only if listed). FKs, declared and inferred, survive when both ends do."""
    keep_t = {t.lower() for t in tables}
    keep_c = {(t.lower(), c.lower()) for t, c in columns} if columns is not None else None
    new_tables = []
    for table in graph.schema.tables:
        if table.name.lower() not in keep_t:
            continue
        if keep_c is not None:
            table = replace(table, columns=tuple(c for c in table.columns if c.key in keep_c))
        new_tables.append(table)
    alive = {c.key for t in new_tables for c in t.columns}
    fks = tuple(f for f in graph.schema.foreign_keys if f.key[0] in alive and f.key[1] in alive)
    inferred = tuple(f for f in graph.inferred_fks if f.key[0] in alive and f.key[1] in alive)
    schema = replace(graph.schema, tables=tuple(new_tables), foreign_keys=fks)
    values = {n[1:]: d.get("sample_values", ()) for n, d in graph.graph.nodes(data=True) if n[0] == "column"}
    return _assemble(schema, inferred, values)


def _best_join(data: dict) -> JoinEdge:
    """The join to use between two tables: declared before inferred, then higher confidence, then first."""
    joins = data["joins"]
    return min(joins, key=lambda e: (e.kind is not EdgeKind.FOREIGN_KEY, -e.confidence, joins.index(e)))


def join_path(graph: SchemaGraph, tables: Iterable[str], use_inferred: bool = True) -> JoinPath:
    """Join conditions (and bridge tables) that connect ``tables``: a weighted shortest path for two tables,
    an approximate Steiner tree for more. Declared FKs are preferred (lower weight); ``use_inferred=False``
    ignores inferred ones. Requested tables in different connected components: the largest group (ties: the
    one holding the first table) is joined; the rest are listed in ``unconnected``. KeyError for unknown tables."""
    wanted = list(dict.fromkeys(graph.table_key(t) for t in tables))
    view = graph.tables
    if not use_inferred:
        view = nx.Graph()
        view.add_nodes_from(graph.tables.nodes)
        for a, b, data in graph.tables.edges(data=True):
            joins = tuple(j for j in data["joins"] if j.kind is EdgeKind.FOREIGN_KEY)
            if joins:
                view.add_edge(a, b, joins=joins, weight=DECLARED_WEIGHT)
    if len(wanted) <= 1:
        return JoinPath(tuple(wanted), ())
    comp_of = {}
    for i, comp in enumerate(nx.connected_components(view)):
        for node in comp:
            comp_of[node] = i
    groups: dict[int, list[str]] = {}
    for t in wanted:
        groups.setdefault(comp_of[t], []).append(t)
    main = max(groups.values(), key=len)  # max keeps the first of equal-sized groups: the first table's
    unconnected = tuple(t for t in wanted if t not in main)
    if len(main) == 1:
        return JoinPath(tuple(main), (), (), unconnected)
    if len(main) == 2:
        nodes = nx.dijkstra_path(view, main[0], main[1], weight="weight")
        tree_edges = list(zip(nodes, nodes[1:], strict=False))
    else:
        sub = view.subgraph(nx.node_connected_component(view, main[0]))
        tree = steiner_tree(sub, main, weight="weight", method="kou")
        tree_edges = _ordered_tree_edges(tree, main[0])
    conditions = tuple(_best_join(view.edges[a, b]) for a, b in tree_edges)
    in_tree = {t for e in tree_edges for t in e}
    bridges = tuple(t for t in graph.tables.nodes if t in in_tree and t not in main)
    return JoinPath(tuple(main) + bridges, conditions, bridges, unconnected)


def _ordered_tree_edges(tree: nx.Graph, root: str) -> list[tuple[str, str]]:
    """Edges of a tree in depth-first order from ``root``, children visited in sorted order (deterministic)."""
    out, seen = [], {root}

    def visit(node: str) -> None:
        for nb in sorted(tree.neighbors(node)):
            if nb not in seen:
                seen.add(nb)
                out.append((node, nb))
                visit(nb)

    visit(root)
    return out


def neighbourhood(
    graph: SchemaGraph, tables: Iterable[str], k: int = 1, use_inferred: bool = True
) -> tuple[str, ...]:
    """Tables within ``k`` FK hops of ``tables`` (themselves included), nearest first, then in schema order."""
    start = [graph.table_key(t) for t in tables]
    dist = {t: 0 for t in start}
    frontier = list(dict.fromkeys(start))
    for hop in range(1, k + 1):
        nxt = []
        for t in frontier:
            for a, b, data in graph.tables.edges(t, data=True):
                if not use_inferred and all(j.kind is not EdgeKind.FOREIGN_KEY for j in data["joins"]):
                    continue
                nb = b if a == t else a
                if nb not in dist:
                    dist[nb] = hop
                    nxt.append(nb)
        frontier = nxt
    order = {t: i for i, t in enumerate(graph.tables.nodes)}
    return tuple(sorted(dist, key=lambda t: (dist[t], order[t])))
