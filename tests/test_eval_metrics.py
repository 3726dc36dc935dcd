"""evaluate / print_metrics on the mini Spider fixture; file readers; schema-level scores."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from graphsql.data.records import Example
from graphsql.data.spider import load_dataset
from graphsql.errors import DataError
from graphsql.eval.files import (
    examples_from_gold,
    read_bird_predictions,
    read_gold_file,
    read_predictions,
    read_questions,
    write_bird_predictions,
)
from graphsql.eval.metrics import evaluate, join_bucket, print_metrics
from graphsql.eval.schema_level import build_empty_database, schema_level_metrics, sql_tables_and_columns

RUNAWAY = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"


@pytest.fixture(scope="module")
def mini(mini_spider):
    return load_dataset("spider", "dev", root=mini_spider)


def test_gold_against_itself_is_perfect(mini):
    preds = [e.gold_sql for e in mini.examples]
    m = evaluate(mini.examples, preds, mini.schemas)
    assert m["n"] == len(mini.examples) and m["skipped"] == 0
    assert m["ex"] == 1.0 and m["em"] == 1.0
    assert m["errors"]["correct"] == m["n"]
    assert set(m["by_hardness"]) >= {"easy", "medium", "hard", "extra"}
    assert sum(v["n"] for v in m["by_hardness"].values()) == m["n"]
    assert list(m["by_joins"]) == ["0", "1", "2", "3+"]
    assert sum(v["n"] for v in m["by_joins"].values()) == m["n"]
    json.dumps(m)  # JSON-able


def test_error_categories_and_breakdowns(mini):
    examples = [e for e in mini.examples if e.db_id == "concert"][:6]
    preds = [
        examples[0].gold_sql,                       # correct
        "SELECT avg(age) FROM singer",              # wrong_result
        "SELEC name FROM singer",                   # parse_error
        "SELECT nope FROM singer",                  # execution_error
        RUNAWAY,                                    # timeout
        examples[5].gold_sql,
    ]
    broken = replace(examples[5], gold_sql="SELECT missing FROM singer")  # gold_error
    m = evaluate([*examples[:5], broken], preds, mini.schemas, timeout=0.3)
    errors = [item["error"] for item in m["items"]]
    assert errors == ["correct", "wrong_result", "parse_error", "execution_error", "timeout", "gold_error"]
    assert m["ex"] == pytest.approx(1 / 6)
    assert [item["ex"] for item in m["items"]] == [True, False, False, False, False, False]
    assert m["items"][0]["em"] is True and m["items"][1]["em"] is False
    for item in m["items"]:
        assert {"idx", "db_id", "ex", "em", "hardness", "joins", "error"} <= set(item)


def test_order_by_counts_only_when_gold_orders(mini):
    schema_db = "concert"
    golds = [Example(schema_db, "", "SELECT name FROM singer ORDER BY age DESC"),
             Example(schema_db, "", "SELECT name FROM singer WHERE age > 30")]
    preds = ["SELECT name FROM singer ORDER BY age ASC", "SELECT name FROM singer WHERE age > 30 ORDER BY name"]
    m = evaluate(golds, preds, mini.schemas)
    assert [i["ex"] for i in m["items"]] == [False, True]


def test_missing_database_is_skipped(mini, tmp_path):
    schemas = dict(mini.schemas)
    schemas["concert"] = replace(schemas["concert"], db_path=tmp_path / "gone.sqlite")
    preds = [e.gold_sql for e in mini.examples]
    m = evaluate(mini.examples, preds, schemas)
    n_concert = sum(e.db_id == "concert" for e in mini.examples)
    assert m["skipped"] == n_concert and m["n"] == len(mini.examples) - n_concert


def test_wrong_prediction_count_is_an_error(mini):
    with pytest.raises(DataError, match=r"1 predictions .* 20 gold"):
        evaluate(mini.examples, ["SELECT 1"], mini.schemas)


def test_bird_rules(mini):
    golds = [Example("concert", "", "SELECT country FROM singer", difficulty="simple"),
             Example("concert", "", "SELECT count(*) FROM singer", difficulty="challenging")]
    preds = ["SELECT DISTINCT country FROM singer", "SELECT count(*) FROM singer"]  # sets: duplicates ignored
    m = evaluate(golds, preds, mini.schemas, dataset="bird")
    assert m["ex"] == 1.0 and m["em"] is None
    assert m["by_difficulty"]["simple"]["n"] == 1 and m["by_difficulty"]["challenging"]["ex"] == 1.0
    assert "by_hardness" not in m


def test_print_metrics(mini):
    from rich.console import Console

    m = evaluate(mini.examples, [e.gold_sql for e in mini.examples], mini.schemas)
    console = Console(record=True, width=100)
    print_metrics(m, console)
    text = console.export_text()
    assert "by hardness" in text and "by JOINs" in text and "3+" in text


@pytest.mark.parametrize(("n", "bucket"), [(0, "0"), (1, "1"), (2, "2"), (3, "3+"), (7, "3+")])
def test_join_bucket(n, bucket):
    assert join_bucket(n) == bucket


# ---------------------------------------------------------------------------------------------- files


def test_read_gold_and_predictions(tmp_path):
    gold = tmp_path / "gold.sql"
    gold.write_text("SELECT 1\tconcert\n\nSELECT name FROM singer\tconcert\n")
    assert read_gold_file(gold) == [("SELECT 1", "concert"), ("SELECT name FROM singer", "concert")]
    pred = tmp_path / "pred.sql"
    pred.write_text("SELECT 1\n\tignored\n")
    assert read_predictions(pred) == ["SELECT 1", ""]
    with pytest.raises(DataError, match=r"pred.sql: 2 predictions but gold has 3"):
        read_predictions(pred, expected=3)
    assert [e.db_id for e in examples_from_gold(read_gold_file(gold))] == ["concert", "concert"]


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        ("gold.sql", "SELECT 1 concert\n", r"gold.sql: line 1: expected 'SQL<TAB>db_id'"),
        ("gold.sql", "SELECT 1\tdb\nSELECT 2\n", r"line 2"),
        ("gold.sql", "\n\n", "no gold queries"),
        ("preds.jsonl", '{"pred_sql": "SELECT 1"}\n{oops\n', r"preds.jsonl: line 2: malformed JSON"),
        ("preds.jsonl", '{"sql": "SELECT 1"}\n', r"line 1: expected an object with a string 'pred_sql'"),
        ("preds.json", '{"0": "a", "2": "b"}', "without gaps"),
        ("preds.json", "[1, 2", "malformed JSON"),
    ],
)
def test_malformed_files(tmp_path, name, text, match):
    path = tmp_path / name
    path.write_text(text)
    reader = read_gold_file if name.endswith(".sql") else read_predictions
    with pytest.raises(DataError, match=match):
        reader(path)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(DataError, match="not found"):
        read_gold_file(tmp_path / "absent.sql")
    bad = tmp_path / "bin.sql"
    bad.write_bytes(b"\xff\xfe\x00SELECT")
    with pytest.raises(DataError, match="not UTF-8"):
        read_predictions(bad)


def test_bird_prediction_round_trip_and_jsonl(tmp_path):
    path = write_bird_predictions(tmp_path / "predict_dev.json", ["SELECT 1", "SELECT 2"], ["a", "b"])
    assert read_bird_predictions(path) == [("SELECT 1", "a"), ("SELECT 2", "b")]
    assert read_predictions(path, expected=2) == ["SELECT 1", "SELECT 2"]
    jsonl = tmp_path / "predictions.jsonl"
    jsonl.write_text('{"pred_sql": "SELECT 1", "db_id": "a"}\n{"pred_sql": "SELECT 2"}\n')
    assert read_predictions(jsonl) == ["SELECT 1", "SELECT 2"]


def test_read_questions_spider_and_bird(tmp_path):
    path = tmp_path / "q.json"
    path.write_text(json.dumps([
        {"db_id": "a", "question": "q1", "query": "SELECT 1"},
        {"db_id": "b", "question": "q2", "SQL": "SELECT 2", "evidence": "e", "difficulty": "simple"},
    ]))
    qs = read_questions(path)
    assert [q.gold_sql for q in qs] == ["SELECT 1", "SELECT 2"] and qs[1].difficulty == "simple"
    path.write_text(json.dumps([{"db_id": "a", "question": "no sql"}]))
    with pytest.raises(DataError, match="item 0 has no 'query' or 'SQL'"):
        read_questions(path)


# ---------------------------------------------------------------------------------------------- schema level


def test_build_empty_database_keeps_schema(mini, tmp_path):
    from graphsql.data.sqlite import read_sqlite_schema

    schema = mini.schemas["concert"]
    path = build_empty_database(schema, tmp_path / "empty.sqlite")
    back = read_sqlite_schema(path, "concert", sample_values=0)
    assert back.table_names == schema.table_names
    assert [c.name for c in back.columns] == [c.name for c in schema.columns]
    assert {fk.key for fk in back.foreign_keys} == {fk.key for fk in schema.foreign_keys}
    assert all(t.row_count == 0 for t in back.tables)
    with pytest.raises(DataError, match="already exists"):
        build_empty_database(schema, path)


def test_build_empty_database_quotes_odd_names(tmp_path):
    from graphsql.data.records import Column, DbSchema, ForeignKey, Table

    t1 = Table("Order Items", (Column("Order Items", "id", "number", is_primary=True),
                               Column("Order Items", 'we"ird', "text")))
    t2 = Table("select", (Column("select", "item id", "number"),))
    schema = DbSchema("odd", (t1, t2), (ForeignKey("select", "item id", "Order Items", "id"),))
    path = build_empty_database(schema, tmp_path / "odd.sqlite")
    from graphsql.eval.execute import execute_sql

    assert execute_sql(path, 'SELECT "we""ird" FROM "Order Items" JOIN "select" ON id = "item id"').ok


def test_tables_and_columns_resolve_aliases(mini):
    schema = mini.schemas["concert"]
    tables, cols = sql_tables_and_columns(
        "SELECT T1.Name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
        "WHERE age > (SELECT avg(age) FROM singer) ORDER BY T1.age", schema)
    assert tables == {"singer", "singer_in_concert"}
    assert cols == {("singer", "name"), ("singer", "singer_id"), ("singer_in_concert", "singer_id"), ("singer", "age")}
    assert sql_tables_and_columns("SELECT name FROM (", schema) is None


def test_schema_level_metrics(mini):
    golds = [e for e in mini.examples if e.db_id == "concert"][:3]
    preds = [golds[0].gold_sql, "SELECT nope FROM singer", "SELECT name FROM stadium"]
    m = schema_level_metrics(golds, preds, mini.schemas)
    assert m["n"] == 3 and m["executable"] == pytest.approx(2 / 3) and m["gold_executable"] == 1.0
    assert m["items"][0]["tables"]["f1"] == 1.0 and m["items"][0]["columns"]["exact"]
    assert m["items"][2]["tables"]["f1"] == 0.0
    assert 0 < m["tables"]["f1"] < 1
    assert not list(Path(mini.schemas["concert"].db_path).parent.glob("*.sqlite-journal"))


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("GRAPHSQL_SLOW"), reason="set GRAPHSQL_SLOW=1 to run (about 3 s)")
def test_spider_dev_gold_against_itself(shared_data):
    ds = load_dataset("spider", "dev", root=shared_data / "spider")
    m = evaluate(ds.examples, [e.gold_sql for e in ds.examples], ds.schemas)
    assert (m["n"], m["skipped"], m["ex"], m["em"]) == (972, 62, 1.0, 1.0)
