"""Answering from a worked example whose question is the asked one with other values: no model runs.

    >>> templates = example_templates(pool.demos, graph.schema, index)      # a user's examples of one database
    >>> match_examples("what is the biggest city in kansas", templates, index)
    [Reused(sql="SELECT ... WHERE ... = 'kansas' ...", example="what is the biggest city in nebraska", votes=2)]

A user's examples file (`graphsql ask --shot-pool examples.json`) often holds the very question being asked with
other values ("... in nebraska" for "... in kansas"). Each example's literals that its question spells out (a
string by its words, a number as a number) become slots; the asked question matches when its words are the
example's with each slot filled by a span of words. A string slot takes only a value the database holds (its
value index) and in no column whose name the example value's columns lack: "washington" is a city and a state, so
it does not fill the slot of an example about the city of "seattle" (the question could mean either). Where several
examples match, the SQL that most of them give comes first. The caller runs it: an answer is kept only if it runs
and returns rows; otherwise the model answers as usual (`graphsql.inference.predict`).

A question about a kind of query none of the examples shows matches none of them: on GeoQuery's query split (each
SQL template in one split only) nothing matches, on its question split (templates shared) about a quarter of the
test questions do (`graphsql experiment example-reuse`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlglot.dialects.sqlite import SQLite
from sqlglot.tokens import TokenType

from graphsql.data.records import DbSchema
from graphsql.schema.values import ValueIndex, tokenize

MAX_SLOT_WORDS = 6  # the longest value a slot takes, in words


@dataclass(frozen=True)
class Slot:
    number: bool  # a numeric literal (else a string)
    columns: frozenset[str]  # names of the columns holding the example's value (strings)


@dataclass(frozen=True)
class ExampleTemplate:
    """One example as a template: its question's words with slots (ints), its SQL in pieces with slots (ints)."""

    words: tuple[str | int, ...]
    sql: tuple[str | int, ...]
    slots: tuple[Slot, ...]
    example: str  # the example's question
    quotes: tuple[str, ...]  # how each string slot was quoted in the example's SQL


@dataclass(frozen=True)
class Reused:
    sql: str
    example: str  # the first matching example's question
    votes: int  # how many examples give this SQL


def _literals(sql: str, schema: DbSchema) -> list[tuple[int, int, str, bool, str]]:
    """(start, end, value, is a number, quote) of each literal of ``sql``; a double-quoted word that names no table
    or column is a string (SQLite reads it so)."""
    names = {t.name.lower() for t in schema.tables} | {c.name.lower() for t in schema.tables for c in t.columns}
    out = []
    try:
        tokens = SQLite().tokenize(sql)
    except Exception:  # noqa: BLE001 - an example sqlglot cannot tokenize gives no template
        return []
    for tok in tokens:
        if tok.token_type == TokenType.STRING:
            out.append((tok.start, tok.end, tok.text, False, "'"))
        elif tok.token_type == TokenType.IDENTIFIER and tok.text.lower() not in names and sql[tok.start] == '"':
            out.append((tok.start, tok.end, tok.text, False, '"'))
        elif tok.token_type == TokenType.NUMBER:
            out.append((tok.start, tok.end, tok.text, True, ""))
    return out


def _find(words: list, part: list[str]) -> int:
    for i in range(len(words) - len(part) + 1):
        if words[i:i + len(part)] == part:
            return i
    return -1


def _column_names(index: ValueIndex, text: str) -> frozenset[str]:
    return frozenset(column for _table, column in index.columns_holding(text))


def example_template(question: str, sql: str, schema: DbSchema, index: ValueIndex) -> ExampleTemplate | None:
    """``question`` / ``sql`` as a template (None for empty SQL; SQL the tokenizer rejects has no slots: only its
    question, word for word, matches); a literal its question does not spell out stays as written."""
    if not sql.strip():
        return None
    literals = _literals(sql, schema)
    words: list = tokenize(question)
    slot_of: dict[tuple[str, bool], int] = {}
    slots: list[Slot] = []
    quotes: list[str] = []
    for _start, _end, value, number, quote in sorted(literals, key=lambda lit: -len(lit[2])):
        key = (" ".join(tokenize(value)), number)
        if key in slot_of or not key[0]:
            continue
        part = key[0].split()
        at = _find(words, part)
        if at < 0:
            continue
        slot_of[key] = len(slots)
        slots.append(Slot(number, frozenset() if number else _column_names(index, value)))
        quotes.append(quote)
        words[at:at + len(part)] = [len(slots) - 1]
    pieces: list = []
    last = 0
    for start, end, value, number, _quote in sorted(literals):
        slot = slot_of.get((" ".join(tokenize(value)), number))
        if slot is None:
            continue
        pieces += [sql[last:start], slot]
        last = end + 1
    pieces.append(sql[last:])
    return ExampleTemplate(tuple(words), tuple(p for p in pieces if p != ""), tuple(slots), question, tuple(quotes))


def example_templates(demos, schema: DbSchema, index: ValueIndex) -> list[ExampleTemplate]:
    """Templates of a same-database pool's demonstrations (`graphsql.demos.select.Demo`), in its order."""
    out = []
    for demo in demos:
        template = example_template(demo.question, demo.gold_sql, schema, index)
        if template is not None:
            out.append(template)
    return out


def _spans(words: tuple, question: list[str], at: int = 0, filled: tuple = ()):
    """Every way ``question`` reads as ``words`` with each slot (an int) filled by 1..MAX_SLOT_WORDS words."""
    if not words:
        if at == len(question):
            yield filled
        return
    head, rest = words[0], words[1:]
    if isinstance(head, str):
        if at < len(question) and question[at] == head:
            yield from _spans(rest, question, at + 1, filled)
        return
    for n in range(1, MAX_SLOT_WORDS + 1):
        if at + n > len(question):
            return
        yield from _spans(rest, question, at + n, (*filled, (head, question[at:at + n])))


def _fill(template: ExampleTemplate, values: dict[int, str], index: ValueIndex) -> str | None:
    """The template's SQL with each slot's words, as the database spells the value (None if a slot does not take
    them)."""
    spelled = {}
    for slot_no, text in values.items():
        slot = template.slots[slot_no]
        if slot.number:
            if not text.replace(" ", "").isdigit() or " " in text:
                return None
            spelled[slot_no] = text
            continue
        holders = _column_names(index, text)
        if not slot.columns or not holders or not holders <= slot.columns:
            return None
        value = index.spelling(text)
        quote = template.quotes[slot_no]
        spelled[slot_no] = quote + value.replace(quote, quote * 2) + quote
    return "".join(spelled[p] if isinstance(p, int) else p for p in template.sql)


def match_examples(question: str, templates: list[ExampleTemplate], index: ValueIndex) -> list[Reused]:
    """The SQL of the examples ``question`` matches up to their values, the one most examples give first."""
    words = tokenize(question)
    votes: Counter = Counter()
    first: dict[str, str] = {}
    for template in templates:
        for filled in _spans(template.words, words):
            sql = _fill(template, {slot: " ".join(part) for slot, part in filled}, index)
            if sql is not None:
                votes[sql] += 1
                first.setdefault(sql, template.example)
                break
    order = {sql: i for i, sql in enumerate(first)}
    return [Reused(sql, first[sql], n) for sql, n in sorted(votes.items(), key=lambda kv: (-kv[1], order[kv[0]]))]
