"""Synthetic multi-table questions: SQL written along foreign-key paths of a database, checked by execution,
with a question from templates that use Spider's natural table and column names.

    >>> examples = synthesize_examples(graph, db_path, random.Random(0), n=12, path_lengths=(2, 3, 4))
    >>> examples[0].question, examples[0].gold_sql
    ('How many concerts are related to the stadium whose city is Glasgow?', 'SELECT count(DISTINCT T1.concert_id) ...')

Paths are simple paths of the table view (declared FKs; inferred ones too with ``use_inferred``). Per path one
template is drawn: ``select`` (a name-like column of the first table, filtered by a real value of the last),
``count`` (how many rows of the first table, same filter), ``group`` (per value of the last table, how many
rows of the first) and ``top`` (the last table's row with the most first-table rows). A query is kept only if
it runs read-only within ``timeout`` and returns rows (a count above zero); questions and queries are
deduplicated. Deterministic for a given ``rng`` state.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from pathlib import Path

from graphsql.data.records import Column, Example, Table
from graphsql.eval.execute import execute_sql
from graphsql.schema.graph import EdgeKind, JoinEdge, SchemaGraph
from graphsql.schema.serialize import quote_identifier
from graphsql.schema.values import singularize

log = logging.getLogger(__name__)

SOURCE = "aug:synthetic"
TEMPLATES = ("select", "count", "group", "top")
MAX_PATHS_PER_LENGTH = 400
MAX_VALUE_CHARS = 30
VALUE_ROWS = 200

_NAME_HINTS = ("name", "title")


def _natural_table(table: Table) -> str:
    return (table.natural_name or table.name.replace("_", " ")).lower()


def _natural_column(column: Column) -> str:
    return (column.natural_name or column.name.replace("_", " ")).lower()


def _is_text(column: Column) -> bool:
    t = (column.type or "").lower()
    return t in ("text", "") or any(k in t for k in ("char", "text", "clob", "string"))


def _key_columns(graph: SchemaGraph) -> set[tuple[str, str]]:
    keys = {c.key for c in graph.schema.columns if c.is_primary}
    for e in graph.join_edges:
        keys.update({(e.table, e.column), (e.ref_table, e.ref_column)})
    return keys


def _display_column(table: Table, keys: set) -> Column | None:
    """A column that names a row: a name/title text column, else another non-key text column, else None."""
    plain = [c for c in table.columns if c.key not in keys and _is_text(c)]
    named = [c for c in plain if any(h in c.name.lower() for h in _NAME_HINTS)]
    return (named or plain or [None])[0]


def _edge_for(graph: SchemaGraph, a: str, b: str, use_inferred: bool) -> JoinEdge | None:
    joins = graph.tables.edges[a, b]["joins"]
    declared = [j for j in joins if j.kind is EdgeKind.FOREIGN_KEY]
    if declared:
        return declared[0]
    return max(joins, key=lambda j: j.confidence) if use_inferred and joins else None


def enumerate_paths(graph: SchemaGraph, length: int, use_inferred: bool = False) -> list[tuple[str, ...]]:
    """Simple paths of ``length`` tables in the table view (one direction per path, at most
    `MAX_PATHS_PER_LENGTH`), in a deterministic order."""
    nodes = list(graph.tables.nodes)
    out: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()

    def extend(path: list[str]) -> None:
        if len(out) >= MAX_PATHS_PER_LENGTH:
            return
        if len(path) == length:
            key = min(tuple(path), tuple(reversed(path)))
            if key not in seen:
                seen.add(key)
                out.append(tuple(path))
            return
        for nb in sorted(graph.tables.neighbors(path[-1])):
            if nb not in path and _edge_for(graph, path[-1], nb, use_inferred) is not None:
                extend(path + [nb])

    for start in nodes:
        extend([start])
    return out


def _from_clause(graph: SchemaGraph, path: tuple[str, ...], use_inferred: bool) -> str:
    """``A AS T1 JOIN B AS T2 ON T1.x = T2.y ...`` in original spelling."""
    schema = graph.schema
    parts = [f"{quote_identifier(schema.table(path[0]).name)} AS T1"]
    for i in range(1, len(path)):
        a, b = path[i - 1], path[i]
        edge = _edge_for(graph, a, b, use_inferred)
        if edge.table == a:
            left, right = schema.table(a).column(edge.column), schema.table(b).column(edge.ref_column)
        else:
            left, right = schema.table(a).column(edge.ref_column), schema.table(b).column(edge.column)
        parts.append(
            f"JOIN {quote_identifier(schema.table(b).name)} AS T{i + 1} "
            f"ON T{i}.{quote_identifier(left.name)} = T{i + 1}.{quote_identifier(right.name)}"
        )
    return " ".join(parts)


def _literal(value) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, bytes):
        return None
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if not text.strip() or len(text) > MAX_VALUE_CHARS or "\n" in text or text != text.strip():
        return None
    return "'" + text.replace("'", "''") + "'"


def _shown(value) -> str:
    return str(value)


_IRREGULAR_PLURALS = {"person": "people", "child": "children", "man": "men", "woman": "women"}


def _singular(noun: str) -> str:
    """The noun phrase with its last word singular: ``people addresses -> people address``."""
    head, _, last = noun.rpartition(" ")
    one = last if last.endswith(("ss", "us", "is")) else singularize(last)
    return f"{head} {one}".strip()


def _article(noun: str) -> str:
    return ("an " if noun[:1] in tuple("aeiou") else "a ") + noun


def _plural(noun: str) -> str:
    """The noun phrase with its last word plural: ``singer -> singers``, ``city -> cities``, ``person -> people``."""
    head, _, last = _singular(noun).rpartition(" ")
    if last in _IRREGULAR_PLURALS:
        many = _IRREGULAR_PLURALS[last]
    elif last.endswith(("s", "x", "ch", "sh")):
        many = last + "es"
    elif last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        many = last[:-1] + "ies"
    else:
        many = last + "s"
    return f"{head} {many}".strip()


def _pick_value(db_path: Path, from_sql: str, alias: str, column: Column, rng: random.Random, timeout: float):
    """A real value of ``column`` among the joined rows, or None."""
    col = f"{alias}.{quote_identifier(column.name)}"
    res = execute_sql(
        db_path,
        f"SELECT DISTINCT {col} FROM {from_sql} WHERE {col} IS NOT NULL ORDER BY {col} LIMIT {VALUE_ROWS}",
        timeout=timeout,
    )
    values = [r[0] for r in res.rows if _literal(r[0]) is not None] if res.ok else []
    return rng.choice(values) if values else None


def _filter_column(table: Table, keys: set, avoid: Column | None, rng: random.Random) -> Column | None:
    cands = [c for c in table.columns if c.key not in keys and c != avoid]
    text = [c for c in cands if _is_text(c)]
    plain = [c for c in text if not any(w in c.name.lower() for w in ("date", "time"))]
    pool = plain or text or cands
    return rng.choice(pool) if pool else None


def _draft(graph, db_path, path, template, rng, timeout, use_inferred, keys) -> tuple[str, str] | None:
    """(question, sql) for one path and template, or None if the tables lack suitable columns or values."""
    schema = graph.schema
    first, last = schema.table(path[0]), schema.table(path[-1])
    n = len(path)
    from_sql = _from_clause(graph, path, use_inferred)
    a_name, b_name = _plural(_natural_table(first)), _singular(_natural_table(last))
    if template in ("select", "count"):
        fcol = _filter_column(last, keys, None, rng)
        if fcol is None:
            return None
        value = _pick_value(db_path, from_sql, f"T{n}", fcol, rng, timeout)
        if value is None:
            return None
        where = f"WHERE T{n}.{quote_identifier(fcol.name)} = {_literal(value)}"
        f_name = _natural_column(fcol)
        if template == "select":
            disp = _display_column(first, keys)
            if disp is None:
                return None
            d_name = _natural_column(disp)
            sql = f"SELECT DISTINCT T1.{quote_identifier(disp.name)} FROM {from_sql} {where}"
            question = rng.choice(
                (
                    f"What are the {d_name} of the {a_name} related to the {b_name} whose {f_name} is {_shown(value)}?",
                    f"Find the {d_name} of all {a_name} linked to {_article(b_name)} with {f_name} {_shown(value)}.",
                    f"List the {d_name} of the {a_name} for the {b_name} with {f_name} equal to {_shown(value)}.",
                )
            )
            return question, sql
        pks = first.primary_keys
        counted = f"DISTINCT T1.{quote_identifier(pks[0].name)}" if len(pks) == 1 else "*"
        sql = f"SELECT count({counted}) FROM {from_sql} {where}"
        question = rng.choice(
            (
                f"How many {a_name} are related to the {b_name} whose {f_name} is {_shown(value)}?",
                f"Count the {a_name} linked to {_article(b_name)} with {f_name} {_shown(value)}.",
            )
        )
        return question, sql
    disp = _display_column(last, keys)
    if disp is None:
        return None
    d_name = _natural_column(disp)
    col = f"T{n}.{quote_identifier(disp.name)}"
    if template == "group":
        sql = f"SELECT {col}, count(*) FROM {from_sql} GROUP BY {col}"
        question = rng.choice(
            (
                f"For each {b_name} {d_name}, how many {a_name} are there?",
                f"Show each {d_name} of {b_name} and the number of related {a_name}.",
            )
        )
        return question, sql
    sql = f"SELECT {col} FROM {from_sql} GROUP BY {col} ORDER BY count(*) DESC LIMIT 1"
    question = rng.choice(
        (
            f"Which {b_name} {d_name} has the most {a_name}?",
            f"What is the {d_name} of the {b_name} with the largest number of {a_name}?",
        )
    )
    return question, sql


def _valid(db_path: Path, sql: str, template: str, timeout: float) -> bool:
    res = execute_sql(db_path, sql, timeout=timeout, max_rows=1000)
    if not res.ok or not res.rows:
        return False
    if template == "count":
        return bool(res.rows[0][0])
    return True


def synthesize_examples(
    graph: SchemaGraph,
    db_path: str | Path,
    rng: random.Random,
    n: int,
    path_lengths: Iterable[int] = (2, 3, 4),
    timeout: float = 2.0,
    use_inferred: bool = False,
    templates: Iterable[str] = TEMPLATES,
) -> list[Example]:
    """Up to ``n`` synthetic `Example`s (``source="aug:synthetic"``, ``idx=-1``) over the database of ``graph``,
    split evenly over ``path_lengths`` (what a length cannot fill goes to the shorter ones). Every query
    reads ``length`` tables joined along FKs and was run on ``db_path`` (read-only, ``timeout`` seconds)
    with a non-empty result."""
    db_path = Path(db_path)
    lengths = sorted(set(path_lengths), reverse=True)  # longest first; an unused share rolls to shorter paths
    templates = tuple(templates)
    keys = _key_columns(graph)
    out: list[Example] = []
    seen_sql: set[str] = set()
    seen_q: set[str] = set()
    for i, length in enumerate(lengths):
        share = (n - len(out)) // (len(lengths) - i)
        paths = enumerate_paths(graph, length, use_inferred)
        rng.shuffle(paths)
        made, tries = 0, 0
        for path in paths:
            if made >= share or tries >= 6 * share + 8:
                break
            if rng.random() < 0.5:
                path = tuple(reversed(path))
            tries += 1
            template = rng.choice(templates)
            drafted = _draft(graph, db_path, path, template, rng, timeout, use_inferred, keys)
            if drafted is None:
                continue
            question, sql = drafted
            norm = " ".join(sql.lower().split())
            if norm in seen_sql or question.lower() in seen_q or not _valid(db_path, sql, template, timeout):
                continue
            seen_sql.add(norm)
            seen_q.add(question.lower())
            out.append(
                Example(
                    graph.db_id,
                    question,
                    sql,
                    source=SOURCE,
                    idx=-1,
                    meta={"template": template, "path": path},
                )
            )
            made += 1
    log.debug("%s: %d synthetic examples", graph.db_id, len(out))
    return out
