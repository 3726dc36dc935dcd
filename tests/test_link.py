"""Schema linking and the value index, on tiny SQLite databases built here.

pytest tests/test_link.py
"""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3

import pytest

from graphsql.config import data_root
from graphsql.data.records import Column, DbSchema, Table
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.schema import values as values_mod
from graphsql.schema.link import LinkResult, link_schema, split_identifier
from graphsql.schema.values import ValueIndex, build_value_index, normalize_text, singularize

CONCERT_SQL = """
CREATE TABLE stadium (stadium_id INTEGER PRIMARY KEY, location TEXT, name TEXT, capacity INTEGER);
CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, song_name TEXT, age INTEGER);
CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, concert_name TEXT, theme TEXT, year TEXT,
                      stadium_id INTEGER REFERENCES stadium(stadium_id));
CREATE TABLE singer_in_concert (concert_id INTEGER REFERENCES concert(concert_id),
                                singer_id INTEGER REFERENCES singer(singer_id));
CREATE TABLE pet (pet_id INTEGER PRIMARY KEY, pet_type TEXT, weight REAL);
CREATE TABLE codes (a TEXT, b TEXT, c TEXT, d TEXT);
INSERT INTO stadium VALUES (1, 'Chicago', 'Soldier Field', 61500), (2, 'Raith Rovers', 'Stark''s Park', 10104);
INSERT INTO singer VALUES (1, 'Joe Sharp', 'Netherlands', 'You', 52), (2, 'Timbaland', 'United States', 'Dangerous', 32),
                          (3, 'Justin Brown', 'France', 'Hey Oh', 29), (4, 'Rose White', 'France', 'Sun', 41),
                          (5, 'Tribal King', 'France', 'Love Story', 25), (6, 'Ana', 'Ísland', 'Who', 30);
INSERT INTO concert VALUES (1, 'Auditions', 'Free choice', '2014', 1), (2, 'Super bootcamp', 'Happy Tonight', '2015', 2);
INSERT INTO singer_in_concert VALUES (1, 2), (1, 3), (2, 5);
INSERT INTO pet VALUES (1, 'dog', 12.0), (2, 'cat', 3.0);
INSERT INTO codes VALUES ('1', '1', '1', '1');
"""

# (question, evidence, tables that must fill the top len(tables) places, (table, column, value) that must
# be among the value matches, or None)
LINK_CASES = [
    ("How many singers are from France?", "", {"singer"}, ("singer", "country", "France")),
    ("how many singers are from FRANCE", "", {"singer"}, ("singer", "country", "France")),
    ("What is the capacity of the stadium in Chicago?", "", {"stadium"}, ("stadium", "location", "Chicago")),
    ("Who plays in Chicago?", "", {"stadium"}, ("stadium", "location", "Chicago")),
    ("List the themes of concerts held in 2014.", "", {"concert"}, ("concert", "year", "2014")),
    ('Which singer sang "Love Story"?', "", {"singer"}, ("singer", "song_name", "Love Story")),
    ("Show the names of singers from the Netherland.", "", {"singer"}, ("singer", "country", "Netherlands")),
    (
        "What is the name of the singer of the song with 'Hey' in its name?",
        "",
        {"singer"},
        ("singer", "song_name", "Hey Oh"),
    ),
    ("What is the average weight of dogs?", "", {"pet"}, ("pet", "pet_type", "dog")),
    ("Show the stadium name and the number of concerts in each stadium.", "", {"stadium", "concert"}, None),
    ("Which concert themes had singers older than 40?", "", {"concert", "singer", "singer_in_concert"}, None),
    ("What is the average age of singers?", "", {"singer"}, None),
    (
        "How many singers come from the place in the hint?",
        "The place refers to country = 'France'",
        {"singer"},
        ("singer", "country", "France"),
    ),
]

# (question, (table, column, value) expected first, or None for "no match at all")
VALUE_CASES = [
    ("How many singers are from France?", ("singer", "country", "France")),
    ("Songs by Joe Sharpe?", ("singer", "name", "Joe Sharp")),  # one letter off
    ("Which singers are from Island?", ("singer", "country", "Ísland")),  # accents folded
    ("Who is the oldest singer?", None),  # the value 'Who' is a stopword unless quoted
    ('Which singer sang "Who"?', ("singer", "song_name", "Who")),
    ("Show 1 singer.", None),  # '1' is in four text columns: too ambiguous
    ("Concerts in 2015", ("concert", "year", "2015")),
    ("What is the capacity of Stark's Park?", ("stadium", "name", "Stark's Park")),
]


@pytest.fixture
def concert_db(tmp_path):
    path = tmp_path / "concert.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(CONCERT_SQL)
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def _key(triple):
    table, column, value = triple
    return (table.lower(), column.lower(), value)


@pytest.mark.parametrize("question,evidence,tables,value", LINK_CASES)
def test_link_schema_ranks_expected_tables(concert_db, cache, question, evidence, tables, value):
    schema = read_sqlite_schema(concert_db)
    index = build_value_index(concert_db, cache_dir=cache)
    result = link_schema(question, schema, index, evidence=evidence)
    assert set(result.top_tables(len(tables))) == tables, result.table_scores
    if value is not None:
        assert _key(value) in {(m.table.lower(), m.column.lower(), m.value) for m in result.matched_values}
        without = link_schema(question, schema, None, evidence=evidence)
        assert result.column_scores[(value[0], value[1])] >= without.column_scores[(value[0], value[1])]
        assert result.table_scores[value[0]] >= without.table_scores[value[0]]


@pytest.mark.parametrize("question,expected", VALUE_CASES)
def test_value_lookup(concert_db, cache, question, expected):
    matches = build_value_index(concert_db, cache_dir=cache).lookup(question)
    if expected is None:
        assert matches == []
    else:
        assert matches, question
        assert _key(expected) == (matches[0].table.lower(), matches[0].column.lower(), matches[0].value)


def test_value_scores_exact_over_fuzzy_and_numbers(concert_db, cache):
    index = build_value_index(concert_db, cache_dir=cache)
    assert index.lookup("singers from France")[0].score == 1.0
    assert 0.85 <= index.lookup("singers from Frrance")[0].score < 1.0
    assert index.lookup("concerts in 2014")[0].score < 1.0
    assert index.lookup("concerts in 201") == []  # numbers never match fuzzily


def test_value_index_skips_long_strings_and_caps_values(tmp_path):
    path = tmp_path / "big.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (label TEXT, body TEXT, n INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)", [(f"label {i}", "x" * 500, i) for i in range(100)])
    conn.commit()
    conn.close()
    index = build_value_index(
        path, cache_dir=tmp_path / "cache", max_values_per_column=10, max_value_length=64
    )
    assert index.columns == (("t", "label"),)  # body only has long strings; n is not text
    assert len(index.values[0]) == 10


def test_cache_is_reused(concert_db, cache, monkeypatch):
    first = build_value_index(concert_db, cache_dir=cache)
    files = list(cache.glob("*.json"))
    assert len(files) == 1 and files[0].name.startswith("concert-")

    def fail(*args, **kwargs):
        raise AssertionError("database read again although the cache is fresh")

    monkeypatch.setattr(values_mod, "read_column_values", fail)
    second = build_value_index(concert_db, cache_dir=cache)
    assert second == first
    assert second.lookup("singers from France") == first.lookup("singers from France")


def test_cache_is_rebuilt_when_the_database_changes(concert_db, cache):
    build_value_index(concert_db, cache_dir=cache)
    old = list(cache.glob("*.json"))
    assert build_value_index(concert_db, cache_dir=cache).lookup("singers from Peru") == []
    conn = sqlite3.connect(concert_db)
    conn.execute("INSERT INTO singer VALUES (7, 'Ana Gabriel', 'Peru', 'Luna', 40)")
    conn.commit()
    conn.close()
    stat = concert_db.stat()
    os.utime(concert_db, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # coarse-mtime filesystems
    matches = build_value_index(concert_db, cache_dir=cache).lookup("singers from Peru")
    assert [(m.column, m.value) for m in matches] == [("country", "Peru")]
    new = list(cache.glob("*.json"))
    assert len(new) == 1 and new != old  # the stale file is gone


def test_cache_default_location_and_corrupt_file(concert_db, tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSQL_CACHE", str(tmp_path / "home_cache"))
    build_value_index(concert_db)
    files = list((tmp_path / "home_cache" / "values").glob("concert-*.json"))
    assert len(files) == 1
    files[0].write_text("{not json", encoding="utf-8")
    index = build_value_index(concert_db)  # rebuilt, not crashed
    assert index.lookup("singers from France")
    json.loads(files[0].read_text(encoding="utf-8"))


def test_value_index_round_trips_json(concert_db, cache):
    index = build_value_index(concert_db, cache_dir=cache)
    assert ValueIndex.from_json(json.loads(json.dumps(index.to_json()))) == index


def test_link_result_is_frozen_deterministic_and_case_folded(concert_db, cache):
    schema = read_sqlite_schema(concert_db)
    index = build_value_index(concert_db, cache_dir=cache)
    a = link_schema("How many singers are from France?", schema, index)
    b = link_schema("How many singers are from France?", schema, index)
    assert a == b
    assert isinstance(a, LinkResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.matched_values = ()
    assert set(a.table_scores) == {t.lower() for t in schema.table_names}
    assert set(a.column_scores) == {c.key for c in schema.columns}
    assert all(0.0 <= s <= 1.0 for s in [*a.table_scores.values(), *a.column_scores.values()])
    assert a.top_tables(1) == ["singer"]
    assert a.linked_tables(0.0) == a.top_tables(len(schema.tables))
    assert all(a.table_scores[t] >= 0.5 for t in a.linked_tables(0.5))
    assert a.top_columns(1) == [("singer", "country")]


def test_link_schema_without_values_and_with_descriptions():
    """BIRD-style: cryptic names, descriptions and evidence; no database."""
    frpm = Table(
        "frpm",
        (
            Column("frpm", "CDSCode", "text", is_primary=True),
            Column("frpm", "Free Meal Count (K-12)", "real"),
            Column("frpm", "Enrollment (K-12)", "real"),
        ),
    )
    sat = Table(
        "satscores",
        (
            Column("satscores", "cds", "text", is_primary=True),
            Column(
                "satscores",
                "AvgScrMath",
                "integer",
                natural_name="average score in math",
                description="average scores in Math",
            ),
        ),
    )
    schools = Table(
        "schools",
        (
            Column("schools", "CDSCode", "text", is_primary=True),
            Column("schools", "Virtual", "text", description="whether a school is exclusively virtual"),
            Column("schools", "County", "text", description="county name"),
        ),
    )
    schema = DbSchema("california_schools", (frpm, sat, schools))
    r = link_schema("Which school has the highest average score in math?", schema)
    assert r.top_columns(1) == [("satscores", "avgscrmath")]
    assert "satscores" in r.top_tables(2)
    r = link_schema(
        "What is the highest eligible free rate for K-12 students?",
        schema,
        evidence="Eligible free rate for K-12 = `Free Meal Count (K-12)` / `Enrollment (K-12)`",
    )
    assert r.top_tables(1) == ["frpm"]
    assert set(r.top_columns(2)) == {("frpm", "free meal count (k-12)"), ("frpm", "enrollment (k-12)")}
    r = link_schema(
        "How many schools are exclusively virtual?",
        schema,
        evidence="Exclusively virtual refers to Virtual = 'F'",
    )
    assert r.top_tables(1) == ["schools"] and r.top_columns(1) == [("schools", "virtual")]
    assert r.matched_values == ()


@pytest.mark.parametrize(
    "name,words",
    [
        ("Song_release_year", ["song", "release", "year"]),
        ("CustomerID", ["customer", "id"]),
        ("AvgScrMath", ["avg", "scr", "math"]),
        ("Free Meal Count (K-12)", ["free", "meal", "count", "k", "12"]),
        ("FRPM", ["frpm"]),
    ],
)
def test_split_identifier(name, words):
    assert split_identifier(name) == words


@pytest.mark.parametrize(
    "word,singular",
    [
        ("singers", "singer"),
        ("countries", "country"),
        ("classes", "class"),
        ("status", "status"),
        ("people", "person"),
        ("boxes", "box"),
        ("gas", "gas"),
    ],
)
def test_singularize(word, singular):
    assert singularize(word) == singular


def test_normalize_text():
    assert normalize_text("  St. Louis!! ") == "st louis"
    assert normalize_text("Ísland") == "island"


@pytest.mark.data
def test_spider_concert_singer_links_singer():
    db = data_root() / "spider" / "database" / "concert_singer" / "concert_singer.sqlite"
    if not db.exists():
        pytest.skip("Spider data not present")
    from graphsql.data.spider import load_dataset

    schema = load_dataset("spider", "dev").schemas["concert_singer"]
    index = build_value_index(db, use_cache=False)
    r = link_schema("What is the average age of all singers from France?", schema, index)
    assert r.top_tables(1) == ["singer"]
    assert ("singer", "country") in r.top_columns(3)


def test_value_match_boosts_a_column_the_question_does_not_name(concert_db, cache):
    schema = read_sqlite_schema(concert_db)
    index = build_value_index(concert_db, cache_dir=cache)
    with_values = link_schema("Who plays in Chicago?", schema, index)
    without = link_schema("Who plays in Chicago?", schema)
    assert without.column_scores[("stadium", "location")] == 0.0
    assert with_values.column_scores[("stadium", "location")] > 0.8
    assert with_values.table_scores["stadium"] > without.table_scores["stadium"]


def test_a_value_named_by_an_adjective_is_linked_only_when_asked():
    from graphsql.schema.values import PERTAINYM_SCORE, ValueIndex

    index = ValueIndex("db", (("singer", "country"),), (("France", "Netherlands", "Japan"),))
    table = {"french": ("France",), "dutch": ("Netherlands",), "english": ("England", "English")}
    question = "Which singers are French or Dutch but not English?"
    assert index.lookup(question) == []
    found = index.lookup(question, pertainyms=table)
    assert {(m.value, m.score) for m in found} == {("France", PERTAINYM_SCORE), ("Netherlands", PERTAINYM_SCORE)}


def test_pertainyms_come_from_wordnet():
    pytest.importorskip("nltk")
    from graphsql.schema.pertainyms import pertainyms

    table = pertainyms()
    assert table["french"] == ("France",) and "Europe" in table["european"] and "Netherlands" in table["dutch"]


def test_a_question_word_links_to_the_schema_word_it_is_a_synonym_of_only_when_asked(concert_db, monkeypatch):
    from graphsql.schema import synonyms as synonyms_mod
    from graphsql.schema.link import SYNONYM_SIMILARITY

    monkeypatch.setattr(synonyms_mod, "synonyms", lambda: {"vocalist": ("singer",), "singer": ("vocalist",)})
    schema = read_sqlite_schema(concert_db)
    question = "How many vocalists do we have?"
    assert link_schema(question, schema).table_scores["singer"] == 0.0
    linked = link_schema(question, schema, synonyms=True)
    assert linked.top_tables(1) == ["singer"]
    assert 0.5 * SYNONYM_SIMILARITY <= linked.table_scores["singer"] < link_schema("How many singers?", schema).table_scores["singer"]


def test_a_word_the_schema_spells_itself_is_never_another_words_synonym(monkeypatch):
    from graphsql.schema import synonyms as synonyms_mod

    monkeypatch.setattr(synonyms_mod, "synonyms", lambda: {"area": ("country",), "country": ("area",)})
    schema = DbSchema("geo", (Table("state", (Column("state", "state_name", "text"), Column("state", "area", "real"))),
                              Table("river", (Column("river", "river_name", "text"),
                                              Column("river", "country_name", "text")))))
    question = "What is the area of Idaho?"
    plain, with_synonyms = link_schema(question, schema), link_schema(question, schema, synonyms=True)
    assert with_synonyms.column_scores == plain.column_scores  # "area" links to state.area, not to country_name
    renamed = DbSchema("geo", (schema.tables[1],))  # a schema without "area": there it is country's synonym
    assert link_schema(question, renamed, synonyms=True).column_scores[("river", "country_name")] > 0


def test_the_schemas_words_are_its_names_split_and_singular_table_natural_names_included():
    """One definition of "the schema's words" for linking's never-a-synonym rule and the question in the schema's
    words (`schema_echo`); the IDF weights count a table's name and columns only."""
    from graphsql.schema.link import _word_weights, schema_lemmas, table_lemmas

    table = dataclasses.replace(Table("Highschooler", (Column("Highschooler", "friend_id", "int"),)),
                                natural_name="high schoolers")
    assert table_lemmas(table) == {"highschooler", "friend", "id"}
    assert table_lemmas(table, natural_name=True) == {"highschooler", "friend", "id", "high", "schooler"}
    schema = DbSchema("net", (table,))
    assert schema_lemmas(schema) == table_lemmas(table, natural_name=True)
    assert set(_word_weights(schema)) == table_lemmas(table)


@pytest.fixture
def rivers_db(tmp_path):
    db = tmp_path / "geo.sqlite"
    with sqlite3.connect(db) as conn:
        conn.executescript(
            "CREATE TABLE state (state_name TEXT PRIMARY KEY, capital TEXT);"
            "CREATE TABLE river (river_name TEXT, traverse TEXT REFERENCES state(state_name));"
            "CREATE TABLE city (city_name TEXT, state_name TEXT REFERENCES state(state_name));"
            "INSERT INTO state VALUES ('colorado', 'denver'), ('texas', 'austin'), ('new york', 'albany');"
            "INSERT INTO river VALUES ('colorado', 'colorado'), ('colorado', 'texas'), ('red', 'texas');"
            "INSERT INTO city VALUES ('denver', 'colorado'), ('albany', 'new york'), ('austin', 'texas');")
    return db


def test_a_value_is_linked_only_to_the_columns_the_word_beside_it_names(rivers_db, tmp_path):
    from graphsql.schema.link import typed_values

    schema = read_sqlite_schema(rivers_db)
    index = build_value_index(rivers_db, cache_dir=tmp_path / "cache")

    def kept(question):
        matches = index.lookup(question)
        return sorted({f"{m.table}.{m.column}" for m in typed_values(question, matches, schema)
                       if m.value == "colorado" or m.value == "albany"})

    everywhere = ["city.state_name", "river.river_name", "river.traverse", "state.state_name"]
    assert kept("which states does the colorado river run through") == ["river.river_name"]
    assert kept("how many people live in the state of colorado") == ["city.state_name", "state.state_name"]
    assert kept("which rivers run through colorado") == everywhere  # no word beside it names a column
    assert kept("what is the capital albany's state") == ["state.capital"]
    assert kept("where is albany") == ["city.city_name", "state.capital"]
    question = "which states does the colorado river run through"
    plain, typed = link_schema(question, schema, index), link_schema(question, schema, index, typed=True)
    assert {m.key for m in typed.matched_values} == {("river", "river_name")}
    assert typed.column_scores[("state", "state_name")] < plain.column_scores[("state", "state_name")]


def test_synonyms_come_from_wordnet():
    pytest.importorskip("nltk")
    from graphsql.schema.synonyms import synonyms

    table = synonyms()
    assert "singer" in table["vocalist"] and "country" in table["nation"] and "owner" in table["proprietor"]
    assert "hebdomad" not in table  # a sense SemCor never saw is left out
    assert "land" not in table  # its usual sense is dry land ("flights land"), not a country


def test_the_report_shows_the_synonym_linking_table(tmp_path):
    """graphsql experiment synonym-linking's file as the appendix table: each way, answered or prompts only."""
    from graphsql.report.inference import synonym_linking_section

    boot = {"n": 300, "a": 0.67, "b": 0.6667, "diff": -0.0033, "ci95": [-0.0267, 0.02], "p_b_not_better": 0.66}
    changed = {"n": 32, "a": 0.625, "b": 0.59375, "diff": -0.0312, "ci95": [-0.25, 0.1875], "p_b_not_better": 0.6}
    path = tmp_path / "results" / "analyses" / "synonym_linking.json"
    path.parent.mkdir(parents=True)
    counts = {"changed": 32, "gold_tables_now_shown": 7, "gold_tables_no_longer_shown": 0}
    path.write_text(json.dumps({"sets": {
        "probe": {"link": {"n": 300, **counts, "versus": {"all": boot, "changed": changed}},
                  "echo": {"n": 300, **counts, "versus": {"all": boot, "changed": None}}},
        "bird": {"link": {"n": 1534, **counts}}}}))
    text = "\n".join(synonym_linking_section(tmp_path / "results", tmp_path))
    assert ("| `probe` | 300 | linked (`prompt.link_synonyms`) | 32 | 7 | 0 | 67.0 | 66.7 | -0.3 [-2.7, 2.0] "
            "| 20 / 19 of 32 |") in text
    assert "| `probe` | 300 | question in the schema's words (`prompt.echo_schema_words`) | 32 | 7 | 0 | 67.0 |" in text
    assert "| `bird` | 1534 | linked (`prompt.link_synonyms`) | 32 | 7 | 0 | – | – | – | – |" in text


def test_a_question_is_asked_in_the_schemas_words_only_when_asked(concert_db, monkeypatch):
    from graphsql.config import InferConfig, PromptConfig
    from graphsql.inference.predict import predict
    from graphsql.schema import synonyms as synonyms_mod
    from graphsql.schema.synonyms import schema_echo
    from tests.fake_generator import ScriptedGenerator

    table = {"vocalist": ("singer",), "singer": ("vocalist",), "nation": ("country", "state"), "area": ("country",)}
    monkeypatch.setattr(synonyms_mod, "synonyms", lambda: table)
    schema = read_sqlite_schema(concert_db)
    assert schema_echo("Vocalists from each nation?", schema) == (
        "Singers from each country?", (("Vocalists", "Singers"), ("nation", "country")))
    # quoted words and names after the first word are kept; a schema word is never replaced by another
    assert schema_echo('Which singer sang "Vocalist Blues" for Nation Records?', schema)[1] == ()
    gen = ScriptedGenerator(default=["SELECT count(*) FROM singer"])
    plain = predict("How many vocalists?", concert_db, gen, PromptConfig(shots=0), InferConfig(fallback=0))
    assert plain.asked_as == "" and "vocalists" in gen.calls[-1]["messages"][-1]["content"]
    echoed = predict("How many vocalists?", concert_db, gen, PromptConfig(shots=0, echo_schema_words=True),
                     InferConfig(fallback=0))
    assert echoed.asked_as == "How many singers?" and echoed.question == "How many vocalists?"
    assert "How many singers?" in gen.calls[-1]["messages"][-1]["content"] and echoed.ok


def test_a_wordnet_table_is_built_once_and_empty_without_wordnet(tmp_path, monkeypatch):
    from graphsql.data.reword import wordnet_table
    from graphsql.errors import ConfigError

    monkeypatch.setenv("GRAPHSQL_CACHE", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"vocalist": ("singer",)}

    assert wordnet_table("t.json", build, "a table") == {"vocalist": ("singer",)}
    assert wordnet_table("t.json", build, "a table") == {"vocalist": ("singer",)} and len(calls) == 1  # cached

    def missing():
        raise ConfigError("no WordNet")

    assert wordnet_table("u.json", missing, "a table") == {} and not (tmp_path / "u.json").exists()
