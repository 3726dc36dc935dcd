"""A llama.cpp grammar (GBNF) of SQLite queries whose table and column names are those of one schema.

    >>> text = sql_grammar(prepared.schema)          # the tables and columns the prompt shows
    >>> gen.generate([messages], grammars=[text])    # greedy decoding can only write names the schema has

Decoding under it, the model cannot shorten a long quoted name (``"Free Meal Count (K-12)"`` as
``Free_Meal_Count``), invent a column or read a table the prompt does not show; everything else of the query is
free within a SELECT grammar broad enough for Spider's and BIRD's queries: DISTINCT, joins (``JOIN ... ON``,
commas, LEFT/INNER/CROSS), WHERE, GROUP BY, HAVING, ORDER BY, LIMIT/OFFSET, UNION/INTERSECT/EXCEPT, nested
queries (IN, EXISTS, comparisons, FROM), CASE, CAST, any function call, arithmetic and string concatenation, LIKE,
BETWEEN, IS [NOT] NULL, and SQLite's built-in functions (`FUNCTIONS`). Keywords are accepted in upper or lower
case; a name in any letter case (as SQLite reads names), bare or quoted (double quotes, backticks, brackets: a name
that is not a plain word, or is a keyword, must be quoted). Aliases (``T1``, ``s``) and the names of select-list
aliases are free words: the grammar does not track which alias stands for which table, so a column behind the
wrong alias is still possible (the repairs move it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from graphsql.data.records import DbSchema

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
KEYWORDS = ("select distinct from where group by having order limit offset union all intersect except join on "
            "left right inner outer cross natural as and or not like in between is null asc desc case when then "
            "else end cast exists glob").split()

_RULES = r"""
root ::= query ws? ";"?
query ::= select-core (ws set-op ws select-core)*
set-op ::= kw-union (ws kw-all)? | kw-intersect | kw-except
select-core ::= kw-select ws (kw-distinct ws)? result-list ws kw-from ws from-clause (ws kw-where ws expr)? (ws kw-group ws kw-by ws expr-list)? (ws kw-having ws expr)? (ws kw-order ws kw-by ws order-list)? (ws kw-limit ws integer ((ws kw-offset ws | ws? "," ws?) integer)?)?
result-list ::= result (ws? "," ws? result)*
result ::= "*" | qualifier "." "*" | expr (ws (kw-as ws)? alias)?
from-clause ::= table-ref join-part*
join-part ::= ws? "," ws? table-ref | ws (join-kind ws)? kw-join ws table-ref (ws kw-on ws expr)?
join-kind ::= kw-left (ws kw-outer)? | kw-inner | kw-cross | kw-natural
table-ref ::= table-name (ws (kw-as ws)? alias)? | "(" ws? query ws? ")" (ws (kw-as ws)? alias)?
order-list ::= order-item (ws? "," ws? order-item)*
order-item ::= (expr | alias) (ws (kw-asc | kw-desc))?
expr-list ::= expr (ws? "," ws? expr)*
expr ::= and-expr (ws kw-or ws and-expr)*
and-expr ::= not-expr (ws kw-and ws not-expr)*
not-expr ::= (kw-not ws)? comparison
comparison ::= sum (ws? cmp-op ws? sum | ws (kw-not ws)? (kw-like | kw-glob) ws sum | ws (kw-not ws)? kw-in ws? "(" ws? (query | expr-list) ws? ")" | ws (kw-not ws)? kw-between ws sum ws kw-and ws sum | ws kw-is ws (kw-not ws)? kw-null)?
cmp-op ::= "=" | "==" | "!=" | "<>" | "<=" | ">=" | "<" | ">"
sum ::= product (ws? ("+" | "-" | "||") ws? product)*
product ::= unary (ws? ("*" | "/" | "%") ws? unary)*
unary ::= ("-" ws?)? primary
primary ::= literal | column-ref | call | "(" ws? (query | expr) ws? ")" | case-expr | cast-expr | kw-exists ws? "(" ws? query ws? ")"
call ::= function ws? "(" ws? ((kw-distinct ws)? expr-list | "*")? ws? ")"
function ::= FUNCTIONS
case-expr ::= kw-case (ws expr)? (ws kw-when ws expr ws kw-then ws expr)+ (ws kw-else ws expr)? ws kw-end
cast-expr ::= kw-cast ws? "(" ws? expr ws kw-as ws [A-Za-z]+ ws? ")"
literal ::= number | string | kw-null
number ::= [0-9]+ ("." [0-9]+)? | "." [0-9]+
integer ::= [0-9]+
string ::= "'" ([^'] | "''")* "'" | "\"" [^"]* "\""
column-ref ::= (qualifier ws? "." ws?)? column-name
qualifier ::= table-name | alias
alias ::= [A-Za-z_] [A-Za-z0-9_]*
ws ::= [ \t\n]+
"""


def _gbnf_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _any_case(text: str) -> str:
    """A GBNF sequence matching ``text`` in any letter case (SQLite's names are case-insensitive)."""
    parts, plain = [], ""
    for ch in text:
        if ch.isascii() and ch.isalpha():
            if plain:
                parts.append(_gbnf_string(plain))
                plain = ""
            parts.append(f"[{ch.lower()}{ch.upper()}]")
        else:
            plain += ch
    if plain:
        parts.append(_gbnf_string(plain))
    return " ".join(parts)


def _spellings(name: str) -> list[str]:
    """GBNF sequences for how a query may write ``name``: bare when it is a plain word that is no keyword, and
    quoted three ways, each in any letter case."""
    body = _any_case(name)
    forms = [body] if _PLAIN.match(name) and name.lower() not in KEYWORDS else []
    return forms + [f'"\\"" {body} "\\""', f'"`" {body} "`"', f'"[" {body} "]"']


def _alternatives(names: Iterable[str]) -> str:
    unique = {name.lower(): name for name in names}  # names that differ only in case are one name to SQLite
    return " | ".join(form for key in sorted(unique) for form in _spellings(unique[key]))


def _keyword_rules() -> str:
    return "\n".join(f"kw-{k} ::= {_gbnf_string(k.upper())} | {_gbnf_string(k)}" for k in KEYWORDS)


# SQLite's built-in scalar, aggregate and date functions (any letter case): a model cannot turn a name it may not
# write into a call of an invented function
FUNCTIONS = ("abs avg changes char coalesce count date datetime glob group_concat hex ifnull iif instr julianday "
             "length like likelihood lower ltrim max min nullif printf quote random replace round rtrim sign "
             "strftime substr substring sum time total trim typeof unicode upper").split()


def sql_grammar(schema: DbSchema) -> str:
    """The GBNF text of SELECT queries over ``schema``'s tables and columns (see the module docstring)."""
    tables = [t.name for t in schema.tables]
    columns = [c.name for t in schema.tables for c in t.columns]
    if not tables or not columns:
        raise ValueError(f"{schema.db_id}: a grammar needs at least one table with a column")
    functions = " | ".join(_any_case(f) for f in FUNCTIONS)
    return (_RULES.strip().replace("FUNCTIONS", functions) + "\n" + _keyword_rules() + "\n"
            + f"table-name ::= {_alternatives(tables)}\n"
            + f"column-name ::= {_alternatives(columns)}\n")
