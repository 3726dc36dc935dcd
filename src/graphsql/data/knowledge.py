"""Rule-based rewording that makes a question need a little domain knowledge, after the kinds of Spider-DK
(Gan et al., 2021): the same gold SQL, the question no longer says outright what the query compares, orders by
or returns.

    >>> reword_knowledge("How many singers are from France?", 'SELECT count(*) FROM singer WHERE country = "France"')
    KnowledgeRewording(question='How many singers are French?', changes=(('are from France', 'are French'),),
                       rules=('value',))

The rules, all of them (written against Spider train; nothing here was tuned on Spider dev):

1. ``value``: a country or continent the gold query compares with (one of its string literals) is named by
   what one has to know about it. Countries come from the ``countryinfo`` package (its names and spellings
   longer than three letters: codes such as ``PHL`` name cities too; ``Georgia``, a US state too, is left
   out): "<be> from <country>" becomes "<be> <demonym>" (``are
   from France`` -> ``are French``), any other mention "the country whose capital is <capital>" (``Aruba`` ->
   ``the country whose capital is Oranjestad``); a continent becomes "the <adjective> continent" (`CONTINENTS`).
   A leading "the", "(the) country (of|named|called)" or "(the) continent (of)" and quotes around the value
   go with it.
2. ``order``: a quantity that has its own adjectives (`QUANTITIES`: age -> oldest / youngest, price -> most
   expensive / cheapest, ...) that the gold query orders by or takes the extreme of (a column whose name has
   the word) is no longer named: "in descending order of age" and "ordered by age desc" become "from the oldest
   to the youngest", "with the highest age" becomes "that is the oldest", "has the lowest price" "is the
   cheapest". A phrase where the quantity is followed by "of" (``the age of the host``) or qualified (``the
   highest average price``) is kept; a bare "ordered by <quantity>" (then punctuation, "and" or the end) takes the gold query's direction.
3. ``omit_name``: when the gold query returns one column and it is a name (``name`` or ``..._name``), "the
   name(s) of" is dropped (``List the names of all singers`` -> ``List all singers``): which column stands for
   an entity is left to the model, as Spider-DK's omitted column mentions do.

Every rule that applies is applied (no randomness); a question no rule applies to is kept as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from graphsql.data.reword import Rewording

KNOWLEDGE_RULES = ("value", "order", "omit_name")

CONTINENTS = {"europe": "European", "asia": "Asian", "africa": "African", "north america": "North American",
              "south america": "South American", "oceania": "Oceanian", "antarctica": "Antarctic"}

# a quantity named by a column word -> (its superlative at the high end, at the low end)
QUANTITIES = {
    "age": ("oldest", "youngest"),
    "price": ("most expensive", "cheapest"),
    "cost": ("most expensive", "cheapest"),
    "height": ("tallest", "shortest"),
    "weight": ("heaviest", "lightest"),
    "population": ("most populous", "least populous"),
    "salary": ("best paid", "worst paid"),
    "speed": ("fastest", "slowest"),
    "length": ("longest", "shortest"),
}
_HIGH = "highest|greatest|largest|biggest|maximum|max|most|top"
_LOW = "lowest|smallest|least|minimum|min|fewest"
_BE = "is|are|was|were"
AMBIGUOUS = ("georgia",)  # a country and a US state


@dataclass(frozen=True)
class KnowledgeRewording(Rewording):
    """A `Rewording` and the rules (`KNOWLEDGE_RULES`) that changed it, in that order, each once."""

    rules: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _countryinfo() -> tuple[tuple[str, tuple[str, ...], str, str], ...]:
    """(name, alternative spellings, demonym, capital) of each country of the ``countryinfo`` package."""
    try:
        import countryinfo
    except ImportError as err:  # the lexicon extra
        from graphsql.errors import ConfigError

        raise ConfigError("country names need countryinfo: pip install 'graphsql[lexicon]'") from err
    return tuple((c.name(), tuple(c.alt_spellings() or ()), c.demonym() or "", c.capital() or "")
                 for c in countryinfo.all_countries() if c.name())


@lru_cache(maxsize=1)
def countries() -> dict[str, tuple[str, str]]:
    """Lower-case country name or spelling (longer than three letters) -> (demonym, capital)."""
    out: dict[str, tuple[str, str]] = {}
    for name, spellings, demonym, capital in _countryinfo():
        out.setdefault(name.lower(), (demonym, capital))
        for spelling in spellings:
            if re.fullmatch(r"[A-Za-z][A-Za-z .'-]+", spelling) and len(spelling) > 3:
                out.setdefault(spelling.lower(), (demonym, capital))
    for name in AMBIGUOUS:
        out.pop(name, None)
    return out


@lru_cache(maxsize=1)
def country_spellings() -> dict[str, str]:
    """Lower-case name, spelling of three letters or more (``usa``, ``fra``, ``french republic``) or demonym
    (``french``) -> the country's name; a demonym of two countries (``dominican``) is left out."""
    out: dict[str, str] = {}
    demonyms: dict[str, set[str]] = {}
    for name, spellings, demonym, _ in _countryinfo():
        for spelling in (name, *spellings):
            if re.fullmatch(r"[A-Za-z][A-Za-z .'-]+", spelling) and len(spelling) >= 3:
                out.setdefault(spelling.lower(), name)
        if demonym:
            demonyms.setdefault(demonym.lower(), set()).add(name)
    for demonym, names in demonyms.items():
        if len(names) == 1:
            out.setdefault(demonym, names.pop())
    for name in AMBIGUOUS:
        out.pop(name, None)
    return out


def _gold_facts(gold: str) -> tuple[set[str], dict[str, str | None], bool]:
    """The gold query's string literals (lower case), its quantity words -> order direction ("asc", "desc", or
    None when it only takes a MAX/MIN or the column appears elsewhere), and whether it returns one name column."""
    from sqlglot import exp

    from graphsql.sql.parse import try_parse

    tree = try_parse(gold)
    if tree is None:
        return set(), {}, False
    literals = {lit.this.lower() for lit in tree.find_all(exp.Literal) if lit.is_string}
    # Spider writes many values in double quotes, which sqlglot reads as identifiers
    literals |= {col.this.name.lower() for col in tree.find_all(exp.Column)
                 if isinstance(col.this, exp.Identifier) and col.this.quoted and not col.table}
    quantities: dict[str, str | None] = {}

    def words(name: str) -> set[str]:
        return set(re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).lower().split("_"))

    for ordered in tree.find_all(exp.Ordered):
        for col in ordered.find_all(exp.Column):
            for word in words(col.name) & QUANTITIES.keys():
                quantities.setdefault(word, "desc" if ordered.args.get("desc") else "asc")
    for col in tree.find_all(exp.Column):
        for word in words(col.name) & QUANTITIES.keys():
            quantities.setdefault(word, None)
    select = tree if isinstance(tree, exp.Select) else None
    one_name = False
    if select is not None and len(select.expressions) == 1:
        only = select.expressions[0]
        only = only.this if isinstance(only, exp.Alias) else only
        one_name = isinstance(only, exp.Column) and (only.name.lower() == "name" or
                                                      only.name.lower().endswith("_name"))
    return literals, quantities, one_name


def _value_rules(question: str, literals: set[str], changes: list) -> str:
    table = countries()
    for literal in sorted(literals, key=len, reverse=True):
        value = re.escape(literal)
        quoted = rf"(?:\"{value}\"|'{value}'|\b{value}\b)"
        if literal in CONTINENTS:
            pattern = re.compile(rf"(?:\b(?:the )?continent (?:of )?|\bthe )?{quoted}", re.I)
            new = f"the {CONTINENTS[literal]} continent"
            question = _sub_once(pattern, lambda m, new=new: new, question, changes)
        elif literal in table:
            demonym, capital = table[literal]
            if demonym:
                pattern = re.compile(rf"\b({_BE}) from {quoted}", re.I)
                question = _sub_once(pattern, lambda m, d=demonym: f"{m.group(1)} {d}", question, changes)
            if capital:
                pattern = re.compile(rf"(?:\b(?:the )?country (?:of |named |called )?|\bthe )?{quoted}", re.I)
                question = _sub_once(pattern, lambda m, c=capital: f"the country whose capital is {c}", question,
                                     changes)
    return question


def _order_rules(question: str, quantities: dict[str, str | None], changes: list) -> str:
    for word, direction in quantities.items():
        question = _order_rules_for(question, word, direction, changes)
    return question


def _order_rules_for(question: str, word: str, direction: str | None, changes: list) -> str:
    high, low = QUANTITIES[word]
    q = rf"{word}s?\b(?! of)"
    pairs = [
        (rf"\b(?:in|by) (ascending|increasing|descending|decreasing) order of (?:their |its |the )?{q}",
         lambda m: _from_to(m.group(1), high, low)),
        (rf"\b(ordered|sorted|ranked|arranged) by (?:their |its |the )?{q},? (?:in )?"
         rf"(ascending|increasing|descending|decreasing|asc|desc)(?: order)?",
         lambda m: f"{m.group(1)} {_from_to(m.group(2), high, low)}"),
        (rf"\b(with|having) the (?:({_HIGH})|({_LOW})) {q}",
         lambda m: f"that {'are' if m.group(1) == 'having' else 'is'} the {high if m.group(2) else low}"),
        (rf"\b(has|have) the (?:({_HIGH})|({_LOW})) {q}",
         lambda m: f"{'is' if m.group(1) == 'has' else 'are'} the {high if m.group(2) else low}"),
    ]
    if direction is not None:  # a bare "ordered by age": the gold query says which way
        pairs.append((rf"\b(ordered|sorted|ranked|arranged) by (?:their |its |the )?{q}"
                      rf"(?=\s*(?:[.?!,;]|$|and\b))",
                      lambda m, d=direction: f"{m.group(1)} {_from_to(d, high, low)}"))
    for pattern, repl in pairs:
        question = _sub_once(re.compile(pattern, re.I), repl, question, changes)
    return question


def _from_to(direction: str, high: str, low: str) -> str:
    if direction.lower().startswith(("desc", "decr")):
        return f"from the {high} to the {low}"
    return f"from the {low} to the {high}"


def _sub_once(pattern: re.Pattern, repl, question: str, changes: list) -> str:
    m = pattern.search(question)
    if m is None:
        return question
    new = repl(m)
    changes.append((m.group(0), new))
    return question[: m.start()] + new + question[m.end():]


def reword_knowledge(question: str, gold: str) -> KnowledgeRewording:
    """``question`` reworded by the rules of the module docstring, given its ``gold`` SQL."""
    literals, quantities, one_name = _gold_facts(gold)
    changes: list[tuple[str, str]] = []
    rules = []
    out = _value_rules(question, literals, changes)
    rules += ["value"] if changes else []
    before = len(changes)
    out = _order_rules(out, quantities, changes)
    rules += ["order"] if len(changes) > before else []
    if one_name:
        before = len(changes)
        out = _sub_once(re.compile(r"\bthe names? of (?=(?:all |each |every )?(?:the )?[A-Za-z])", re.I),
                        lambda m: "", out, changes)
        rules += ["omit_name"] if len(changes) > before else []
    return KnowledgeRewording(out, tuple(changes), tuple(rules))
