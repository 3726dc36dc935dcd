"""Tokens for the seq2seq baseline: question words, schema items, and SQL as keywords or copies.

    >>> vocab = build_vocab(examples, schemas, min_count=2)
    >>> enc = encode_example(example, schemas[example.db_id], vocab)   # input ids, schema items, target steps
    >>> render_sql([("kw", "select"), ("item", 3), ...], enc.items, enc.question_tokens)

The encoder reads ``[question tokens ; <sep> ; schema items]``. A schema item is one table or one column of the
example's database (columns are ``table.column`` items); its input is the bag of words of its name. The decoder
emits SQL one step at a time: either a word of the small output vocabulary (keywords, operators, aliases
``t1``..., frequent values) or a copy of an input position (a schema item, or a question word for values).
String literals are written as ``<v> word ... </v>`` so a value can be copied word by word from the question.
Column items render as their bare column name (``t1 . name`` -> ``t1.name``); qualifiers are aliases or tables.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from graphsql.data.records import DbSchema, Example

PAD, UNK, BOS, EOS, SEP = "<pad>", "<unk>", "<s>", "</s>", "<sep>"
VALUE_OPEN, VALUE_CLOSE = "<v>", "</v>"
SPECIALS = (PAD, UNK, BOS, EOS, SEP)
OUT_SPECIALS = (PAD, UNK, BOS, EOS, VALUE_OPEN, VALUE_CLOSE)

SQL_KEYWORDS = frozenset(
    "select from where group by order having limit join on as and or not in like between is null distinct desc "
    "asc union intersect except count avg sum min max exists case when then else end cast inner left outer cross "
    "natural using all any".split()
)
SQL_SYMBOLS = ("(", ")", ",", ".", "*", "=", ">", "<", ">=", "<=", "!=", "-", "+", "/", "%", "1")
_SQL_TOKEN = re.compile(
    r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\d+\.\d+|\d+|[A-Za-z_][A-Za-z0-9_]*|>=|<=|!=|<>|==|\|\||[^\sA-Za-z0-9_]"""
)
_WORD = re.compile(r"\w+|[^\w\s]")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# Item kinds (input type embedding ids).
QUESTION, SEPARATOR, TABLE, COLUMN = 0, 1, 2, 3


@dataclass(frozen=True)
class SchemaItem:
    """One copyable schema item: a table (``column`` empty) or a column of a table."""

    table: str
    column: str = ""

    @property
    def is_table(self) -> bool:
        return not self.column

    @property
    def key(self) -> tuple[str, str]:
        return (self.table.lower(), self.column.lower())


@dataclass(frozen=True)
class Vocab:
    """Input words (question and schema-name words, lower-cased) and output words (SQL keywords, operators,
    aliases, frequent values)."""

    in_words: tuple[str, ...]
    out_words: tuple[str, ...]

    def __post_init__(self):
        object.__setattr__(self, "_in_index", {w: i for i, w in enumerate(self.in_words)})
        object.__setattr__(self, "_out_index", {w: i for i, w in enumerate(self.out_words)})

    def in_id(self, word: str) -> int:
        return self._in_index.get(word.lower(), 1)

    def out_id(self, word: str) -> int | None:
        """Output id of ``word`` (exact spelling: keywords are stored lower-case, values as written), or None."""
        return self._out_index.get(word)

    def to_json(self) -> dict:
        return {"in_words": list(self.in_words), "out_words": list(self.out_words)}

    @classmethod
    def from_json(cls, data: Mapping) -> Vocab:
        return cls(tuple(data["in_words"]), tuple(data["out_words"]))


def save_vocab(vocab: Vocab, path: str | Path) -> Path:
    """Write ``vocab.json``."""
    path = Path(path)
    path.write_text(json.dumps(vocab.to_json(), indent=0), encoding="utf-8")
    return path


def load_vocab(path: str | Path) -> Vocab:
    return Vocab.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


def tokenize_question(question: str) -> list[str]:
    """Words and punctuation marks, original case kept (copies render in the question's spelling)."""
    return _WORD.findall(question)


def name_words(name: str, natural: str = "") -> list[str]:
    """The lower-case words of a schema name: its natural name if given, else snake/camel case split."""
    text = natural or _CAMEL.sub(" ", name).replace("_", " ")
    return [w.lower() for w in _WORD.findall(text)] or [name.lower()]


def schema_items(schema: DbSchema) -> list[SchemaItem]:
    """Tables and columns in declaration order: each table followed by its columns."""
    out = []
    for table in schema.tables:
        out.append(SchemaItem(table.name))
        out.extend(SchemaItem(table.name, col.name) for col in table.columns)
    return out


def item_words(item: SchemaItem, schema: DbSchema) -> list[str]:
    table = schema.table(item.table)
    if item.is_table:
        return name_words(table.name, table.natural_name)
    col = table.column(item.column)
    return name_words(col.name, col.natural_name)


def tokenize_sql(sql: str) -> list[str]:
    """SQL tokens: quoted literals whole, numbers, identifiers, operators, punctuation."""
    return _SQL_TOKEN.findall(sql.strip().rstrip(";"))


def _alias_tables(tokens: Sequence[str], tables: set[str]) -> dict[str, list[str]]:
    """alias (lower) -> table names (lower) it is bound to anywhere in the query (``singer AS T1``)."""
    out: dict[str, list[str]] = {}
    for i in range(len(tokens) - 2):
        if tokens[i].lower() in tables and tokens[i + 1].lower() == "as":
            out.setdefault(tokens[i + 2].lower(), []).append(tokens[i].lower())
    return out


def _query_tables(tokens: Sequence[str], tables: set[str]) -> list[str]:
    """Tables named after FROM or JOIN (lower), in order."""
    return [
        t.lower()
        for i, t in enumerate(tokens)
        if i and tokens[i - 1].lower() in ("from", "join") and t.lower() in tables
    ]


def sql_to_steps(sql: str, schema: DbSchema) -> list[tuple[str, object]]:
    """Gold SQL -> decoder steps: ``("kw", word)``, ``("item", SchemaItem)`` or ``("value", word)`` (a word of a
    string literal or a number, copied from the question when it is there)."""
    tokens = tokenize_sql(sql)
    tables = {t.name.lower(): t for t in schema.tables}
    columns_of = {name: {c.name.lower(): c for c in t.columns} for name, t in tables.items()}
    aliases = _alias_tables(tokens, set(tables))
    in_query = _query_tables(tokens, set(tables))
    steps: list[tuple[str, object]] = []
    for i, tok in enumerate(tokens):
        low = tok.lower()
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok[0] in "'\"" and not (tok[0] == '"' and tok[1:-1].lower() in tables):
            quote = tok[0]
            words = _WORD.findall(tok[1:-1].replace(quote * 2, quote))
            steps.append(("kw", VALUE_OPEN))
            steps.extend(("value", w) for w in words)
            steps.append(("kw", VALUE_CLOSE))
            continue
        if tok[0] in '`"':  # quoted identifier
            tok, low = tok[1:-1], tok[1:-1].lower()
        if tok[0].isdigit():
            steps.append(("value", tok))
            continue
        if not (tok[0].isalpha() or tok[0] == "_"):
            steps.append(("kw", low))
            continue
        if prev == ".":  # column after a qualifier
            qual = tokens[i - 2].lower() if i >= 2 else ""
            candidates = [qual] if qual in tables else aliases.get(qual, [])
            owner = next((t for t in candidates if low in columns_of[t]), None)
            owner = owner or next((t for t in in_query if low in columns_of[t]), None)
            owner = owner or next((t for t in tables if low in columns_of[t]), None)
            if owner is None:
                steps.append(("kw", low))
            else:
                steps.append(("item", SchemaItem(tables[owner].name, columns_of[owner][low].name)))
            continue
        if low in SQL_KEYWORDS and nxt != ".":
            steps.append(("kw", low))
            continue
        if low in tables and prev.lower() != "as":
            steps.append(("item", SchemaItem(tables[low].name)))
            continue
        if nxt == "." or prev.lower() == "as":  # alias use or definition
            steps.append(("kw", low))
            continue
        owner = next((t for t in in_query if low in columns_of[t]), None)
        owner = owner or next((t for t in tables if low in columns_of[t]), None)
        if owner is not None:
            steps.append(("item", SchemaItem(tables[owner].name, columns_of[owner][low].name)))
        else:
            steps.append(("kw", low))
    return steps


def build_vocab(
    examples: Sequence[Example],
    schemas: Mapping[str, DbSchema],
    min_count: int = 2,
    max_in: int = 20000,
    max_out: int = 2000,
) -> Vocab:
    """Input words seen ``min_count`` times in questions and schema names; output words seen ``min_count`` times
    in the gold SQL (keywords always). Values present in the question are copied, so they are not counted."""
    in_counts: Counter = Counter()
    out_counts: Counter = Counter()
    for db_id in sorted({e.db_id for e in examples}):
        schema = schemas[db_id]
        for item in schema_items(schema):
            in_counts.update(item_words(item, schema))
    for ex in examples:
        q_words = tokenize_question(ex.question)
        in_counts.update(w.lower() for w in q_words)
        q_lower = {w.lower() for w in q_words}
        for kind, val in sql_to_steps(ex.gold_sql, schemas[ex.db_id]):
            if kind == "kw":
                out_counts[val] += 1
            elif kind == "value" and str(val).lower() not in q_lower:
                out_counts[str(val)] += 1
    in_words = list(SPECIALS) + [
        w for w, c in in_counts.most_common(max_in) if c >= min_count and w not in SPECIALS
    ]
    forced = sorted(SQL_KEYWORDS) + list(SQL_SYMBOLS)
    kept = [
        w
        for w, c in out_counts.most_common(max_out)
        if c >= min_count and w not in OUT_SPECIALS and w not in forced
    ]
    return Vocab(tuple(in_words), tuple(list(OUT_SPECIALS) + forced + kept))


@dataclass(frozen=True)
class EncodedExample:
    """Model inputs of one question and, when gold SQL is given, its decoder targets.

    ``inputs``: one list of input-word ids per encoder position (a question word, <sep>, or an item's name
    words); ``owners``: for a column, the words of its table's name; ``kinds``: QUESTION/SEPARATOR/TABLE/COLUMN per position; ``items``: the SchemaItem at each position
    (None for question words); ``targets``: per decoder step, (output id or None, copy positions) — any of them
    is correct; ``feeds``: per step, what the next step reads (("out", id) or ("pos", position))."""

    db_id: str
    question_tokens: tuple[str, ...]
    inputs: tuple[tuple[int, ...], ...]
    kinds: tuple[int, ...]
    items: tuple[SchemaItem | None, ...]
    targets: tuple[tuple[int | None, tuple[int, ...]], ...] = ()
    feeds: tuple[tuple[str, int], ...] = ()
    owners: tuple[tuple[int, ...], ...] = ()  # per position: the name words of a column's table, else ()


def encode_example(
    example: Example, schema: DbSchema, vocab: Vocab, with_target: bool = True, max_question: int = 60
) -> EncodedExample:
    """Encoder input of ``example`` over ``schema``, and decoder targets from its gold SQL (if asked and present)."""
    q_tokens = tokenize_question(example.question)[:max_question]
    inputs: list[tuple[int, ...]] = [(vocab.in_id(w),) for w in q_tokens]
    kinds = [QUESTION] * len(q_tokens)
    items: list[SchemaItem | None] = [None] * len(q_tokens)
    inputs.append((vocab.in_id(SEP),))
    kinds.append(SEPARATOR)
    items.append(None)
    owners: list[tuple[int, ...]] = [()] * len(inputs)
    for item in schema_items(schema):
        inputs.append(tuple(vocab.in_id(w) for w in item_words(item, schema)))
        kinds.append(TABLE if item.is_table else COLUMN)
        items.append(item)
        owner = () if item.is_table else item_words(SchemaItem(item.table), schema)
        owners.append(tuple(vocab.in_id(w) for w in owner))
    enc = EncodedExample(
        example.db_id, tuple(q_tokens), tuple(inputs), tuple(kinds), tuple(items), owners=tuple(owners)
    )
    if not with_target or not example.gold_sql:
        return enc
    item_pos = {it.key: i for i, it in enumerate(items) if it is not None}
    q_pos: dict[str, list[int]] = {}
    for i, w in enumerate(q_tokens):
        q_pos.setdefault(w.lower(), []).append(i)
    targets, feeds = [], []
    for kind, val in sql_to_steps(example.gold_sql, schema) + [("kw", EOS)]:
        if kind == "item":
            pos = item_pos[val.key]
            targets.append((None, (pos,)))
            feeds.append(("pos", pos))
            continue
        word = str(val)
        out = vocab.out_id(word)
        copies = tuple(q_pos.get(word.lower(), ())) if kind == "value" else ()
        if out is None and not copies:
            out = vocab.out_id(UNK)
        targets.append((out, copies))
        feeds.append(("out", out) if out is not None else ("pos", copies[0]))
    return replace(enc, targets=tuple(targets), feeds=tuple(feeds))


def feed_for(choice: tuple[str, int], enc: EncodedExample, vocab: Vocab) -> tuple[str, int]:
    """What the decoder reads after emitting ``choice`` — the same rule `encode_example` uses for the gold:
    a schema item feeds its position; a question word feeds its output id when it has one, else its position."""
    kind, idx = choice
    if kind == "pos" and enc.items[idx] is None:
        out = vocab.out_id(enc.question_tokens[idx])
        if out is not None:
            return ("out", out)
    return choice


def _quote_ident(name: str) -> str:
    return (
        name
        if _IDENT.match(name) and name.lower() not in SQL_KEYWORDS
        else '"' + name.replace('"', '""') + '"'
    )


def _join_value(words: Sequence[str]) -> str:
    out = ""
    for w in words:
        if out and (w[0].isalnum() and out[-1].isalnum()):
            out += " "
        out += w
    return "'" + out.replace("'", "''") + "'"


def render_sql(choices: Sequence[tuple[str, int]], enc: EncodedExample, vocab: Vocab) -> str:
    """Decoder choices (("out", id) or ("pos", position)) -> SQL text. Column items render as bare column
    names, tables as table names, ``<v> ... </v>`` as one quoted literal; an unclosed literal is closed."""
    parts: list[str] = []
    value: list[str] | None = None
    for kind, idx in choices:
        if kind == "out":
            word = vocab.out_words[idx]
            if word in (EOS, PAD, BOS):
                break
            if word == VALUE_OPEN:
                value = []
                continue
            if word == VALUE_CLOSE:
                if value is not None:
                    parts.append(_join_value(value))
                value = None
                continue
            if word == UNK:
                word = "1" if value is None else "?"
        else:
            item = enc.items[idx]
            if item is None:
                word = enc.question_tokens[idx]
            else:
                word = _quote_ident(item.table if item.is_table else item.column)
        if value is not None:
            value.append(word)
        else:
            parts.append(word)
    if value is not None:
        parts.append(_join_value(value))
    text = " ".join(parts)
    text = re.sub(r"\s*\.\s*(?=[A-Za-z_\"])", ".", text)
    text = re.sub(r"\b(count|avg|sum|min|max) \(", r"\1(", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+\)", ")", text)
    text = re.sub(r"\s+,", ",", text)
    return text
