"""Spider's exact-set-match (EM): SQL is read into Spider's structured form and compared clause by clause.

    >>> exact_match("SELECT name FROM singer WHERE age > 30",
    ...             "SELECT name FROM singer AS T1 WHERE T1.age > 45", schema)      # values are ignored
    True

This is our own implementation (on sqlglot) of the semantics of Spider's official ``evaluation.py``:

- `parse_spider_sql` turns SQL into the structure stored in Spider's ``dev.json`` ``sql`` field: ``select``,
  ``from`` (``table_units``, ``conds``), ``where``, ``groupBy``, ``having``, ``orderBy``, ``limit``,
  ``intersect``/``union``/``except``. Columns are ``(table, column)`` keys, lower-cased; ``*`` is `STAR`.
  It accepts exactly the SQL the official parser accepts, as far as we can tell: SELECT-list aliases,
  LEFT/INNER/comma joins, IS NULL, EXISTS, parenthesised conditions, functions other than the five
  aggregates, UNION ALL, CTEs and multi-value IN lists raise `UnsupportedSql` (the official parser fails on
  them too, and a prediction it cannot parse is simply wrong).
- Table aliases are resolved through one alias map for the whole query, the last definition winning, and
  unqualified columns through the FROM tables of their own SELECT, in order, as the official tokenizer does.
- `exact_match` compares as the official evaluator with values and DISTINCT disabled: SELECT and WHERE as
  multisets, GROUP BY column *names* (not tables), HAVING only together with GROUP BY, ORDER BY with one
  direction and LIMIT presence, and/or connectives, set operations recursively, keywords, and the multiset of
  FROM tables. JOIN ON conditions are ignored (except that their OR/LIKE/NOT/IN count as keywords).
  Foreign-key columns of the FROM tables are mapped to one representative column. Subqueries inside
  conditions lose their values but keep DISTINCT and their own columns; subqueries in FROM are compared as
  they are, values included.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import TokenType

from graphsql.data.records import DbSchema
from graphsql.sql.parse import parse_statements

log = logging.getLogger(__name__)

AGG_OPS = ("none", "max", "min", "count", "sum", "avg")
WHERE_OPS = ("not", "between", "=", ">", "<", ">=", "<=", "!=", "in", "like", "is", "exists")
UNIT_OPS = ("none", "-", "+", "*", "/")
SET_OPS = ("intersect", "union", "except")
STAR = ("*", "*")  # the column key of `*`

_AGG_CLASSES = {exp.Max: 1, exp.Min: 2, exp.Count: 3, exp.Sum: 4, exp.Avg: 5}
_UNIT_CLASSES = {exp.Sub: 1, exp.Add: 2, exp.Mul: 3, exp.Div: 4}
_COMPARE_CLASSES = {exp.EQ: 2, exp.GT: 3, exp.LT: 4, exp.GTE: 5, exp.LTE: 6, exp.NEQ: 7}
_SET_CLASSES = {exp.Intersect: "intersect", exp.Union: "union", exp.Except: "except"}


class UnsupportedSql(ValueError):
    """The SQL is outside what Spider's structured form (and its official parser) can express."""


# ---------------------------------------------------------------------------------------------- parsing


def schema_columns(schema: DbSchema) -> dict[str, tuple[str, ...]]:
    """Lower-cased ``{table: (column, ...)}`` of a schema, in declaration order."""
    return {t.name.lower(): tuple(c.name.lower() for c in t.columns) for t in schema.tables}


class _Reader:
    """Reads one sqlglot tree into Spider's structure; holds the schema and the query-wide alias map."""

    def __init__(self, tables: dict[str, tuple[str, ...]], tree: exp.Expression):
        self.tables = tables
        self.aliases: dict[str, str | None] = {}
        for node in tree.walk(bfs=False):  # textual order: a later alias overrides an earlier one
            if isinstance(node, exp.Table) and node.alias:
                self.aliases[node.alias.lower()] = node.name.lower()
            elif isinstance(node, (exp.Subquery, exp.Alias)) and node.alias:
                self.aliases[node.alias.lower()] = None
        for name in tables:
            if name in self.aliases:
                raise UnsupportedSql(f"alias {name!r} is also a table name")
            self.aliases[name] = name

    # -- queries
    def query(self, node: exp.Expression) -> dict:
        if isinstance(node, exp.Subquery):
            if node.alias:
                raise UnsupportedSql("aliased subquery")
            return self.query(node.this)
        if isinstance(node, exp.Paren):
            return self.query(node.this)
        parts = self._linearize(node)
        first = self._select(parts[0])
        current = first
        for op, select in parts[1:]:
            nested = self._select(select)
            current[op] = nested
            current = nested
        return first

    def _linearize(self, node: exp.Expression) -> list:
        """``A op1 B op2 C`` as ``[A, (op1, B), (op2, C)]``; ORDER BY / LIMIT of the whole go to the last part."""
        if isinstance(node, exp.Select):
            return [node]
        op = _SET_CLASSES.get(type(node))
        if op is None:
            raise UnsupportedSql(f"unsupported query node {type(node).__name__}")
        if node.args.get("distinct") is False:
            raise UnsupportedSql(f"{op.upper()} ALL")
        if node.args.get("with"):
            raise UnsupportedSql("WITH clause")
        left = self._linearize(node.this)
        right = node.expression
        if not isinstance(right, exp.Select):
            raise UnsupportedSql("nested set operation on the right")
        tail = {k: node.args[k] for k in ("order", "limit", "offset") if node.args.get(k) is not None}
        if tail:
            right = right.copy()
            for key, value in tail.items():
                if right.args.get(key) is not None:
                    raise UnsupportedSql("two ORDER BY / LIMIT clauses")
                right.set(key, value.copy())
        return [*left, (op, right)]

    def _select(self, node: exp.Select) -> dict:
        for key in ("with", "windows", "qualify", "distribute", "sort", "cluster", "into"):
            if node.args.get(key):
                raise UnsupportedSql(f"{key.upper()} clause")
        if isinstance(node.args.get("distinct"), exp.Distinct) and node.args["distinct"].args.get("on"):
            raise UnsupportedSql("DISTINCT ON")
        table_units, from_conds, defaults = self._from(node)
        sql = {"from": {"table_units": table_units, "conds": from_conds}}
        items = []
        for item in node.expressions:
            agg, inner = self._select_agg(item)
            items.append((agg, self.val_unit(inner, defaults)))
        sql["select"] = (node.args.get("distinct") is not None, items)
        where = node.args.get("where")
        sql["where"] = self.condition(where.this, defaults) if where is not None else []
        group = node.args.get("group")
        sql["groupBy"] = [self.col_unit(g, defaults) for g in group.expressions] if group is not None else []
        having = node.args.get("having")
        sql["having"] = self.condition(having.this, defaults) if having is not None else []
        order = node.args.get("order")
        if order is not None:
            direction, units = "asc", []
            for ordered in order.expressions:
                if type(ordered.this) in _COMPARE_CLASSES:
                    # Official quirk: ``ORDER BY count(*) >= 5`` reads ``count(*)`` and drops the rest of
                    # the query (the comparison, further ORDER BY items and LIMIT).
                    units.append(self.val_unit(ordered.this.this, defaults))
                    sql["orderBy"], sql["limit"] = (direction, units), None
                    for op in SET_OPS:
                        sql[op] = None
                    return sql
                units.append(self.val_unit(ordered.this, defaults))
                desc = ordered.args.get("desc")
                if desc is not None:  # only an explicit ASC/DESC changes the (single) direction
                    direction = "desc" if desc else "asc"
            sql["orderBy"] = (direction, units)
        else:
            sql["orderBy"] = []
        limit = node.args.get("limit")
        sql["limit"] = self._limit(limit) if limit is not None else None
        for op in SET_OPS:
            sql[op] = None
        return sql

    def _limit(self, limit: exp.Expression) -> int:
        value = limit.expression if isinstance(limit, exp.Limit) else limit
        if not isinstance(value, exp.Literal) or value.is_string:
            raise UnsupportedSql("LIMIT must be a number")
        try:
            return int(value.this)
        except ValueError as err:
            raise UnsupportedSql("LIMIT must be an integer") from err

    def _from(self, node: exp.Select) -> tuple[list, list, list[str]]:
        from_ = node.args.get("from_") or node.args.get("from")
        if from_ is None:
            raise UnsupportedSql("no FROM clause")
        units, conds, defaults = [], [], []
        sources = [(from_.this, None, None)]
        for join in node.args.get("joins") or []:
            if join.args.get("kind") == "CROSS" or join.args.get("method") or join.args.get("using"):
                raise UnsupportedSql("comma, CROSS, NATURAL or USING join")
            sources.append((join.this, join.args.get("on"), join.args.get("kind") or join.args.get("side")))
        for source, on, join_word in sources:
            # Official quirk: LEFT/INNER/... is only read (and ignored) when it directly follows an ON
            # condition ending in a column, which swallows words up to the next JOIN.
            if join_word and not (conds and isinstance(conds[-1][3], tuple)):
                raise UnsupportedSql(f"{join_word} JOIN")
            if isinstance(source, exp.Table):
                if source.args.get("db") or source.args.get("catalog"):
                    raise UnsupportedSql("qualified table name")
                name = self.aliases.get(source.name.lower(), source.name.lower())
                if name not in self.tables:
                    raise UnsupportedSql(f"unknown table {source.name!r}")
                units.append(("table_unit", name))
                defaults.append(name)
            elif isinstance(source, exp.Subquery):
                units.append(("sql", self.query(source)))
            else:
                raise UnsupportedSql(f"unsupported FROM item {type(source).__name__}")
            if on is not None and not (isinstance(on, exp.Boolean) and on.this is True):
                new = self.condition(on, defaults)
                if conds:
                    conds.append("and")
                conds.extend(new)
        return units, conds, defaults

    # -- columns and values
    def column(self, node: exp.Expression, defaults: list[str]) -> tuple[str, str]:
        if isinstance(node, exp.Star):
            return STAR
        if not isinstance(node, exp.Column):
            raise UnsupportedSql(f"expected a column, got {type(node).__name__}")
        if isinstance(node.this, exp.Star):
            raise UnsupportedSql("table.* column")
        name = node.name.lower()
        if node.table:
            if node.args.get("db"):
                raise UnsupportedSql("db-qualified column")
            qualifier = node.table.lower()
            if qualifier not in self.aliases or self.aliases[qualifier] is None:
                raise UnsupportedSql(f"unknown table or alias {node.table!r}")
            table = self.aliases[qualifier]
            if table not in self.tables or name not in self.tables[table]:
                raise UnsupportedSql(f"unknown column {node.table}.{node.name}")
            return (table, name)
        for table in defaults:
            if name in self.tables[table]:
                return (table, name)
        raise UnsupportedSql(f"unknown column {node.name!r}")

    def col_unit(self, node: exp.Expression, defaults: list[str]) -> tuple:
        """``(agg_id, column, is_distinct)``."""
        while isinstance(node, exp.Paren):
            node = node.this
        agg = _AGG_CLASSES.get(type(node))
        if agg is not None:
            arg = node.this
            distinct = isinstance(arg, exp.Distinct)
            if distinct:
                if len(arg.expressions) != 1:
                    raise UnsupportedSql("DISTINCT over several columns")
                arg = arg.expressions[0]
            return (agg, self.column(arg, defaults), distinct)
        if isinstance(node, exp.Distinct):
            if len(node.expressions) != 1:
                raise UnsupportedSql("DISTINCT over several columns")
            return (0, self.column(node.expressions[0], defaults), True)
        return (0, self.column(node, defaults), False)

    def val_unit(self, node: exp.Expression, defaults: list[str]) -> tuple:
        """``(unit_op, col_unit1, col_unit2)``: one column or one arithmetic operation on two."""
        while isinstance(node, exp.Paren):
            node = node.this
        op = _UNIT_CLASSES.get(type(node))
        if op is not None:
            return (op, self.col_unit(node.this, defaults), self.col_unit(node.expression, defaults))
        return (0, self.col_unit(node, defaults), None)

    def _select_agg(self, item: exp.Expression) -> tuple[int, exp.Expression]:
        """A SELECT item's outer aggregate (kept apart, as in Spider) and what it applies to."""
        if isinstance(item, exp.Alias):
            raise UnsupportedSql("SELECT-list alias")
        agg = _AGG_CLASSES.get(type(item))
        if agg is None:
            return 0, item
        return agg, item.this

    def value(self, node: exp.Expression, defaults: list[str]):
        """A condition's right-hand side: a nested query (dict), a string, a number, or a col_unit."""
        while isinstance(node, exp.Paren):
            node = node.this
        if isinstance(node, (exp.Subquery, exp.Select, exp.Union, exp.Intersect, exp.Except)):
            return self.query(node)
        if isinstance(node, exp.Literal):
            if node.is_string:
                return '"' + node.this + '"'
            try:
                return float(node.this)
            except ValueError as err:
                raise UnsupportedSql(f"bad number {node.this!r}") from err
        if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal) and not node.this.is_string:
            return -float(node.this.this)
        if isinstance(node, exp.Column) and not node.table and node.this.args.get("quoted"):
            return '"' + node.name + '"'  # "text" is a string value in Spider's SQL
        if type(node) in _UNIT_CLASSES:
            # Official quirk: a right-hand side starting with a column is read as that column alone.
            while type(node) in _UNIT_CLASSES:
                node = node.this
            if not isinstance(node, exp.Column):
                raise UnsupportedSql("arithmetic on a value")
        return self.col_unit(node, defaults)

    def condition(self, node: exp.Expression, defaults: list[str]) -> list:
        """``[cond_unit, 'and'|'or', cond_unit, ...]`` in textual order; no parenthesised groups.

        Official quirk: a column on the right-hand side (``T1.a = T2.b``) is read up to the next AND, so the
        ``OR ...`` conditions that follow it are swallowed."""
        leaves: list = []
        _flatten(node, leaves)
        out, i = [], 0
        while i < len(leaves):
            unit = self._cond_unit(leaves[i], defaults)
            out.append(unit)
            i += 1
            last_value = unit[4] if unit[1] == 1 else unit[3]
            if isinstance(last_value, tuple):
                while i < len(leaves) and leaves[i] == "or":
                    if leaves[i + 1].find(exp.Paren, exp.Subquery, exp.Func, exp.Tuple, exp.Between):
                        raise UnsupportedSql("OR after a column-valued condition, with parentheses")
                    i += 2
            if i < len(leaves):
                out.append(leaves[i])
                i += 1
        return out

    def _cond_unit(self, node: exp.Expression, defaults: list[str]) -> tuple:
        """``(not_op, op_id, val_unit, val1, val2)``."""
        negated = False
        if isinstance(node, exp.Not):
            negated, node = True, node.this
            if not isinstance(node, (exp.In, exp.Like, exp.Between)):
                raise UnsupportedSql("NOT before a condition")
        if isinstance(node, exp.Like) and node.args.get("negate"):
            negated = True
        if type(node) in _COMPARE_CLASSES:
            op = _COMPARE_CLASSES[type(node)]
            return (negated, op, self.val_unit(node.this, defaults), self.value(node.expression, defaults), None)
        if isinstance(node, exp.Like):
            if node.args.get("escape"):
                raise UnsupportedSql("LIKE ... ESCAPE")
            return (negated, 9, self.val_unit(node.this, defaults), self.value(node.expression, defaults), None)
        if isinstance(node, exp.Between):
            low = self.value(node.args["low"], defaults)
            high = self.value(node.args["high"], defaults)
            return (negated, 1, self.val_unit(node.this, defaults), low, high)
        if isinstance(node, exp.In):
            query = node.args.get("query")
            if query is not None:
                val = self.query(query)
            elif len(node.expressions) == 1:
                val = self.value(node.expressions[0], defaults)
            else:
                raise UnsupportedSql("IN with a list of several values")
            return (negated, 8, self.val_unit(node.this, defaults), val, None)
        raise UnsupportedSql(f"unsupported condition {type(node).__name__}")


def _flatten(node: exp.Expression, out: list) -> None:
    if isinstance(node, (exp.And, exp.Or)):
        _flatten(node.this, out)
        out.append("and" if isinstance(node, exp.And) else "or")
        _flatten(node.expression, out)
    else:
        out.append(node)


_PREFIX_NOT_AFTER = {
    TokenType.WHERE, TokenType.AND, TokenType.OR, TokenType.L_PAREN, TokenType.HAVING, TokenType.ON,
    TokenType.SELECT, TokenType.COMMA, TokenType.NOT, TokenType.WHEN, TokenType.THEN, TokenType.ELSE,
}


def _has_prefix_not(sql: str) -> bool:
    """``NOT x IN ...`` (rather than ``x NOT IN``): sqlglot reads both alike, Spider's parser only the second."""
    try:
        tokens = Dialect.get_or_raise("sqlite").tokenize(sql)
    except Exception:  # tokenizer errors surface again in the parser
        return False
    return any(
        tok.token_type == TokenType.NOT and (i == 0 or tokens[i - 1].token_type in _PREFIX_NOT_AFTER)
        for i, tok in enumerate(tokens)
    )


@lru_cache(maxsize=8192)
def _parse_tree(sql: str) -> exp.Expression:
    try:
        trees = parse_statements(sql)
    except Exception as err:  # sqlglot raises several error types
        raise UnsupportedSql(f"sqlglot cannot parse it: {str(err).splitlines()[0]}") from err
    trees = [t for t in trees if t is not None]
    if _has_prefix_not(sql):
        raise UnsupportedSql("NOT before a condition")
    if len(trees) != 1:
        raise UnsupportedSql("expected exactly one statement")
    return trees[0]


def parse_spider_sql(sql: str, schema: DbSchema) -> dict:
    """SQL text as Spider's structured ``sql`` dict (columns as ``(table, column)`` keys, values kept).

    Raises `UnsupportedSql` when the official parser could not express it either."""
    return parse_with_tables(sql, schema_columns(schema))


def parse_with_tables(sql: str, tables: dict[str, tuple[str, ...]]) -> dict:
    """`parse_spider_sql` with the schema given as ``{table: (column, ...)}`` (lower-cased)."""
    tree = _parse_tree(sql.strip().rstrip(";").strip() if sql else "")
    return _Reader(tables, tree).query(tree)


# ---------------------------------------------------------------------------------------------- matching


def foreign_key_map(schema: DbSchema) -> dict[tuple[str, str], tuple[str, str]]:
    """Each foreign-key column -> one representative of its group of linked columns (the one declared
    first), built pair by pair as the official evaluator does (a pair joins the first group that holds
    either of its columns)."""
    order = {c.key: i for i, c in enumerate(schema.columns)}
    groups: list[set] = []
    for fk in schema.foreign_keys:
        a, b = fk.key
        group = next((g for g in groups if a in g or b in g), None)
        if group is None:
            group = set()
            groups.append(group)
        group.update((a, b))
    out = {}
    for group in groups:
        head = min(group, key=lambda k: order.get(k, len(order)))
        for key in group:
            out[key] = head
    return out


def _strip_values(sql: dict | None) -> dict | None:
    """Drop condition values (not nested queries), recursively through conditions and set operations."""
    if sql is None:
        return None

    def cond(c: list) -> list:
        return [
            u if isinstance(u, str) else (u[0], u[1], u[2], _strip_values(u[3]) if isinstance(u[3], dict) else None,
                                          _strip_values(u[4]) if isinstance(u[4], dict) else None)
            for u in c
        ]

    out = dict(sql)
    out["from"] = {"table_units": sql["from"]["table_units"], "conds": cond(sql["from"]["conds"])}
    out["where"], out["having"] = cond(sql["where"]), cond(sql["having"])
    for op in SET_OPS:
        out[op] = _strip_values(sql[op])
    return out


def _map_columns(sql: dict | None, valid: set, kmap: dict) -> dict | None:
    """Map foreign-key columns of the FROM tables to their representative and drop DISTINCT flags in the
    top-level clauses (not inside nested condition queries), recursively through set operations."""
    if sql is None:
        return None

    def col(cu):
        if cu is None:
            return None
        agg, key, _distinct = cu
        return (agg, kmap[key] if key in kmap and key in valid else key, None)

    def val(vu):
        return None if vu is None else (vu[0], col(vu[1]), col(vu[2]))

    def cond(c):
        return [u if isinstance(u, str) else (u[0], u[1], val(u[2]), u[3], u[4]) for u in c]

    out = dict(sql)
    out["select"] = (None, [(agg, val(vu)) for agg, vu in sql["select"][1]])
    out["from"] = {"table_units": sql["from"]["table_units"], "conds": cond(sql["from"]["conds"])}
    out["where"], out["having"] = cond(sql["where"]), cond(sql["having"])
    out["groupBy"] = [col(cu) for cu in sql["groupBy"]]
    if sql["orderBy"]:
        out["orderBy"] = (sql["orderBy"][0], [val(vu) for vu in sql["orderBy"][1]])
    for op in SET_OPS:
        out[op] = _map_columns(sql[op], valid, kmap)
    return out


def normalize_for_match(sql: dict, tables: dict[str, tuple[str, ...]], kmap: dict) -> dict:
    """The form `exact_match` compares: values removed, DISTINCT removed, foreign keys mapped."""
    from_tables = {u[1] for u in sql["from"]["table_units"] if u[0] == "table_unit"}
    valid = {(t, c) for t in from_tables for c in tables.get(t, ())}
    return _map_columns(_strip_values(sql), valid, kmap)


def _multiset_equal(a, b) -> bool:
    return len(a) == len(b) and all(a.count(x) == b.count(x) for x in a)


def keywords(sql: dict) -> set[str]:
    """The SQL keywords Spider's keyword component compares."""
    found = set()
    for clause, word in (("where", "where"), ("groupBy", "group"), ("having", "having")):
        if sql[clause]:
            found.add(word)
    if sql["orderBy"]:
        found.update(("order", sql["orderBy"][0]))
    if sql["limit"] is not None:
        found.add("limit")
    found.update(op for op in SET_OPS if sql[op] is not None)
    clauses = (sql["from"]["conds"], sql["where"], sql["having"])
    if any("or" in c[1::2] for c in clauses):
        found.add("or")
    units = [u for c in clauses for u in c[::2]]
    if any(u[0] for u in units):
        found.add("not")
    if any(u[1] == 8 for u in units):
        found.add("in")
    if any(u[1] == 9 for u in units):
        found.add("like")
    return found


def _column_name(key: tuple[str, str]) -> str:
    return key[1]


def match_components(pred: dict, gold: dict) -> dict[str, bool]:
    """Per-component match of two normalized structures (the official partial scores with F1 = 1)."""
    out = {}
    out["select"] = _multiset_equal(pred["select"][1], gold["select"][1])
    out["where"] = _multiset_equal(pred["where"][::2], gold["where"][::2])
    out["group(no Having)"] = _multiset_equal([_column_name(u[1]) for u in pred["groupBy"]],
                                              [_column_name(u[1]) for u in gold["groupBy"]])
    if bool(pred["groupBy"]) != bool(gold["groupBy"]):
        out["group"] = False
    elif gold["groupBy"]:
        out["group"] = ([u[1] for u in pred["groupBy"]] == [u[1] for u in gold["groupBy"]]
                        and pred["having"] == gold["having"])
    else:
        out["group"] = True
    if bool(pred["orderBy"]) != bool(gold["orderBy"]):
        out["order"] = False
    elif gold["orderBy"]:
        out["order"] = pred["orderBy"] == gold["orderBy"] and (pred["limit"] is None) == (gold["limit"] is None)
    else:
        out["order"] = True
    out["and/or"] = set(pred["where"][1::2]) == set(gold["where"][1::2])
    out["IUEN"] = all(
        (pred[op] is None) == (gold[op] is None) and (gold[op] is None or _structures_match(pred[op], gold[op]))
        for op in SET_OPS
    )
    out["keywords"] = keywords(pred) == keywords(gold)
    return out


def _table_units_key(units: list) -> list:
    return sorted(units, key=repr)


def _structures_match(pred: dict, gold: dict) -> bool:
    if not all(match_components(pred, gold).values()):
        return False
    if gold["from"]["table_units"]:
        return _table_units_key(gold["from"]["table_units"]) == _table_units_key(pred["from"]["table_units"])
    return True


def exact_match(gold_sql: str, pred_sql: str, schema: DbSchema) -> bool:
    """Spider exact-set-match of ``pred_sql`` against ``gold_sql`` on ``schema`` (values ignored).

    A prediction outside Spider's form is wrong. Raises `UnsupportedSql` if the *gold* cannot be read."""
    tables = schema_columns(schema)
    kmap = foreign_key_map(schema)
    gold = normalize_for_match(parse_with_tables(gold_sql, tables), tables, kmap)
    try:
        return _structures_match(normalize_for_match(parse_with_tables(pred_sql, tables), tables, kmap), gold)
    except UnsupportedSql as err:
        log.debug("prediction outside Spider's form: %s", err)
        return False
    except RecursionError:  # thousands of nested or chained conditions: no query of Spider's form
        log.debug("prediction nested too deeply to read")
        return False


def structures_match(pred: dict, gold: dict, schema: DbSchema) -> bool:
    """`exact_match` on structures already read by `parse_spider_sql` (they are not modified)."""
    tables = schema_columns(schema)
    kmap = foreign_key_map(schema)
    return _structures_match(normalize_for_match(pred, tables, kmap), normalize_for_match(gold, tables, kmap))


def component_matches(gold_sql: str, pred_sql: str, schema: DbSchema) -> dict[str, bool] | None:
    """Per-component matches (select, where, group, order, ...), or None if the prediction is unreadable."""
    tables = schema_columns(schema)
    kmap = foreign_key_map(schema)
    gold = normalize_for_match(parse_with_tables(gold_sql, tables), tables, kmap)
    try:
        pred = normalize_for_match(parse_with_tables(pred_sql, tables), tables, kmap)
    except (UnsupportedSql, RecursionError):
        return None
    return match_components(pred, gold)

