"""Rule-based rewording (graphsql.data.reword) and the robustness probes built with it (graphsql.data.robust)."""

from __future__ import annotations

import json
import random

import pytest

from graphsql.data.reword import REWORD_KINDS, load_wordnet, reword_question, schema_words, synonym
from graphsql.data.robust import KINDS, ROBUST_SPLITS, describe_robust_split
from graphsql.data.spider import load_dataset
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.errors import ConfigError


@pytest.fixture(scope="module")
def wordnet():
    return load_wordnet()


@pytest.mark.parametrize(
    ("word", "expected"),
    [("singers", "vocalists"), ("singer", "vocalist"), ("country", "nation"), ("teachers", "instructors"),
     ("the", None), ("oldest", None), ("documents", None), ("xyzzyq", None)],
)
def test_synonym_rules(word, expected, wordnet):
    # the most frequent sense's most frequent other lemma; plurals stay plural; no inflected adjectives, no
    # plural-only lemmas ('papers'), nothing for unknown words
    assert synonym(word, wordnet) == expected


def test_synonym_kind_keeps_values_function_words_and_names(wordnet):
    question = "How many singers from France sang the song 'Love Singer' in 2014?"
    for seed in range(20):
        out = reword_question(question, "synonym", random.Random(seed), keep={"france"}, wordnet=wordnet)
        assert out.changes  # at least one word replaced
        assert "How many" in out.question and "France" in out.question and "'Love Singer'" in out.question
        assert "2014" in out.question
        for old, new in out.changes:
            assert old in question and new in out.question and old.lower() != new.lower()


def test_schema_synonym_kind_replaces_only_schema_words(concert_db, wordnet):
    terms = schema_words(read_sqlite_schema(concert_db, db_id="concert"))
    assert {"singer", "concert", "country"} <= terms
    question = "Which countries have singers older than the average teacher?"
    out = reword_question(question, "schema_synonym", random.Random(0), terms, wordnet=wordnet)
    replaced = {old.lower() for old, _ in out.changes}
    assert replaced == {"countries", "singers"}  # 'teacher' is no word of the schema
    assert out.question == "Which nations have vocalists older than the average teacher?"


def test_rewording_is_deterministic_and_kinds_are_checked(wordnet):
    question = "List the names of students and teachers in each city."
    a = reword_question(question, "synonym", random.Random("x"), wordnet=wordnet)
    b = reword_question(question, "synonym", random.Random("x"), wordnet=wordnet)
    assert a == b
    assert set(KINDS) == {kind for _, kind in ROBUST_SPLITS.values()} and set(REWORD_KINDS) < set(KINDS)
    with pytest.raises(ConfigError):
        reword_question(question, "paraphrase", random.Random(0), wordnet=wordnet)


def test_robust_splits_pair_item_by_item_with_the_original(mini_spider):
    original = load_dataset("spider", "dev", root=mini_spider)
    for split in ROBUST_SPLITS:
        probe = load_dataset("spider", split, root=mini_spider)
        assert [(e.idx, e.db_id, e.gold_sql) for e in probe.examples] == \
            [(e.idx, e.db_id, e.gold_sql) for e in original.examples]
        changed = [e for e in probe.examples if e.meta["rewording"]]
        assert changed and all(e.question != e.meta["question_original"] for e in changed)
        assert all(e.question == e.meta["question_original"] for e in probe.examples if not e.meta["rewording"])
        again = load_dataset("spider", split, root=mini_spider)  # cached file, same content
        assert [e.question for e in again.examples] == [e.question for e in probe.examples]
        items = [{"db_id": e.db_id, "question": e.question, **e.meta} for e in probe.examples]
        info = describe_robust_split(items)
        assert info["items"] == len(items) and info["reworded"] == len(changed)
        json.dumps(info)
