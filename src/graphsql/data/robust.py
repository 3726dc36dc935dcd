"""Robustness probes made from Spider dev: the same questions reworded by rule (`graphsql.data.reword`), the same
gold SQL, the same databases.

    >>> ds = load_dataset("spider", "dev_synonym")       # built once into ~/.cache/graphsql/robust/
    >>> ds.examples[0].question, ds.examples[0].meta["question_original"]

Splits (`ROBUST_SPLITS`): ``dev_synonym`` (content words swapped for WordNet synonyms, half of them),
``dev_schema_synonym`` (every word of the question that is a word of a table or column name swapped, so the
question stops naming its columns) and ``dev_knowledge`` (the question needs a little domain knowledge, after
Spider-DK: a country named by its capital or demonym, a continent by its adjective, "ordered by age" as "from the
oldest to the youngest", "the names of" left out; `graphsql.data.knowledge`). Every item is kept, reworded or not (``meta["reworded"]`` says which), so a
stratified sample picks the same items as on Spider dev and results pair item by item with the original
questions'. The values a gold query compares with (its string literals) are never reworded.

The generator is deterministic (seed ``SEED``, one random stream per item) and was written against Spider train
only; its rules are in `graphsql.data.reword` and `graphsql.data.knowledge`. A rule-based rewording is noisy: some rewordings pick a sense the
question did not mean (``letter 's'`` as ``missive 's'``), so part of any drop is the probe's own noise.
The file name carries a hash of the generator's code and of Spider's dev.json: a change to either rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections import Counter
from pathlib import Path

from graphsql.config import cache_dir
from graphsql.data.knowledge import reword_knowledge
from graphsql.data.records import DbSchema
from graphsql.data.reword import REWORD_KINDS, load_wordnet, reword_question, schema_words
from graphsql.errors import DataError

ROBUST_SPLITS = {"dev_synonym": ("dev", "synonym"), "dev_schema_synonym": ("dev", "schema_synonym"),
                 "dev_knowledge": ("dev", "knowledge")}
KINDS = (*REWORD_KINDS, "knowledge")
SEED = 0
_CODE = (Path(__file__).with_name("reword.py"), Path(__file__).with_name("knowledge.py"), Path(__file__))


def reword_items(items: list[dict], schemas: dict[str, DbSchema], kind: str, seed: int = SEED) -> list[dict]:
    """Spider-format ``items`` with ``question`` reworded by ``kind``; ``question_original`` and
    ``rewording`` (the word pairs) added to each, and for ``knowledge`` the ``rules`` that changed it."""
    from graphsql.sql.parse import string_literals

    if kind not in KINDS:
        raise DataError(f"unknown rewording {kind!r}: choose {', '.join(KINDS)}")
    wordnet = load_wordnet() if kind in REWORD_KINDS else None
    terms: dict[str, frozenset[str]] = {}
    out = []
    for i, item in enumerate(items):
        gold = item.get("query", item.get("SQL", ""))
        if kind == "knowledge":
            result = reword_knowledge(item["question"], gold)
        else:  # WordNet synonyms: the schema's words, and the values to keep
            schema = schemas.get(item["db_id"])
            if schema is not None and item["db_id"] not in terms:
                terms[item["db_id"]] = schema_words(schema)
            keep = string_literals(gold, schema) if gold else set()
            rng = random.Random(f"{seed}:{kind}:{i}")
            result = reword_question(item["question"], kind, rng, terms.get(item["db_id"], frozenset()), keep,
                                     wordnet=wordnet)
        new = dict(item)
        new["question"] = result.question
        new["question_original"] = item["question"]
        new["rewording"] = [list(pair) for pair in result.changes]
        if kind == "knowledge":
            new["rules"] = list(result.rules)
        if "question_toks" in new:
            new["question_toks"] = result.question.split()
        out.append(new)
    return out


def _fingerprint(source: Path) -> str:
    digest = hashlib.sha256()
    for path in (*_CODE, source):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def robust_questions_path(split: str, source: Path, schemas: dict[str, DbSchema], seed: int = SEED) -> Path:
    """The questions file of robustness split ``split`` made from ``source`` (Spider's dev.json), built into
    the cache if it is not there yet."""
    if split not in ROBUST_SPLITS:
        raise DataError(f"unknown robustness split {split!r}: choose {', '.join(ROBUST_SPLITS)}")
    _, kind = ROBUST_SPLITS[split]
    path = cache_dir() / "robust" / f"spider-{split}-seed{seed}-{_fingerprint(source)}.json"
    if path.exists():
        return path
    items = json.loads(source.read_text(encoding="utf-8"))
    reworded = reword_items(items, schemas, kind, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(reworded, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def describe_robust_split(items: list[dict], examples: int = 12) -> dict:
    """Counts of a reworded split: items changed, words replaced, the most frequent replacements, and the first
    ``examples`` changed questions beside their originals."""
    changed = [it for it in items if it.get("rewording")]
    pairs = Counter((old.lower(), new.lower()) for it in changed for old, new in it["rewording"])
    return {
        "items": len(items),
        "reworded": len(changed),
        "reworded_share": round(len(changed) / len(items), 4) if items else 0.0,
        "words_replaced": sum(pairs.values()),
        "words_per_reworded_item": round(sum(pairs.values()) / len(changed), 2) if changed else 0.0,
        "top_replacements": [f"{a} -> {b} ({n})" for (a, b), n in pairs.most_common(25)],
        **({"by_rule": dict(sorted(Counter(r for it in changed for r in it["rules"]).items()))}
           if any("rules" in it for it in items) else {}),
        "examples": [{"db_id": it["db_id"], "original": it["question_original"], "reworded": it["question"]}
                     for it in changed[:examples]],
    }
