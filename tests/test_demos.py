"""Demonstrations: skeletons mask values and names, join shapes, the cached train pool, and the selectors."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest

from graphsql.data.records import DbSchema
from graphsql.data.spider import load_dataset, load_tables_json
from graphsql.demos import select as select_mod
from graphsql.demos.select import (
    SELECTORS,
    Demo,
    DemoPool,
    SchemaContext,
    as_demonstrations,
    build_demo_pool,
    build_schema_context,
    load_demo_pool,
    mask_question,
    schema_words,
    select_demos,
)
from graphsql.demos.skeleton import JoinShape, join_shape, shape_distance, sql_skeleton
from graphsql.errors import DataError
from graphsql.schema.graph import EdgeKind, JoinEdge, JoinPath, build_schema_graph, join_path

# (SQL, its skeleton)
SKELETONS = (
    ("SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.id = T2.sid WHERE T2.year = 2014",
     "SELECT _ FROM _ JOIN _ ON _ = _ WHERE _ = _"),
    ("SELECT count(*) FROM singer", "SELECT COUNT(_) FROM _"),
    ("SELECT name, age FROM singer WHERE country = 'France' ORDER BY age DESC LIMIT 1",
     "SELECT _ FROM _ WHERE _ = _ ORDER BY _ DESC LIMIT _"),
    ("SELECT name FROM singer WHERE singer_id NOT IN (SELECT singer_id FROM singer_in_concert)",
     "SELECT _ FROM _ WHERE _ NOT IN (SELECT _ FROM _)"),
    ("SELECT avg(age), max(age) FROM singer WHERE age > -3 GROUP BY country HAVING count(*) > 2",
     "SELECT AVG(_), MAX(_) FROM _ WHERE _ > _ GROUP BY _ HAVING COUNT(_) > _"),
    ("SELECT x.a AS total FROM (SELECT a FROM t) AS x", "SELECT _ FROM (SELECT _ FROM _)"),
    ("SELECT a FROM t WHERE b LIKE '%Paris%' OR c IS NULL", "SELECT _ FROM _ WHERE _ LIKE _ OR _ IS NULL"),
    ("SELECT name FROM a INTERSECT SELECT name FROM b", "SELECT _ FROM _ INTERSECT SELECT _ FROM _"),
    ("SELEC broken, name FROM", "_ _ FROM"),  # unparseable: token-level fallback
    ("", ""),
)


@pytest.mark.parametrize(("sql", "expected"), SKELETONS)
def test_sql_skeleton(sql, expected):
    assert sql_skeleton(sql) == expected


def test_skeleton_masks_values_and_identifiers():
    sql = ("SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
           "WHERE T1.country = 'France' AND T1.age > 40")
    skeleton = sql_skeleton(sql)
    for word in ("T1", "T2", "singer", "name", "France", "40", "country", "AS"):
        assert word not in skeleton.split()
    assert skeleton == "SELECT _ FROM _ JOIN _ ON _ = _ WHERE _ = _ AND _ > _"


def test_join_shape(concert_db):
    graph = build_schema_graph(load_schema(concert_db))
    assert join_shape(join_path(graph, ["singer"])) == JoinShape(1, 0, False, "single")
    assert join_shape(join_path(graph, ["concert", "stadium"])) == JoinShape(2, 1, False, "chain")
    # singer and concert join through the link table singer_in_concert
    assert join_shape(join_path(graph, ["singer", "concert"])) == JoinShape(3, 2, True, "chain")
    star = JoinPath(("a", "b", "c", "d"), (JoinEdge("b", "a_id", "a", "id"), JoinEdge("c", "a_id", "a", "id"),
                                           JoinEdge("d", "a_id", "a", "id", EdgeKind.INFERRED_FOREIGN_KEY, 0.8)))
    assert join_shape(star) == JoinShape(4, 3, False, "star")
    assert join_shape(None) == JoinShape(1, 0, False, "single")
    assert shape_distance(JoinShape(3, 2, True, "chain"), JoinShape(3, 2, True, "chain")) == 0
    assert shape_distance(JoinShape(2, 1, False, "chain"), JoinShape(3, 2, True, "chain")) == 3


def load_schema(db_path: Path) -> DbSchema:
    from graphsql.data.sqlite import read_sqlite_schema

    return read_sqlite_schema(db_path)


# ------------------------------------------------------------------------------------------- pool + cache


@pytest.fixture()
def mini_train(mini_spider, tmp_path) -> Path:
    """A Spider-format folder whose train_spider.json holds the mini-Spider questions."""
    root = tmp_path / "spider"
    root.mkdir()
    shutil.copy(mini_spider / "tables.json", root / "tables.json")
    (root / "database").symlink_to(mini_spider / "database")
    shutil.copy(mini_spider / "dev.json", root / "train_spider.json")
    return root


def test_pool_from_train(mini_train, tmp_path):
    pool = load_demo_pool(mini_train, cache_root=tmp_path / "cache")
    assert len(pool) == len(json.loads((mini_train / "train_spider.json").read_text()))
    by_question = {d.question: d for d in pool.demos}
    demo = by_question["Which singers performed in a concert in Paris?"]
    assert demo.tables == ("stadium", "singer", "concert", "singer_in_concert")
    assert demo.join_shape == JoinShape(4, 3, True, "chain")
    assert demo.skeleton == "SELECT DISTINCT _ FROM _ JOIN _ ON _ = _ JOIN _ ON _ = _ JOIN _ ON _ = _ WHERE _ = _"
    # the schema text shows the gold tables only, in the compact format
    lines = demo.schema_text.splitlines()
    assert sorted(line.split("(")[0] for line in lines if not line.startswith("fk")) == sorted(demo.tables)
    single = by_question["How many singers do we have?"]
    assert single.schema_text.startswith("singer(") and "stadium" not in single.schema_text
    assert single.as_triple() == (single.schema_text, single.question, single.gold_sql)


def test_pool_refuses_dev_split(mini_spider):
    with pytest.raises(DataError, match="train split only"):
        build_demo_pool(load_dataset("spider", "dev", root=mini_spider))


def test_pool_cache_reused_and_invalidated(mini_train, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = load_demo_pool(mini_train, cache_root=cache)
    files = list(cache.glob("spider-train-*.json"))
    assert len(files) == 1

    def no_build(*args, **kwargs):
        raise AssertionError("the cached pool should have been read")

    monkeypatch.setattr(select_mod, "build_demo_pool", no_build)
    again = load_demo_pool(mini_train, cache_root=cache)
    assert [d.to_json() for d in again.demos] == [d.to_json() for d in first.demos]
    monkeypatch.undo()

    items = json.loads((mini_train / "train_spider.json").read_text())
    (mini_train / "train_spider.json").write_text(json.dumps(items[:5]))
    changed = load_demo_pool(mini_train, cache_root=cache)
    assert len(changed) == 5
    assert list(cache.glob("spider-train-*.json")) != files and len(list(cache.glob("*.json"))) == 1
    ddl = load_demo_pool(mini_train, schema_format="ddl", cache_root=cache)  # another setting, another key
    assert ddl.demos[0].schema_text.startswith("CREATE TABLE")


# ------------------------------------------------------------------------------------------------ selectors


@pytest.fixture()
def mini_pool(mini_train, tmp_path) -> DemoPool:
    return load_demo_pool(mini_train, cache_root=tmp_path / "cache")


def concert_context(mini_spider, question: str, draft_sql: str = "") -> SchemaContext:
    schema = load_tables_json(mini_spider / "tables.json", mini_spider / "database")["concert"]
    return build_schema_context(question, build_schema_graph(schema), draft_sql=draft_sql)


@pytest.mark.parametrize("name", sorted(SELECTORS))
def test_selectors_distinct_deterministic_cross_database(name, mini_pool, mini_spider):
    question = "How many concerts were held in Paris?"
    context = concert_context(mini_spider, question, draft_sql="SELECT count(*) FROM concert WHERE year = 1")
    demos = select_demos(name, question, context, mini_pool, 3, random.Random(7))
    assert len(demos) == 3
    assert len({d.question for d in demos}) == 3
    assert all(d.db_id == "bookshop" for d in demos)  # never the target's own database
    assert demos == select_demos(name, question, context, mini_pool, 3, random.Random(7))
    many = select_demos(name, question, context, mini_pool, 100, random.Random(7))
    assert len(many) == sum(d.db_id != "concert" for d in mini_pool.demos)  # all eligible, none twice


def test_random_depends_on_seed(mini_pool, mini_spider):
    context = concert_context(mini_spider, "Anything?")
    draws = {tuple(d.idx for d in select_demos("random", "Anything?", context, mini_pool, 3, random.Random(s)))
             for s in range(6)}
    assert len(draws) > 1


def test_unknown_selector_and_zero_k(mini_pool, mini_spider):
    context = concert_context(mini_spider, "Anything?")
    with pytest.raises(ValueError, match="unknown demo selector"):
        select_demos("nearest", "Anything?", context, mini_pool, 2, random.Random(0))
    assert select_demos("random", "Anything?", context, mini_pool, 0, random.Random(0)) == []


def test_schema_context_uses_linking_not_gold(mini_spider):
    context = concert_context(mini_spider, "Which singers performed in a concert in Paris?")
    assert context.db_id == "concert" and context.tables
    assert isinstance(context.join_shape, JoinShape) and context.draft_sql == ""


def _demo(i: int, db_id: str, question: str, sql: str, shape: JoinShape, words: frozenset = frozenset()) -> Demo:
    return Demo(db_id, question, sql, sql_skeleton(sql), ("t",), shape, f"t{i}(a text)", i,
                tuple(mask_question(question, words)))


SINGLE = JoinShape(1, 0, False, "single")
ONE_JOIN = JoinShape(2, 1, False, "chain")
LINKED = JoinShape(3, 2, True, "chain")

# A hand-made pool: the questions most like "name of the singers in each concert" have the wrong shapes.
TINY = (
    ("db_a", "What is the name of the singers in each concert?", "SELECT name FROM singer", SINGLE),
    ("db_a", "Name of the singers in the concert", "SELECT name FROM singer WHERE x = 1", SINGLE),
    ("db_b", "Name of the singers in each concert hall", "SELECT a.n FROM a JOIN b ON a.x = b.y", ONE_JOIN),
    ("db_c", "Which players scored in each match?",
     "SELECT p.n FROM p JOIN pm ON p.id = pm.p JOIN m ON pm.m = m.id", LINKED),
    ("db_d", "List the authors of each book.",
     "SELECT a.n FROM a JOIN ab ON a.id = ab.a JOIN b ON ab.b = b.id", LINKED),
    ("db_e", "How many cars are there?", "SELECT count(*) FROM cars", SINGLE),
    ("target", "Name of the singers in each concert", "SELECT name FROM singer", LINKED),
)


@pytest.fixture()
def tiny_pool() -> DemoPool:
    return DemoPool(tuple(_demo(i, *row) for i, row in enumerate(TINY)))


def test_graph_similar_prefers_matching_join_shape(tiny_pool):
    question = "What are the names of the singers in each concert?"
    context = SchemaContext("target", LINKED)
    demos = select_demos("graph_similar", question, context, tiny_pool, 3, random.Random(0))
    assert [d.join_shape for d in demos[:2]] == [LINKED, LINKED]
    assert all(d.db_id != "target" for d in demos)
    assert demos[2].join_shape == ONE_JOIN  # then the nearest shape, before the more similar questions
    by_question = select_demos("question_similar", question, context, tiny_pool, 2, random.Random(0))
    assert {d.db_id for d in by_question} <= {"db_a", "db_b"}
    # with a one-table prediction, the question-similar one-table demos come first
    single = select_demos("graph_similar", question, SchemaContext("target", SINGLE), tiny_pool, 2, random.Random(0))
    assert [d.db_id for d in single] == ["db_a", "db_a"]


def test_skeleton_similar_uses_draft_or_falls_back(tiny_pool):
    question = "What are the names of the singers in each concert?"
    draft = "SELECT T1.x FROM q AS T1 JOIN r AS T2 ON T1.a = T2.b JOIN s AS T3 ON T2.c = T3.d"
    with_draft = select_demos("skeleton_similar", question, SchemaContext("target", SINGLE, draft_sql=draft),
                              tiny_pool, 2, random.Random(0))
    assert {d.db_id for d in with_draft} == {"db_c", "db_d"}
    no_draft = select_demos("skeleton_similar", question, SchemaContext("target", SINGLE), tiny_pool, 3,
                            random.Random(0))
    assert no_draft == select_demos("masked_question_similar", question, SchemaContext("target", SINGLE),
                                    tiny_pool, 3, random.Random(0))


# (question, schema words, masked tokens)
MASKED = (
    ("How many singers do we have?", {"singer"}, ["how", "many", "do", "we", "have"]),
    ("Show the average age of singers from Los Angeles older than 40.", {"singer", "age", "average"},
     ["show", "the", "average", "of", "from", "<val>", "<val>", "older", "than", "<num>"]),
    ("Which stadium has the highest capacity?", {"stadium", "capacity", "highest"},
     ["which", "has", "the", "highest"]),
)


@pytest.mark.parametrize(("question", "words", "expected"), MASKED)
def test_mask_question(question, words, expected):
    assert mask_question(question, frozenset(words)) == expected


def test_masked_question_similar_matches_how_not_what(concert_db):
    graph = build_schema_graph(load_schema(concert_db))
    pool = DemoPool((
        _demo(0, "db_a", "List all singers from France older than 30.", "SELECT name FROM singer WHERE a = 1",
              SINGLE, frozenset({"singer", "country", "age"})),
        _demo(1, "db_b", "How many books do we have?", "SELECT count(*) FROM book", SINGLE,
              frozenset({"book", "title"})),
        _demo(2, "db_c", "Show names of singers in the band.", "SELECT name FROM singer", SINGLE,
              frozenset({"singer", "band", "name"})),
    ))
    question = "How many singers do we have?"
    context = SchemaContext("concert", SINGLE, graph=graph)
    assert select_demos("masked_question_similar", question, context, pool, 1, random.Random(0))[0].db_id == "db_b"
    assert schema_words(graph.schema) >= {"singer", "concert", "stadium", "capacity", "id"}


def test_as_demonstrations_order(tiny_pool):
    demos = list(tiny_pool.demos[:2])
    assert as_demonstrations(demos) == [demos[1].as_triple(), demos[0].as_triple()]
    assert as_demonstrations(demos, nearest_last=False)[0] == demos[0].as_triple()


def test_config_selectors_match_the_demos_module():
    from graphsql.config import SHOT_SELECTORS
    from graphsql.demos import SELECTORS

    assert set(SHOT_SELECTORS) == set(SELECTORS)


def test_config_pools_match_the_demos_module():
    from graphsql.config import SHOT_POOLS, PromptConfig
    from graphsql.errors import ConfigError

    assert set(SHOT_POOLS) == set(select_mod.POOL_SOURCES)
    with pytest.raises(ConfigError, match="shot_pool"):
        PromptConfig(shot_pool="bird")


# ------------------------------------------------------------------------------ same-database pool (GeoQuery)


@pytest.fixture()
def geo_pool(mini_geo, tmp_path) -> DemoPool:
    return load_demo_pool(mini_geo, cache_root=tmp_path / "cache", source="geo")


def test_geo_pool_is_query_split_train_and_same_database(geo_pool, mini_geo, tmp_path):
    train = load_dataset("geo", "query_train", root=mini_geo)
    assert not geo_pool.cross_database
    assert sorted(d.question for d in geo_pool.demos) == sorted(e.question for e in train.examples)
    assert [p.name.split("-")[:2] for p in (tmp_path / "cache").glob("*.json")] == [["geo", "query_train"]]
    with pytest.raises(ValueError, match="unknown demo pool"):
        load_demo_pool(mini_geo, cache_root=tmp_path / "cache", source="bird")


@pytest.mark.parametrize("name", sorted(SELECTORS))
def test_same_database_pool_never_shows_the_asked_question(name, geo_pool, mini_geo):
    schema = load_dataset("geo", "all", root=mini_geo).schemas["geography"]
    graph = build_schema_graph(schema)
    test_question = load_dataset("geo", "query_test", root=mini_geo).examples[0].question
    asked = geo_pool.demos[0].question  # a train question asked again: it must not demonstrate itself
    for question in (test_question, asked):
        context = build_schema_context(question, graph)
        demos = select_demos(name, question, context, geo_pool, 100, random.Random(0))
        assert all(d.db_id == "geography" for d in demos)  # the asked database itself
        assert question not in {d.question for d in demos}
        assert len(demos) == len(geo_pool) - (question in {d.question for d in geo_pool.demos})


def test_examples_in_their_authors_style_are_shown_restyled_on_request(concert_db):
    """A user's example in another style (upper-case names, an alias per table) is kept as written for selection
    and shown in the adapters' training style only with ``restyle``."""
    from graphsql.demos import pool_from_examples

    graph = build_schema_graph(load_schema(concert_db))
    sql = "SELECT S0.NAME FROM SINGER AS S0 WHERE S0.AGE > 30"
    pool = pool_from_examples([{"question": "Singers older than 30?", "sql": sql}], graph)
    assert pool.demos[0].gold_sql == sql
    assert as_demonstrations(pool.demos)[0][2] == sql
    assert as_demonstrations(pool.demos, restyle=True)[0][2] == "SELECT name FROM singer WHERE age > 30"


def test_typed_question_similarity_matches_what_a_value_is(concert_db):
    """Two examples ask the same words about values of different columns: typed question similarity picks the
    one whose value its gold SQL compares with the column that holds the asked question's value."""
    from graphsql.demos import pool_from_examples
    from graphsql.demos.select import SchemaContext, typed_question

    assert typed_question("How many from New York?", [("new york", ("city", "state"))]) == [
        "how", "many", "from", "<val>", "col=city", "col=state"]
    graph = build_schema_graph(load_schema(concert_db))
    pool = pool_from_examples([
        {"question": "how many are from amsterdam", "sql": "SELECT count(*) FROM stadium WHERE city = 'amsterdam'"},
        {"question": "how many are from netherlands", "sql": "SELECT count(*) FROM singer WHERE country = 'netherlands'"},
    ], graph)
    assert pool.demos[1].typed_tokens[-2:] == ("<val>", "col=country")
    question = "how many are from france"
    context = SchemaContext("concert", join_shape(None), graph=graph, values=(("france", ("country",)),))
    rng = random.Random(0)
    assert select_demos("question_similar", question, context, pool, 1, rng)[0].question.endswith("amsterdam")
    assert select_demos("typed_question_similar", question, context, pool, 1, rng)[0].question.endswith("netherlands")


def test_shots_confidence_choices_and_auc():
    """`graphsql.experiments.shots_confidence`: which answer each choice keeps, and the ranking score."""
    from graphsql.experiments.shots_confidence import auc, choose

    zero = [{"idx": i, "pred_sql": f"z{i}", "ex": ex} for i, ex in enumerate([1, 0, 0, 1])]
    shown = [{"idx": i, "pred_sql": f"s{i}", "ex": ex} for i, ex in enumerate([0, 1, 1, 0])]
    zs = {0: -0.1, 1: -0.5, 2: -0.05, 3: -0.2}
    ss = {0: -0.3, 1: -0.2, 2: -0.01, 3: -0.1}
    empty = {"z1"}  # the zero-shot answer of question 1 returns no rows

    def has_rows(sql):
        return sql not in empty

    picked = {p: [it["pred_sql"] for it in choose(zero, shown, zs, ss, has_rows, p)]
              for p in ("likelier", "empty_then_likelier", "gated_-0.15", "gated_-0.3")}
    assert picked["likelier"] == ["z0", "s1", "s2", "s3"]
    assert picked["empty_then_likelier"] == ["z0", "s1", "s2", "s3"]
    assert picked["gated_-0.15"] == ["z0", "s1", "z2", "s3"]  # q1: empty; q3: unsure (-0.2 < -0.15)
    assert picked["gated_-0.3"] == ["z0", "s1", "z2", "z3"]
    empty.add("s3")  # an answer with demonstrations that returns no rows never replaces one that does
    assert [it["pred_sql"] for it in choose(zero, shown, zs, ss, has_rows, "empty_then_likelier")][3] == "z3"
    with pytest.raises(ValueError, match="unknown policy"):
        choose(zero, shown, zs, ss, has_rows, "never")
    assert auc(zero, zs) == 0.5  # right: -0.1, -0.2; wrong: -0.5, -0.05
    assert auc(shown, ss) == 0.75  # right: -0.2, -0.01; wrong: -0.3, -0.1 (3 of 4 pairs in order)
    assert auc(zero[:1], zs) is None  # no wrong answer to rank against
