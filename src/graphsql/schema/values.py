"""A value index over a database's text columns, for finding the cell values a question mentions.

    >>> index = build_value_index("database/concert_singer/concert_singer.sqlite")
    >>> index.lookup("How many singers are from France?")[0]
    ValueMatch(table='singer', column='Country', value='France', score=1.0)

The index is built once per database file (distinct text values per column, capped; long strings skipped)
and cached as JSON under ``cache_dir()/values/<db_id>-<path hash>-<state hash>.json``. The state hash
covers the file's size and mtime and the build settings, so a changed database file is re-read and the
stale cache file is removed.

Matching is case-insensitive on normalized text (lower case, punctuation to spaces): question n-grams
and quoted strings that equal a value score 1.0; n-grams within a typo of a value (rapidfuzz ratio at
least ``fuzzy_threshold``) score less. Numbers only match values that are themselves numbers, exactly,
with a low score, and not at all when they would hit too many columns.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from graphsql.config import cache_dir as default_cache_dir
from graphsql.data.sqlite import check_sqlite_file, connect_readonly

log = logging.getLogger(__name__)

INDEX_VERSION = 1
DEFAULT_MAX_VALUES_PER_COLUMN = 2000
DEFAULT_MAX_VALUE_LENGTH = 64
DEFAULT_MAX_ROWS_SCANNED = 200_000
MAX_NGRAM = 6  # values longer than this many tokens are matched only when quoted

# Function words that are never a value mention on their own (unless quoted).
STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or not no nor is are was were be been being am do does did
    has have had what which who whom whose when where why how many much all any each every some most more less
    than that this these those there their them they it its as if then else so such me my i we our you your he
    she his her him us per into out up down over under about after before between during give show list find
    tell return display name names number count total average sum max min maximum minimum least greatest
    highest lowest also both only same other""".split()
)
NUMERIC_SCORE = 0.5
MAX_NUMERIC_COLUMNS = 3
FUZZY_SCORE_CAP = 0.95
PLURAL_SCORE = 0.95  # "dogs" for the value "dog"
PERTAINYM_SCORE = 0.9  # "French" for the value "France" (graphsql.schema.pertainyms)
CONTAINS_SCORE = 0.8  # a quoted word found inside longer values
MAX_CONTAINING_VALUES = 20
_TOKEN_RE = re.compile(r"[^\W_]+")
_QUOTED_RE = re.compile(r"\"([^\"]{1,200})\"|“([^”]{1,200})”|(?<![a-z0-9])'([^']{1,200})'(?![a-z0-9])", re.I)
_NUMBER_RE = re.compile(r"^[0-9]+(?: [0-9]+)*$")
_TEXT_TYPES = ("char", "text", "clob", "string", "varchar")


def _fold(text: str) -> str:
    """Lower case without accents: ``"Ísland" -> "island"``."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def normalize_text(text: str) -> str:
    """Lower case, accents dropped, every run of non-alphanumerics to one space, trimmed:
    ``"St. Louis!" -> "st louis"``."""
    return " ".join(_TOKEN_RE.findall(_fold(text)))


def tokenize(text: str) -> list[str]:
    """Lower-cased, accent-free alphanumeric tokens of ``text``."""
    return _TOKEN_RE.findall(_fold(text))


IRREGULAR_PLURALS = {
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "feet": "foot",
    "mice": "mouse",
}


def singularize(word: str) -> str:
    """A rule-based singular form: ``countries -> country``, ``classes -> class``, ``singers -> singer``.
    Used on both sides of a comparison, so only consistency matters, not correctness."""
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word]
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def quoted_spans(text: str) -> list[str]:
    """Strings the question puts in quotes (double, curly, or single quotes not inside a word)."""
    return [next(g for g in m.groups() if g is not None) for m in _QUOTED_RE.finditer(text)]


@dataclass(frozen=True)
class ValueMatch:
    """A cell value of ``table.column`` that the question mentions; ``score`` is 1.0 for an exact match."""

    table: str
    column: str
    value: str
    score: float

    @property
    def key(self) -> tuple[str, str]:
        """Case-folded (table, column), like `Column.key`."""
        return (self.table.lower(), self.column.lower())


@dataclass(frozen=True)
class ValueIndex:
    """Distinct text values of one database: ``columns[i] = (table, column)``, ``values[i]`` its values."""

    db_id: str
    columns: tuple[tuple[str, str], ...]
    values: tuple[tuple[str, ...], ...]
    _by_norm: dict = field(init=False, repr=False, compare=False, hash=False)
    _postings: dict = field(init=False, repr=False, compare=False, hash=False)
    _vocab: list = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        by_norm: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for ci, vals in enumerate(self.values):
            for v in vals:
                norm = normalize_text(v)
                if norm:
                    by_norm[norm].append((ci, v))
        postings: dict[str, list[str]] = defaultdict(list)
        for norm in by_norm:
            for tok in set(norm.split()):
                if len(tok) >= 4 and not tok.isdigit():
                    postings[tok].append(norm)
        object.__setattr__(self, "_by_norm", dict(by_norm))
        object.__setattr__(self, "_postings", dict(postings))
        object.__setattr__(self, "_vocab", sorted(postings))

    def columns_holding(self, text: str) -> frozenset[tuple[str, str]]:
        """(table, column), lower-cased, of every column holding ``text`` (up to case, accents, punctuation)."""
        return frozenset((self.columns[ci][0].lower(), self.columns[ci][1].lower())
                         for ci, _value in self._by_norm.get(normalize_text(text), ()))

    def spelling(self, text: str) -> str:
        """``text`` as the database spells it (in the first column holding it); ``text`` itself where none does."""
        held = self._by_norm.get(normalize_text(text))
        return held[0][1] if held else text

    @property
    def num_values(self) -> int:
        return sum(len(v) for v in self.values)

    def lookup(self, question: str, fuzzy_threshold: float = 0.85, max_matches: int = 20,
               pertainyms: dict[str, tuple[str, ...]] | None = None) -> list[ValueMatch]:
        """Values mentioned in ``question``, best first (score, then longer value, then names).

        Exact n-gram or quoted-string matches score 1.0; a plural n-gram of a value 0.95; fuzzy ones
        ``ratio/100`` capped at 0.95; a quoted word inside longer values 0.8; numbers ``NUMERIC_SCORE``. One-letter and all-stopword n-grams are ignored unless quoted.
        ``pertainyms`` (adjective -> proper nouns): a word of the question that is no value itself but an
        adjective of a value (``french`` for ``France``) links that value, ``PERTAINYM_SCORE``.
        """
        best: dict[tuple[int, str], float] = {}

        def add(norm: str, score: float) -> None:
            for ci, original in self._by_norm.get(norm, ()):
                key = (ci, original)
                if score > best.get(key, 0.0):
                    best[key] = score

        for span in quoted_spans(question):
            norm = normalize_text(span)
            if norm in self._by_norm:
                add(norm, 1.0)
            elif norm:  # a quoted word inside longer values ("songs with 'Hey' in the title")
                pattern = re.compile(rf"(?:^| ){re.escape(norm)}(?: |$)")
                hits = [v for v in self._by_norm if pattern.search(v)]
                if len(hits) <= MAX_CONTAINING_VALUES:
                    for v in hits:
                        add(v, CONTAINS_SCORE)

        tokens = tokenize(question)
        numeric: list[str] = []
        for n in range(min(MAX_NGRAM, len(tokens)), 0, -1):
            for i in range(len(tokens) - n + 1):
                gram = tokens[i : i + n]
                if all(t in STOPWORDS for t in gram) or (n == 1 and len(gram[0]) < 2):
                    continue
                norm = " ".join(gram)
                if norm not in self._by_norm:
                    singular = " ".join([*gram[:-1], singularize(gram[-1])])
                    if singular != norm and singular in self._by_norm:
                        add(singular, PLURAL_SCORE)
                    continue
                if _NUMBER_RE.match(norm):
                    numeric.append(norm)
                else:
                    add(norm, 1.0)
        for norm in numeric:
            if len({ci for ci, _ in self._by_norm[norm]}) <= MAX_NUMERIC_COLUMNS:
                add(norm, NUMERIC_SCORE)
        for tok in set(tokens) if pertainyms else ():
            if tok in self._by_norm or tok in STOPWORDS:
                continue
            for noun in map(normalize_text, pertainyms.get(tok, ())):
                if noun in self._by_norm:
                    add(noun, PERTAINYM_SCORE)

        self._add_fuzzy(tokens, fuzzy_threshold, best)
        matches = [
            ValueMatch(self.columns[ci][0], self.columns[ci][1], value, round(score, 4))
            for (ci, value), score in best.items()
        ]
        matches.sort(key=lambda m: (-m.score, -len(m.value), m.table.lower(), m.column.lower(), m.value))
        return matches[:max_matches]

    def _add_fuzzy(self, tokens: list[str], threshold: float, best: dict) -> None:
        """Fuzzy matches: values sharing a near-identical long token with the question, compared with the
        question n-grams around that token."""
        if not self._vocab:
            return
        cutoff = threshold * 100
        seen: set[str] = set()
        for pos, tok in enumerate(tokens):
            if len(tok) < 4 or tok.isdigit() or tok in STOPWORDS:
                continue
            for vtok, _score, _idx in process.extract(
                tok, self._vocab, scorer=fuzz.ratio, score_cutoff=80, limit=8
            ):
                norms = self._postings[vtok]
                if len(norms) > 200:  # too common a word to say which value is meant
                    continue
                for norm in norms:
                    if norm in seen:
                        continue
                    k = norm.count(" ") + 1
                    if k > MAX_NGRAM:
                        continue
                    ratio = 0.0
                    for n in range(max(1, k - 1), k + 2):
                        for start in range(max(0, pos - n + 1), min(pos, len(tokens) - n) + 1):
                            gram = " ".join(tokens[start : start + n])
                            ratio = max(ratio, fuzz.ratio(gram, norm))
                    if ratio >= cutoff and ratio < 100:
                        seen.add(norm)
                        score = min(FUZZY_SCORE_CAP, ratio / 100)
                        for ci, original in self._by_norm[norm]:
                            key = (ci, original)
                            if score > best.get(key, 0.0):
                                best[key] = score

    def to_json(self) -> dict:
        return {
            "version": INDEX_VERSION,
            "db_id": self.db_id,
            "columns": [
                {"table": t, "column": c, "values": list(v)} for (t, c), v in zip(self.columns, self.values)
            ],
        }

    @classmethod
    def from_json(cls, data: dict) -> ValueIndex:
        cols = data["columns"]
        return cls(
            data["db_id"],
            tuple((c["table"], c["column"]) for c in cols),
            tuple(tuple(c["values"]) for c in cols),
        )


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_text_type(declared: str) -> bool:
    low = (declared or "").lower()
    return low == "" or any(t in low for t in _TEXT_TYPES)


def read_column_values(
    db_path: str | Path,
    max_values_per_column: int = DEFAULT_MAX_VALUES_PER_COLUMN,
    max_value_length: int = DEFAULT_MAX_VALUE_LENGTH,
    max_rows_scanned: int = DEFAULT_MAX_ROWS_SCANNED,
) -> list[tuple[str, str, tuple[str, ...]]]:
    """``(table, column, values)`` for every text-typed column: up to ``max_values_per_column`` distinct
    non-empty strings of at most ``max_value_length`` characters, from the first ``max_rows_scanned`` rows."""
    conn = connect_readonly(db_path)
    out = []
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            )
        ]
        for table in tables:
            for _cid, col, ctype, *_ in conn.execute(f"PRAGMA table_info({_quote_ident(table)})").fetchall():
                if not _is_text_type(ctype):
                    continue
                q = _quote_ident(col)
                sql = (
                    f"SELECT DISTINCT v FROM (SELECT {q} AS v FROM {_quote_ident(table)} LIMIT {int(max_rows_scanned)}) "
                    f"WHERE typeof(v) = 'text' AND length(v) BETWEEN 1 AND {int(max_value_length)} "
                    f"LIMIT {int(max_values_per_column)}"
                )
                try:
                    rows = conn.execute(sql).fetchall()
                except sqlite3.DatabaseError as err:
                    log.warning("%s: cannot read %s.%s (%s)", db_path, table, col, err)
                    continue
                values = tuple(sorted({r[0].strip() for r in rows if r[0] and r[0].strip()}))
                if values:
                    out.append((table, col, values))
    finally:
        conn.close()
    return out


def _cache_path(db_path: Path, db_id: str, cache_root: Path, settings: tuple) -> tuple[Path, str]:
    stat = db_path.stat()
    path_hash = hashlib.sha1(str(db_path.resolve()).encode()).hexdigest()[:8]
    state = json.dumps([INDEX_VERSION, stat.st_size, stat.st_mtime_ns, *settings])
    state_hash = hashlib.sha1(state.encode()).hexdigest()[:12]
    prefix = f"{db_id}-{path_hash}-"
    return cache_root / f"{prefix}{state_hash}.json", prefix


def build_value_index(
    db_path: str | Path,
    cache_dir: str | Path | None = None,
    max_values_per_column: int = DEFAULT_MAX_VALUES_PER_COLUMN,
    max_value_length: int = DEFAULT_MAX_VALUE_LENGTH,
    max_rows_scanned: int = DEFAULT_MAX_ROWS_SCANNED,
    db_id: str | None = None,
    use_cache: bool = True,
) -> ValueIndex:
    """The `ValueIndex` of the SQLite file ``db_path``, read from the cache when the file is unchanged.

    ``cache_dir`` defaults to ``graphsql.config.cache_dir() / "values"``. Raises DataError for a missing or
    unreadable database.
    """
    db_path = check_sqlite_file(db_path)
    db_id = db_id or db_path.stem
    settings = (max_values_per_column, max_value_length, max_rows_scanned)
    root = Path(cache_dir) if cache_dir is not None else default_cache_dir() / "values"
    cache_file, prefix = _cache_path(db_path, db_id, root, settings)
    if use_cache and cache_file.exists():
        try:
            return ValueIndex.from_json(json.loads(cache_file.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as err:
            log.warning("%s: unreadable value cache, rebuilding (%s)", cache_file, err)

    index = _index_of(db_id, read_column_values(db_path, *settings))
    if use_cache:
        _write_cache(index, cache_file, prefix)
    return index


def engine_value_index(
    db,
    max_values_per_column: int = DEFAULT_MAX_VALUES_PER_COLUMN,
    max_value_length: int = DEFAULT_MAX_VALUE_LENGTH,
    max_rows_scanned: int = DEFAULT_MAX_ROWS_SCANNED,
) -> ValueIndex:
    """The `ValueIndex` of a database by URL (`graphsql.data.engines.EngineDatabase`), read with the same bounds
    as a SQLite file's, by bounded read-only queries; not cached (a server's data change without a file date)."""
    return _index_of(db.db_id, db.column_values(max_values_per_column, max_value_length, max_rows_scanned))


def _index_of(db_id: str, cols: list[tuple[str, str, tuple[str, ...]]]) -> ValueIndex:
    """A `ValueIndex` from ``(table, column, values)`` triples, as `read_column_values` and
    `EngineDatabase.column_values` read them."""
    index = ValueIndex(db_id, tuple((t, c) for t, c, _ in cols), tuple(v for _, _, v in cols))
    log.info("value index of %s: %d columns, %d values", db_id, len(index.columns), index.num_values)
    return index


def _write_cache(index: ValueIndex, cache_file: Path, prefix: str) -> None:
    """Write atomically, then drop older cache files of the same database path."""
    root = cache_file.parent
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=root, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(index.to_json(), fh, ensure_ascii=False)
        os.replace(tmp, cache_file)
    except OSError as err:
        log.warning("%s: cannot write value cache (%s)", cache_file, err)
        return
    for old in root.glob(f"{glob_escape(prefix)}*.json"):
        if old != cache_file and re.fullmatch(re.escape(prefix) + r"[0-9a-f]{12}\.json", old.name):
            try:
                old.unlink()
            except OSError:
                pass


def glob_escape(text: str) -> str:
    """``text`` with glob metacharacters escaped."""
    return re.sub(r"([*?\[])", r"[\1]", text)
