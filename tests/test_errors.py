"""Failure categories of wrong predictions, decided from the SQL (first matching category wins)."""

import pytest

from graphsql.data.sqlite import read_sqlite_schema
from graphsql.eval.errors import classify_error, error_breakdown, execution_kind

GOLD_JOIN = ("SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id "
             "WHERE T1.year = 2014")


def _item(pred, gold=GOLD_JOIN, ex=False, error="wrong_result", message="", joins="1", idx=0):
    return {"idx": idx, "db_id": "concert_singer", "gold_sql": gold, "pred_sql": pred, "ex": ex, "error": error,
            "error_message": message, "joins_bucket": joins}


@pytest.fixture(scope="module")
def schema(concert_db):
    return read_sqlite_schema(concert_db, "concert_singer")


@pytest.mark.parametrize("pred, gold, category", [
    ("SELECT name FROM stadium", "SELECT name FROM singer", "wrong_tables"),
    ("SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.concert_id = T2.stadium_id WHERE T1.year = 2014",
     GOLD_JOIN, "wrong_join_path"),
    ("SELECT name FROM singer WHERE age > 30", "SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer)",
     "nesting"),
    ("SELECT name FROM singer UNION SELECT name FROM stadium",
     "SELECT name FROM singer INTERSECT SELECT name FROM stadium", "nesting"),
    ("SELECT country FROM singer", "SELECT country, count(*) FROM singer GROUP BY country", "aggregation"),
    ("SELECT name FROM singer WHERE age < 30", "SELECT name FROM singer WHERE country = 'France'",
     "wrong_condition"),
    ("SELECT name, age FROM singer WHERE country = 'France'", "SELECT name FROM singer WHERE country = 'France'",
     "wrong_columns"),
    ("SELECT name FROM singer ORDER BY age", "SELECT name FROM singer ORDER BY age DESC LIMIT 1", "ordering"),
    ("SELECT name FROM singer WHERE country = 'USA'", "SELECT name FROM singer WHERE country = 'United States'",
     "values_or_other"),
])
def test_categories(schema, pred, gold, category):
    assert classify_error(_item(pred, gold), schema) == category


def test_execution_errors_and_correct_items(schema):
    assert classify_error(_item("SELECT nme FROM singer", error="execution_error",
                                message="no such column: nme"), schema) == "execution_error"
    assert classify_error(_item("SELEC", error="parse_error"), schema) == "execution_error"
    assert classify_error(_item(GOLD_JOIN, ex=True, error="correct"), schema) is None
    assert execution_kind("no such column: T2.Name") == "unknown_column"
    assert execution_kind("near \"FROM\": syntax error") == "syntax"
    assert execution_kind("something odd") == "other"


def test_without_a_schema_the_coarse_checks_still_classify():
    assert classify_error(_item("SELECT name FROM singer WHERE age < 30",
                                "SELECT name FROM singer WHERE country = 'France'")) == "wrong_condition"
    assert classify_error(_item("SELECT name FROM singer ORDER BY age",
                                "SELECT name FROM singer ORDER BY age DESC")) == "ordering"


def test_breakdown_counts_every_failure_once(schema):
    items = [
        _item(GOLD_JOIN, ex=True, error="correct", idx=0),
        _item("SELECT nme FROM singer", error="execution_error", message="no such column: nme", idx=1, joins="0"),
        _item("SELECT name FROM stadium", "SELECT name FROM singer", idx=2, joins="0"),
        _item("SELECT name FROM stadium", "SELECT name FROM singer", idx=3, joins="0"),
    ]
    out = error_breakdown(items, {"concert_singer": schema}, examples_per_category=1)
    assert out["n"] == 4 and out["failed"] == 3 and sum(out["counts"].values()) == 3
    assert out["counts"]["wrong_tables"] == 2 and out["counts"]["execution_error"] == 1
    assert out["by_joins"] == {"0": {"execution_error": 1, "wrong_tables": 2}}
    assert out["execution_kinds"] == {"unknown_column": 1}
    assert [e["idx"] for e in out["examples"]["wrong_tables"]] == [2]


# ------------------------------------------------------------------------------------- column qualifier fix


def test_misplaced_column_moves_to_the_one_table_that_has_it(schema):
    from graphsql.inference.repairs import fix_column_qualifiers

    sql = "SELECT T2.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id"
    assert fix_column_qualifiers(sql, schema) == (
        "SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id")
    # unaliased tables are their own qualifiers; nested SELECTs are fixed in their own scope
    sql = ("SELECT concert.name FROM concert JOIN stadium ON concert.stadium_id = stadium.stadium_id "
           "WHERE stadium.year > (SELECT avg(capacity) FROM stadium)")
    fixed = fix_column_qualifiers(sql, schema)
    assert fixed.startswith("SELECT stadium.name FROM concert") and "concert.year >" in fixed


@pytest.mark.parametrize("sql", [
    "SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id",  # correct
    "SELECT T2.name FROM singer AS T1 JOIN stadium AS T2 ON T1.singer_id = T2.stadium_id",  # both have name
    "SELECT T2.nonsense FROM singer AS T1 JOIN concert AS T2 ON T1.singer_id = T2.concert_id",  # nobody has it
    "SELECT name FROM singer",  # one table: nothing to choose from
    "SELEC name FROM",  # not SQL
])
def test_queries_that_need_no_fix_or_have_no_unique_fix_are_returned_unchanged(schema, sql):
    from graphsql.inference.repairs import fix_column_qualifiers

    assert fix_column_qualifiers(sql, schema) == sql


def test_a_column_spelled_differently_is_respelled_when_one_column_matches(schema):
    from graphsql.inference.repairs import fix_column_qualifiers

    assert fix_column_qualifiers("SELECT SingerID FROM singer WHERE singerid > 1", schema) == (
        "SELECT singer_id FROM singer WHERE singer_id > 1")
    # qualified: looked up in its own table only, so a name two tables share is still unique
    assert fix_column_qualifiers(
        "SELECT T1.StadiumID FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id", schema) == (
        "SELECT T1.stadium_id FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id")


@pytest.mark.parametrize("sql", [
    # unqualified, and both tables have a stadium_id: ambiguous
    "SELECT StadiumID FROM concert JOIN stadium ON concert.stadium_id = stadium.stadium_id",
    # an alias of the SELECT list is not a column to respell
    "SELECT count(*) AS n_singers FROM singer ORDER BY n_singers",
])
def test_respelling_leaves_ambiguous_names_and_aliases_alone(schema, sql):
    from graphsql.inference.repairs import fix_column_qualifiers

    assert fix_column_qualifiers(sql, schema) == sql


def test_predict_runs_the_fixed_query(concert_db):
    from graphsql.config import InferConfig
    from graphsql.inference.predict import predict
    from tests.fake_generator import ScriptedGenerator

    wrong = "SELECT T2.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id"
    on = predict("Names of singers in concerts?", concert_db, ScriptedGenerator(default=[wrong]),
                 infer_config=InferConfig(repair=False))
    assert on.ok and on.pred_sql.startswith("SELECT T1.name")
    off = predict("Names of singers in concerts?", concert_db, ScriptedGenerator(default=[wrong]),
                  infer_config=InferConfig(repair=False, fix_columns=False))
    assert not off.ok and off.pred_sql == wrong


def test_table_set_relation():
    from graphsql.eval.errors import table_set_relation

    gold = "SELECT name FROM singer"
    assert table_set_relation("SELECT name FROM singer WHERE age > 3", gold) == "same"
    assert table_set_relation("SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = "
                              "T2.singer_id", gold) == "extra"
    assert table_set_relation("SELECT name FROM singer", GOLD_JOIN) == "different"
    assert table_set_relation("SELECT name FROM stadium", GOLD_JOIN) == "missing"
    assert table_set_relation("SELEC", gold) is None
