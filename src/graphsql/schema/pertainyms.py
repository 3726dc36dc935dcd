"""The proper nouns an adjective points to, from WordNet's pertainyms: ``french`` -> France, ``dutch`` ->
Netherlands, ``european`` -> Europe, ``texan`` -> Texas.

    >>> pertainyms()["french"]
    ('France',)

Value linking (`graphsql.schema.values.ValueIndex.lookup`, ``pertainyms=``) uses them so that "Which singers are
French?" finds the cell value ``France``: a question may name a value by what it is called in an adjective, a
little domain knowledge the database's cells do not spell out. Only nouns written with a capital (names of places,
peoples, languages) are kept, and a value is linked only when the database has it, which filters the rest (WordNet
also says ``english`` pertains to England and to English).

The table (about 900 adjectives) is built once from WordNet 3.0 (the ``lexicon`` extra; a few seconds) into the
cache (``~/.cache/graphsql/pertainyms-wordnet-3.0.json``); without the extra it is empty and linking goes on
without it.
"""

from __future__ import annotations

from graphsql.data.reword import load_wordnet, wordnet_table


def _build() -> dict[str, tuple[str, ...]]:
    wordnet = load_wordnet()
    table: dict[str, set[str]] = {}
    for pos in ("a", "s"):
        for synset in wordnet.all_synsets(pos):
            for lemma in synset.lemmas():
                for noun in lemma.pertainyms():
                    name = noun.name().replace("_", " ")
                    if name[:1].isupper():
                        table.setdefault(lemma.name().lower().replace("_", " "), set()).add(name)
    return {adjective: tuple(sorted(nouns)) for adjective, nouns in sorted(table.items())}


def pertainyms() -> dict[str, tuple[str, ...]]:
    """Lower-case adjective -> the proper nouns it pertains to (empty without WordNet)."""
    return wordnet_table("pertainyms-wordnet-3.0.json", _build, "pertainyms for value linking")
