"""Answering from a worked example whose question is the asked one with other values (`graphsql.demos.reuse`)."""

from __future__ import annotations

import json

import pytest

from graphsql.cli import main
from graphsql.config import InferConfig, PromptConfig
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.demos import pool_from_examples
from graphsql.demos.reuse import example_templates, match_examples
from graphsql.inference.predict import predict
from graphsql.schema.graph import build_schema_graph
from graphsql.schema.values import build_value_index
from tests.fake_generator import ScriptedGenerator

EXAMPLES = [
    {"question": "How many customers live in London?", "sql": "SELECT count(*) FROM customer WHERE city = 'London'"},
    {"question": "Titles of the books published after 1990?",
     "sql": "SELECT title FROM book WHERE published_year > 1990"},
    {"question": "Titles of the books by Jane Austen?",
     "sql": "SELECT b.title FROM book AS b JOIN book_author AS ba ON b.book_id = ba.book_id "
            "JOIN author AS a ON ba.author_id = a.author_id WHERE a.name = \"Jane Austen\""},
]


@pytest.fixture()
def reuse(demo_db, tmp_path):
    graph = build_schema_graph(read_sqlite_schema(demo_db))
    index = build_value_index(demo_db, cache_dir=tmp_path / "values")
    pool = pool_from_examples(EXAMPLES, graph)
    return pool, index, example_templates(pool.demos, graph.schema, index)


@pytest.mark.parametrize("question, sql", [
    ("How many customers live in Paris?", "SELECT count(*) FROM customer WHERE city = 'Paris'"),
    ("how many customers live in new york", "SELECT count(*) FROM customer WHERE city = 'New York'"),  # its spelling
    ("Titles of the books published after 2005?", "SELECT title FROM book WHERE published_year > 2005"),
    ("Titles of the books by Albert Camus?", "WHERE a.name = \"Albert Camus\""),                   # its quotes
])
def test_a_question_with_other_values_gets_the_examples_sql_with_them(reuse, question, sql):
    _pool, index, templates = reuse
    (match,) = match_examples(question, templates, index)
    assert sql in match.sql and match.votes == 1


@pytest.mark.parametrize("question", [
    "How many customers live in Penguin?",          # a publisher's name: not a value of a city column
    "How many customers live in the biggest city?",  # no value at all
    "Titles of the books published after the war?",
    "How many customers live in London or Paris?",   # more words than the example: another kind of question
    "Titles of the books by Jane Austen and Albert Camus?",
])
def test_a_question_the_examples_do_not_show_matches_none(reuse, question):
    _pool, index, templates = reuse
    assert match_examples(question, templates, index) == []


def test_predict_answers_from_the_example_without_the_model(demo_db, reuse):
    pool, _index, _templates = reuse
    gen = ScriptedGenerator(default=["SELECT count(*) FROM book"])
    cfg = PromptConfig(shots=3, shot_selector="question_similar")
    pred = predict("How many customers live in Berlin?", demo_db, gen, cfg, InferConfig(), demo_pool=pool)
    assert gen.calls == [] and pred.ok and pred.result.rows and pred.messages == []
    assert pred.pred_sql == "SELECT count(*) FROM customer WHERE city = 'Berlin'"
    assert pred.reused_example == "How many customers live in London?"
    pred = predict("How many customers live in Berlin?", demo_db, gen, cfg, InferConfig(reuse_examples=False),
                   demo_pool=pool)
    assert len(gen.calls) == 1 and pred.reused_example == "" and pred.pred_sql == "SELECT count(*) FROM book"
    # an example whose SQL, with the new value, returns no rows: the model answers
    pred = predict("Titles of the books published after 2990?", demo_db, gen, cfg, InferConfig(), demo_pool=pool)
    assert len(gen.calls) == 2 and pred.reused_example == ""


def test_ask_says_the_answer_came_from_an_example(demo_db, tmp_path, monkeypatch, capsys):
    import graphsql.cli.answer as answer

    path = tmp_path / "examples.json"
    path.write_text(json.dumps(EXAMPLES))
    monkeypatch.setattr(answer, "load_generator", lambda cfg: ScriptedGenerator(default=["SELECT 1"]))
    assert main(["ask", "How many customers live in Dublin?", "--db", str(demo_db), "--shot-pool", str(path),
                 "--explain"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "city = 'Dublin'" in out and 'answered from your example "How many customers live in London?"' in out


def test_the_report_shows_the_reuse_table(tmp_path):
    """graphsql experiment example-reuse's file as the report's table: a row per split and recorded answer."""
    from graphsql.report.inference import example_reuse_section

    boot = {"n": 10, "a": 0.5, "b": 0.6, "diff": 0.1, "ci95": [0.02, 0.2], "p_b_not_better": 0.01}
    path = tmp_path / "results" / "analyses" / "example_reuse.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"model": "m", "splits": {
        "question_test": {"n": 10, "pool": 40, "answered": 2, "right_when_answered": 2, "examples": [],
                          "versus": {"ask zero-shot": {"questions": boot, "templates": boot}}},
        "query_test": {"n": 8, "pool": 30, "answered": 0, "right_when_answered": 0, "examples": [], "versus": {}}},
        "leave_one_out": {"spider-dev": {"n": 972, "answered": 3, "right_when_answered": 2}}}))
    text = "\n".join(example_reuse_section(tmp_path / "results", tmp_path))
    assert "| question split, test | 10 | 40 | 2 | 2 | ask zero-shot | 50.0 | 60.0 | 10.0 [2.0, 20.0] | [2.0, 20.0] |" in text
    assert "| query split, test | 8 | 30 | 0 | 0 | – | – | – | – | – |" in text
    assert "`spider-dev` 3 of 972 answered (2 right)" in text


def test_only_the_users_examples_are_reused(demo_db, reuse, tmp_path):
    """A benchmark's pool (a question of its own train split would find itself) is never answered from; the
    examples file is, in a batch too."""
    from dataclasses import replace

    pool, _index, _templates = reuse
    gen = ScriptedGenerator(default=["SELECT count(*) FROM book"])
    cfg = PromptConfig(shots=3, shot_selector="question_similar")
    benchmark = replace(pool, settings={**pool.settings, "dataset": "spider"})
    pred = predict("How many customers live in Berlin?", demo_db, gen, cfg, InferConfig(), demo_pool=benchmark)
    assert pred.reused_example == "" and len(gen.calls) == 1
    path = tmp_path / "examples.json"
    path.write_text(json.dumps(EXAMPLES))
    pred = predict("How many customers live in Berlin?", demo_db, gen, replace(cfg, shot_pool=str(path)),
                   InferConfig())
    assert pred.reused_example == "How many customers live in London?" and len(gen.calls) == 1


def test_leave_one_out_asks_each_question_with_the_others_as_examples(mini_spider):
    """example-reuse off GeoQuery: a question is never answered from its own words, and one that another question
    of its database shows with another value is."""
    from dataclasses import replace

    from graphsql.data.records import Example
    from graphsql.data.spider import load_dataset
    from graphsql.experiments.example_reuse import leave_one_out

    ds = load_dataset("spider", "dev", root=mini_spider)
    france = "SELECT count(*) FROM singer WHERE country = 'France'"
    asked = [Example("concert", "How many singers are from France?", france, idx=0),
             Example("concert", "How many singers are from Netherlands?", france.replace("France", "Netherlands"),
                     idx=1),
             Example("concert", "How many singers are from France?", france, idx=2),   # the first, asked again
             Example("concert", "What is the largest stadium capacity?", "SELECT max(capacity) FROM stadium", idx=3)]
    out = leave_one_out(replace(ds, examples=tuple(asked)))
    assert (out["n"], out["answered"], out["right_when_answered"], out["databases"]) == (4, 3, 3, 1)
