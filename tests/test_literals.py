"""The literal rule (`graphsql.inference.literals`): a literal its column never holds becomes the value it holds."""

import sqlite3

import pytest

from graphsql.inference.literals import respell_literals, respelled_answer
from graphsql.inference.predict import DatabaseCache

GEO_SQL = """
CREATE TABLE state (state_name TEXT PRIMARY KEY, country_name TEXT, capital TEXT, population INTEGER);
CREATE TABLE city (city_name TEXT, state_name TEXT REFERENCES state(state_name), population INTEGER);
CREATE TABLE river (river_name TEXT, traverse TEXT REFERENCES state(state_name), country_name TEXT);
CREATE TABLE airport (code TEXT, city TEXT);
INSERT INTO state VALUES ('utah', 'usa', 'salt lake city', 3), ('texas', 'usa', 'austin', 29),
                         ('maine', 'usa', 'augusta', 1);
INSERT INTO city VALUES ('austin', 'texas', 1), ('houston', 'texas', 2), ('provo', 'utah', 1),
                        ('augusta', 'maine', 1);
INSERT INTO river VALUES ('colorado', 'utah', 'usa'), ('colorado', 'texas', 'usa'), ('red', 'texas', 'usa'),
                         ('saint john', 'maine', 'usa');
INSERT INTO airport VALUES (' APG', ' Aberdeen'), (' CVO', ' Corvallis');
"""


@pytest.fixture(scope="module")
def geo(tmp_path_factory):
    path = tmp_path_factory.mktemp("literals") / "geo.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(GEO_SQL)
    conn.close()
    graph, index = DatabaseCache().get(path)
    return path, graph, index


@pytest.mark.parametrize("sql, expected", [
    # 1. the same column, up to letter case
    ("SELECT population FROM state WHERE state_name = 'Utah'",
     "SELECT population FROM state WHERE state_name = 'utah'"),
    ('SELECT population FROM state WHERE state_name = "Utah"',    # a double-quoted literal, as Spider writes them
     "SELECT population FROM state WHERE state_name = 'utah'"),
    ("SELECT city_name FROM city WHERE state_name IN ('Utah', 'TEXAS')",
     "SELECT city_name FROM city WHERE state_name IN ('utah', 'texas')"),
    # 3. without the words of the table's and column's names
    ("SELECT traverse FROM river WHERE river_name = 'Colorado River'",
     "SELECT traverse FROM river WHERE river_name = 'colorado'"),
    # 4. another column of the same table that holds it
    ("SELECT river_name FROM river WHERE traverse = 'usa'",
     "SELECT river_name FROM river JOIN state AS J1 ON river.traverse = J1.state_name WHERE J1.country_name = 'usa'"),
    ("SELECT state_name FROM city WHERE state_name = 'houston'",
     "SELECT state_name FROM city WHERE city_name = 'houston'"),
    # 5. across the column's foreign key, the table joined in
    ("SELECT count(*) FROM city AS c WHERE state_name = 'Austin'",   # unqualified: the join names the alias
     "SELECT COUNT(*) FROM city AS c JOIN state AS J1 ON c.state_name = J1.state_name WHERE J1.capital = 'austin'"),
    ("SELECT T1.city_name FROM city AS T1 WHERE T1.state_name = 'Austin'",
     "SELECT T1.city_name FROM city AS T1 JOIN state AS J1 ON T1.state_name = J1.state_name "
     "WHERE J1.capital = 'austin'"),
])
def test_a_literal_its_column_lacks_becomes_the_value_meant(geo, sql, expected):
    _, graph, index = geo
    assert respell_literals(sql, graph, index) == expected


@pytest.mark.parametrize("sql", [
    "SELECT population FROM state WHERE state_name = 'utah'",           # held: nothing to do
    "SELECT code FROM airport WHERE city = 'Aberdeen'",                 # held up to blanks: counts as held
    "SELECT population FROM state WHERE state_name = 'nevada'",          # no value means it
    "SELECT population FROM state WHERE state_name LIKE '%Utah%'",       # a pattern
    "SELECT population FROM state WHERE state_name = '12'",              # a number
    "SELECT city_name FROM city WHERE state_name = 'colorado'",          # a river's name: neither city nor state holds it
    "SELECT nothing FROM nowhere WHERE x = 'Utah'",                      # not the schema's
    "SELECT broken FROM",                                                # does not parse
])
def test_a_literal_is_left_alone_unless_the_database_says_which_value_was_meant(geo, sql):
    _, graph, index = geo
    assert respell_literals(sql, graph, index) == sql


def test_a_country_is_found_under_its_other_names(geo):
    pytest.importorskip("countryinfo")
    _, graph, index = geo
    assert respell_literals("SELECT count(*) FROM state WHERE country_name = 'United States'", graph, index) == \
        "SELECT COUNT(*) FROM state WHERE country_name = 'usa'"
    # the literal names a country, but another column is compared: moved only where that column holds it
    assert respell_literals("SELECT count(*) FROM river WHERE traverse = 'the United States'", graph, index) == \
        "SELECT count(*) FROM river WHERE traverse = 'the United States'"


def test_no_value_index_or_a_held_literal_leaves_the_answer(geo):
    path, graph, index = geo
    sql = "SELECT population FROM state WHERE state_name = 'Utah'"
    assert respell_literals(sql, graph, None) == sql
    answer = respelled_answer(sql, graph, index, path)
    assert answer.ok and answer.sql.endswith("'utah'") and list(answer.result.rows) == [(3,)]
    assert respelled_answer("SELECT population FROM state WHERE state_name = 'utah'", graph, index, path) is None


def test_the_shared_parse_tree_is_not_modified(geo):
    from graphsql.sql.parse import parse_sql

    _, graph, index = geo
    sql = "SELECT population FROM state WHERE state_name = 'Utah'"
    before = parse_sql(sql).sql()
    respell_literals(sql, graph, index)
    assert parse_sql(sql).sql() == before


def test_predict_respells_a_literal_the_database_lacks(geo):
    """infer.respell_literals (on by default): the answer compares the value the database holds; the answer as
    generated is kept in ``generated``; with the rule off it stays."""
    from graphsql.config import InferConfig, PromptConfig
    from graphsql.inference.predict import predict
    from tests.fake_generator import ScriptedGenerator

    path, _, _ = geo
    gen = ScriptedGenerator(default=["SELECT capital FROM state WHERE state_name = 'Utah'"])
    pred = predict("What is the capital of Utah?", path, gen, PromptConfig(), InferConfig())
    assert pred.ok and pred.pred_sql == "SELECT capital FROM state WHERE state_name = 'utah'"
    assert pred.generated == "SELECT capital FROM state WHERE state_name = 'Utah'"
    assert list(pred.result.rows) == [("salt lake city",)]
    pred = predict("What is the capital of Utah?", path, gen, PromptConfig(), InferConfig(respell_literals=False))
    assert pred.pred_sql == "SELECT capital FROM state WHERE state_name = 'Utah'" and not pred.result.rows


def test_the_literal_rule_replayed_on_recorded_answers(mini_spider):
    """`rules_replay` with the literal rule rewrites a recorded answer as `predict` would and scores it; the name
    rule still runs after it."""
    from graphsql.data.spider import load_dataset
    from graphsql.experiments.rules_replay import replay_rules

    ds = load_dataset("spider", "dev", root=mini_spider)
    ex = next(e for e in ds.examples if e.gold_sql.endswith("WHERE country = 'France'"))
    lower = "SELECT avg(age) FROM singer WHERE country = 'france'"
    metrics = replay_rules([ex], {ex.idx: lower}, ds.schemas, rules=("values", "names"))
    item = metrics["items"][0]
    assert metrics["changed"] == [ex.idx] and metrics["ex"] == 1.0 and item["respelled"] and not item["renamed"]
    assert replay_rules([ex], {ex.idx: lower}, ds.schemas)["ex"] == 0.0   # the name rule alone leaves it


def test_the_rule_checked_on_gold_queries_leaves_them_and_restores_respelled_ones(mini_spider, tmp_path):
    """`rules_heldout`: a right query keeps its result; a literal respelled on purpose gets its value back; the
    name rules are counted on the same queries."""
    import json

    from graphsql.experiments.rules_heldout import main

    out = tmp_path / "check.json"
    assert main(["--root", str(mini_spider), "--split", "dev", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    counts = data["literals"]["counts"]
    assert data["names"]["counts"]["queries"] >= counts["queries"]
    assert counts["queries"] >= 1 and counts.get("gold_rewritten", 0) == 0
    perturbed = counts.get("case_perturbed", 0) + counts.get("country_perturbed", 0)
    restored = counts.get("case_restored", 0) + counts.get("country_restored", 0)
    assert perturbed >= 1 and restored == perturbed


def test_the_replay_of_a_run_with_demonstrations_for_empty_answers_decides_as_ask_does(mini_spider):
    """A run with prompt.shots_when "empty" asked again with demonstrations because its zero-shot answer had no
    rows; with the literal rule that answer has rows, so `ask` (the rules on) would have kept it: the replay
    keeps it too. A zero-shot answer still empty after the rules gives way to the one with demonstrations."""
    from graphsql.data.spider import load_dataset
    from graphsql.experiments.rules_replay import replay_rules

    ds = load_dataset("spider", "dev", root=mini_spider)
    ex = next(e for e in ds.examples if e.gold_sql.endswith("WHERE country = 'France'"))
    lower = "SELECT avg(age) FROM singer WHERE country = 'france'"          # empty as written, right respelled
    shots = "SELECT avg(age) FROM singer"                                   # rows, wrong
    kept = replay_rules([ex], {ex.idx: shots}, ds.schemas, rules=("values", "names"), before_shots={ex.idx: lower})
    assert kept["ex"] == 1.0 and kept["items"][0]["respelled"]
    assert replay_rules([ex], {ex.idx: shots}, ds.schemas, rules=("values", "names"))["ex"] == 0.0
    empty = "SELECT name FROM singer WHERE country = 'Atlantis'"            # no rows even after the rules
    right = "SELECT avg(age) FROM singer WHERE country = 'France'"
    gave_way = replay_rules([ex], {ex.idx: right}, ds.schemas, rules=("values", "names"), before_shots={ex.idx: empty})
    assert gave_way["ex"] == 1.0
