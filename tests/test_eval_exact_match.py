"""Spider exact match and hardness: data-driven cases (tests/data/eval_cases.json, checked against the
official evaluation.py) on the concert toy schema, plus the real dev set when it is present."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from graphsql.data.spider import load_tables_json
from graphsql.eval.exact_match import UnsupportedSql, component_matches, exact_match, parse_spider_sql
from graphsql.eval.hardness import sql_hardness

CASES = json.loads((Path(__file__).parent / "data" / "eval_cases.json").read_text())


@pytest.fixture(scope="module")
def concert_schema(mini_spider):
    return load_tables_json(mini_spider / "tables.json", mini_spider / "database")["concert"]


@pytest.mark.parametrize("case", CASES["exact_match"], ids=[c["why"] for c in CASES["exact_match"]])
def test_exact_match_cases(concert_schema, case):
    assert exact_match(case["gold"], case["pred"], concert_schema) is case["em"]


@pytest.mark.parametrize("case", CASES["exact_match"], ids=[c["why"] for c in CASES["exact_match"]])
def test_gold_matches_itself(concert_schema, case):
    assert exact_match(case["gold"], case["gold"], concert_schema) is True


@pytest.mark.parametrize("case", CASES["hardness"], ids=[c["sql"][:40] for c in CASES["hardness"]])
def test_hardness_cases(concert_schema, case):
    assert sql_hardness(case["sql"], concert_schema) == case["hardness"]


def test_structure_resolves_aliases_and_keeps_values(concert_schema):
    sql = parse_spider_sql("SELECT T1.name FROM singer AS T1 WHERE T1.age > 30 ORDER BY T1.age DESC LIMIT 2",
                           concert_schema)
    assert sql["from"]["table_units"] == [("table_unit", "singer")]
    assert sql["select"] == (False, [(0, (0, (0, ("singer", "name"), False), None))])
    assert sql["where"] == [(False, 3, (0, (0, ("singer", "age"), False), None), 30.0, None)]
    assert sql["orderBy"] == ("desc", [(0, (0, ("singer", "age"), False), None)])
    assert sql["limit"] == 2


@pytest.mark.parametrize(
    "sql",
    ["SELECT count(*) AS n FROM singer", "SELECT name FROM singer WHERE age IS NULL",
     "SELECT name FROM singer WHERE EXISTS (SELECT 1 FROM concert)", "SELECT name FROM singer UNION ALL SELECT name FROM stadium",
     "SELECT lower(name) FROM singer", "SELECT name FROM singer, concert", "SELECT x FROM nowhere"],
)
def test_outside_spider_form(concert_schema, sql):
    with pytest.raises(UnsupportedSql):
        parse_spider_sql(sql, concert_schema)
    assert sql_hardness(sql, concert_schema) is None


def test_unsupported_gold_raises(concert_schema):
    with pytest.raises(UnsupportedSql):
        exact_match("SELECT count(*) AS n FROM singer", "SELECT count(*) FROM singer", concert_schema)


def test_component_matches_names_the_wrong_clause(concert_schema):
    parts = component_matches("SELECT name FROM singer ORDER BY age DESC", "SELECT name FROM singer ORDER BY age",
                              concert_schema)
    assert parts is not None and not parts["order"] and parts["select"] and parts["where"]


# Official hardness distribution of the 1034 Spider dev gold queries (evaluation.py, taoyds/spider).
DEV_HARDNESS = {"easy": 248, "medium": 446, "hard": 174, "extra": 166}


@pytest.mark.data
def test_dev_hardness_distribution_and_gold_self_match(shared_data):
    from graphsql.data.spider import load_dataset

    ds = load_dataset("spider", "dev", root=shared_data / "spider")
    levels = Counter(sql_hardness(e.gold_sql, ds.schemas[e.db_id]) for e in ds.examples)
    assert dict(levels) == DEV_HARDNESS
    assert all(exact_match(e.gold_sql, e.gold_sql, ds.schemas[e.db_id]) for e in ds.examples)
