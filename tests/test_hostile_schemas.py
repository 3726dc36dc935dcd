"""Hostile schemas (issue 28): names with spaces, quotes, brackets, keywords, mixed case and non-ASCII letters;
a view; a WITHOUT ROWID table with a composite key and a composite foreign key to it; a table without a primary
key; a self-reference; text that is not UTF-8; and a 1,000-table database. Each goes through the schema graph,
`ask` (with its repairs) and `evaluate`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphsql.cli import main
from graphsql.config import InferConfig
from graphsql.data.records import Example
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.eval.execute import execute_sql
from graphsql.eval.hostile import (
    HOSTILE_QUERIES as QUERIES,
)
from graphsql.eval.hostile import (
    THOUSAND_TABLES_SECONDS,
    build_hostile_schema_database,
    prune_wide_database,
)
from graphsql.eval.metrics import evaluate
from graphsql.inference.predict import predict
from tests.fake_generator import ScriptedGenerator


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    return build_hostile_schema_database(tmp_path_factory.mktemp("hostile") / "hostile.sqlite")


def test_the_schema_reader_keeps_every_name_the_view_and_the_keys(hostile_db):
    schema = read_sqlite_schema(hostile_db)
    tables = {t.name: t for t in schema.tables}
    assert set(tables) == {"order items", "Select", "Café Ünïcode", "MixedCase", "norowid", "nopk", "child",
                           "big orders"}
    assert [c.name for c in tables["order items"].columns] == ["item id", "order", 'qty"x', "bracket col", "tick col"]
    assert [c.name for c in tables["norowid"].primary_keys] == ["a", "b"] and not tables["nopk"].primary_keys
    fks = {(fk.table, fk.column, fk.ref_table, fk.ref_column) for fk in schema.foreign_keys}
    assert {("MixedCase", "ParentId", "MixedCase", "Id"), ("child", "a", "norowid", "a"),
            ("child", "b", "norowid", "b"), ("order items", "order", "Select", "group")} <= fks
    assert any("caf\ufffd" in str(v) for c in tables["nopk"].columns for v in c.sample_values)  # replaced, not raised


@pytest.mark.parametrize("fmt", ["text", "ddl", "compact", "graph", "json", "dot"])
def test_graph_prints_every_format(hostile_db, fmt, capsys):
    assert main(["graph", "--db", str(hostile_db), "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "名前" in out and "order items" in out
    if fmt == "json":
        tables = {n["id"][1] for n in json.loads(out)["nodes"] if n["id"][0] == "table"}
        assert tables >= {"order items", "café ünïcode", "big orders"}   # node ids are case-folded


def test_ask_runs_valid_queries_unchanged_through_the_repairs(hostile_db):
    schema = read_sqlite_schema(hostile_db)
    generator = ScriptedGenerator({f"<<{name}>>": [sql] for name, sql in QUERIES.items()})
    for name, sql in QUERIES.items():
        pred = predict(f"question <<{name}>>", hostile_db, generator, infer_config=InferConfig(adapter=None),
                       schema=schema)
        assert pred.ok, f"{name}: {pred.result.error if pred.result else 'parse error'}"
        assert pred.pred_sql == sql, f"{name}: a repair changed a valid query into {pred.pred_sql!r}"
        assert pred.result.rows == execute_sql(hostile_db, sql).rows and pred.result.rows, name


def test_the_repairs_quote_a_spaced_name_written_bare(hostile_db):
    schema = read_sqlite_schema(hostile_db)
    pred = predict("question", hostile_db, ScriptedGenerator(default=['SELECT T1.tick col FROM "order items" AS T1']),
                   infer_config=InferConfig(adapter=None), schema=schema)
    assert pred.ok and '"tick col"' in pred.pred_sql


def test_evaluate_scores_queries_on_hostile_names(hostile_db):
    schema = read_sqlite_schema(hostile_db, db_id="hostile")
    golds = [Example(db_id="hostile", question=name, gold_sql=sql) for name, sql in QUERIES.items()]
    wrong = ["SELECT -99"] * len(golds)
    right = evaluate(golds, list(QUERIES.values()), {"hostile": schema}, timeout=5)
    assert right["ex"] == 1.0 and right["n"] == len(QUERIES)
    assert evaluate(golds, wrong, {"hostile": schema}, timeout=5)["ex"] == 0.0


def test_a_thousand_tables_stay_fast(tmp_path):
    """Reading, graph building (FK inference over 1,000 x 1,000 table pairs), linking and pruning."""
    schema, graph, prepared, took = prune_wide_database(tmp_path / "thousand.sqlite", 1000)
    assert len(schema.tables) == 1000 and len(prepared.tables) <= 6 and "t17" in prepared.tables
    assert sum(1 for fk in graph.inferred_fks if fk.column.startswith("t")) >= 900   # t<N>_id -> t<N>.id inferred
    assert took < THOUSAND_TABLES_SECONDS, f"{took:.1f} s"
