"""Renamed schemas (graphsql.augment.rename): names in other styles, gold SQL rewritten and checked by execution."""

from __future__ import annotations

import random

import pytest

from graphsql.augment import AugmentConfig, build_samples
from graphsql.augment.rename import (
    COLUMN_STYLES,
    TABLE_STYLES,
    plan_renames,
    rename_database_examples,
    rename_sql,
    renamed_database,
    same_result,
    style_name,
)
from graphsql.augment.samples import read_samples
from graphsql.data.spider import load_dataset
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.sql.parse import tables_in_sql


@pytest.fixture(scope="module")
def mini(mini_spider):
    return load_dataset("spider", "dev", root=mini_spider)


@pytest.mark.parametrize(
    ("style", "expected"),
    [("spaced", "Song Release Year"), ("long", "Song Release Year"), ("camel", "SongReleaseYear"),
     ("abbreviated", "sng_rls_yr"), ("snake_upper", "SONG_RELEASE_YEAR")],
)
def test_name_styles(style, expected):
    assert style_name(["song", "release", "year"], style) == expected


@pytest.mark.parametrize("column_style", COLUMN_STYLES)
@pytest.mark.parametrize("table_style", TABLE_STYLES)
def test_every_gold_query_returns_the_same_rows_on_the_renamed_database(table_style, column_style, mini, tmp_path):
    for db_id, schema in mini.schemas.items():
        plan = plan_renames(schema, random.Random(0), table_style, column_style)
        # names stay unique within the database and within each table
        assert len({n.lower() for n in plan.tables.values()}) == len(schema.tables)
        new_db = renamed_database(mini.db_path(db_id), schema, plan, tmp_path / f"{db_id}.sqlite")
        renamed = read_sqlite_schema(new_db, db_id=db_id, sample_values=0)
        assert {t.name for t in renamed.tables} == set(plan.tables.values())
        for ex in (e for e in mini.examples if e.db_id == db_id):
            new_sql = rename_sql(ex.gold_sql, schema, plan)
            assert new_sql is not None, ex.gold_sql
            assert same_result(mini.db_path(db_id), ex.gold_sql, new_db, new_sql, timeout=5), (ex.gold_sql, new_sql)
            assert tables_in_sql(new_sql) == {plan.table(t).lower() for t in tables_in_sql(ex.gold_sql)}


def test_rewrite_quotes_spaced_names_and_keeps_aliases_and_string_values(mini):
    schema = mini.schemas["concert"]
    plan = plan_renames(schema, random.Random(0), "spaced", "long")
    sql = rename_sql('SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id '
                     'WHERE T1.country = "France" ORDER BY age', schema, plan)
    assert sql.startswith('SELECT T1."Singer Name" FROM Singer AS T1 JOIN "Singer In Concert" AS T2')
    assert '"France"' in sql and sql.endswith('ORDER BY "Singer Age"')


def test_a_wrong_rewrite_is_dropped_not_kept(mini, tmp_path):
    schema = mini.schemas["concert"]
    examples = [e for e in mini.examples if e.db_id == "concert"]
    broken = [examples[0].__class__("concert", "?", "SELECT nothing FROM nowhere", idx=99)]
    kept, new_schema, info = rename_database_examples(examples + broken, schema, mini.db_path("concert"), tmp_path,
                                                      random.Random(1), share=1.0)
    assert info["asked"] == len(examples) + 1 and info["dropped"] == 1 and info["kept"] == len(kept) == len(examples)
    assert all(ex.source == "aug:rename" for ex in kept)
    assert new_schema.db_path.exists() and {t.name for t in new_schema.tables} != {t.name for t in schema.tables}


def test_build_with_rename_asks_questions_on_the_renamed_schema(mini, tmp_path):
    config = AugmentConfig(augmentations=("rename",), rename_share=1.0)
    manifest = build_samples(config, tmp_path, dataset=mini)
    samples = read_samples(tmp_path / "samples.jsonl")
    renamed = [s for s in samples if s.source == "aug:rename"]
    assert renamed and manifest.questions["renamed"]["kept"] == len(renamed)
    originals = {t.name for s in mini.schemas.values() for t in s.tables}
    for s in renamed:
        assert not tables_in_sql(s.answer) & {t.lower() for t in originals if t.lower() != t}
        assert all(t in s.messages[-2]["content"] or f'"{t}"' in s.messages[-2]["content"]
                   for t in (n for n in tables_in_sql(s.answer)))


def test_no_table_is_renamed_to_a_name_sqlite_keeps_for_itself():
    from graphsql.data.records import Column, DbSchema, Table

    # Spider's store_1 gives `artists` the natural name of its `sqlite_sequence` table
    schema = DbSchema("store", (Table("artists", (Column("artists", "id", "integer"),), natural_name="sqlite sequence"),
                                Table("sqlite_sequence", (Column("sqlite_sequence", "name", "text"),))), ())
    for style in TABLE_STYLES:
        plan = plan_renames(schema, random.Random(0), style, "spaced")
        assert not plan.table("artists").lower().startswith("sqlite"), style
        assert plan.table("sqlite_sequence") == "sqlite_sequence"
