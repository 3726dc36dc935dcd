"""The renamed-schema probe (`graphsql.data.renamed`) and the repairs that meet a schema under other names
(`graphsql.inference.repairs`: matching by natural name and by a part of a long name, other dialects' functions)."""

import json
import sqlite3

from graphsql.data.renamed import describe_renamed_split, renamed_split_dir
from graphsql.data.spider import load_dataset
from graphsql.eval.execute import execute_sql, results_match
from graphsql.inference.repairs import best_match, fix_sqlite_functions, repair_sql
from graphsql.schema.graph import build_schema_graph


def test_renamed_split_keeps_every_answer_under_the_new_names(mini_spider):
    original = load_dataset("spider", "dev", root=mini_spider)
    probe = load_dataset("spider", "dev_rename", root=mini_spider)
    assert probe.examples and len(probe.examples) <= len(original.examples)
    by_question = {(e.db_id, e.question): e for e in original.examples}
    renamed_any = False
    for ex in probe.examples:
        old = by_question[(ex.db_id, ex.question)]
        assert ex.meta["query_original"] == old.gold_sql
        new_rows = execute_sql(probe.db_path(ex.db_id), ex.gold_sql)
        old_rows = execute_sql(original.db_path(ex.db_id), old.gold_sql)
        assert new_rows.ok and results_match(old_rows.rows, new_rows.rows, ordered=False)
        renamed_any |= ex.gold_sql != old.gold_sql
    assert renamed_any
    for db_id, schema in probe.schemas.items():  # the schema read from tables.json is the database's own
        with sqlite3.connect(f"file:{schema.db_path}?mode=ro", uri=True) as con:
            tables = {r[0].lower() for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {t.name.lower() for t in schema.tables} <= tables, db_id
        assert {t.name.lower() for t in schema.tables} != {t.name.lower() for t in original.schemas[db_id].tables}
    folder = renamed_split_dir("dev_rename", mini_spider, original.schemas)
    info = describe_renamed_split(folder)
    assert info["kept"] == len(probe.examples) and info["databases"] == len(probe.schemas)
    assert info["kept"] + info["dropped"] + info["without_database"] == info["items"]
    json.dumps(info)


def test_best_match_prefers_the_closest_tier_and_refuses_ties():
    cands = [("a", "Courses Course Name", "course name"), ("b", "crs_nm", "course name"), ("c", "name", "")]
    assert best_match("name", cands) == cands[2]  # the same name beats a part of a longer one
    assert best_match("course_name", cands) is None  # two natural names tie: unclear
    assert best_match("course_name", cands[:1]) == cands[0]
    assert best_match("course_name", cands[:1], max_tier=0) is None
    assert best_match("crs", [("x", "crs_nm", "")]) is None  # too short to match as a part
    assert best_match("free_meal_count", [("k", "Free Meal Count (K-12)", "")])[0] == "k"


def test_repairs_meet_a_renamed_schema(mini_spider):
    probe = load_dataset("spider", "dev_rename", root=mini_spider)
    original = load_dataset("spider", "dev", root=mini_spider)
    graph = build_schema_graph(probe.schemas["concert"])
    fixed_any = 0
    for ex in probe.examples:
        if ex.db_id != "concert":
            continue
        # the query the model would write from the question's words: the gold query under the original names
        broken = ex.meta["query_original"]
        repaired = repair_sql(broken, graph)
        gold = execute_sql(probe.db_path("concert"), ex.gold_sql)
        got = execute_sql(probe.db_path("concert"), repaired)
        if ex.gold_sql == broken:
            assert repaired == broken  # nothing to fix, nothing touched
        elif got.ok and results_match(gold.rows, got.rows, ordered=False):
            fixed_any += 1
    assert fixed_any >= 1
    # a query already right under the new names is never changed
    for ex in probe.examples:
        if ex.db_id == "concert":
            assert repair_sql(ex.gold_sql, graph) == ex.gold_sql
    assert original.schemas["concert"].db_path != probe.schemas["concert"].db_path


def test_other_dialects_functions_become_sqlite(concert_db):
    fixed = fix_sqlite_functions("SELECT YEAR(d), EXTRACT(MONTH FROM d) FROM (SELECT '2014-05-02' AS d)")
    assert fixed == ("SELECT CAST(STRFTIME('%Y', d) AS INTEGER), CAST(STRFTIME('%m', d) AS INTEGER) "
                     "FROM (SELECT '2014-05-02' AS d)")
    assert list(execute_sql(concert_db, fixed).rows) == [(2014, 5)]
    assert fix_sqlite_functions("SELECT strftime('%Y', d) FROM t") == "SELECT strftime('%Y', d) FROM t"
    concat = fix_sqlite_functions("SELECT CONCAT('a', 'b')")
    assert list(execute_sql(concert_db, concat).rows) == [("ab",)]
