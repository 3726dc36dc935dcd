"""AST-guided decomposition: the steps written before the SQL, the samples trained on them, and reading the SQL
back out of a decomposed answer."""

import pytest

from graphsql.augment.build import AugmentConfig, build_samples
from graphsql.augment.samples import read_samples
from graphsql.config import PromptConfig
from graphsql.data.spider import load_dataset
from graphsql.data.sqlite import read_sqlite_schema
from graphsql.errors import ConfigError
from graphsql.inference.extract import extract_sql
from graphsql.prompting import DECOMPOSED_SYSTEM_PROMPT, SYSTEM_PROMPT, build_messages
from graphsql.sql.decompose import decompose_answer


@pytest.fixture(scope="module")
def schema(concert_db):
    return read_sqlite_schema(concert_db, "concert")


def test_steps_name_tables_joins_nested_queries_innermost_first_and_clauses(schema):
    sql = ("SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id "
           "WHERE T1.age > (SELECT avg(age) FROM singer WHERE country IN (SELECT country FROM singer "
           "WHERE age < 30)) ORDER BY T1.age")
    lines = decompose_answer(sql, schema).splitlines()
    assert lines[0] == "Tables: singer, singer_in_concert"
    assert lines[1] == "Joins: singer.singer_id = singer_in_concert.singer_id"
    assert lines[2] == ("Subqueries: (1) SELECT country FROM singer WHERE age < 30 "
                        "(2) SELECT AVG(age) FROM singer WHERE country IN (SELECT country FROM singer WHERE age < 30)")
    assert lines[3] == "Clauses: SELECT, FROM, JOIN, WHERE, ORDER BY"
    assert lines[4] == f"SQL: {sql}"


def test_set_operations_and_simple_queries(schema):
    union = "SELECT name FROM singer WHERE age < 30 UNION SELECT name FROM stadium"
    steps = decompose_answer(union, schema).splitlines()
    assert steps[0] == "Tables: singer, stadium" and steps[1] == "Joins: none" and steps[2] == "Subqueries: none"
    assert steps[3] == "Clauses: SELECT, FROM, WHERE, UNION, SELECT, FROM"
    assert decompose_answer("SELEC oops", schema) == "SQL: SELEC oops"


@pytest.mark.parametrize("text, sql", [
    ("Tables: singer\nJoins: none\nSubqueries: (1) SELECT avg(age) FROM singer\nClauses: SELECT, FROM, WHERE\n"
     "SQL: SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer)",
     "SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer)"),
    ("Tables: singer\nClauses: SELECT, FROM\nSQL:\n```sql\nSELECT name FROM singer;\n```", "SELECT name FROM singer"),
    ("SELECT name FROM singer", "SELECT name FROM singer"),  # a plain answer is read as before
])
def test_the_query_is_read_from_the_last_sql_line(text, sql):
    assert extract_sql(text) == sql


def test_decomposed_prompt_and_config():
    assert build_messages("q?", "t(a)", answer_format="decomposed")[0]["content"] == DECOMPOSED_SYSTEM_PROMPT
    assert build_messages("q?", "t(a)")[0]["content"] == SYSTEM_PROMPT
    with pytest.raises(ConfigError, match="answer_format"):
        PromptConfig(answer_format="steps")


def test_augment_writes_decomposed_sql_answers_and_leaves_other_tasks(mini_spider, tmp_path):
    mini = load_dataset("spider", "dev", root=mini_spider)
    config = AugmentConfig(prompt=PromptConfig(schema_format="compact", answer_format="decomposed"),
                           augmentations=("table_selection",), synthetic_per_db=0)
    build_samples(config, tmp_path, dataset=mini)
    samples = read_samples(tmp_path / "samples.jsonl")
    sql = [s for s in samples if s.task == "sql"]
    assert sql and all(s.messages[0]["content"] == DECOMPOSED_SYSTEM_PROMPT for s in sql)
    assert all(s.answer.startswith("Tables: ") and "\nSQL: " in s.answer for s in sql)
    gold = {e.question: e.gold_sql for e in mini.examples}
    for s in sql:
        question = s.messages[1]["content"].rsplit("Question: ", 1)[1]
        assert extract_sql(s.answer) == gold[question].rstrip(";").strip()
    assert all(not s.answer.startswith("Tables: ") for s in samples if s.task == "tables"
               ) or all(s.messages[0]["content"] != DECOMPOSED_SYSTEM_PROMPT for s in samples if s.task == "tables")
