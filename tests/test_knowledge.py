"""The domain-knowledge probe's rules (`graphsql.data.knowledge`): what each rewrites and what it leaves alone."""

from __future__ import annotations

import pytest

from graphsql.data.knowledge import countries, reword_knowledge
from graphsql.experiments.layout import reuse_source

pytest.importorskip("countryinfo")


@pytest.mark.parametrize("question, gold, expected", [
    ("How many singers are from France?", "SELECT count(*) FROM singer WHERE country = 'France'",
     "How many singers are French?"),
    ("What is the population of Aruba?", 'SELECT population FROM country WHERE name = "Aruba"',
     "What is the population of the country whose capital is Oranjestad?"),
    ("How many airports are in the country 'Japan'?", "SELECT count(*) FROM airports WHERE country = 'Japan'",
     "How many airports are in the country whose capital is Tokyo?"),
    ("Find routes from the United States.", "SELECT * FROM routes WHERE country = 'United States'",
     "Find routes from the country whose capital is Washington D.C.."),
    ("How many countries are in Asia?", "SELECT count(*) FROM country WHERE continent = 'Asia'",
     "How many countries are in the Asian continent?"),
])
def test_values_are_named_by_what_one_knows_about_them(question, gold, expected):
    result = reword_knowledge(question, gold)
    assert result.question == expected
    assert result.changes


@pytest.mark.parametrize("question, gold", [
    # a value that is no country or continent, and one a US state shares
    ("How many employees live in Georgia?", "SELECT count(*) FROM employee WHERE state = 'Georgia'"),
    ("How many singers are from Paris?", "SELECT count(*) FROM singer WHERE city = 'Paris'"),
    # the country is named, but the gold query does not compare with it
    ("How many singers are there in France?", "SELECT count(*) FROM singer"),
])
def test_other_values_are_kept(question, gold):
    assert reword_knowledge(question, gold).question == question


def test_country_codes_are_not_countries():
    table = countries()
    assert "phl" not in table and "usa" not in table  # three letters: city codes too
    assert table["france"] == ("French", "Paris") and table["united states of america"][0] == "American"


@pytest.mark.parametrize("question, gold, expected", [
    ("List the names, ages of singers in descending order of age.",
     "SELECT name, age FROM singer ORDER BY age DESC",
     "List the names, ages of singers from the oldest to the youngest."),
    ("Return the names of people, ordered by weight ascending.",
     "SELECT name, weight FROM people ORDER BY weight ASC",
     "Return the names of people, ordered from the lightest to the heaviest."),
    ("List the name and born state of heads ordered by age.", "SELECT name, born_state FROM head ORDER BY age",
     "List the name and born state of heads ordered from the youngest to the oldest."),
    ("Show the park of the roller coaster with the highest speed.",
     "SELECT park FROM roller_coaster ORDER BY speed DESC LIMIT 1",
     "Show the park of the roller coaster that is the fastest."),
    ("Which product has the lowest price?", "SELECT id, product FROM products ORDER BY product_price LIMIT 1",
     "Which product is the cheapest?"),
])
def test_quantities_are_named_by_their_adjectives(question, gold, expected):
    assert reword_knowledge(question, gold).question == expected


@pytest.mark.parametrize("question, gold", [
    # the quantity belongs to something else, or is qualified
    ("Show the hosts in ascending order of the age of the host.", "SELECT h.name, p.loc FROM host AS h "
                                                                    "JOIN party AS p ON 1 ORDER BY h.age"),
    ("Which product has the highest average price?", "SELECT p FROM t GROUP BY p ORDER BY avg(price) DESC LIMIT 1"),
    # the quantity the question names is not what the gold query orders by
    ("List players in descending order of age.", "SELECT pid, team FROM player ORDER BY points DESC"),
    # a bare "sorted by" followed by its own direction words
    ("List procedures sorted by the cost from the highest to the lowest.",
     "SELECT pid, kind FROM procedures ORDER BY cost DESC"),
])
def test_other_orderings_are_kept(question, gold):
    assert reword_knowledge(question, gold).question == question


def test_the_name_column_is_left_unsaid_only_when_the_query_returns_it_alone():
    q = "What are the names of the singers who are older than 40?"
    assert reword_knowledge(q, "SELECT name FROM singer WHERE age > 40").question == \
        "What are the singers who are older than 40?"
    assert reword_knowledge(q, "SELECT T1.song_name FROM singer AS T1 WHERE age > 40").question == \
        "What are the singers who are older than 40?"
    assert reword_knowledge(q, "SELECT name, age FROM singer WHERE age > 40").question == q
    assert reword_knowledge(q, "SELECT country FROM singer WHERE age > 40").question == q


def test_rules_combine_and_record_each_change():
    result = reword_knowledge("List the names of teachers from France in ascending order of age.",
                              "SELECT name FROM teacher WHERE country = 'France' ORDER BY age")
    assert result.question == "List teachers from the country whose capital is Paris from the youngest to the oldest."
    assert [new for _, new in result.changes] == ["the country whose capital is Paris",
                                                   "from the youngest to the oldest", ""]


def test_a_reuse_entry_names_a_subset_of_its_split_or_of_another():
    assert reuse_source("spider", "dev", "strat300-seed0") == "spider-dev-strat300-seed0"
    assert reuse_source("spider", "dev", "all") == "spider-dev-all"
    assert reuse_source("spider", "dev_knowledge", "dev-all") == "spider-dev-all"
    assert reuse_source("geo", "all", "all-strat300-seed0") == "geo-all-strat300-seed0"
