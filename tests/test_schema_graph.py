"""Schema graph: construction, inferred FKs, join paths, neighbourhoods, drawing, and the coverage run."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest

from graphsql.config import data_root
from graphsql.data.records import Column, DbSchema, ForeignKey, Table
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.schema.draw import draw_schema_graph, graph_to_dot, graph_to_json
from graphsql.schema.graph import (
    EdgeKind,
    SchemaGraph,
    build_schema_graph,
    join_path,
    neighbourhood,
    restrict_graph,
)
from graphsql.schema.infer import infer_foreign_keys, singularize

CONCERT_DDL = """
CREATE TABLE stadium (stadium_id INTEGER PRIMARY KEY, name TEXT, capacity INTEGER);
CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER);
CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, concert_name TEXT, year INTEGER,
    stadium_id INTEGER {stadium_fk});
CREATE TABLE singer_in_concert (concert_id INTEGER {concert_fk}, singer_id INTEGER {singer_fk});
CREATE TABLE fan (fan_id INTEGER PRIMARY KEY, singer_id INTEGER, lucky_number INTEGER);
CREATE TABLE orphan (orphan_id INTEGER PRIMARY KEY, note TEXT);
"""


def make_concert_db(path, declared: bool) -> DbSchema:
    """singer/concert/stadium/singer_in_concert (+ fan, whose singer_id values match no singer, + orphan)."""
    fks = {
        "stadium_fk": "REFERENCES stadium(stadium_id)" if declared else "",
        "concert_fk": "REFERENCES concert(concert_id)" if declared else "",
        "singer_fk": "REFERENCES singer(singer_id)" if declared else "",
    }
    conn = sqlite3.connect(path)
    conn.executescript(CONCERT_DDL.format(**fks))
    conn.executemany("INSERT INTO stadium VALUES (?,?,?)", [(i, f"Arena {i}", 1000 * i) for i in range(1, 6)])
    conn.executemany(
        "INSERT INTO singer VALUES (?,?,?,?)", [(i, f"Singer {i}", "NL", 20 + i) for i in range(1, 11)]
    )
    conn.executemany(
        "INSERT INTO concert VALUES (?,?,?,?)", [(i, f"Show {i}", 2010 + i, 1 + i % 5) for i in range(1, 9)]
    )
    conn.executemany(
        "INSERT INTO singer_in_concert VALUES (?,?)", [(1 + i % 8, 1 + i % 10) for i in range(20)]
    )
    conn.executemany("INSERT INTO fan VALUES (?,?,?)", [(i, 500 + i, 7) for i in range(1, 16)])
    conn.execute("INSERT INTO orphan VALUES (1, 'alone')")
    conn.commit()
    conn.close()
    return read_sqlite_schema(path, db_id="concert")


@pytest.fixture
def plain_db(tmp_path):
    return make_concert_db(tmp_path / "plain.sqlite", declared=False)


@pytest.fixture
def declared_db(tmp_path):
    return make_concert_db(tmp_path / "declared.sqlite", declared=True)


def fk_keys(fks) -> set:
    return {f.key for f in fks}


def test_graph_nodes_and_edges_use_tuple_keys(declared_db):
    g = build_schema_graph(declared_db)
    assert isinstance(g, SchemaGraph)
    assert ("table", "singer") in g.graph
    node = g.graph.nodes[("column", "singer", "name")]
    assert node["type"] == "text" and node["sample_values"][:1] == ("Singer 1",)
    assert g.graph.has_edge(("table", "singer"), ("column", "singer", "singer_id"), key=EdgeKind.PRIMARY_KEY)
    assert g.graph.has_edge(("table", "singer"), ("column", "singer", "name"), key=EdgeKind.HAS_COLUMN)
    src, dst = ("column", "singer_in_concert", "singer_id"), ("column", "singer", "singer_id")
    data = g.graph.get_edge_data(src, dst, key=EdgeKind.FOREIGN_KEY)
    assert data["from_column"] == ("singer_in_concert", "singer_id") and data["to_column"] == (
        "singer",
        "singer_id",
    )
    assert g.tables.has_edge("singer", "singer_in_concert") and not g.tables.has_edge("singer", "concert")
    assert "orphan" in g.tables and g.tables.degree("orphan") == 0


def test_declared_fks_are_not_reproposed(declared_db):
    g = build_schema_graph(declared_db)
    declared = fk_keys(declared_db.foreign_keys)
    assert not declared & fk_keys(g.inferred_fks)
    assert all(e.kind is EdgeKind.FOREIGN_KEY for e in g.join_edges[: len(declared)])


def test_inferred_fk_found_with_values_and_unrelated_id_not(plain_db):
    assert not plain_db.foreign_keys
    found = {f.key: f for f in infer_foreign_keys(plain_db, min_confidence=0.0)}
    true = found[(("singer_in_concert", "singer_id"), ("singer", "singer_id"))]
    assert true.confidence >= 0.9 and true.containment == 1.0
    assert (("concert", "stadium_id"), ("stadium", "stadium_id")) in found
    # fan.singer_id matches by name but none of its values is a singer: low confidence, dropped at 0.5
    fan = found[(("fan", "singer_id"), ("singer", "singer_id"))]
    assert fan.containment == 0.0 and fan.confidence < 0.5
    g = build_schema_graph(plain_db, min_confidence=0.5)
    keys = fk_keys(g.inferred_fks)
    assert (("fan", "singer_id"), ("singer", "singer_id")) not in keys
    assert not any(k[0] == ("fan", "lucky_number") or k[0][1] in ("year", "capacity") for k in keys)
    assert all(0.0 <= f.confidence <= 1.0 for f in g.inferred_fks)
    data = g.graph.get_edge_data(
        ("column", "singer_in_concert", "singer_id"),
        ("column", "singer", "singer_id"),
        key=EdgeKind.INFERRED_FOREIGN_KEY,
    )
    assert data["confidence"] >= 0.9


def test_inference_by_name_only_and_conventions():
    schema = DbSchema(
        "shop",
        (
            Table("customers", (Column("customers", "id", "number", True), Column("customers", "name"))),
            Table(
                "orders",
                (
                    Column("orders", "id", "number", True),
                    Column("orders", "customer_id", "number"),
                    Column("orders", "status_code", "text"),
                ),
            ),
            Table("cities", (Column("cities", "city_id", "number", True),)),
            Table(
                "events", (Column("events", "id", "number", True), Column("events", "host_city_id", "number"))
            ),
        ),
    )
    keys = {f.key: f.rule for f in infer_foreign_keys(schema)}
    assert keys[(("orders", "customer_id"), ("customers", "id"))] == "<table>_id"
    assert keys[(("events", "host_city_id"), ("cities", "city_id"))] == "suffix key"
    assert not any(k[0] == ("orders", "status_code") for k in keys)
    assert (
        singularize("cities") == "city"
        and singularize("classes") == "class"
        and singularize("status") == "status"
    )


@pytest.fixture()
def keyless_db(tmp_path):
    """A database that declares no key at all (as GeoQuery, or a CSV import): states, cities in them, rivers
    crossing them under a column named for neither."""
    path = tmp_path / "keyless.sqlite"
    conn = sqlite3.connect(path)
    states = ["ohio", "texas", "utah", "iowa", "maine", "idaho"]
    conn.executescript("CREATE TABLE state (state_name text, population int); CREATE TABLE city (city_name text, "
                       "state_name text); CREATE TABLE river (river_name text, traverse text, length int); "
                       "CREATE TABLE note (name text, body text)")
    conn.executemany("INSERT INTO state VALUES (?, ?)", [(s, 100 * i) for i, s in enumerate(states)])
    conn.executemany("INSERT INTO city VALUES (?, ?)", [(f"c{i}", s) for i, s in enumerate(states * 2)])
    conn.executemany("INSERT INTO river VALUES (?, ?, ?)", [(f"r{i % 3}", s, i) for i, s in enumerate(states)])
    conn.executemany("INSERT INTO note VALUES (?, ?)", [("same", "a"), ("same", "b")])  # a repeated name: no key
    conn.commit()
    conn.close()
    return path


def test_keys_and_references_inferred_from_the_data_of_a_keyless_database(keyless_db):
    """infer_keys: state_name and city_name become their tables' keys (named for them, present and distinct; a
    river's name repeats: no key), city.state_name references state by name, river.traverse by its values; off,
    nothing is found."""
    from graphsql.data.sqlite import connect_readonly
    from graphsql.schema.infer import infer_primary_keys

    schema = read_sqlite_schema(keyless_db)
    assert infer_primary_keys(schema, connect_readonly(keyless_db)) == {"state": "state_name", "city": "city_name"}
    found = {(f.table, f.column, f.ref_table, f.ref_column, f.rule) for f in infer_foreign_keys(schema, infer_keys=True)}
    assert found == {("city", "state_name", "state", "state_name", "same-name key"),
                     ("river", "traverse", "state", "state_name", "values")}
    assert infer_foreign_keys(schema) == ()
    graph = build_schema_graph(schema, infer_keys=True)
    assert set(join_path(graph, ["river", "city"]).tables) == {"city", "river", "state"}  # bridged by state


def test_build_does_not_change_schema(plain_db):
    before = plain_db
    build_schema_graph(plain_db)
    assert plain_db == before and plain_db.foreign_keys == ()


def test_join_path_two_tables_and_steiner_bridge(declared_db):
    g = build_schema_graph(declared_db, infer_fks=False)
    two = join_path(g, ["Singer", "concert"])
    assert two.bridge_tables == ("singer_in_concert",) and two.is_connected
    assert {c.pair for c in two.conditions} == {
        (("concert", "concert_id"), ("singer_in_concert", "concert_id")),
        (("singer", "singer_id"), ("singer_in_concert", "singer_id")),
    }
    three = join_path(g, ["singer", "stadium", "concert"])
    assert set(three.tables) == {"singer", "stadium", "concert", "singer_in_concert"}
    assert three.bridge_tables == ("singer_in_concert",) and len(three.conditions) == 3
    assert join_path(g, ["singer"]).conditions == ()


def test_join_path_reports_unconnected(declared_db):
    g = build_schema_graph(declared_db, infer_fks=False)
    jp = join_path(g, ["singer", "orphan", "concert"])
    assert jp.unconnected == ("orphan",) and not jp.is_connected
    assert "singer_in_concert" in jp.bridge_tables
    with pytest.raises(KeyError):
        join_path(g, ["singer", "nope"])


def test_join_path_prefers_declared_over_inferred():
    # a -> b -> c declared; a.c_id -> c.c_id only inferred: the two declared hops win.
    schema = DbSchema(
        "t",
        (
            Table(
                "a",
                (
                    Column("a", "a_id", "number", True),
                    Column("a", "b_id", "number"),
                    Column("a", "c_id", "number"),
                ),
            ),
            Table("b", (Column("b", "b_id", "number", True), Column("b", "c_ref", "number"))),
            Table("c", (Column("c", "c_id", "number", True),)),
        ),
        (ForeignKey("a", "b_id", "b", "b_id"), ForeignKey("b", "c_ref", "c", "c_id")),
    )
    g = build_schema_graph(schema)
    assert (("a", "c_id"), ("c", "c_id")) in fk_keys(g.inferred_fks)
    jp = join_path(g, ["a", "c"])
    assert jp.bridge_tables == ("b",) and all(e.kind is EdgeKind.FOREIGN_KEY for e in jp.conditions)
    # without the declared b -> c edge, the inferred one connects them
    g2 = build_schema_graph(replace(schema, foreign_keys=schema.foreign_keys[:1]))
    jp2 = join_path(g2, ["a", "c"])
    assert jp2.conditions[0].kind is EdgeKind.INFERRED_FOREIGN_KEY and jp2.bridge_tables == ()
    assert not join_path(g2, ["a", "c"], use_inferred=False).is_connected


def test_neighbourhood_hops(declared_db):
    g = build_schema_graph(declared_db, infer_fks=False)
    assert neighbourhood(g, ["singer"], 0) == ("singer",)
    assert neighbourhood(g, ["singer"], 1) == ("singer", "singer_in_concert")
    assert set(neighbourhood(g, ["singer"], 3)) == {"singer", "singer_in_concert", "concert", "stadium"}


def test_restrict_graph_keeps_fks_among_kept(declared_db):
    g = build_schema_graph(declared_db)
    sub = restrict_graph(g, ["singer", "singer_in_concert"])
    assert sub.schema.table_names == ("singer", "singer_in_concert")
    assert fk_keys(sub.schema.foreign_keys) == {(("singer_in_concert", "singer_id"), ("singer", "singer_id"))}
    assert len(g.schema.tables) == 6  # the original is untouched


def test_json_dot_and_png(plain_db, tmp_path):
    g = build_schema_graph(
        replace(plain_db, foreign_keys=(ForeignKey("concert", "stadium_id", "stadium", "stadium_id"),))
    )
    data = graph_to_json(g)
    assert json.loads(json.dumps(data)) == data
    assert ["table", "singer"] in [n["id"] for n in data["nodes"]]
    assert {e["kind"] for e in data["edges"]} >= {
        "has_column",
        "primary_key",
        "foreign_key",
        "inferred_foreign_key",
    }
    dot = graph_to_dot(g)
    assert (
        dot.startswith('digraph "concert"')
        and "style=dashed" in dot
        and '"concert":c3 -> "stadium":c0;' in dot
    )
    png = draw_schema_graph(g, tmp_path / "out" / "concert.png")
    assert png.exists() and png.stat().st_size > 5000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


SPIDER = data_root() / "spider"


@pytest.mark.data
@pytest.mark.skipif(not (SPIDER / "tables.json").exists(), reason="Spider data not present")
def test_spider_concert_singer_and_coverage_smoke(tmp_path):
    from graphsql.data.spider import load_dataset
    from graphsql.experiments.graph_coverage import measure_graph_coverage

    ds = load_dataset("spider", "dev")
    g = build_schema_graph(ds.schemas["concert_singer"])
    assert join_path(g, ["singer", "concert"]).bridge_tables == ("singer_in_concert",)
    res = measure_graph_coverage(tmp_path / "cov.json", budgets=(2, 4), splits=("dev",), limit=30)
    assert (tmp_path / "cov.json").exists()
    joins = res["splits"]["dev"]["joins"]
    assert 0.0 <= joins["share_declared_fk"] <= joins["share_declared_or_inferred_fk"] <= 1.0
    assert set(res["splits"]["dev"]["pruning"]["all"]["first_gold_table"]) == {"2", "4"}
