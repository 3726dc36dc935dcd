"""Schema serialization: every format round-trips tables, columns, keys and FKs, deterministically."""

from __future__ import annotations

import sqlite3

import pytest

from graphsql.data.records import Column, DbSchema, ForeignKey, Table
from graphsql.schema.graph import build_schema_graph, join_path
from graphsql.schema.serialize import FORMATS, parse_schema_text, quote_identifier, serialize_schema


def odd_schema() -> DbSchema:
    """BIRD-like names: spaces, parentheses, a keyword table, a quote inside a name, values with commas."""
    return DbSchema(
        "schools",
        (
            Table(
                "schools",
                (
                    Column(
                        "schools", "CDSCode", "text", is_primary=True, sample_values=("0110017", "0112607")
                    ),
                    Column(
                        "schools",
                        "School Name",
                        "text",
                        sample_values=("Oak, Elm & Pine", "St. Mary's (K-8)"),
                    ),
                    Column("schools", "County", "varchar(30)"),
                ),
            ),
            Table(
                "frpm",
                (
                    Column("frpm", "CDSCode", "text", is_primary=True),
                    Column(
                        "frpm",
                        "Free Meal Count (K-12)",
                        "real",
                        description="Free meals, K-12",
                        sample_values=(12.5, 3),
                    ),
                    Column("frpm", 'odd"name', "integer"),
                ),
            ),
            Table(
                "order",
                (
                    Column("order", "id", "integer", is_primary=True),
                    Column("order", "school code", "text"),
                ),
            ),
        ),
        (
            ForeignKey("frpm", "CDSCode", "schools", "CDSCode"),
            ForeignKey("order", "school code", "schools", "CDSCode"),
        ),
    )


def concert_schema() -> DbSchema:
    return DbSchema(
        "concert",
        (
            Table(
                "singer",
                (
                    Column("singer", "singer_id", "number", True, sample_values=("1", "2")),
                    Column("singer", "name", "text", sample_values=("Joe Sharp", "Timbaland")),
                ),
            ),
            Table(
                "concert",
                (Column("concert", "concert_id", "number", True), Column("concert", "year", "text")),
            ),
            Table(
                "singer_in_concert",
                (
                    Column("singer_in_concert", "concert_id", "number"),
                    Column("singer_in_concert", "singer_id", "number"),
                ),
            ),
        ),
        (
            ForeignKey("singer_in_concert", "singer_id", "singer", "singer_id"),
            ForeignKey("singer_in_concert", "concert_id", "concert", "concert_id"),
        ),
    )


def expected(schema: DbSchema):
    tables = {t.name: tuple((c.name, c.type, c.is_primary) for c in t.columns) for t in schema.tables}
    fks = frozenset(((f.table, f.column), (f.ref_table, f.ref_column)) for f in schema.foreign_keys)
    return tables, fks


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("make", [odd_schema, concert_schema])
@pytest.mark.parametrize("sample_values", [0, 2])
def test_round_trip(fmt, make, sample_values):
    schema = make()
    text = serialize_schema(schema, fmt, sample_values=sample_values, descriptions=True)
    parsed = parse_schema_text(text, fmt)
    tables, fks = expected(schema)
    assert parsed.tables == tables
    assert parsed.foreign_keys == fks
    assert list(parsed.tables) == [t.name for t in schema.tables]


@pytest.mark.parametrize("fmt", FORMATS)
def test_deterministic_and_graph_equals_schema(fmt):
    schema = odd_schema()
    a = serialize_schema(schema, fmt, sample_values=2)
    b = serialize_schema(odd_schema(), fmt, sample_values=2)
    assert a == b
    g = build_schema_graph(schema, infer_fks=False)
    assert serialize_schema(g, fmt, sample_values=2) == a


def test_ddl_is_valid_sqlite_with_keys():
    schema = odd_schema()
    conn = sqlite3.connect(":memory:")
    conn.executescript(serialize_schema(schema, "ddl", sample_values=2, descriptions=True))
    for table in schema.tables:
        info = conn.execute(f"PRAGMA table_info({quote_identifier(table.name)})").fetchall()
        assert [(r[1], r[2].lower(), r[5] > 0) for r in info] == [
            (c.name, c.type, c.is_primary) for c in table.columns
        ]
    fk = conn.execute('PRAGMA foreign_key_list("order")').fetchall()
    assert [(r[2], r[3], r[4]) for r in fk] == [("schools", "school code", "CDSCode")]


def test_quoting():
    assert quote_identifier("singer_id") == "singer_id"
    assert quote_identifier("Free Meal Count (K-12)") == '"Free Meal Count (K-12)"'
    assert quote_identifier("order") == '"order"'
    assert quote_identifier('a"b') == '"a""b"'
    ddl = serialize_schema(odd_schema(), "ddl")
    assert '"Free Meal Count (K-12)" real' in ddl and 'CREATE TABLE "order" (' in ddl


def test_compact_is_shorter_than_ddl():
    for make in (odd_schema, concert_schema):
        assert len(serialize_schema(make(), "compact")) < len(serialize_schema(make(), "ddl"))
    compact = serialize_schema(concert_schema(), "compact", sample_values=2)
    assert (
        compact.splitlines()[0]
        == "singer(singer_id number pk ('1', '2'), name text ('Joe Sharp', 'Timbaland'))"
    )
    assert "fk: singer_in_concert.singer_id = singer.singer_id" in compact


def test_include_fks_off():
    for fmt in FORMATS:
        text = serialize_schema(concert_schema(), fmt, include_fks=False)
        assert parse_schema_text(text, fmt).foreign_keys == frozenset()


def test_graph_format_join_path_and_inferred_edges():
    schema = concert_schema()
    hidden = DbSchema(schema.db_id, schema.tables, schema.foreign_keys[:1])
    g = build_schema_graph(hidden)  # infers singer_in_concert.concert_id -> concert.concert_id
    jp = join_path(g, ["singer", "concert"])
    text = serialize_schema(g, "graph", join_path=jp)
    assert "join singer -[singer_id]-> singer_in_concert ~[concert_id]~> concert" in text
    assert "edge singer_in_concert.concert_id ~> concert.concert_id (1.00)" in text
    parsed = parse_schema_text(text, "graph")
    assert parsed.inferred == {(("singer_in_concert", "concert_id"), ("concert", "concert_id"))}
    for fmt in ("ddl", "compact"):
        assert parse_schema_text(serialize_schema(g, fmt), fmt).inferred == parsed.inferred
        assert (
            parse_schema_text(serialize_schema(g, fmt, include_inferred=False), fmt).inferred == frozenset()
        )


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown schema format"):
        serialize_schema(concert_schema(), "yaml")
