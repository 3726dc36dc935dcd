"""Cut a schema down to the tables a question needs: seeds, the tables that join them, then ranked neighbours.

    >>> pruned = prune_schema(graph, ["singer", "concert"], max_tables=4)
    >>> pruned.tables            # ('singer', 'concert', 'singer_in_concert', 'stadium')

Order of admission: seed tables (and the tables of ``seed_columns``), the bridge tables of their join path
(always kept, even past the budget), then one table at a time from the frontier, best first, until
``max_tables``. The frontier is every table adjacent to a kept table and at most ``neighbours`` hops from
the seeds, plus every table a linker scored above zero. Ranking: linker score, then whether a declared FK
(rather than only an inferred one) links it to a kept table, then its best FK confidence, then how many kept
tables it touches, then its degree, then schema order. Deterministic; the graph is not changed.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from graphsql.data.records import DbSchema
from graphsql.schema.graph import EdgeKind, JoinPath, SchemaGraph, join_path, neighbourhood, restrict_graph

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class PrunedSchema:
    """The kept part of a schema. ``tables`` are lower-cased, in order of admission; ``schema`` and ``graph``
    hold only those tables (in the original schema order) and the FKs among them."""

    schema: DbSchema
    graph: SchemaGraph
    tables: tuple[str, ...]
    seed_tables: tuple[str, ...]
    bridge_tables: tuple[str, ...]
    join_path: JoinPath


def _column_key(col) -> tuple[str, str]:
    if isinstance(col, str):
        table, _, name = col.partition(".")
        return (table.lower(), name.lower())
    table, name = col
    return (table.lower(), name.lower())


def _rank_key(
    graph: SchemaGraph, table: str, kept: set[str], scores: Mapping[str, float], order: dict
) -> tuple:
    declared, best_conf, touching = False, 0.0, 0
    for _a, _b, data in graph.tables.edges(table, data=True):
        other = _b if _a == table else _a
        if other not in kept:
            continue
        touching += 1
        for j in data["joins"]:
            declared = declared or j.kind is EdgeKind.FOREIGN_KEY
            best_conf = max(best_conf, j.confidence)
    return (
        -scores.get(table, 0.0),
        not declared,
        -best_conf,
        -touching,
        -graph.tables.degree(table),
        order[table],
    )


def _keep_columns(
    graph: SchemaGraph,
    kept: tuple[str, ...],
    path: JoinPath,
    seed_cols: set,
    max_columns: int | None,
    column_scores: Mapping,
) -> list[tuple[str, str]] | None:
    """Columns to keep per table: keys, join columns and seed columns first, then by score, then in order."""
    if max_columns is None:
        return None
    must = set(seed_cols)
    keep_set = set(kept)
    for e in graph.join_edges:
        if e.table in keep_set and e.ref_table in keep_set:
            must.update({(e.table, e.column), (e.ref_table, e.ref_column)})
    for e in path.conditions:
        must.update({(e.table, e.column), (e.ref_table, e.ref_column)})
    out = []
    for t in kept:
        cols = graph.schema.table(t).columns
        ranked = sorted(
            range(len(cols)),
            key=lambda i, cols=cols: (
                not (cols[i].is_primary or cols[i].key in must),
                -float(column_scores.get(cols[i].key, 0.0)),
                i,
            ),
        )
        n_must = sum(1 for c in cols if c.is_primary or c.key in must)
        chosen = set(ranked[: max(max_columns, n_must)])
        out += [cols[i].key for i in sorted(chosen)]
    return out


def select_tables(
    graph: SchemaGraph,
    seed_tables: Iterable[str],
    max_tables: int = 6,
    neighbours: int = 2,
    table_scores: Mapping[str, float] | None = None,
    use_inferred: bool = True,
) -> tuple[tuple[str, ...], JoinPath]:
    """The table choice of `prune_schema` without building the pruned schema: (kept tables, lower-cased, in
    order of admission; the seeds' join path). Cheap enough to call per question in a loop."""
    scores = {k.lower(): float(v) for k, v in (table_scores or {}).items()}
    seeds = list(dict.fromkeys(graph.table_key(t) for t in seed_tables))
    path = join_path(graph, seeds, use_inferred=use_inferred)
    kept = list(dict.fromkeys(seeds + list(path.bridge_tables)))
    if len(kept) > max_tables:
        log.debug(
            "%s: %d seed+bridge tables exceed max_tables=%d; all kept", graph.db_id, len(kept), max_tables
        )
    order = {t: i for i, t in enumerate(graph.tables.nodes)}
    reach = set(neighbourhood(graph, seeds, neighbours, use_inferred=use_inferred)) if seeds else set()
    scored = {t for t, s in scores.items() if s > 0 and t in order}
    while len(kept) < max_tables:
        kept_set = set(kept)
        frontier = set()
        for t in kept:
            for nb in graph.tables.neighbors(t):
                if nb in reach and nb not in kept_set:
                    if use_inferred or any(
                        j.kind is EdgeKind.FOREIGN_KEY for j in graph.tables.edges[t, nb]["joins"]
                    ):
                        frontier.add(nb)
        frontier |= scored - kept_set
        if not kept:  # no seeds at all: start from the best-scored (or first) table
            frontier = set(order)
        if not frontier:
            break
        kept.append(min(frontier, key=lambda t, ks=kept_set: _rank_key(graph, t, ks, scores, order)))
    return tuple(kept), path


def prune_schema(
    graph: SchemaGraph,
    seed_tables: Iterable[str],
    seed_columns: Iterable = (),
    max_tables: int = 6,
    max_columns_per_table: int | None = None,
    neighbours: int = 2,
    table_scores: Mapping[str, float] | None = None,
    column_scores: Mapping[tuple[str, str], float] | None = None,
    use_inferred: bool = True,
) -> PrunedSchema:
    """Keep the seeds, their join path and up to ``max_tables`` tables in all (see the module docstring).

    ``seed_columns``: (table, column) pairs or ``"table.column"`` strings; their tables become seeds and the
    columns survive column pruning. ``neighbours``: how many FK hops from the seeds expansion may go.
    ``table_scores`` (lower-cased table -> score, e.g. from a linker) rank the frontier and let scored
    non-adjacent tables in. ``max_columns_per_table`` keeps keys, FK/join columns and seed columns, then the
    best ``column_scores`` ((table, column) lower-cased -> score), then schema order. KeyError for unknown tables."""
    seed_col_list = list(dict.fromkeys(_column_key(c) for c in seed_columns))
    seed_cols = set(seed_col_list)
    seeds = list(seed_tables) + [t for t, _ in seed_col_list]
    kept, path = select_tables(graph, seeds, max_tables, neighbours, table_scores, use_inferred)
    seeds = list(dict.fromkeys(graph.table_key(t) for t in seeds))
    columns = _keep_columns(graph, tuple(kept), path, seed_cols, max_columns_per_table, column_scores or {})
    sub = restrict_graph(graph, kept, columns)
    bridges = tuple(t for t in path.bridge_tables if t not in seeds)
    return PrunedSchema(sub.schema, sub, tuple(kept), tuple(seeds), bridges, path)


def add_distractors(
    source: DbSchema | SchemaGraph,
    kept: Iterable[str],
    rng: random.Random,
    n: int,
    prefer_neighbours: bool = True,
) -> DbSchema:
    """``source``'s schema restricted to ``kept`` plus ``n`` other tables drawn with ``rng`` (training-time
    augmentation: the model must learn to ignore them). Given a `SchemaGraph` and ``prefer_neighbours``, the
    draw takes FK neighbours of ``kept`` first (harder distractors), then the rest. Deterministic for a
    given ``rng`` state; tables keep the schema's order."""
    schema = source.schema if isinstance(source, SchemaGraph) else source
    keep = list(dict.fromkeys(t.lower() for t in kept))
    others = [t.name.lower() for t in schema.tables if t.name.lower() not in keep]
    near: list[str] = []
    if isinstance(source, SchemaGraph) and prefer_neighbours and keep:
        near_set = set(neighbourhood(source, keep, 1)) - set(keep)
        near = [t for t in others if t in near_set]
    far = [t for t in others if t not in near]
    take = rng.sample(near, min(n, len(near)))
    take += rng.sample(far, min(n - len(take), len(far)))
    return schema.with_tables(keep + take)
