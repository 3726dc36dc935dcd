"""Schema pruning: seeds and bridges kept, budgets respected, linker scores used, distractors deterministic."""

from __future__ import annotations

import random

import pytest

from graphsql.data.records import Column, DbSchema, ForeignKey, Table
from graphsql.schema.graph import build_schema_graph
from graphsql.schema.prune import add_distractors, prune_schema, select_tables


def _table(name: str, *cols: str) -> Table:
    return Table(
        name, (Column(name, f"{name}_id", "number", True),) + tuple(Column(name, c, "text") for c in cols)
    )


def chain_schema() -> DbSchema:
    """singer <- singer_in_concert -> concert -> stadium -> city, plus label <- singer and a lone table."""
    tables = (
        _table("singer", "name", "label_id"),
        _table("singer_in_concert", "singer_ref", "concert_ref"),
        _table("concert", "name", "stadium_ref"),
        _table("stadium", "name", "city_ref"),
        _table("city", "name"),
        _table("label", "name"),
        _table("weather", "rain"),
    )
    fks = (
        ForeignKey("singer_in_concert", "singer_ref", "singer", "singer_id"),
        ForeignKey("singer_in_concert", "concert_ref", "concert", "concert_id"),
        ForeignKey("concert", "stadium_ref", "stadium", "stadium_id"),
        ForeignKey("stadium", "city_ref", "city", "city_id"),
        ForeignKey("singer", "label_id", "label", "label_id"),
    )
    return DbSchema("music", tables, fks)


@pytest.fixture
def graph():
    return build_schema_graph(chain_schema(), infer_fks=False)


def test_seeds_and_bridges_come_first(graph):
    pruned = prune_schema(graph, ["singer", "stadium"], max_tables=6)
    assert pruned.tables[:2] == ("singer", "stadium")
    assert set(pruned.bridge_tables) == {"singer_in_concert", "concert"}
    assert set(pruned.tables[2:4]) == {"singer_in_concert", "concert"}
    assert len(pruned.tables) == 6 and "weather" not in pruned.tables
    assert pruned.join_path.is_connected and len(pruned.join_path.conditions) == 3
    # the pruned schema keeps the original table order and the FKs among kept tables
    assert pruned.schema.table_names == tuple(t for t in graph.schema.table_names if t in pruned.tables)
    assert all(f.table in pruned.tables and f.ref_table in pruned.tables for f in pruned.schema.foreign_keys)


@pytest.mark.parametrize("budget", [1, 2, 3, 4, 5, 6, 7])
def test_budgets(graph, budget):
    kept, _ = select_tables(graph, ["concert"], max_tables=budget, neighbours=5)
    assert kept[0] == "concert"
    assert len(kept) == min(budget, 6)  # 'weather' is unreachable
    # budgets nest: a bigger budget keeps everything a smaller one did
    smaller, _ = select_tables(graph, ["concert"], max_tables=max(1, budget - 1), neighbours=5)
    assert set(smaller) <= set(kept)


def test_seeds_and_bridges_exceed_budget(graph):
    kept, path = select_tables(graph, ["singer", "city"], max_tables=2)
    assert set(kept) == {"singer", "singer_in_concert", "concert", "stadium", "city"}
    assert path.bridge_tables


def test_neighbour_hops_limit(graph):
    kept, _ = select_tables(graph, ["city"], max_tables=7, neighbours=1)
    assert kept == ("city", "stadium")


def test_table_scores_rank_and_admit_non_adjacent(graph):
    plain, _ = select_tables(graph, ["singer"], max_tables=2)
    scored, _ = select_tables(graph, ["singer"], max_tables=2, table_scores={"label": 0.9})
    assert scored == ("singer", "label")
    far, _ = select_tables(graph, ["singer"], max_tables=2, table_scores={"weather": 0.5})
    assert far == ("singer", "weather")
    assert plain[0] == "singer" and len(plain) == 2


def test_seed_columns_and_column_budget(graph):
    pruned = prune_schema(
        graph, [], seed_columns=[("concert", "name"), "stadium.name"], max_tables=2, max_columns_per_table=1
    )
    assert pruned.seed_tables == ("concert", "stadium")
    cols = {t.name: [c.name for c in t.columns] for t in pruned.schema.tables}
    # keys, the join columns and the seed columns survive even past the column budget
    assert cols["concert"] == ["concert_id", "name", "stadium_ref"]
    assert cols["stadium"] == ["stadium_id", "name"]


def test_prune_is_deterministic_and_pure(graph):
    before = graph.schema
    a = prune_schema(graph, ["concert"], max_tables=4)
    b = prune_schema(graph, ["concert"], max_tables=4)
    assert a.tables == b.tables and a.schema == b.schema
    assert graph.schema is before and len(graph.schema.tables) == 7


def test_unknown_seed_raises(graph):
    with pytest.raises(KeyError):
        prune_schema(graph, ["nope"])


def test_add_distractors(graph):
    one = add_distractors(graph, ["concert"], random.Random(3), 2)
    two = add_distractors(graph, ["concert"], random.Random(3), 2)
    assert one == two and len(one.tables) == 3 and "concert" in one.table_names
    # with a graph, FK neighbours of the kept tables are drawn first
    assert set(one.table_names) - {"concert"} == {"singer_in_concert", "stadium"}
    far = add_distractors(graph.schema, ["concert"], random.Random(3), 6)
    assert len(far.tables) == 7
    assert add_distractors(graph.schema, ["concert"], random.Random(3), 0).table_names == ("concert",)
