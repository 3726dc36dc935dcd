"""An entity question answered with every column gets the entities' names (`graphsql.inference.entity`)."""

from __future__ import annotations

import pytest

from graphsql.data.records import Column, DbSchema, Table
from graphsql.inference.entity import name_columns, names_for_star


def _table(name: str, *columns: str) -> Table:
    return Table(name, tuple(Column(name, c) for c in columns))


SCHEMA = DbSchema("db", (
    _table("singer", "singer_id", "name", "country", "age"),
    _table("employee", "emp_id", "first_name", "last_name", "hire_date"),
    _table("album", "album_id", "title", "year"),
    _table("stadium", "stadium_id", "stadium_name", "capacity"),
    _table("visit", "visit_id", "day"),
))


@pytest.mark.parametrize("table, expected", [
    ("singer", ["name"]), ("employee", ["first_name", "last_name"]), ("album", ["title"]),
    ("stadium", ["stadium_name"]), ("visit", []),
])
def test_the_columns_that_name_a_row(table, expected):
    assert name_columns(SCHEMA.table(table)) == expected


@pytest.mark.parametrize("sql, question, expected", [
    ("SELECT * FROM singer WHERE age > 40", "Which singers are older than 40?",
     "SELECT name FROM singer WHERE age > 40"),
    ("SELECT DISTINCT * FROM employee WHERE hire_date > '1987'", "List employees hired after 1987.",
     "SELECT DISTINCT first_name, last_name FROM employee WHERE hire_date > '1987'"),
    ("SELECT T1.* FROM stadium AS T1 JOIN visit AS T2 ON T1.stadium_id = T2.visit_id",
     "What are the stadiums with visits?",
     "SELECT T1.stadium_name FROM stadium AS T1 JOIN visit AS T2 ON T1.stadium_id = T2.visit_id"),
    ("SELECT * FROM album ORDER BY year DESC", "Show albums from the newest to the oldest.",
     "SELECT title FROM album ORDER BY year DESC"),
])
def test_a_star_answer_to_an_entity_question_returns_names(sql, question, expected):
    assert names_for_star(sql, question, SCHEMA) == expected


@pytest.mark.parametrize("sql, question", [
    ("SELECT * FROM singer WHERE age > 40", "Show all the information about singers older than 40."),
    ("SELECT * FROM singer", "List the details of every singer."),
    ("SELECT name, age FROM singer", "Which singers are there?"),          # not a star
    ("SELECT count(*) FROM singer", "How many singers are there?"),
    ("SELECT * FROM singer AS T1 JOIN album AS T2 ON 1", "Which singers have albums?"),  # a join's every column
    ("SELECT * FROM visit", "Which visits were there?"),                    # no name column
    ("SELECT * FROM singer UNION SELECT * FROM singer", "Which singers?"),   # a set operation
    ("SELECT * FROM (SELECT name FROM singer)", "Which singers?"),          # a subquery
    ("not sql at all", "Which singers?"),
])
def test_everything_else_is_left_alone(sql, question):
    assert names_for_star(sql, question, SCHEMA) == sql


def test_a_table_without_names_gets_them_along_its_one_foreign_key():
    from graphsql.data.records import ForeignKey

    schema = DbSchema("poker", (_table("people", "People_ID", "Name", "Nationality"),
                                _table("poker_player", "Poker_Player_ID", "People_ID", "Earnings"),
                                _table("match", "m_id", "winner_id", "loser_id")),
                      foreign_keys=(ForeignKey("poker_player", "People_ID", "people", "People_ID"),
                                    ForeignKey("match", "winner_id", "people", "People_ID"),
                                    ForeignKey("match", "loser_id", "people", "People_ID")))
    assert names_for_star("SELECT * FROM poker_player WHERE People_ID > 1 ORDER BY Earnings DESC",
                          "Which poker players earn the most?", schema) == (
        "SELECT N1.Name FROM poker_player JOIN people AS N1 ON poker_player.People_ID = N1.People_ID "
        "WHERE poker_player.People_ID > 1 ORDER BY poker_player.Earnings DESC")
    # two keys to people (winner, loser): whose name is meant is not clear
    assert names_for_star("SELECT * FROM match", "Which matches were played?", schema) == "SELECT * FROM match"


def _keyed_schema() -> DbSchema:
    from graphsql.data.records import ForeignKey

    return DbSchema("school", (
        Table("course", (Column("course", "course_id", is_primary=True), Column("course", "course_name"))),
        Table("enrolment", (Column("enrolment", "student_id"), Column("enrolment", "course_id"))),
        Table("teacher", (Column("teacher", "teacher_id", is_primary=True), Column("teacher", "name"),
                          Column("teacher", "age"))),
    ), foreign_keys=(ForeignKey("enrolment", "course_id", "course", "course_id"),))


@pytest.mark.parametrize("sql, question, expected", [
    # the table's primary key: its own names
    ("SELECT teacher_id FROM teacher WHERE age = 32 OR age = 33", "Show teachers aged 32 or 33.",
     "SELECT name FROM teacher WHERE age = 32 OR age = 33"),
    ("SELECT DISTINCT T1.teacher_id FROM teacher AS T1", "Which teachers are there?",
     "SELECT DISTINCT T1.name FROM teacher AS T1"),
    # a foreign key: the table it leads to joined in, the query's own columns qualified
    ("SELECT course_id FROM enrolment GROUP BY course_id ORDER BY count(*) DESC LIMIT 1",
     "What is the course with the most enrolments?",
     "SELECT N1.course_name FROM enrolment JOIN course AS N1 ON enrolment.course_id = N1.course_id "
     "GROUP BY enrolment.course_id ORDER BY COUNT(*) DESC LIMIT 1"),
])
def test_a_key_answer_to_an_entity_question_returns_names(sql, question, expected):
    from graphsql.inference.entity import names_for_key

    assert names_for_key(sql, question, _keyed_schema()) == expected


@pytest.mark.parametrize("sql, question", [
    ("SELECT teacher_id FROM teacher WHERE age = 32", "What are the ids of teachers aged 32?"),   # asks for ids
    ("SELECT teacher_id FROM teacher WHERE age = 32", "Give the numbers of teachers aged 32."),
    ("SELECT teacher_id FROM teacher WHERE age = 32", "Show all the details of teachers aged 32."),
    ("SELECT age FROM teacher", "How old are the teachers?"),                                      # not a key
    ("SELECT student_id FROM enrolment", "Which students are enrolled?"),                        # no names
    ("SELECT teacher_id, name FROM teacher", "Which teachers?"),                                 # two columns
    ("SELECT count(teacher_id) FROM teacher", "How many teachers?"),
])
def test_a_key_answer_is_left_alone_where_a_key_may_be_meant(sql, question):
    from graphsql.inference.entity import names_for_key

    assert names_for_key(sql, question, _keyed_schema()) == sql


def test_the_shared_parse_tree_is_not_modified():
    sql = "SELECT * FROM singer WHERE age > 40"
    assert names_for_star(sql, "Which singers are old?", SCHEMA) == "SELECT name FROM singer WHERE age > 40"
    assert names_for_star(sql, "Which singers are old?", SCHEMA) == "SELECT name FROM singer WHERE age > 40"



def test_the_name_rule_replayed_on_recorded_answers(mini_spider):
    """`rules_replay` rewrites a recorded ``SELECT *`` answer as `predict` would and scores the result."""
    from graphsql.data.spider import load_dataset
    from graphsql.experiments.rules_replay import replay_rules

    ds = load_dataset("spider", "dev", root=mini_spider)
    ex = next(e for e in ds.examples if e.gold_sql.startswith("SELECT name FROM singer WHERE singer_id NOT IN"))
    star = "SELECT * FROM singer WHERE singer_id NOT IN (SELECT singer_id FROM singer_in_concert)"
    metrics = replay_rules([ex], {ex.idx: star}, ds.schemas)
    assert metrics["changed"] == [ex.idx] and metrics["ex"] == 1.0 and metrics["items"][0]["renamed"]
    broken = "SELECT * FROM nowhere"   # no table to name: left as it is
    metrics = replay_rules([ex], {ex.idx: broken}, ds.schemas)
    assert metrics["changed"] == [] and metrics["ex"] == 0.0
