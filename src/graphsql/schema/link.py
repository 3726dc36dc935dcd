"""Schema linking: score every table and column of a schema by how strongly a question points at it.

    >>> result = link_schema("How many singers are from France?", schema, value_index)
    >>> result.top_tables(2)                     # ['singer', 'singer_in_concert']

Signals, all deterministic:

* question words against table and column names: identifiers are split (snake_case, camelCase), Spider's
  natural names and BIRD's descriptions are used as extra phrasings, and words are reduced to a singular
  form by simple rules (``countries -> country``, ``singers -> singer``);
* near-identical words (rapidfuzz ratio >= 85) and prefixes (``nation`` / ``nationality``) count for less;
* with ``synonyms`` (`graphsql.schema.synonyms`), a question word that shares a common WordNet sense with a
  schema word (``vocalist`` / ``singer``) counts for less still;
* words common to many tables (``name``, ``id``) weigh less than rare ones;
* cell values the question mentions (`ValueIndex.lookup`) boost their column and table;
* a table's score combines its own name's score with its best columns' scores (noisy-OR), so scores
  stay in [0, 1].

BIRD's ``evidence`` text is read along with the question. Keys are case-folded: tables by lower-cased
name, columns as ``(table, column)`` like `Column.key`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from graphsql.data.records import Column, DbSchema, Table
from graphsql.schema.values import STOPWORDS, ValueIndex, ValueMatch, normalize_text, singularize, tokenize

# Words that carry no schema meaning on either side.
LINK_STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or not is are was were be been do does did has have had
    what which who whom whose when where why how many much all any each every some me my i we our you your it
    its as if that this these those there their them they than then so give show list find tell return
    display please""".split()
)
MAX_PHRASE = 6
FUZZY_CUTOFF = 85
DESCRIPTION_WEIGHT = 0.5
VALUE_COLUMN_WEIGHT = 0.9  # a matched value's score, scaled, counts as evidence for its column
TABLE_COLUMN_WEIGHTS = (0.8, 0.3, 0.15)  # the table's best, second and third column scores, scaled
TABLE_VALUE_WEIGHT = 0.5  # the table's best value match, scaled
SYNONYM_SIMILARITY = 0.7  # a question word that is a WordNet synonym of the schema word (below a shared prefix)
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def split_identifier(name: str) -> list[str]:
    """Words of an identifier, lower-cased: ``Song_release_year -> [song, release, year]``,
    ``CustomerID -> [customer, id]``, ``AvgScrMath -> [avg, scr, math]``."""
    words = []
    for part in re.split(r"[^0-9A-Za-z]+", name):
        words.extend(w.lower() for w in _CAMEL_RE.findall(part))
    return words


def _lemmas(words: list[str]) -> tuple[str, ...]:
    return tuple(singularize(w) for w in words)


@dataclass(frozen=True)
class LinkResult:
    """Scores in [0, 1] for every table (lower-cased name) and column (``Column.key``), in schema order,
    and the value matches that contributed."""

    table_scores: dict[str, float] = field(hash=False)
    column_scores: dict[tuple[str, str], float] = field(hash=False)
    matched_values: tuple[ValueMatch, ...] = ()

    def top_tables(self, k: int) -> list[str]:
        """The ``k`` best-scoring tables, best first; ties keep schema order."""
        return _ranked(self.table_scores)[:k]

    def linked_tables(self, threshold: float = 0.5) -> list[str]:
        """Tables scoring at least ``threshold``, best first."""
        return [t for t in _ranked(self.table_scores) if self.table_scores[t] >= threshold]

    def top_columns(self, k: int) -> list[tuple[str, str]]:
        """The ``k`` best-scoring columns as ``(table, column)`` keys, best first; ties keep schema order."""
        return _ranked(self.column_scores)[:k]


def _ranked(scores: dict) -> list:
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores, key=lambda key: (-scores[key], order[key]))


def _forms(
    name: str, natural_name: str, description: str
) -> list[tuple[tuple[str, ...], float, bool | None]]:
    """(lemmatized words, weight, is_description) phrasings of one schema element; ``is_description`` is
    None for the one-word spelling of a multi-word name, which only counts when the question has it exactly."""
    forms = []
    seen = set()
    for text, weight, is_desc in (
        (name, 1.0, False),
        (natural_name, 1.0, False),
        (description, DESCRIPTION_WEIGHT, True),
    ):
        if not text:
            continue
        words = split_identifier(text) if not is_desc else tokenize(text)
        words = [w for w in words if w not in LINK_STOPWORDS]
        lem = _lemmas(words)
        if lem and lem not in seen:
            seen.add(lem)
            forms.append((lem, weight, is_desc))
        compact = "".join(tokenize(text))
        if not is_desc and len(lem) > 1 and compact:  # "DisplayName" written as one word in BIRD evidence
            forms.append(((singularize(compact),), weight, None))  # None: exact match only
    return forms


class _Question:
    """Lemmas and n-grams of a question, with cached word similarities."""

    def __init__(self, text: str, synonyms: dict[str, tuple[str, ...]] | None = None,
                 schema_words: frozenset[str] = frozenset()):
        words = [w for w in tokenize(text) if w not in LINK_STOPWORDS]
        self.lemmas = _lemmas(words)
        self.lemma_set = frozenset(self.lemmas)
        self.synonyms = synonyms or {}
        # a question word the schema spells itself ("area") links there, never as another word's synonym
        self.free_lemmas = self.lemma_set - schema_words
        self.ngrams = {
            self.lemmas[i : i + n] for n in range(1, MAX_PHRASE + 1) for i in range(len(self.lemmas) - n + 1)
        }
        self._sim: dict[str, float] = {}

    def word_similarity(self, word: str) -> float:
        """1.0 if the question has ``word``; 0.75 for a shared prefix of >= 4 letters covering most of the
        longer word; ``0.85 * ratio`` for a near-identical word (ratio >= 85); `SYNONYM_SIMILARITY` for a
        synonym (when the question was read with ``synonyms``); else 0."""
        cached = self._sim.get(word)
        if cached is not None:
            return cached
        if word in self.lemma_set:
            best = 1.0
        else:
            best = 0.0
            if len(word) >= 4 and not word.isdigit():
                for q in self.lemma_set:
                    if len(q) < 4 or q.isdigit():
                        continue
                    short, long_ = (word, q) if len(word) <= len(q) else (q, word)
                    if long_.startswith(short) and len(short) >= 0.5 * len(long_):
                        best = max(best, 0.75)
                    ratio = fuzz.ratio(word, q)
                    if ratio >= FUZZY_CUTOFF:
                        best = max(best, 0.85 * ratio / 100)
            if best < SYNONYM_SIMILARITY and any(s in self.free_lemmas for s in self.synonyms.get(word, ())):
                best = SYNONYM_SIMILARITY
        self._sim[word] = best
        return best


def _name_lemmas(*names: str) -> frozenset[str]:
    """The words of schema names as linking compares them: split (`split_identifier`) and made singular."""
    return frozenset(w for name in names for w in _lemmas(split_identifier(name or "")))


def table_lemmas(table: Table, natural_name: bool = False) -> frozenset[str]:
    """A table's words: its name's and its columns' names and natural names (`_name_lemmas`); with
    ``natural_name`` also the table's natural name's."""
    return _name_lemmas(table.name, *(n for c in table.columns for n in (c.name, c.natural_name)),
                        *((table.natural_name,) if natural_name else ()))


def schema_lemmas(schema: DbSchema) -> frozenset[str]:
    """Every word of the schema as linking compares them (`table_lemmas`, table natural names included): a
    question word among them is the schema's own word, never another word's synonym."""
    return frozenset().union(*(table_lemmas(t, natural_name=True) for t in schema.tables))


def typed_values(question: str, matches: Sequence[ValueMatch], schema: DbSchema) -> tuple[ValueMatch, ...]:
    """``matches`` without those a word next to the value rules out: of a value that several columns hold, only the
    matches in the columns whose name has the word the question puts beside it ("the colorado river" ->
    river.river_name, not state.state_name; "the city of Anthony" -> airports.City, not airports.AirportName). The
    word beside it: the one after the value, the one before, or the one before "of" ("the state of nevada").
    A value one column holds, and a value whose neighbours name none of its columns, keep every match."""
    natural = {c.key: c.natural_name for t in schema.tables for c in t.columns}
    raw = tokenize(question)
    words = [singularize(w) for w in raw]
    by_value: dict[str, list[ValueMatch]] = {}
    for m in matches:
        by_value.setdefault(normalize_text(m.value), []).append(m)
    dropped: set[ValueMatch] = set()
    for value, ms in by_value.items():
        tokens = value.split()
        if len({m.key for m in ms}) < 2 or not tokens:
            continue
        names = {m.key: _name_lemmas(m.column, natural.get(m.key, "")) for m in ms}
        for i in (i for i in range(len(raw) - len(tokens) + 1) if raw[i : i + len(tokens)] == tokens):
            end = i + len(tokens)
            beside = ([words[end]] if end < len(words) else []) + ([words[i - 1]] if i >= 1 else []) + (
                [words[i - 2]] if i >= 2 and raw[i - 1] == "of" else [])
            kept = next((k for k in ([m for m in ms if w in names[m.key]] for w in beside if w not in STOPWORDS)
                         if k), None)
            if kept and len(kept) < len(ms):
                dropped.update(m for m in ms if m not in kept)
                break
    return tuple(m for m in matches if m not in dropped)


def _word_weights(schema: DbSchema) -> dict[str, float]:
    """IDF-like weight per schema word: 1 for a word in one table, less for words many tables share."""
    df: dict[str, int] = {}
    for table in schema.tables:
        for w in table_lemmas(table):
            df[w] = df.get(w, 0) + 1
    return {w: 1.0 / (1.0 + math.log(n)) for w, n in df.items()}


def _phrase_score(
    words: tuple[str, ...], is_description: bool | None, question: _Question, weights: dict[str, float]
) -> float:
    """How well the question covers one phrasing, in [0, 1], scaled by how specific its words are.
    Numbers alone never link (a question's "3" is not the column ``A3``)."""
    if not is_description and words in question.ngrams:
        if all(w.isdigit() for w in words):
            return 0.0
        coverage = 1.0
    elif is_description is None:
        return 0.0
    else:
        sims = [question.word_similarity(w) for w in words]
        if not any(s > 0 and not w.isdigit() for w, s in zip(words, sims)):
            return 0.0
        denom = min(len(words), 4) if is_description else len(words)
        coverage = min(1.0, sum(sims) / denom)
    specificity = max(weights.get(w, 1.0) for w in words)
    return coverage * (0.5 + 0.5 * specificity)


def _element_score(forms, question: _Question, weights: dict[str, float]) -> float:
    return max(
        (weight * _phrase_score(words, is_desc, question, weights) for words, weight, is_desc in forms),
        default=0.0,
    )


def _noisy_or(parts) -> float:
    miss = 1.0
    for p in parts:
        miss *= 1.0 - min(1.0, max(0.0, p))
    return 1.0 - miss


def link_schema(
    question: str,
    schema: DbSchema,
    value_index: ValueIndex | None = None,
    evidence: str = "",
    max_value_matches: int = 20,
    pertainyms: bool = False,
    synonyms: bool = False,
    typed: bool = False,
) -> LinkResult:
    """Score every table and column of ``schema`` for ``question`` (plus BIRD ``evidence``, if any).

    ``value_index`` (from `build_value_index` on the same database) adds cell-value matches; with ``pertainyms``
    also values an adjective of the question points to (French -> France: `graphsql.schema.pertainyms`); with
    ``synonyms`` question words link to the schema words they are WordNet synonyms of (`graphsql.schema.synonyms`);
    with ``typed`` a value's matches in columns the word beside it rules out are dropped (`typed_values`).
    Returns a `LinkResult`; the schema is not changed.
    """
    text = f"{question} {evidence}".strip()
    weights = _word_weights(schema)
    if synonyms:
        from graphsql.schema.synonyms import synonyms as synonym_table

        q = _Question(text, synonym_table(), schema_lemmas(schema))
    else:
        q = _Question(text)
    matches: tuple[ValueMatch, ...] = ()
    if value_index is not None:
        from graphsql.schema.pertainyms import pertainyms as table

        matches = tuple(value_index.lookup(text, max_matches=max_value_matches,
                                           pertainyms=table() if pertainyms else None))
        if typed:
            matches = typed_values(question, matches, schema)
    value_by_column: dict[tuple[str, str], float] = {}
    for m in matches:
        value_by_column[m.key] = max(value_by_column.get(m.key, 0.0), m.score)

    column_scores: dict[tuple[str, str], float] = {}
    table_scores: dict[str, float] = {}
    for table in schema.tables:
        name_score = _element_score(_forms(table.name, table.natural_name, table.description), q, weights)
        col_scores = []
        for col in table.columns:
            score = _column_score(col, q, weights)
            vscore = value_by_column.get(col.key, 0.0)
            score = _noisy_or((score, VALUE_COLUMN_WEIGHT * vscore))
            column_scores[col.key] = round(score, 6)
            col_scores.append(score)
        table_scores[table.name.lower()] = round(
            _table_score(table, name_score, col_scores, value_by_column), 6
        )
    return LinkResult(table_scores, column_scores, matches)


def _column_score(col: Column, q: _Question, weights: dict[str, float]) -> float:
    return _element_score(_forms(col.name, col.natural_name, col.description), q, weights)


def _table_score(table: Table, name_score: float, col_scores: list[float], value_by_column: dict) -> float:
    """Noisy-OR of the table's own name score, its three best columns (decreasing weight) and its best
    value match."""
    best = sorted(col_scores, reverse=True)[:3]
    parts = [name_score] + [w * s for w, s in zip(TABLE_COLUMN_WEIGHTS, best)]
    vbest = max((value_by_column.get(c.key, 0.0) for c in table.columns), default=0.0)
    parts.append(TABLE_VALUE_WEIGHT * vbest)
    return _noisy_or(parts)
