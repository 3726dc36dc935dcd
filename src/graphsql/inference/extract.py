"""Pull one SQL query out of whatever a model wrote.

    >>> extract_sql("Here you go:\n```sql\nSELECT name FROM singer;\n```\nThis lists all singers.")
    'SELECT name FROM singer'
    >>> is_valid_sql("SELECT name FROM singer")
    True

Rules, in order: if a line starts with "SQL:" (the last line of a decomposed answer), read from the last such
label on; take the body of the first ```sql fence (else the first fence of any kind; an unclosed
fence runs to the end); drop a leading "SQL:"/"SQLQuery:"/"Answer:" label; if prose precedes the query,
start at the first SELECT/WITH; keep only the first statement (a ``;`` outside quotes ends it, as does a
blank line followed by prose); strip full-line ``--`` comments, surrounding whitespace and trailing
semicolons. The result may still be invalid SQL; `is_valid_sql` checks that.
"""

from __future__ import annotations

import re

from graphsql.sql.parse import try_parse

_STEP_SQL = re.compile(r"^[ \t]*SQL[ \t]*:", re.IGNORECASE | re.MULTILINE)  # last line of a decomposed answer
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n?(.*?)(?:```|\Z)", re.DOTALL)
_LABEL = re.compile(r"^\s*(?:the\s+)?(?:sql\s*query|sqlquery|sqlite|sql|query|answer)\s*:\s*", re.IGNORECASE)
_START_UPPER = re.compile(r"\b(SELECT|WITH)\b")
_START_ANY = re.compile(r"(?:^|(?<=[\s:`\"(]))(select|with)\s", re.IGNORECASE | re.MULTILINE)
_SQL_LINE = re.compile(
    r"^\s*(select|from|where|join|inner|left|right|outer|cross|on|and|or|not|group|order|having|limit|"
    r"union|intersect|except|with|as|case|when|then|else|end|[(),*'\"0-9]|[A-Za-z_][A-Za-z0-9_]*\s*[.,=<>)])",
    re.IGNORECASE,
)


def _first_fence(text: str) -> str | None:
    """Body of the first ```sql fence, else of the first fence of any language; None if there is no fence."""
    fences = [(m.group(1).lower(), m.group(2)) for m in _FENCE.finditer(text) if m.group(2).strip()]
    for lang, body in fences:
        if lang in ("sql", "sqlite"):
            return body
    return fences[0][1] if fences else None


# What can hide a ";": quoted text (a doubled quote stays inside; an unclosed one runs to the end), a bracketed
# name, a "--" comment; and the ";" itself. One regex scan: a Python loop over characters took a second on 3 MB.
_HIDES_SEMICOLON = re.compile(r"""'[^']*(?:''[^']*)*(?:'|\Z)|"[^"]*(?:""[^"]*)*(?:"|\Z)|`[^`]*(?:`|\Z)"""
                              r"""|\[[^\]]*(?:\]|\Z)|--[^\n]*|;""")


def _cut_first_statement(sql: str) -> str:
    """Text up to the first ``;`` outside quotes/comments."""
    for match in _HIDES_SEMICOLON.finditer(sql):
        if match.group() == ";":
            return sql[:match.start()]
    return sql


def _cut_trailing_prose(sql: str) -> str:
    """Drop everything from the first blank line whose next line does not look like SQL."""
    parts = re.split(r"\n[ \t]*\n", sql)
    kept = [parts[0]]
    for part in parts[1:]:
        if not _SQL_LINE.match(part):
            break
        kept.append(part)
    return "\n\n".join(kept)


def extract_sql(text: str) -> str:
    """The first SQL statement in a model's output, without fences, labels, comments or a trailing ``;``.

    Returns "" when nothing SQL-like is found.
    """
    labels = list(_STEP_SQL.finditer(text))
    if labels:  # a decomposed answer (Tables:, Joins:, ..., SQL: <query>): the query follows the last label
        text = text[labels[-1].end():]
    body = _first_fence(text)
    if body is None:
        body = text.replace("```", "\n")  # a stray fence without a body
    body = _LABEL.sub("", body, count=1)
    stripped = body.lstrip()
    if not re.match(r"(select|with)\b", stripped, re.IGNORECASE) and not stripped.startswith("("):
        match = _START_UPPER.search(body) or _START_ANY.search(body)
        if match is None:
            return ""
        body = body[match.start() :]
    body = _cut_first_statement(body)
    body = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("--"))
    body = _cut_trailing_prose(body.strip())
    return body.strip().rstrip(";").strip()


def is_valid_sql(sql: str) -> bool:
    """True if ``sql`` is non-empty and sqlglot (SQLite dialect) parses it."""
    return bool(sql.strip()) and try_parse(sql) is not None
