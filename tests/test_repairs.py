"""The join-path fix: a JOIN on columns no foreign key links is rerouted along the schema graph (no model)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from graphsql.config import InferConfig
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.inference.predict import predict
from graphsql.inference.repairs import attach_detached_joins, fix_join_paths, join_missing_tables, repair_sql
from graphsql.schema.graph import build_schema_graph
from tests.fake_generator import ScriptedGenerator

GOLD_2014 = ("SELECT DISTINCT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
             "JOIN concert AS T3 ON T2.concert_id = T3.concert_id WHERE T3.year = 2014")
# the shortcut a small model writes: singer joined straight to concert, skipping the link table
SHORTCUT_2014 = "SELECT DISTINCT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.singer_id = T2.concert_id WHERE T2.year = 2014"


@pytest.fixture()
def concert_graph(concert_db):
    return build_schema_graph(read_sqlite_schema(concert_db), infer_fks=False)


def _rows(db, sql):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return sorted(con.execute(sql).fetchall())


def test_shortcut_is_rerouted_through_the_link_table(concert_db, concert_graph):
    fixed = fix_join_paths(SHORTCUT_2014, concert_graph)
    assert "JOIN singer_in_concert AS J1 ON T1.singer_id = J1.singer_id" in fixed
    assert "JOIN concert AS T2 ON J1.concert_id = T2.concert_id" in fixed
    assert _rows(concert_db, SHORTCUT_2014) != _rows(concert_db, GOLD_2014)
    assert _rows(concert_db, fixed) == _rows(concert_db, GOLD_2014)


def test_two_bridges_and_fresh_aliases(concert_db, concert_graph):
    gold = ("SELECT DISTINCT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
            "JOIN concert AS T3 ON T2.concert_id = T3.concert_id JOIN stadium AS T4 ON T3.stadium_id = T4.stadium_id "
            "WHERE T4.city = 'Paris'")
    shortcut = ("SELECT DISTINCT T1.name FROM singer AS T1 JOIN stadium AS J1 ON T1.singer_id = J1.stadium_id "
                "WHERE J1.city = 'Paris'")
    fixed = fix_join_paths(shortcut, concert_graph)
    assert "singer_in_concert AS J2" in fixed and "concert AS J3" in fixed   # J1 is taken by the query
    assert _rows(concert_db, fixed) == _rows(concert_db, gold)
    assert fix_join_paths(shortcut, concert_graph, max_bridges=1) == shortcut


@pytest.mark.parametrize("sql", [
    GOLD_2014,                                                        # every join backed by an FK
    "SELECT name FROM singer WHERE age > 30",                        # no join
    "SELECT DISTINCT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
    "JOIN concert AS T3 ON T1.singer_id = T3.concert_id",            # the bridge is in the query already
    "SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.singer_id = T2.concert_id AND T2.year = 2014",
    "SELECT T1.name FROM singer AS T1 JOIN singer AS T2 ON T1.age = T2.age",   # a self-join
    "SELEC broken FROM",                                              # does not parse
])
def test_queries_it_must_leave_alone(concert_graph, sql):
    assert fix_join_paths(sql, concert_graph) == sql


@pytest.mark.parametrize("detached, attached", [
    # Spider train's gold slip: the condition names the previous table twice (every concert for every singer)
    ("SELECT count(*) FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
     "JOIN concert AS T3 ON T2.concert_id = T2.concert_id WHERE T3.year = 2014", "ON T3.concert_id = T2.concert_id"),
    # a bare column for a condition, and the joined table named nowhere else: the one FK it shares is added
    ("SELECT T1.name, count(*) FROM stadium AS T1 JOIN concert AS T2 ON T1.stadium_id GROUP BY T1.stadium_id",
     "ON T1.stadium_id AND T1.stadium_id = T2.stadium_id"),
    # no ON at all (sqlglot reads ON TRUE): the FK becomes the condition
    ("SELECT T1.name, count(*) FROM stadium AS T1 JOIN concert AS T2 GROUP BY T1.stadium_id",
     "JOIN concert AS T2 ON T1.stadium_id = T2.stadium_id GROUP"),
])
def test_a_join_whose_condition_misses_its_table_is_attached_along_the_fk(concert_db, concert_graph, detached,
                                                                           attached):
    fixed = attach_detached_joins(detached, concert_graph)
    assert attached in fixed
    gold = fixed.replace(attached, attached.replace("T1.stadium_id AND ", ""))
    assert _rows(concert_db, detached) != _rows(concert_db, fixed) == _rows(concert_db, gold)
    assert attached in repair_sql(detached, concert_graph)
    assert repair_sql(detached, concert_graph, names=False) == fix_join_paths(detached, concert_graph)   # as before


@pytest.mark.parametrize("sql", [
    GOLD_2014,
    # an inner join's condition is a filter: a later join's condition naming the table keeps it
    "SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.year = 2014 "
    "JOIN singer_in_concert AS T3 ON T2.stadium_id = T1.stadium_id AND T3.concert_id = T1.concert_id",
    "SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.singer_id = T1.singer_id WHERE T2.year = 2014",
    "SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON singer_id = 1",       # unqualified: may be T2's
    "SELECT T1.name FROM singer AS T1 CROSS JOIN concert AS T2",                  # a cross join, as written
    "SELECT T1.name FROM singer AS T1, concert AS T2",
    "SELECT T1.name FROM singer AS T1 JOIN singer AS T2",                         # the table twice
    "SELEC broken FROM",
])
def test_joins_to_leave_detached(concert_graph, sql):
    """Attached already, named by another condition, no FK to attach along (singer and concert meet only through
    singer_in_concert), or a cross join written as one."""
    assert attach_detached_joins(sql, concert_graph) == sql


def test_direct_fk_on_the_wrong_columns_gets_the_fk_columns(concert_db, concert_graph):
    sql = "SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.concert_id = T2.stadium_id WHERE T1.year = 2015"
    fixed = fix_join_paths(sql, concert_graph)
    assert "ON T1.stadium_id = T2.stadium_id" in fixed and " J1" not in fixed


def test_two_foreign_keys_between_the_same_tables_are_ambiguous(tmp_path):
    db = tmp_path / "flights.sqlite"
    with sqlite3.connect(db) as con:
        con.executescript("""
            CREATE TABLE airport (code TEXT PRIMARY KEY, city TEXT);
            CREATE TABLE flight (flight_no INTEGER PRIMARY KEY, source TEXT REFERENCES airport(code),
                                 dest TEXT REFERENCES airport(code));""")
    graph = build_schema_graph(read_sqlite_schema(db), infer_fks=False)
    sql = "SELECT T1.flight_no FROM flight AS T1 JOIN airport AS T2 ON T1.flight_no = T2.city"
    assert fix_join_paths(sql, graph) == sql
    assert join_missing_tables("SELECT city FROM flight", graph) == "SELECT city FROM flight"


def test_a_column_no_table_of_the_select_has_is_read_from_the_one_neighbour_that_has_it(concert_db, concert_graph):
    gold = ("SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
            "WHERE T2.concert_id = 1")
    missing = "SELECT name FROM singer_in_concert WHERE concert_id = 1"
    fixed = join_missing_tables(missing, concert_graph)
    assert fixed == ("SELECT J1.name FROM singer_in_concert JOIN singer AS J1 ON singer_in_concert.singer_id = "
                     "J1.singer_id WHERE concert_id = 1")
    assert _rows(concert_db, fixed) == _rows(concert_db, gold)
    both = join_missing_tables("SELECT singer_id, name FROM singer_in_concert", concert_graph)
    assert both.startswith("SELECT singer_in_concert.singer_id, J1.name FROM")   # not left ambiguous
    assert len(_rows(concert_db, both)) == 9
    for fine in (gold, "SELECT name FROM singer", "SELECT nothing_like_it FROM singer_in_concert"):
        assert join_missing_tables(fine, concert_graph) == fine


def test_repairs_run_in_order_and_each_can_be_off(concert_db, concert_graph):
    assert _rows(concert_db, repair_sql(SHORTCUT_2014, concert_graph)) == _rows(concert_db, GOLD_2014)
    assert repair_sql(SHORTCUT_2014, concert_graph, joins=False) == SHORTCUT_2014
    moved = "SELECT T2.concert_name FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id"
    assert "T1.concert_name" in repair_sql(moved, concert_graph, joins=False)
    assert repair_sql(moved, concert_graph, joins=True, columns=False) == moved


def test_predict_applies_the_join_fix_unless_switched_off(concert_db):
    gen = ScriptedGenerator(default=[SHORTCUT_2014])
    on = predict("Names of singers who performed in 2014.", concert_db, gen, infer_config=InferConfig(adapter=None))
    off = predict("Names of singers who performed in 2014.", concert_db, gen,
                  infer_config=InferConfig(adapter=None, fix_joins=False))
    assert "singer_in_concert" in on.pred_sql and sorted(on.result.rows) == _rows(concert_db, GOLD_2014)
    assert on.generated == SHORTCUT_2014   # what the model wrote, kept beside the repaired query
    assert off.pred_sql == SHORTCUT_2014 and off.generated == ""


def test_cli_flags_switch_the_repairs_and_the_answer_format():
    from graphsql.cli import cli_config

    default = cli_config(adapter="none")
    off = cli_config(adapter="none", repairs=False)
    assert default.infer.fix_joins and default.infer.fix_columns and default.infer.fix_names
    assert not off.infer.fix_joins and not off.infer.fix_columns and not off.infer.fix_names
    decomposed = cli_config(adapter="none", answer_format="decomposed")
    assert decomposed.prompt.answer_format == "decomposed" and default.prompt.answer_format == "sql"


def test_held_out_replay_counts_what_the_repairs_fix_and_break(concert_db, concert_graph):
    from graphsql.experiments.repairs_heldout import replay_repairs

    records = [{"db_id": "concert", "gold_sql": GOLD_2014, "n_joins": 2,
                "candidates": [{"sql": SHORTCUT_2014}, {"sql": GOLD_2014}, {"sql": "SELECT name FROM singer"}]}]
    out = replay_repairs(records, lambda db_id: concert_graph)
    assert out["candidates"] == 3 and out["correct"] == {"as_written": 1, "columns": 1, "all_repairs": 2}
    assert out["join_repairs_vs_columns"]["fixed"] == 1 and out["join_repairs_vs_columns"]["broken"] == 0
    assert out["changed"] == {"columns": 0, "joins": 1} and out["by_joins"]["2+"]["all_repairs"] == 2


REPAIR_CASES = json.loads((Path(__file__).parent / "data" / "repairs_cases.json").read_text())


@pytest.mark.parametrize("case", REPAIR_CASES, ids=[c["name"] for c in REPAIR_CASES])
def test_repairs_turn_each_broken_query_into_the_expected_one(case, concert_db, concert_graph):
    """tests/data/repairs_cases.json: broken -> expected SQL (all of `ask`'s repairs), and where a gold query is
    given, the repaired query returns its rows while the broken one does not (or fails)."""
    fixed = repair_sql(case["broken"], concert_graph)
    assert fixed == case["expected"]
    assert repair_sql(fixed, concert_graph) == fixed  # a repaired query needs no second repair
    if "gold" in case:
        assert _rows(concert_db, fixed) == _rows(concert_db, case["gold"])
        try:
            broken_rows = _rows(concert_db, case["broken"])
        except sqlite3.Error:  # no such column: it did not even run
            broken_rows = None
        assert broken_rows != _rows(concert_db, case["gold"])
