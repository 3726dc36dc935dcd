"""Loaders and the read-only SQLite layer."""

import json
import sqlite3

import pytest

from graphsql.cli import main
from graphsql.data.spider import load_dataset, load_tables_json
from graphsql.data.sqlite import connect_readonly, read_sqlite_schema
from graphsql.errors import DataError


def test_read_sqlite_schema_finds_tables_pks_and_fks(concert_db):
    schema = read_sqlite_schema(concert_db)
    assert schema.table_names == ("stadium", "singer", "concert", "singer_in_concert")
    assert [c.name for c in schema.table("SINGER").primary_keys] == ["singer_id"]
    fk_pairs = {(f.table, f.column, f.ref_table, f.ref_column) for f in schema.foreign_keys}
    assert ("concert", "stadium_id", "stadium", "stadium_id") in fk_pairs
    assert ("singer_in_concert", "singer_id", "singer", "singer_id") in fk_pairs
    assert schema.table("singer").column("country").sample_values[0] == "Netherlands"
    assert schema.table("singer").row_count == 6


def test_with_tables_keeps_only_inner_fks(concert_db):
    sub = read_sqlite_schema(concert_db).with_tables(["singer", "singer_in_concert"])
    assert sub.table_names == ("singer", "singer_in_concert")
    assert {f.ref_table for f in sub.foreign_keys} == {"singer"}


def test_spider_format_folder_loads(mini_spider):
    ds = load_dataset("spider", "dev", root=mini_spider)
    assert len(ds.examples) == 20 and len(ds.runnable()) == 20
    schema = ds.schemas["concert"]
    assert schema.table("singer").column("singer_id").natural_name == "singer id"
    assert ds.missing_databases() == []


def test_geo_question_and_query_splits(mini_geo):
    by_split = {split: load_dataset("geo", split, root=mini_geo) for split in
                ("all", "train", "test", "query_train", "query_dev", "query_test")}
    assert len(by_split["all"].examples) == 12 and set(by_split["all"].schemas) == {"geography"}
    assert [len(by_split[s].examples) for s in ("query_train", "query_dev", "query_test")] == [8, 2, 2]
    assert all(e.meta["query_split"] == "train" for e in by_split["query_train"].examples)
    # the question split is another partition of the same items
    assert len(by_split["train"].examples) == 4 and len(by_split["test"].examples) == 8
    assert {e.idx for e in by_split["query_test"].examples} <= {e.idx for e in by_split["train"].examples}
    with pytest.raises(DataError, match="unknown split 'query_other'"):
        load_dataset("geo", "query_other", root=mini_geo)


def test_missing_database_is_reported(mini_spider, tmp_path):
    entries = json.loads((mini_spider / "tables.json").read_text())
    entries[0]["db_id"] = "ghost"
    (tmp_path / "tables.json").write_text(json.dumps(entries))
    schemas = load_tables_json(tmp_path / "tables.json", tmp_path / "database")
    assert schemas["ghost"].db_path is not None and not schemas["ghost"].db_path.exists()


@pytest.mark.parametrize(
    "content, message",
    [("{not json", "malformed JSON"), ('{"a": 1}', "expected a JSON list")],
)
def test_malformed_questions_file_is_a_one_line_error(mini_spider, tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(DataError, match=message) as info:
        load_dataset("spider", "dev", root=mini_spider, questions=bad)
    assert str(bad) in str(info.value) and "\n" not in str(info.value)


def test_unknown_db_id_names_the_item(mini_spider, tmp_path):
    bad = tmp_path / "q.json"
    bad.write_text(json.dumps([{"db_id": "nope", "question": "?", "query": "SELECT 1"}]))
    with pytest.raises(DataError, match="unknown db_id 'nope'"):
        load_dataset("spider", "dev", root=mini_spider, questions=bad)


@pytest.mark.parametrize("payload", [None, b"this is not a database at all....", b""])
def test_missing_or_corrupt_database_file(tmp_path, payload):
    path = tmp_path / "x.sqlite"
    if payload is not None:
        path.write_bytes(payload)
    with pytest.raises(DataError) as info:
        read_sqlite_schema(path)
    assert str(path) in str(info.value)


def test_readonly_connection_refuses_writes(concert_db):
    before = concert_db.read_bytes()
    conn = connect_readonly(concert_db)
    for sql in ["DROP TABLE singer", "DELETE FROM singer", "INSERT INTO singer VALUES (9, 'x', 'y', 1)",
                "PRAGMA writable_schema = 1", f"ATTACH DATABASE '{concert_db.parent / 'new.db'}' AS other",
                f"VACUUM INTO '{concert_db.parent / 'copy.db'}'"]:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute(sql)
    conn.close()
    assert concert_db.read_bytes() == before
    assert not (concert_db.parent / "new.db").exists() and not (concert_db.parent / "copy.db").exists()


def test_cli_error_is_one_line_and_nonzero(tmp_path, capsys):
    rc = main(["graph", "--db", str(tmp_path / "missing.sqlite")])
    assert rc == 1
    err = capsys.readouterr().err
    assert "missing.sqlite: database file not found" in err and "Traceback" not in err


@pytest.mark.data
def test_real_spider_dev_counts(shared_data):
    ds = load_dataset("spider", "dev")
    assert len(ds.examples) == 1034 and len(ds.runnable()) == 972
