"""Spider's hardness levels (easy / medium / hard / extra) of a SQL query, by the official rules.

    >>> sql_hardness("SELECT count(*) FROM singer", schema)
    'easy'

The query is read into Spider's structure (`graphsql.eval.exact_match.parse_spider_sql`) and scored on
three counts, exactly as Spider's ``evaluation.py`` does, including its quirks:
- component1: WHERE, GROUP BY, ORDER BY, LIMIT, one per extra FROM table, each OR and each LIKE (in ON,
  WHERE and HAVING);
- component2: nested queries in conditions plus INTERSECT / UNION / EXCEPT (FROM subqueries do not count);
- others: more than one aggregate (a NOT in WHERE, and every condition or AND/OR word in HAVING, count as
  one, as in the official code), more than one SELECT item, more than one WHERE condition, more than one
  GROUP BY column.
"""

from __future__ import annotations

from graphsql.data.records import DbSchema
from graphsql.eval.exact_match import UnsupportedSql, parse_spider_sql

HARDNESS_LEVELS = ("easy", "medium", "hard", "extra")
_LIKE = 9


def _nested_queries(sql: dict) -> list[dict]:
    nested = []
    for unit in sql["from"]["conds"][::2] + sql["where"][::2] + sql["having"][::2]:
        nested.extend(v for v in (unit[3], unit[4]) if isinstance(v, dict))
    nested.extend(sql[op] for op in ("intersect", "except", "union") if sql[op] is not None)
    return nested


def count_component1(sql: dict) -> int:
    """WHERE, GROUP BY, ORDER BY, LIMIT, extra FROM tables, ORs and LIKEs."""
    count = sum(bool(sql[k]) for k in ("where", "groupBy", "orderBy")) + (sql["limit"] is not None)
    if sql["from"]["table_units"]:
        count += len(sql["from"]["table_units"]) - 1
    # official concatenates the three condition lists, so the words sit at odd places of each list only
    words = sql["from"]["conds"][1::2] + sql["where"][1::2] + sql["having"][1::2]
    count += words.count("or")
    units = sql["from"]["conds"][::2] + sql["where"][::2] + sql["having"][::2]
    count += sum(1 for u in units if u[1] == _LIKE)
    return count


def count_component2(sql: dict) -> int:
    """Nested queries in conditions plus set operations."""
    return len(_nested_queries(sql))


def _is_aggregated(unit) -> bool:
    # The official check is ``unit[0] != 0``, applied to select items (agg id), col_units (agg id), WHERE
    # cond_units (where unit[0] is the NOT flag) and the whole HAVING list (where 'and'/'or' words count).
    return unit[0] != 0


def count_others(sql: dict) -> int:
    """Several aggregates, several SELECT items, several WHERE conditions, several GROUP BY columns."""
    aggs = [u for u in sql["select"][1] if _is_aggregated(u)]
    aggs += [u for u in sql["where"][::2] if _is_aggregated(u)]
    aggs += [u for u in sql["groupBy"] if _is_aggregated(u)]
    if sql["orderBy"]:
        cols = [vu[1] for vu in sql["orderBy"][1] if vu[1]] + [vu[2] for vu in sql["orderBy"][1] if vu[2]]
        aggs += [c for c in cols if _is_aggregated(c)]
    aggs += [u for u in sql["having"] if _is_aggregated(u)]
    count = int(len(aggs) > 1)
    count += len(sql["select"][1]) > 1
    count += len(sql["where"]) > 1
    count += len(sql["groupBy"]) > 1
    return count


def hardness_of(sql: dict) -> str:
    """Hardness level of a query already read into Spider's structure."""
    c1, c2, others = count_component1(sql), count_component2(sql), count_others(sql)
    if c1 <= 1 and others == 0 and c2 == 0:
        return "easy"
    if (others <= 2 and c1 <= 1 and c2 == 0) or (c1 <= 2 and others < 2 and c2 == 0):
        return "medium"
    if (others > 2 and c1 <= 2 and c2 == 0) or (2 < c1 <= 3 and others <= 2 and c2 == 0) or (
        c1 <= 1 and others == 0 and c2 <= 1
    ):
        return "hard"
    return "extra"


def sql_hardness(sql: str, schema: DbSchema) -> str | None:
    """Spider hardness of ``sql`` on ``schema``; None if the query is outside Spider's structured form."""
    try:
        return hardness_of(parse_spider_sql(sql, schema))
    except UnsupportedSql:
        return None
