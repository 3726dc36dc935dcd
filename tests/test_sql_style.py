"""`graphsql.sql.style.house_style`: a query in the adapters' training style, with the same result."""

import sqlite3
from collections import Counter

import pytest

from graphsql.data.sqlite import read_sqlite_schema
from graphsql.sql.style import house_style


@pytest.fixture()
def geo(tmp_path):
    path = tmp_path / "geo.sqlite"
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE state (state_name TEXT PRIMARY KEY, population INTEGER, capital TEXT);
        CREATE TABLE city (city_name TEXT, state_name TEXT, population INTEGER);
        CREATE TABLE border_info (state_name TEXT, border TEXT);
        INSERT INTO state VALUES ('texas', 100, 'austin'), ('oklahoma', 40, 'oklahoma city'), ('utah', 30, 'salt lake');
        INSERT INTO city VALUES ('austin', 'texas', 9), ('houston', 'texas', 20), ('tulsa', 'oklahoma', 4);
        INSERT INTO border_info VALUES ('texas', 'oklahoma'), ('oklahoma', 'texas'), ('utah', 'oklahoma');
    """)
    con.commit()
    con.close()
    return path, read_sqlite_schema(path, "geo")


CASES = [
    # GeoQuery's own style: upper-case names, an alias for every table
    ('SELECT CITYalias0.POPULATION FROM CITY AS CITYalias0 WHERE CITYalias0.CITY_NAME = "houston" ;',
     'SELECT population FROM city WHERE city_name = "houston"'),
    # a subquery's table is its own scope: no alias in either
    ('SELECT CITYalias0.CITY_NAME FROM CITY AS CITYalias0 WHERE CITYalias0.POPULATION = ( SELECT MAX( '
     'CITYalias1.POPULATION ) FROM CITY AS CITYalias1 WHERE CITYalias1.STATE_NAME = "texas" ) AND '
     'CITYalias0.STATE_NAME = "texas" ;',
     'SELECT city_name FROM city WHERE population = (SELECT MAX(population) FROM city WHERE state_name = "texas") '
     'AND state_name = "texas"'),
    # a comma join: T1, T2 and its WHERE equality as the ON condition
    ('SELECT STATEalias0.CAPITAL FROM BORDER_INFO AS BORDER_INFOalias0 , STATE AS STATEalias0 WHERE '
     'BORDER_INFOalias0.STATE_NAME = "texas" AND STATEalias0.STATE_NAME = BORDER_INFOalias0.BORDER ;',
     'SELECT T2.capital FROM border_info AS T1 JOIN state AS T2 ON T2.state_name = T1.border '
     'WHERE T1.state_name = "texas"'),
    # a correlated subquery: the outer table it refers to keeps a name
    ("SELECT s.state_name FROM state AS s WHERE EXISTS (SELECT 1 FROM city AS c WHERE c.state_name = s.state_name "
     "AND c.population > 10)",
     "SELECT T1.state_name FROM state AS T1 WHERE EXISTS(SELECT 1 FROM city WHERE state_name = T1.state_name "
     "AND population > 10)"),
]


@pytest.mark.parametrize(("sql", "styled"), CASES)
def test_house_style_renames_and_keeps_the_result(geo, sql, styled):
    path, schema = geo
    assert house_style(sql, schema) == styled
    con = sqlite3.connect(path)
    assert Counter(con.execute(sql.rstrip(" ;")).fetchall()) == Counter(con.execute(styled).fetchall())


def test_house_style_leaves_what_it_cannot_read(geo):
    _, schema = geo
    for sql in ("SELECT name FROM planets", "SELEC nothing FROM", ""):
        assert house_style(sql, schema) == sql
    # a double-quoted string stays a string; a select alias stays as written
    assert (house_style('SELECT COUNT(*) AS N FROM CITY WHERE STATE_NAME = "Texas" ORDER BY N', schema)
            == 'SELECT COUNT(*) AS N FROM city WHERE state_name = "Texas" ORDER BY N')
